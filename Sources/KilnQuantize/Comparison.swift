#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import KilnFormat
import KilnRuntime

/// A quantized generator against its float reference on the same latent vectors.
///
/// Per sample, PSNR = 10 log10(range^2 / MSE), range = hi - lo of `range`: the span of the
/// reference's outputs over all samples compared (or a range the caller gives), and MSE the mean
/// squared difference of the two outputs (+infinity when they are identical). A declared range
/// would say nothing for a model without a bounded output (a U-Net with no Tanh).
public struct Comparison: Sendable {
    public var psnr: [Double]
    public var maxAbsError: Double
    /// The output range the PSNR is measured over, and whether it was measured (not given).
    public var range: (lo: Double, hi: Double)
    public var rangeMeasured: Bool
    /// Outputs of both models, [samples, per-sample values].
    public var quantized, reference: [Float]
    public var perSample: Int

    public var meanPSNR: Double { psnr.reduce(0, +) / Double(psnr.count) }
    public var worstPSNR: Double { psnr.min() ?? .infinity }

    /// Runs both generators on the latent vectors of seeds seed ..< seed + samples (conditional
    /// models cycle through their classes). `outputRange` nil: measured on the reference.
    public static func run(quantized: KilnModel, reference: KilnModel, samples: Int, seed: UInt64 = 0,
                           outputRange: (lo: Double, hi: Double)? = nil) throws -> Comparison {
        let qs = try GeneratorSpec(model: quantized), rs = try GeneratorSpec(model: reference)
        guard qs.sampler.dimension == rs.sampler.dimension, qs.sampler.distribution == rs.sampler.distribution,
              (qs.labelInput == nil) == (rs.labelInput == nil), qs.classNames == rs.classNames else {
            throw QuantizeError("the two models have different latent spaces or classes; verify a model against the float model it was made from.")
        }
        return try run(quantized, reference, samples: samples, range: outputRange) { isQuantized, plan, first in
            (isQuantized ? qs : rs).fillInputs(of: plan, seed: seed, first: first)
        }
    }

    /// Runs both one-input models on `inputs` (`samples` inputs one after another).
    public static func run(quantized: KilnModel, reference: KilnModel, inputs: [Float], samples: Int,
                           outputRange: (lo: Double, hi: Double)? = nil) throws -> Comparison {
        try Calibration.checkInputs(inputs, samples: samples, plan: try Plan(model: reference, batch: 1))
        return try run(quantized, reference, samples: samples, range: outputRange) { _, plan, first in
            let x = plan.inputBuffer(0).bindMemory(to: Float.self)
            let per = x.count / plan.batch
            for i in 0 ..< plan.batch { for j in 0 ..< per { x[i * per + j] = inputs[((first + i) % samples) * per + j] } }
        }
    }

    private static func run(_ quantized: KilnModel, _ reference: KilnModel, samples: Int, range outputRange: (lo: Double, hi: Double)?,
                            fill: (_ isQuantized: Bool, Plan, _ first: Int) -> Void) throws -> Comparison {
        let batch = min(32, samples)
        let (q, r) = (try Plan(model: quantized, batch: batch), try Plan(model: reference, batch: batch))
        guard q.outputs[0].shape == r.outputs[0].shape else { throw QuantizeError("the two models' outputs differ in shape.") }
        let per = q.outputs[0].elementCount / batch
        var out = Comparison(psnr: [], maxAbsError: 0, range: outputRange ?? (.infinity, -.infinity), rangeMeasured: outputRange == nil,
                             quantized: [], reference: [], perSample: per)
        var squaredErrors: [Double] = []
        var done = 0
        while done < samples {
            for plan in [q, r] {
                fill(plan === q, plan, done)
                try plan.run()
            }
            let n = min(batch, samples - done)
            let a = q.outputBuffer(0).bindMemory(to: Float.self), b = r.outputBuffer(0).bindMemory(to: Float.self)
            out.quantized += a.prefix(n * per)
            out.reference += b.prefix(n * per)
            for i in 0 ..< n {
                var se = 0.0
                for j in i * per ..< (i + 1) * per {
                    let d = Double(a[j]) - Double(b[j])
                    se += d * d
                    out.maxAbsError = max(out.maxAbsError, abs(d))
                    if out.rangeMeasured { out.range = (min(out.range.lo, Double(b[j])), max(out.range.hi, Double(b[j]))) }
                }
                squaredErrors.append(se)
            }
            done += n
        }
        let range = out.range.hi - out.range.lo
        guard range > 0, range.isFinite else {
            throw QuantizeError("the float model's output is the same value (\(out.range.lo)) on every sample, so a PSNR has nothing to measure against; give the range with --output-range LO,HI.")
        }
        out.psnr = squaredErrors.map { $0 == 0 ? .infinity : 10 * log10(range * range / ($0 / Double(per))) }
        return out
    }
}
