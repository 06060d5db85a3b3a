import ArgumentParser
import KilnImage
import KilnLatent
import KilnRuntime

struct Sample: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the latent vectors of seeds to an .npy file, for other tools to read or edit.",
        discussion: """
        Row i is the vector of seed SEED + i, exactly as `kiln generate` samples it (Formats/SPEC.md, \
        "Latent sampler"), as float32 [COUNT, latent.dim]. Feed edited rows back with \
        `kiln generate --latent-file` or `kiln interpolate --latent-file`.

        Example:
          kiln sample --seed 7 --count 4 --out z.npy
        """
    )

    @Argument(help: "The .kiln generator (default: the shipped default model); its latent spec decides the vectors.")
    var file: String?

    @Option(parsing: .unconditional, help: "Seed of the first vector (0 to 2^64-1).")
    var seed: UInt64 = 0

    @Option(parsing: .unconditional, help: "Number of vectors.")
    var count = 16

    @Option(name: [.short, .customLong("out")], help: "The .npy file to write.")
    var out = "z.npy"

    func validate() throws {
        guard (1 ... 1_000_000).contains(count) else { throw ValidationError("--count must be 1 to 1,000,000, not \(count).") }
    }

    func run() throws {
        let (path, model) = try DefaultModel.load(file)
        let spec: GeneratorSpec
        do { spec = try GeneratorSpec(model: model) } catch { throw CLIError("\(path): \(error)") }
        let z = (0 ..< count).flatMap { spec.sampler.sample(seed: seed &+ UInt64($0)) }
        let npy = NPYArray(shape: [count, spec.sampler.dimension], data: .float32(z)).encode()
        try writeOutput(npy, to: out, what: "\(count) latent vector\(count == 1 ? "" : "s") of \(spec.sampler.dimension) (\(spec.sampler.distribution.rawValue)) from seeds \(seed) to \(seed &+ UInt64(count - 1))")
    }
}
