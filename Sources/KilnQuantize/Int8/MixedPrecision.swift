import KilnFormat
import KilnRuntime

/// Mixed precision: start from all-int8 (ops with no int8 form in float), then keep in fp16, one
/// at a time, the layer whose float version raises the PSNR against the float model most, until
/// the mean PSNR reaches the target or every layer is float.
public enum MixedPrecision {
    public struct Step: Sendable {
        /// Layers in fp16 after this step.
        public var floatLayers: [String]
        public var meanPSNR: Double
    }

    /// `score` measures a candidate's mean PSNR in dB against the float model.
    public static func search(_ p: Int8Quantizer.Preparation, targetPSNR: Double,
                              score: (KilnModel) throws -> Double) throws -> (KilnModel, Int8Quantizer.Report, [Step]) {
        var kept: [String] = []
        var (model, report) = try Int8Quantizer.emit(p, allowFloatOps: true)
        var psnr = try score(model)
        var steps = [Step(floatLayers: report.floatLayers, meanPSNR: psnr)]
        while psnr < targetPSNR {
            let candidates = p.weightLayers.filter { !kept.contains($0) }
            guard !candidates.isEmpty else { break }
            var best: (name: String, model: KilnModel, report: Int8Quantizer.Report, psnr: Double)?
            for c in candidates {
                let (m, r) = try Int8Quantizer.emit(p, keepFloat: Set(kept + [c]), allowFloatOps: true)
                let s = try score(m)
                if best == nil || s > best!.psnr { best = (c, m, r, s) }
            }
            kept.append(best!.name)
            (model, report, psnr) = (best!.model, best!.report, best!.psnr)
            steps.append(Step(floatLayers: report.floatLayers, meanPSNR: psnr))
        }
        return (model, report, steps)
    }
}
