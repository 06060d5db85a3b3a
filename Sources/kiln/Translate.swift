import ArgumentParser
import Foundation
import KilnFormat
import KilnImage
import KilnRuntime

struct Translate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Turn sketches into images with an image-to-image model (pix2pix).",
        discussion: """
        --input takes a PNG of any size, a folder of PNGs, or an .npy batch [N, 1, H, W] in [-1, 1]. \
        A PNG becomes a sketch as the model was trained on: gray (colour is converted, with a note), \
        inverted if drawn light on dark, resized to the model's input, and every pixel at least \
        --ink covered becomes a stroke. An .npy batch is used as it is. For photos, make a drawing \
        first with `kiln edges`.

        --out is of the same kind as the input (a PNG, a folder or an .npy); for a folder it may \
        also be a PNG grid of (sketch | translation) pairs, or an .npy of the translations in name \
        order. Float, fp16 and int8 models run alike; int8 gives the same bytes on every CPU and \
        thread count.

        Examples:
          kiln translate Formats/models/fashion-pix2pix-int8.kiln \\
              --input Formats/models/sketches/sneaker.png --out sneaker.png
          kiln translate --input Formats/models/sketches --out sketches.png
        """
    )

    @Argument(help: "The image-to-image model (default: \(Translate.defaultModel)).") var file: String?
    @Option(name: .shortAndLong, help: "A .png drawing, a folder of them, or an .npy batch [N, 1, H, W].") var input: String
    @Option(name: [.short, .customLong("out")], help: "Where to write the translation(s).") var out: String
    @Option(parsing: .unconditional, help: "Share of a pixel a stroke must cover, after resizing, to count (0 to 1).") var ink = 0.4
    @Option(parsing: .unconditional, help: "Pixels per model pixel in PNG output (1 to 16).") var zoom = 1
    @Option(parsing: .unconditional, help: "Threads (the bytes do not change).") var threads = 1
    @OptionGroup var memory: MemoryOptions

    static let defaultModel = "Formats/models/fashion-pix2pix-int8.kiln"

    func validate() throws {
        guard ink > 0, ink <= 1 else { throw ValidationError("--ink must be in (0, 1], not \(ink).") }
        guard (1 ... 16).contains(zoom) else { throw ValidationError("--zoom must be 1 to 16, not \(zoom).") }
        guard (1 ... 256).contains(threads) else { throw ValidationError("--threads must be 1 to 256, not \(threads).") }
    }

    func run() throws {
        let (path, model) = try DefaultModel.load(file, default: Translate.defaultModel)
        let source = try ImageInput(input)
        let batch: Int
        switch source {
        case .png: batch = 1
        case let .folder(_, names): batch = min(names.count, 64)
        case .npy: batch = 64
        }
        let translator: Translator
        do { translator = try Translator(model: model, batch: batch, threads: threads, maxMemory: memory.bytes) } catch { throw CLIError("\(path): \(error)") }
        guard translator.inputShape[0] == 1 else { throw CLIError("\(path) takes \(translator.inputShape[0])-channel images; kiln translate reads one-channel sketches.") }
        let (h, w) = (translator.inputShape[1], translator.inputShape[2])

        switch source {
        case let .png(file):
            let sketch = try prepare(file, width: w, height: h)
            let image = try translator.translate(sketch, count: 1)
            try writePNG(image, count: 1, columns: 1, translator, to: out)
            print("wrote \(out): \(file) translated by \(path)")
        case let .folder(dir, names):
            var sketches = [Float]()
            for name in names { sketches += try prepare(dir + "/" + name, width: w, height: h) }
            let images = try translator.translate(sketches, count: names.count)
            if out.lowercased().hasSuffix(".npy") {
                try writeFileAtomically(path: out, bytes: NPYArray(shape: [names.count] + translator.outputShape, data: .float32(images)).encode())
                print("wrote \(out): \(names.count) translations of \(dir) (files in name order) by \(path)")
            } else if out.lowercased().hasSuffix(".png") {
                let per = w * h, outPer = translator.outputShape.reduce(1, *)
                var cells = [Float]()
                for k in 0 ..< names.count {
                    cells += sketches[k * per ..< (k + 1) * per].map { Float(scale($0, from: translator.inputRange, to: translator.outputRange)) }
                    cells += images[k * outPer ..< (k + 1) * outPer]
                }
                try writePNG(cells, count: 2 * names.count, columns: 2 * min(names.count, 4), translator, to: out)
                print("wrote \(out): \(names.count) (sketch | translation) pairs from \(dir), by \(path)")
            } else {
                try createOutputFolder(out)
                let outPer = translator.outputShape.reduce(1, *)
                for (k, name) in names.enumerated() {
                    try writePNG(Array(images[k * outPer ..< (k + 1) * outPer]), count: 1, columns: 1, translator, to: out + "/" + name)
                }
                print("wrote \(names.count) translation\(names.count == 1 ? "" : "s") of \(dir) to \(out), by \(path)")
            }
        case let .npy(file):
            let b = try readImageBatch(file)
            guard b.height == h, b.width == w else {
                throw CLIError("\(file) holds \(b.width)x\(b.height) images but \(path) translates \(w)x\(h); resize them, or pass PNG files (resized automatically).")
            }
            let images = try translator.translate(b.values, count: b.count)
            try writeFileAtomically(path: out, bytes: NPYArray(shape: [b.count] + translator.outputShape, data: .float32(images)).encode())
            print("wrote \(out): \(b.count) translation\(b.count == 1 ? "" : "s") [\(b.count), \(translator.outputShape.map(String.init).joined(separator: ", "))] by \(path)")
        }
        if model[metadata: "quantization.type"]?.stringValue == "int8" {
            print("(int8: the same bytes on every CPU and thread count)")
        }
    }

    /// A PNG drawing as the model's input, with notes on what was changed and a warning for a
    /// blank sketch.
    private func prepare(_ file: String, width: Int, height: Int) throws -> [Float] {
        let (values, report) = Sketch.prepare(try readGrayImage(file), width: width, height: height, ink: ink)
        if report.inverted { FileHandle.standardError.write(Data("note: \(file) was drawn light on dark; it was inverted.\n".utf8)) }
        if report.strokes == 0 {
            FileHandle.standardError.write(Data("warning: \(file) has no strokes at \(width)x\(height) (blank, or lines too faint: lower --ink); translated anyway.\n".utf8))
        }
        return values
    }

    private func writePNG(_ images: [Float], count: Int, columns: Int, _ t: Translator, to path: String) throws {
        let s = t.outputShape
        let grid = images.withUnsafeBufferPointer {
            Grid.image(samples: $0, count: count, channels: s[0], height: s[1], width: s[2], lo: t.outputRange.lo, hi: t.outputRange.hi,
                       columns: columns, gap: count == 1 ? 0 : 2)
        }
        try writeFileAtomically(path: path, bytes: try grid.resized(width: grid.width * zoom, height: grid.height * zoom).pngData())
    }

    private func scale(_ v: Float, from a: (lo: Double, hi: Double), to b: (lo: Double, hi: Double)) -> Double {
        (Double(v) - a.lo) / (a.hi - a.lo) * (b.hi - b.lo) + b.lo
    }
}
