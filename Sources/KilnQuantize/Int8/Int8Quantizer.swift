import KilnFormat
import KilnRuntime

/// int8 quantization of a float model (Formats/SPEC.md, "Integer semantics"): BatchNorm folded;
/// weights symmetric per output channel in [-127, 127]; int32 biases; activations per tensor with
/// zero points, ranges calibrated on the model's own latent samples (or given inputs); ReLU and
/// LeakyReLU fused into the layer before them as two requantization multipliers; other
/// element-wise ops as 256-entry tables. Layers named in `keepFloat` (and, when allowed, ops with
/// no int8 form) stay in float with fp16 weights: mixed precision.
public enum Int8Quantizer {
    /// Ops with an int8 form (Add, Sub, Mul, Div and PReLU when Emitter.tableOperand or QAdd
    /// applies to the node's operands).
    static let int8Ops: Set<String> = ["Conv2d", "ConvTranspose2d", "Dense", "ReLU", "LeakyReLU", "Tanh", "Sigmoid",
                                       "Reshape", "Flatten", "Upsample", "Pad", "DepthToSpace", "SpaceToDepth", "Concat", "Embedding",
                                       "Transpose", "Expand", "Clip", "Sqrt", "Reciprocal", "Pow", "PReLU", "Add", "Sub", "Mul", "Div",
                                       "Bilinear", "InstanceNorm2d"]
    static let weightOps: Set<String> = ["Conv2d", "ConvTranspose2d", "Dense"]

    /// The nodes of `model` that `--to int8` keeps in float because they have no int8 form (for
    /// arithmetic and PReLU, decided by their operands), known before calibration.
    public static func nodesWithoutInt8Form(_ model: KilnModel) throws -> [Node] {
        let forms = Int8Forms(model, shapes: try Int8Forms.shapes(of: model))
        return model.graph.nodes.filter { $0.op != "BatchNorm2d" && !forms.has($0) }
    }

    /// The float model with BatchNorm folded, and the ranges of its values.
    public struct Preparation {
        let source: KilnModel
        let folded: KilnModel
        let calibration: Calibration
        let description: String
        public let foldedBatchNorms: Int
        /// Names of the layers (Conv2d, ConvTranspose2d, Dense) a mixed model could keep in fp16.
        public var weightLayers: [String] { folded.graph.nodes.filter { weightOps.contains($0.op) }.map(\.name) }
    }

    public struct Report: Sendable {
        /// Every node of the folded float model: name, op, and "int8", "fp16" or "fused into <layer>".
        public var layers: [(node: String, op: String, precision: String)] = []
        public var foldedBatchNorms = 0
        public var tables = 0
        public var calibration = ""
        /// Every int8 value: name, the seen min and max, and the chosen scale and zero point.
        public var values: [(name: String, seen: (lo: Double, hi: Double), scale: Float, zeroPoint: Int32)] = []
        public var floatLayers: [String] { layers.filter { $0.precision == "fp16" }.map(\.node) }
    }

    /// Checks the model, folds BatchNorm and calibrates. `source` nil: the model's own latent
    /// samples (seed 0x4B494C4E); the model must then be a generator.
    public static func prepare(_ model: KilnModel, samples: Int = 512, inputs: [Float]? = nil,
                               method: CalibrationMethod = .mse) throws -> Preparation {
        if let q = model[metadata: "quantization.type"]?.stringValue {
            throw QuantizeError("the model is already quantized (\(q)); quantize the float model instead.")
        }
        for t in model.tensors where t.dtype == .f32 {
            if let bad = t.floats!.first(where: { !$0.isFinite }) {
                throw QuantizeError("tensor '\(t.name)' holds \(bad); a model with NaN or infinite weights cannot be quantized. Retrain or repair it.")
            }
        }
        guard (1 ... 100_000).contains(samples) else { throw QuantizeError("the calibration sample count must be 1 to 100,000, not \(samples).") }
        let (folded, count) = try BatchNormFolding.fold(model)
        let source: CalibrationSource
        let what: String
        if let inputs {
            source = .inputs(values: inputs, samples: samples)
            what = "\(samples) given inputs"
        } else {
            guard (try? GeneratorSpec(model: model)) != nil else {
                throw QuantizeError("the model is not a generator (it has no latent metadata), so it cannot be calibrated on its own latent samples; give calibration inputs as an .npy file (--calibration-data).")
            }
            source = .latent(samples: samples, seed: 0x4B49_4C4E)
            what = "\(samples) latent samples"
        }
        let calibration = try Calibration(model: folded, source: source, method: method)
        return Preparation(source: model, folded: folded, calibration: calibration, description: "\(method.rawValue) over \(what)",
                           foldedBatchNorms: count)
    }

    /// The quantized model. `keepFloat`: layer names kept in float with fp16 weights;
    /// `allowFloatOps`: ops with no int8 form stay in float instead of failing.
    public static func emit(_ p: Preparation, keepFloat: Set<String> = [], allowFloatOps: Bool = false) throws -> (KilnModel, Report) {
        var e = Emitter(p, keepFloat: keepFloat, allowFloatOps: allowFloatOps)
        try e.run()
        var out = KilnModel(metadata: p.source.metadata, tensors: e.tensors, graph: Graph(inputs: p.folded.graph.inputs, nodes: e.nodes, outputs: p.folded.graph.outputs))
        let type = e.report.layers.contains { $0.precision == "fp16" || $0.precision == "f32" } ? "mixed" : "int8"
        let name = p.source[metadata: "general.name"]?.stringValue ?? "model"
        out.metadata = out.metadata.map { $0.0 == "general.name" ? ($0.0, .string(name + "-" + type)) : $0 }
        out.metadata += [("quantization.type", .string(type)), ("quantization.source", .string(name)),
                         ("quantization.calibration", .string(p.description))]
        e.report.foldedBatchNorms = p.foldedBatchNorms
        e.report.calibration = p.description
        try out.validate()
        return (out, e.report)
    }
}
