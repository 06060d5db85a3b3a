import ArgumentParser
import KilnFormat
import KilnImage
import KilnLatent
import KilnRuntime

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sample latent vectors from seeds, run the generator and write a PNG grid.",
        discussion: """
        Image i of the grid comes from seed SEED + i, so `--seed 12 --count 1` reproduces the \
        thirteenth image of `--seed 0`. The latent sampler is bit-exact on every platform \
        (Formats/SPEC.md, "Latent sampler"). Conditional models cycle through their classes, one \
        class per column, or make one class with --class. --latent-file takes the vectors from an \
        .npy file instead of seeds (one image per row; see `kiln sample`). \
        Values are mapped to pixels from the model's declared output range (output.range).

        Examples:
          kiln generate --seed 3 --count 8
          kiln generate Formats/models/fashion-cond-int8.kiln --class sneaker \\
              --count 8
        """
    )

    @Argument(help: "The .kiln generator (default: the shipped default model).")
    var file: String?

    @Option(parsing: .unconditional, help: "Seed of the first image (0 to 2^64-1).")
    var seed: UInt64 = 0

    @Option(parsing: .unconditional, help: "Number of images (default 16, or every row of --latent-file).")
    var count: Int?

    @Option(name: .customLong("class"), help: "For a class-conditional model: make only this class (a name from its classes.names, or its number).")
    var className: String?

    @Option(help: "Take the latent vectors from this .npy file (float32 [N, latent.dim]) instead of seeds.")
    var latentFile: String?

    @Option(name: [.short, .customLong("out")], help: "The PNG file to write.")
    var out = "samples.png"

    @Option(parsing: .unconditional, help: "Images per row of the grid (default: one per class for conditional models, else a square grid).")
    var columns: Int?

    @OptionGroup var options: GeneratorRunOptions

    func validate() throws {
        if let count, !(1 ... 65536).contains(count) { throw ValidationError("--count must be 1 to 65536, not \(count).") }
        if let columns, columns < 1 { throw ValidationError("--columns must be at least 1, not \(columns).") }
    }

    func run() throws {
        let (path, generator) = try options.generator(file, images: count ?? 16)
        let spec = generator.spec
        var latents: [[Float]]
        var source: String
        if let latentFile {
            latents = try readLatents(latentFile, dimension: spec.sampler.dimension)
            if let count {
                guard count <= latents.count else { throw CLIError("--count \(count) asks for more images than the \(latents.count) rows of \(latentFile).") }
                latents = Array(latents.prefix(count))
            }
            source = "rows 0 to \(latents.count - 1) of \(latentFile)"
        } else {
            let n = count ?? 16
            latents = (0 ..< n).map { spec.sampler.sample(seed: seed &+ UInt64($0)) }
            source = "seeds \(seed) to \(seed &+ UInt64(n - 1))"
        }
        var labels: [Int]?
        if let className {
            let c = try classIndex(className, of: generator, path: path)
            labels = [Int](repeating: c, count: latents.count)
            source += ", class \(spec.classNames[c])"
        }
        let images: [Float]
        do { images = try generator.images(latents: latents, labels: labels) } catch { throw CLIError("\(path): \(error)") }
        let s = generator.imageShape
        let grid = images.withUnsafeBufferPointer {
            Grid.image(samples: $0, count: latents.count, channels: s[0], height: s[1], width: s[2],
                       lo: spec.outputRange.lo, hi: spec.outputRange.hi,
                       columns: columns ?? (spec.labelInput == nil || labels != nil ? nil : spec.classNames.count))
        }
        let png = try grid.pngData()
        try writeFileAtomically(path: out, bytes: png)
        print("wrote \(out): \(latents.count) image\(latents.count == 1 ? "" : "s") of \(s[2])x\(s[1]) from \(source) (\(path))")
        print("sha256 \(png.withUnsafeBytes { sha256Hex($0) })" + (generator.model[metadata: "quantization.type"]?.stringValue == "int8" ? " (int8: the same on every CPU and thread count)" : ""))
    }
}
