import KilnFormat
import KilnImage
import KilnQuantize
import KilnRuntime
import KilnTestSupport
import XCTest

/// The int8 promise: the same output bytes for every kernel path, thread count and batch size,
/// and the SHA-256 of those bytes equal to the one committed in Formats/conformance/models-v1.txt.
final class Int8DeterminismTests: XCTestCase {
    static let digestFile = "Formats/conformance/models-v1.txt"

    /// Output 0 of `model` for samples 0 ..< count (GeneratorSpec numbering), as raw f32 bytes.
    func outputs(_ model: KilnModel, count: Int, batch: Int, kernels: Int8Kernels, threads: Int) throws -> [UInt8] {
        let spec = try GeneratorSpec(model: model)
        let plan = try Plan(model: model, batch: batch, int8Kernels: kernels, threads: threads)
        var bytes: [UInt8] = []
        var done = 0
        while done < count {
            spec.fillInputs(of: plan, seed: 0, first: done)
            try plan.run()
            let out = plan.outputBuffer(0)
            let n = min(batch, count - done)
            bytes += out.prefix(out.count / batch * n)
            done += n
        }
        return bytes
    }

    func testShippedInt8ModelsAreIdenticalOnEveryPathThreadCountAndBatch() throws {
        let committed = try Repo.digests(Self.digestFile)
        for (name, count) in [("fashion-dcgan-int8", 16), ("fashion-cond-int8", 10)] {
            let model = try KilnModel.load(path: Repo.path("Formats/models/\(name).kiln"))
            let reference = try outputs(model, count: count, batch: 1, kernels: try .named("scalar"), threads: 1)
            let digest = reference.withUnsafeBytes { sha256Hex($0) }
            print("\(name)/seeds-0-\(count - 1) \(digest)")
            XCTAssertEqual(digest, committed["\(name)/seeds-0-\(count - 1)"], "\(name): differs from \(Self.digestFile)")
            var runs = 0
            for kernels in Int8Kernels.all where kernels.isSupported {
                for (threads, batch) in [(1, count), (2, 1), (3, count), (2, 4)] {
                    let got = try outputs(model, count: count, batch: batch, kernels: kernels, threads: threads)
                    XCTAssertTrue(got == reference, "\(name): \(kernels) with \(threads) threads, batch \(batch) differs from scalar, 1 thread, batch 1")
                    runs += 1
                }
            }
            XCTAssertGreaterThanOrEqual(runs, 4)
        }
    }

    /// The shipped sketch-to-item model on the committed hand-drawn sketches: the same bytes on
    /// every path, thread count and batch size, and the committed digest.
    func testShippedTranslatorIsIdenticalOnEveryPathThreadCountAndBatch() throws {
        let committed = try Repo.digests(Self.digestFile)
        let model = try KilnModel.load(path: Repo.path("Formats/models/fashion-pix2pix-int8.kiln"))
        let folder = Repo.path("Formats/models/sketches")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".png") }.sorted()
        XCTAssertGreaterThanOrEqual(names.count, 6)
        let sketches = try names.flatMap { Sketch.prepare(try Image.readPNG(path: folder + "/" + $0, channels: 1), width: 32, height: 32).values }
        func outputs(kernels: Int8Kernels, threads: Int, batch: Int) throws -> [UInt8] {
            let t = try Translator(model: model, batch: batch, threads: threads, int8Kernels: kernels)
            return try t.translate(sketches, count: names.count).withUnsafeBytes { Array($0) }
        }
        let reference = try outputs(kernels: try .named("scalar"), threads: 1, batch: 1)
        let digest = reference.withUnsafeBytes { sha256Hex($0) }
        print("fashion-pix2pix-int8/sketches \(digest)")
        XCTAssertEqual(digest, committed["fashion-pix2pix-int8/sketches"], "differs from \(Self.digestFile)")
        for kernels in Int8Kernels.all where kernels.isSupported {
            for (threads, batch) in [(1, names.count), (2, 1), (3, 4)] {
                XCTAssertTrue(try outputs(kernels: kernels, threads: threads, batch: batch) == reference, "\(kernels) with \(threads) threads, batch \(batch)")
            }
        }
    }

    /// The forced path must exist in this build and suit this CPU; otherwise a clear error, never
    /// an illegal instruction.
    func testForcingAPathThisBuildOrCPULacks() throws {
        #if arch(x86_64)
        let foreign = "neon"
        #else
        let foreign = "avx2"
        #endif
        XCTAssertThrowsError(try Int8Kernels.named(foreign)) { e in
            XCTAssertTrue("\(e)".contains("no such path") && "\(e)".contains("scalar"), "\(e)")
        }
        XCTAssertThrowsError(try Int8Kernels.named("avx512")) { e in XCTAssertTrue("\(e)".contains("KILN_KERNELS"), "\(e)") }
        for k in Int8Kernels.all where !k.isSupported {  // on a CPU without AVX2, say
            XCTAssertThrowsError(try Int8Kernels.named(k.name)) { e in XCTAssertTrue("\(e)".contains("lacks"), "\(e)") }
        }
        XCTAssertEqual(try Int8Kernels.named("scalar").name, "scalar")
    }
}
