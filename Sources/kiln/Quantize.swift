import ArgumentParser
import Foundation
import KilnFormat
import KilnQuantize

struct Quantize: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Convert a float model to a smaller precision.",
        discussion: """
        --to fp16 stores the weights of Conv2d, ConvTranspose2d, Dense and Embedding as IEEE binary16
        (round to nearest even), halving the file; biases and normalization stay f32. The runtime
        widens the weights back to f32 exactly when it loads the model. Check the result with
        `kiln verify OUT --reference IN`.

        int8 and mixed precision are not implemented yet (see the README's status).

        Example: kiln quantize model.kiln --to fp16 -o model-fp16.kiln
        """
    )

    enum Precision: String, ExpressibleByArgument, CaseIterable { case fp16 }

    @Argument(help: "The float model.") var file: String
    @Option(help: "Target precision: \(Precision.allCases.map(\.rawValue).joined(separator: ", ")).") var to: Precision
    @Option(name: [.short, .customLong("output")], help: "Where to write the quantized model.") var output: String

    func run() throws {
        let (path, model) = try DefaultModel.load(file)
        let (quantized, report): (KilnModel, FP16.Report)
        do { (quantized, report) = try FP16.quantize(model) } catch { throw CLIError("\(path): \(error)") }
        let bytes = try quantized.encode()
        do { try writeFileAtomically(path: output, bytes: bytes) } catch { throw CLIError("cannot write '\(output)': \(error)") }
        let before = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        let elements = report.converted.reduce(0) { $0 + $1.elements }
        print("wrote \(output): \(report.converted.count) weight tensors (\(grouped(elements)) values) in fp16; "
            + "\(grouped(bytes.count)) bytes, \(String(format: "%.1f", Double(bytes.count) / Double(max(before, 1)) * 100))% of \(grouped(before))")
        print(String(format: "largest relative rounding error of a weight: %.2e (binary16 rounds to within 2^-11 = 4.9e-4)", report.maxRelativeError))
    }
}
