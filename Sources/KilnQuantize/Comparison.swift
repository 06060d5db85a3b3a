#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import KilnFormat
import KilnRuntime

/// A quantized generator against its float reference on the same latent vectors.
///
/// Per sample, PSNR = 10 log10(range^2 / MSE), range = hi - lo of the reference's output.range and
/// MSE the mean squared difference of the two outputs (+infinity when they are identical).
public struct Comparison: Sendable {
    public var psnr: [Double]
    public var maxAbsError: Double
    /// Outputs of both models, [samples, per-sample values].
    public var quantized, reference: [Float]
    public var perSample: Int

    public var meanPSNR: Double { psnr.reduce(0, +) / Double(psnr.count) }
    public var worstPSNR: Double { psnr.min() ?? .infinity }

    /// Runs both generators on the latent vectors of seeds seed ..< seed + samples (conditional
    /// models cycle through their classes).
    public static func run(quantized: KilnModel, reference: KilnModel, samples: Int, seed: UInt64 = 0) throws -> Comparison {
        let qs = try GeneratorSpec(model: quantized), rs = try GeneratorSpec(model: reference)
        guard qs.sampler.dimension == rs.sampler.dimension, qs.sampler.distribution == rs.sampler.distribution,
              (qs.labelInput == nil) == (rs.labelInput == nil), qs.classNames == rs.classNames else {
            throw QuantizeError("the two models have different latent spaces or classes; verify a model against the float model it was made from.")
        }
        return try run(quantized, reference, samples: samples, range: rs.outputRange) { isQuantized, plan, first in
            (isQuantized ? qs : rs).fillInputs(of: plan, seed: seed, first: first)
        }
    }

    /// Runs both one-input models on `inputs` (`samples` inputs one after another); the PSNR
    /// range is the reference's output.range (default [-1, 1]).
    public static func run(quantized: KilnModel, reference: KilnModel, inputs: [Float], samples: Int) throws -> Comparison {
        let r = reference[metadata: "output.range"]?.floatsValue ?? [-1, 1]
        try Calibration.checkInputs(inputs, samples: samples, plan: try Plan(model: reference, batch: 1))
        return try run(quantized, reference, samples: samples, range: (r[0], r[1])) { _, plan, first in
            let x = plan.inputBuffer(0).bindMemory(to: Float.self)
            let per = x.count / plan.batch
            for i in 0 ..< plan.batch { for j in 0 ..< per { x[i * per + j] = inputs[((first + i) % samples) * per + j] } }
        }
    }

    private static func run(_ quantized: KilnModel, _ reference: KilnModel, samples: Int, range outputRange: (lo: Double, hi: Double),
                            fill: (_ isQuantized: Bool, Plan, _ first: Int) -> Void) throws -> Comparison {
        let batch = min(32, samples)
        let (q, r) = (try Plan(model: quantized, batch: batch), try Plan(model: reference, batch: batch))
        guard q.outputs[0].shape == r.outputs[0].shape else { throw QuantizeError("the two models' outputs differ in shape.") }
        let per = q.outputs[0].elementCount / batch
        var out = Comparison(psnr: [], maxAbsError: 0, quantized: [], reference: [], perSample: per)
        let range = outputRange.hi - outputRange.lo
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
                }
                out.psnr.append(se == 0 ? .infinity : 10 * log10(range * range / (se / Double(per))))
            }
            done += n
        }
        return out
    }
}
