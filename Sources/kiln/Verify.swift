import ArgumentParser
import Foundation
import KilnEval
import KilnFormat
import KilnQuantize

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare a quantized generator with its float reference.",
        discussion: """
        Runs both models on the latent vectors of seeds SEED ..< SEED + SAMPLES and reports, per \
        sample, PSNR = 10 log10(range^2 / MSE) with range = the span of the float model's outputs \
        over the samples (or --output-range): the mean and the worst, and the largest absolute difference. With --classifier, also \
        the share of samples whose predicted class is the same for both. Exits with status 1 when \
        the mean PSNR is below --min-psnr.

        Example:
          kiln verify model-fp16.kiln --reference model.kiln --min-psnr 55
        """
    )

    @Argument(help: "The quantized model.") var file: String
    @Option(help: "The float model it was made from.") var reference: String
    @Option(parsing: .unconditional, help: "Number of samples.") var samples = 256
    @Option(parsing: .unconditional, help: "Seed of the first sample.") var seed: UInt64 = 0
    @Option(help: "A classifier (from `kiln train-classifier`) for the class agreement.") var classifier: String?
    @Option(parsing: .unconditional, help: "Fail (exit 1) when the mean PSNR in dB is below this.") var minPsnr: Double?
    @Option(help: "Inputs (.npy, f32, [samples, ...]) for a model without a latent input, e.g. an image-to-image U-Net.") var inputs: String?
    @Option(parsing: .unconditional, help: "The output range LO,HI the PSNR is relative to (default: measured on the float model).") var outputRange: String?

    func validate() throws {
        guard (1 ... 100_000).contains(samples) else { throw ValidationError("--samples must be 1 to 100,000, not \(samples).") }
        if let outputRange { _ = try parseOutputRange(outputRange) }
    }

    func run() throws {
        let (qPath, q) = try DefaultModel.load(file)
        let (rPath, r) = try DefaultModel.load(reference)
        let c: Comparison
        var count = samples
        let range = try outputRange.map(parseOutputRange)
        do {
            if let inputs {
                let (v, n) = try readSamples(inputs)
                count = min(samples, n)
                c = try Comparison.run(quantized: q, reference: r, inputs: v, samples: count, outputRange: range)
            } else {
                c = try Comparison.run(quantized: q, reference: r, samples: samples, seed: seed, outputRange: range)
            }
        } catch let e as CLIError { throw e } catch { throw CLIError("\(qPath) vs \(rPath): \(error)") }
        func db(_ v: Double) -> String { v.isInfinite ? "inf (identical)" : String(format: "%.2f dB", v) }
        print("\(qPath) vs \(rPath), \(count) samples " + (inputs.map { "from \($0)" } ?? "from seed \(seed)"))
        print("output range   " + describeRange(c.range.lo, c.range.hi, measured: c.rangeMeasured))
        print("PSNR mean      \(db(c.meanPSNR))")
        print("PSNR worst     \(db(c.worstPSNR))")
        print(String(format: "max abs error  %.3g", c.maxAbsError))
        if let classifier {
            let (jPath, jm) = try DefaultModel.load(classifier)
            let judge: Judge
            do { judge = try Judge(model: jm) } catch { throw CLIError("\(jPath): \(error)") }
            let k = judge.classNames.count
            let a = try c.quantized.withUnsafeBufferPointer { try judge.classify($0, count: count) }.probabilities
            let b = try c.reference.withUnsafeBufferPointer { try judge.classify($0, count: count) }.probabilities
            let same = (0 ..< count).filter { Judge.argmax(a[$0 * k ..< ($0 + 1) * k]) == Judge.argmax(b[$0 * k ..< ($0 + 1) * k]) }.count
            print(String(format: "class agreement %.2f%% (%d of %d samples, judged by %@)", Double(same) / Double(count) * 100, same, count, jPath))
        }
        if let minPsnr, c.meanPSNR < minPsnr {
            throw CLIError(String(format: "the mean PSNR %.2f dB is below --min-psnr %.2f dB.", c.meanPSNR, minPsnr))
        }
    }
}
