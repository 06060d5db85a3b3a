import Foundation
import KilnFormat
import KilnImage
import KilnRuntime
import KilnTestSupport
import XCTest

/// The float reference runtime against ONNX Runtime on every fixture of Tools/make_fixtures.py.
///
/// Tolerance: max |kiln - onnxruntime| <= 1e-5 x (max - min of ONNX Runtime's output). Kiln's
/// reference accumulates in Double and rounds once; ONNX Runtime accumulates in float32 in its own
/// order (with FMA), so the two differ by a few float32 ulps of the largest partial sums. The
/// largest difference seen over all fixtures is ~2e-7 of the range (see the test's output).
final class FixtureTests: XCTestCase {
    static let tolerance = 1e-5

    func testEveryFixtureMatchesOnnxRuntime() throws {
        let folders = try Repo.fixtureFolders()
        XCTAssertGreaterThanOrEqual(folders.count, 25)
        var worst = (0.0, "")
        for folder in folders {
            let name = URL(fileURLWithPath: folder).lastPathComponent
            let model = try KilnModel.load(path: folder + "/model.kiln")
            let inputs = try model.graph.inputs.map { i -> NPYArray in
                let single = folder + "/input.npy"
                return try Self.npy(FileManager.default.fileExists(atPath: single) ? single : folder + "/input-\(i.name).npy")
            }
            let expected = try Self.npy(folder + "/expected.npy")
            let plan = try Plan(model: model, batch: inputs[0].shape[0])
            for (k, a) in inputs.enumerated() { Self.copy(a, to: plan.inputBuffer(k)) }
            try plan.run()
            XCTAssertEqual(plan.outputs[0].shape, expected.shape, name)
            guard case let .float32(want) = expected.data else { return XCTFail(name) }
            let got = Array(plan.outputBuffer(0).bindMemory(to: Float.self))
            let range = Double(want.max()! - want.min()!)
            let err = zip(got, want).map { abs(Double($0) - Double($1)) }.max()!
            XCTAssertLessThanOrEqual(err, Self.tolerance * range, "\(name): max abs error \(err), output range \(range)")
            if err / range > worst.0 { worst = (err / range, name) }
        }
        print("fixtures: worst max abs error / output range = \(worst.0) (\(worst.1)); tolerance \(Self.tolerance)")
    }

    /// Batch independence: each sample of a batch equals the same sample run alone, bit for bit.
    func testBatchOfThreeEqualsThreeSingleRuns() throws {
        let model = try KilnModel.load(path: Repo.path("Formats/fixtures/dcgan64/model.kiln"))
        let spec = try GeneratorSpec(model: model)
        let batched = try Plan(model: model, batch: 3)
        let single = try Plan(model: model, batch: 1)
        let z = batched.inputBuffer(0).bindMemory(to: Float.self)
        for i in 0 ..< 3 { spec.sampler.sample(seed: UInt64(100 + i), into: z.baseAddress! + i * 16) }
        try batched.run()
        let per = batched.outputBuffer(0).count / 3
        for i in 0 ..< 3 {
            spec.sampler.sample(seed: UInt64(100 + i), into: single.inputBuffer(0).bindMemory(to: Float.self).baseAddress!)
            try single.run()
            XCTAssertEqual(Array(single.outputBuffer(0)), Array(batched.outputBuffer(0)[i * per ..< (i + 1) * per]))
        }
    }

    static func npy(_ path: String) throws -> NPYArray {
        try NPYArray.decode(Array(try XCTUnwrap(FileManager.default.contents(atPath: path), path)))
    }

    static func copy(_ a: NPYArray, to buffer: UnsafeMutableRawBufferPointer) {
        switch a.data {
        case let .float32(v): v.withUnsafeBytes { buffer.copyMemory(from: $0) }
        case let .int32(v): v.withUnsafeBytes { buffer.copyMemory(from: $0) }
        }
    }
}
