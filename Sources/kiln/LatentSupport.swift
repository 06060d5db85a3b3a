import ArgumentParser
import Foundation
import KilnFormat
import KilnImage
import KilnLatent
import KilnRuntime

/// How a generator runs: the bytes of its images depend on neither option.
struct GeneratorRunOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Threads: convolutions and dense layers split their output work (the bytes do not change).")
    var threads = 1

    @Option(parsing: .unconditional, help: "Images per forward pass (memory grows with it; the bytes do not change).")
    var batch = 16

    @OptionGroup var memory: MemoryOptions

    func validate() throws {
        guard (1 ... 256).contains(threads) else { throw ValidationError("--threads must be 1 to 256, not \(threads).") }
        guard (1 ... 1024).contains(batch) else { throw ValidationError("--batch must be 1 to 1024, not \(batch).") }
    }

    /// The generator of `file` (default model when nil), planned with these options for at most
    /// `images` images per pass.
    func generator(_ file: String?, blendingClasses: Bool = false, images: Int = .max) throws -> (path: String, generator: LatentGenerator) {
        let (path, model) = try DefaultModel.load(file)
        do {
            return (path, try LatentGenerator(model: model, batch: min(batch, images), threads: threads, blendingClasses: blendingClasses,
                                              maxMemory: memory.bytes))
        } catch {
            throw CLIError("\(path): \(error)")
        }
    }
}

/// How the latent-space commands draw their pictures.
struct PictureOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Pixels per model pixel in the pictures (1 to 8).")
    var zoom = 2

    func validate() throws {
        guard (1 ... 8).contains(zoom) else { throw ValidationError("--zoom must be 1 to 8, not \(zoom).") }
    }

    /// A grid of `count` images (CHW floats in the generator's output range), zoomed.
    func picture(_ images: [Float], count: Int, columns: Int?, of g: LatentGenerator) -> Image {
        let s = g.imageShape
        let grid = images.withUnsafeBufferPointer {
            Grid.image(samples: $0, count: count, channels: s[0], height: s[1], width: s[2],
                       lo: g.spec.outputRange.lo, hi: g.spec.outputRange.hi, columns: columns)
        }
        return grid.resized(width: grid.width * zoom, height: grid.height * zoom)
    }
}

/// Writes `bytes` to `path` (atomically) and says so with the digest, which for an int8 model is
/// the same on every CPU and thread count.
func writeOutput(_ bytes: [UInt8], to path: String, what: String) throws {
    try writeFileAtomically(path: path, bytes: bytes)
    print("wrote \(path): \(what)")
    print("sha256 \(bytes.withUnsafeBytes { sha256Hex($0) })")
}

/// "3,17,42" -> seeds.
func parseSeeds(_ text: String, option: String) throws -> [UInt64] {
    try text.split(separator: ",", omittingEmptySubsequences: false).map {
        guard let s = UInt64($0.filter { $0 != " " }) else {
            throw ValidationError("\(option) takes seeds separated by commas (whole numbers 0 to 2^64-1); '\($0)' is not one.")
        }
        return s
    }
}

/// Latent vectors from an .npy file of f32 [N, dim] (or one vector [dim]; trailing 1s allowed,
/// as in [N, dim, 1, 1]).
func readLatents(_ path: String, dimension: Int) throws -> [[Float]] {
    let a = try readNPY(path)
    guard case let .float32(values) = a.data else {
        throw CLIError("\(path) must hold float32 latent vectors [N, \(dimension)]; it holds int32 (save them with numpy as float32).")
    }
    let shape = a.shape.count == 1 ? [1] + a.shape : a.shape
    let per = shape.dropFirst().reduce(1, *)
    guard shape.count >= 2, shape[0] >= 1, per == dimension else {
        throw CLIError("\(path) holds \(a.shape.count == 1 ? "a vector" : "vectors") of \(per) values (shape \(a.shape)), but the model's latent has \(dimension) (latent.dim); make it [N, \(dimension)], e.g. with `kiln sample`.")
    }
    guard values.allSatisfy(\.isFinite) else { throw CLIError("\(path) holds NaN or infinite values; latent vectors must be finite.") }
    return (0 ..< shape[0]).map { Array(values[$0 * dimension ..< ($0 + 1) * dimension]) }
}

/// The class index `name` names in a conditional generator (a CLIError listing the classes if none).
func classIndex(_ name: String, of g: LatentGenerator, path: String) throws -> Int {
    guard g.spec.labelInput != nil else {
        throw CLIError("\(path) is not class-conditional (it has no class-label input); --class needs a model trained with classes, e.g. Formats/models/fashion-cond-int8.kiln.")
    }
    do { return try ClassJudge.classIndex(name, in: g.spec.classNames) } catch { throw CLIError("\(path): \(error)") }
}

/// The concepts file at `path`, checked against the model's sampler; nil when there is no file.
func readConceptBook(_ path: String, for sampler: LatentSampler) throws -> ConceptBook? {
    guard let data = FileManager.default.contents(atPath: path) else { return nil }
    do {
        let book = try ConceptBook(text: String(decoding: data, as: UTF8.self))
        try book.check(against: sampler)
        return book
    } catch { throw CLIError("\(path): \(error)") }
}
