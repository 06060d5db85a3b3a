import ArgumentParser
import Foundation
import KilnFormat
#if canImport(KilnONNX)
import KilnONNX
#endif

struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Convert an ONNX model (e.g. from torch.onnx.export) to a .kiln model.",
        discussion: """
        Reads ONNX opsets 11 to 21 (weights inline, in typed fields or in external data files next to \
        the .onnx), folds the shape arithmetic exporters write around Reshape, and writes a float \
        .kiln model, which `kiln quantize` can then make int8 or fp16. Only the first (batch) \
        dimension of an input may be dynamic.

        ONNX does not say what a model is: a model with one float input of shape [d] or [d, 1, 1] \
        (and perhaps an integer class-label input) is taken as a generator with a normal latent \
        space of d values; --latent says otherwise. Nothing is written if the conversion fails.

        Examples:
          kiln convert generator.onnx -o generator.kiln
          kiln convert unet.onnx --latent none --output-range 0,1 -o unet.kiln
          kiln convert cgan.onnx --classes "T-shirt,Trouser,Pullover" -o cgan.kiln
        """
    )

    enum Latent: String, ExpressibleByArgument, CaseIterable { case auto, none, normal, uniform }

    @Argument(help: "The .onnx file.") var file: String
    @Option(name: [.short, .customLong("output")], help: "Where to write the .kiln model.") var output: String
    @Option(help: "The model's name (default: the file's name).") var name: String?
    @Option(help: "Latent space: auto, none (not a generator), normal or uniform.") var latent: Latent = .auto
    @Option(parsing: .unconditional, help: "The output's value range as LO,HI (default -1,1, a Tanh output).") var outputRange = "-1,1"
    @Option(help: "Class names of a conditional generator, comma-separated.") var classes: String?

    func validate() throws { _ = try parseOutputRange(outputRange) }

    func run() throws {
        #if canImport(KilnONNX)
        var o = ONNXImporter.Options()
        o.name = name
        o.latent = ONNXImporter.Options.Latent(rawValue: latent.rawValue)!
        o.outputRange = try parseOutputRange(outputRange)
        o.classNames = classes.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } } ?? []
        let (model, report): (KilnModel, ONNXImporter.Report)
        do { (model, report) = try ONNXImporter.convert(contentsOf: file, options: o) } catch { throw CLIError("\(file): \(error)") }
        let bytes = try model.encode()
        try writeFileAtomically(path: output, bytes: bytes)
        let ops = report.kilnOps.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        print("read \(file): ONNX opset \(report.opset)\(report.producer.isEmpty ? "" : ", made by \(report.producer)"), \(report.onnxNodes) nodes (\(report.folded) folded away)")
        print("wrote \(output): \(grouped(bytes.count)) bytes; \(ops)")
        print(report.generator.map { "a generator: \($0); try `kiln generate \(output)`" } ?? "not a generator (use --latent normal if it is one); try `kiln run \(output)`")
        #else
        throw CLIError("this kiln was built without ONNX import: it needs Swift 6.2 or newer (swift-protobuf), and was built with an older compiler. Convert on a machine with a newer Swift; the .kiln file it writes runs here.")
        #endif
    }
}
