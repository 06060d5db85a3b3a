import CKilnKernels
import KilnFormat

/// fp16 quantization: the weight tensors (input 1 of Conv2d, ConvTranspose2d, Dense and Embedding)
/// are rounded to IEEE binary16, round to nearest even (`kiln_f32_to_f16_ref`); biases and
/// normalization parameters stay f32. The runtime widens them back to f32 exactly at load.
public enum FP16 {
    static let weightOps: Set<String> = ["Conv2d", "ConvTranspose2d", "Dense", "Embedding"]

    public struct Report: Sendable {
        /// Names and element counts of the converted tensors.
        public var converted: [(name: String, elements: Int)]
        /// Largest relative rounding error |f16(w) - w| / |w| over the weights in binary16's normal
        /// range (|w| >= 2^-14; at most 2^-11). Smaller weights become subnormal halfs, off by at
        /// most 2^-25 in absolute terms.
        public var maxRelativeError: Double
    }

    public static func quantize(_ model: KilnModel) throws -> (KilnModel, Report) {
        if let q = model[metadata: "quantization.type"]?.stringValue {
            throw QuantizeError("the model is already quantized (\(q)); quantize the float model instead.")
        }
        let weights = Set(model.graph.nodes.filter { weightOps.contains($0.op) && $0.inputs.count > 1 }.map { $0.inputs[1] })
        var out = model
        var report = Report(converted: [], maxRelativeError: 0)
        for (i, t) in model.tensors.enumerated() where weights.contains(t.name) && t.dtype == .f32 {
            let values = t.floats!
            if let bad = values.first(where: { !$0.isFinite }) {
                throw QuantizeError("tensor '\(t.name)' holds \(bad); a model with NaN or infinite weights cannot be quantized. Retrain or repair it.")
            }
            let halfs = try half(t, name: t.name)
            var back = [Float](repeating: 0, count: values.count)
            halfs.bytes.withMemoryRebound(to: UInt16.self) { kiln_f16_to_f32_ref($0.baseAddress!, &back, values.count) }
            for (w, r) in zip(values, back) where abs(w) >= 0x1p-14 { report.maxRelativeError = max(report.maxRelativeError, Double(abs(r - w) / abs(w))) }
            var q = halfs
            (q.quantAxis, q.quantScaleTensor, q.quantZeroPointTensor) = (t.quantAxis, t.quantScaleTensor, t.quantZeroPointTensor)
            out.tensors[i] = q
            report.converted.append((t.name, values.count))
        }
        guard !report.converted.isEmpty else {
            throw QuantizeError("the model has no f32 weights of Conv2d, ConvTranspose2d, Dense or Embedding to convert.")
        }
        let name = model[metadata: "general.name"]?.stringValue ?? "model"
        out.metadata = out.metadata.map { $0.0 == "general.name" ? ($0.0, .string(name + "-fp16")) : $0 }
        out.metadata += [("quantization.type", .string("fp16")), ("quantization.source", .string(name))]
        return (out, report)
    }

    /// `t` (f32) rounded to binary16, named `name` (default: t's name + ".f16").
    static func half(_ t: Tensor, name: String? = nil) throws -> Tensor {
        let values = t.floats!
        if let big = values.first(where: { abs($0) > 65504 }) {
            throw QuantizeError("tensor '\(t.name)' holds \(big), beyond the largest half (65504); keep it in f32.")
        }
        var halfs = [UInt16](repeating: 0, count: values.count)
        if !values.isEmpty { kiln_f32_to_f16_ref(values.baseAddress!, &halfs, values.count) }
        return halfs.withUnsafeBytes { Tensor(name: name ?? t.name + ".f16", dtype: .f16, shape: t.shape, data: $0) }
    }
}
