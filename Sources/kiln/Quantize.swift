import ArgumentParser
import Foundation
import KilnFormat
import KilnQuantize

struct Quantize: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Convert a float model to int8, fp16 or mixed precision.",
        discussion: """
        --to int8 folds BatchNorm into the layer before it, stores weights as int8 per output \
        channel with int32 biases, and quantizes activations per tensor with ranges calibrated by \
        running the float model on its own latent samples (--calibration-samples; models without a \
        latent input need --calibration-data). ReLU / LeakyReLU fuse into the layer before them; \
        Tanh, Sigmoid and lone activations become 256-entry tables stored in the file. The result \
        runs on integer arithmetic only and gives the same bytes on every CPU and thread count. Ops \
        with no int8 form (InstanceNorm2d, PReLU, Bilinear, ...) stay in float, listed before \
        calibration; the file is then "mixed".

        --to fp16 stores the weights of Conv2d, ConvTranspose2d, Dense and Embedding as IEEE binary16 \
        (round to nearest even); biases and normalization stay f32.

        --to mixed starts from int8 (ops with no int8 form stay in float) and keeps in fp16, one at \
        a time, the layer that raises the PSNR against the float model most, until the mean PSNR on \
        64 latent samples reaches --target-psnr (relative to the span of the float model's outputs, \
        or --output-range). It reports which layers it kept.

        Check any result with `kiln verify OUT --reference IN`.

        Examples:
          kiln quantize model.kiln --to int8 -o model-int8.kiln
          kiln quantize model.kiln --to mixed --target-psnr 40 -o model-mixed.kiln
        """
    )

    enum Precision: String, ExpressibleByArgument, CaseIterable { case int8, fp16, mixed }

    @Argument(help: "The float model.") var file: String
    @Option(help: "Target precision: \(Precision.allCases.map(\.rawValue).joined(separator: ", ")).") var to: Precision
    @Option(name: [.short, .customLong("output")], help: "Where to write the quantized model.") var output: String
    @Option(parsing: .unconditional, help: "int8 / mixed: calibration samples.") var calibrationSamples = 512
    @Option(help: "int8 / mixed: range choice, minmax or mse (clips outliers where that lowers the expected error).")
    var calibration: String = CalibrationMethod.mse.rawValue
    @Option(help: "int8 / mixed: calibration inputs (.npy, f32, [samples, ...]) for a model without a latent input.")
    var calibrationData: String?
    @Option(parsing: .unconditional, help: "mixed: the mean PSNR in dB to reach.") var targetPsnr = 40.0
    @Option(parsing: .unconditional, help: "mixed: the output range LO,HI the PSNR is relative to (default: measured on the float model).") var outputRange: String?
    @Flag(help: "int8 / mixed: list every int8 value with its calibrated range, scale and zero point.") var verbose = false

    func validate() throws {
        guard (1 ... 100_000).contains(calibrationSamples) else {
            throw ValidationError("--calibration-samples must be 1 to 100,000, not \(calibrationSamples).")
        }
        guard CalibrationMethod(rawValue: calibration) != nil else {
            throw ValidationError("--calibration must be one of \(CalibrationMethod.allCases.map(\.rawValue).joined(separator: ", ")), not '\(calibration)'.")
        }
        guard targetPsnr.isFinite, targetPsnr > 0 else { throw ValidationError("--target-psnr must be a positive number of dB.") }
        if let outputRange { _ = try parseOutputRange(outputRange) }
    }

    func run() throws {
        let (path, model) = try DefaultModel.load(file)
        let quantized: KilnModel
        do {
            switch to {
            case .fp16:
                let (q, report) = try FP16.quantize(model)
                quantized = q
                print(String(format: "fp16: %d weight tensors; largest relative rounding error of a weight %.2e (binary16: within 2^-11 = 4.9e-4)",
                             report.converted.count, report.maxRelativeError))
            case .int8, .mixed:
                quantized = try integer(model)
            }
        } catch let e as CLIError { throw e } catch { throw CLIError("\(path): \(error)") }
        let bytes = try quantized.encode()
        try writeFileAtomically(path: output, bytes: bytes)
        let before = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        print("wrote \(output): \(grouped(bytes.count)) bytes, "
            + String(format: "%.1f%% of the float file (%@ bytes)", Double(bytes.count) / Double(max(before, 1)) * 100, grouped(before)))
    }

    private func integer(_ model: KilnModel) throws -> KilnModel {
        var inputs: [Float]?, samples = calibrationSamples
        if let calibrationData {
            let (v, n) = try readSamples(calibrationData)
            (inputs, samples) = (v, min(samples, n))
        }
        let method = CalibrationMethod(rawValue: calibration)!
        let float = try Int8Quantizer.nodesWithoutInt8Form(model)
        if !float.isEmpty {
            print("kept in float (no int8 form in this kiln): " + float.map { "\($0.name) (\($0.op))" }.joined(separator: ", "))
        }
        print("calibrating on \(samples) samples (\(method.rawValue))")
        let prep = try Int8Quantizer.prepare(model, samples: samples, inputs: inputs, method: method)
        let result: KilnModel, report: Int8Quantizer.Report
        if to == .int8 {
            (result, report) = try Int8Quantizer.emit(prep, allowFloatOps: true)
        } else {
            let range = try outputRange.map(parseOutputRange)
            var used: Comparison?
            let score: (KilnModel) throws -> Double = { m in
                let c = try inputs.map { try Comparison.run(quantized: m, reference: model, inputs: $0, samples: min(64, samples), outputRange: range) }
                    ?? Comparison.run(quantized: m, reference: model, samples: 64, seed: 1 << 40, outputRange: range)
                if used == nil { print("PSNR over the output range " + describeRange(c.range.lo, c.range.hi, measured: c.rangeMeasured)) }
                used = c
                return c.meanPSNR
            }
            let steps: [MixedPrecision.Step]
            (result, report, steps) = try MixedPrecision.search(prep, targetPSNR: targetPsnr, score: score)
            for s in steps {
                print(String(format: "  %6.2f dB with %@", s.meanPSNR, s.floatLayers.isEmpty ? "every layer int8" : "fp16: " + s.floatLayers.joined(separator: ", ")))
            }
            if steps.last!.meanPSNR < targetPsnr {
                print(String(format: "warning: %.2f dB is below --target-psnr %.2f even with every layer in fp16.", steps.last!.meanPSNR, targetPsnr))
            }
        }
        print("calibration: \(report.calibration); \(report.foldedBatchNorms) BatchNorm folded, \(report.tables) tables")
        for l in report.layers { print("  \(l.node.padding(toLength: 22, withPad: " ", startingAt: 0)) \(l.op.padding(toLength: 16, withPad: " ", startingAt: 0)) \(l.precision)") }
        if verbose {
            print("int8 values (seen min ... max -> represented range, scale, zero point):")
            for v in report.values {
                let lo = Double(-128 - v.zeroPoint) * Double(v.scale), hi = Double(127 - v.zeroPoint) * Double(v.scale)
                print(String(format: "  %-24@ %9.4f ... %-9.4f -> %9.4f ... %-9.4f scale %.4g zero %d", v.name, v.seen.lo, v.seen.hi, lo, hi, v.scale, v.zeroPoint))
            }
        }
        return result
    }
}
