import ArgumentParser
import KilnFormat
import KilnImage
import KilnRuntime

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sample latent vectors from seeds, run the generator and write a PNG grid.",
        discussion: """
        Image i of the grid comes from seed SEED + i, so `--seed 12 --count 1` reproduces the
        thirteenth image of `--seed 0`. The latent sampler is bit-exact on every platform
        (Formats/SPEC.md, "Latent sampler"). Conditional models cycle through their classes, one
        class per column.
        Values are mapped to pixels from the model's declared output range (output.range).
        """
    )

    @Argument(help: "The .kiln generator (default: the shipped default model).")
    var file: String?

    @Option(help: "Seed of the first image (0 to 2^64-1).")
    var seed: UInt64 = 0

    @Option(help: "Number of images.")
    var count = 16

    @Option(name: [.short, .customLong("out")], help: "The PNG file to write.")
    var out = "samples.png"

    @Option(help: "Images per row of the grid (default: one per class for conditional models, else a square grid).")
    var columns: Int?

    @Option(help: "Images per forward pass (memory grows with it).")
    var batch = 8

    @Option(help: "Threads: convolutions and dense layers split their output work (the bytes do not change).")
    var threads = 1

    func validate() throws {
        guard (1 ... 65536).contains(count) else { throw ValidationError("--count must be 1 to 65536, not \(count).") }
        guard (1 ... 1024).contains(batch) else { throw ValidationError("--batch must be 1 to 1024, not \(batch).") }
        guard (1 ... 256).contains(threads) else { throw ValidationError("--threads must be 1 to 256, not \(threads).") }
        if let columns, columns < 1 { throw ValidationError("--columns must be at least 1, not \(columns).") }
    }

    func run() throws {
        let (path, model) = try DefaultModel.load(file)
        let spec: GeneratorSpec
        do { spec = try GeneratorSpec(model: model) } catch { throw CLIError("\(path): \(error)") }
        let b = min(batch, count)
        let plan: Plan
        do { plan = try Plan(model: model, batch: b, threads: threads) } catch { throw CLIError("\(path): \(error)") }
        let shape = Array(plan.outputs[0].shape.dropFirst())
        guard shape.count == 3, shape[0] == 1 || shape[0] == 3 else {
            throw CLIError("\(path): output 0 has per-sample shape \(shape); a picture needs [1 or 3, H, W]. Use `kiln run` for other models.")
        }
        let perImage = shape.reduce(1, *)
        var images = [Float](repeating: 0, count: count * perImage)
        var done = 0
        while done < count {
            spec.fillInputs(of: plan, seed: seed, first: done)
            do { try plan.run() } catch { throw CLIError("\(path): \(error)") }
            let n = min(b, count - done)
            let y = plan.outputBuffer(0).bindMemory(to: Float.self)
            images.withUnsafeMutableBufferPointer { dst in
                (dst.baseAddress! + done * perImage).update(from: y.baseAddress!, count: n * perImage)
            }
            done += n
        }
        let grid = images.withUnsafeBufferPointer {
            Grid.image(samples: $0, count: count, channels: shape[0], height: shape[1], width: shape[2],
                       lo: spec.outputRange.lo, hi: spec.outputRange.hi,
                       columns: columns ?? (spec.labelInput == nil ? nil : spec.classNames.count))
        }
        let png = try grid.pngData()
        do { try writeFileAtomically(path: out, bytes: png) } catch { throw CLIError("cannot write '\(out)': \(error)") }
        print("wrote \(out): \(count) image\(count == 1 ? "" : "s") of \(shape[2])x\(shape[1]) from seeds \(seed) to \(seed &+ UInt64(count - 1)) (\(path))")
        print("sha256 \(png.withUnsafeBytes { sha256Hex($0) })" + (model[metadata: "quantization.type"]?.stringValue == "int8" ? " (int8: the same on every CPU and thread count)" : ""))
    }
}
