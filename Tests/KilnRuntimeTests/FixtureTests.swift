import Foundation
import KilnFormat
import KilnImage
import KilnRuntime
import KilnTestSupport
import XCTest

/// Both float paths (the reference and the GEMM kernels) against ONNX Runtime on every fixture of
/// Tools/make_fixtures.py.
///
/// Tolerance: max |kiln - onnxruntime| <= 1e-5 x (max - min of ONNX Runtime's output). Kiln's
/// reference accumulates in Double and rounds once; the GEMM path and ONNX Runtime accumulate in
/// float32, each in its own order (with FMA), so they differ by a few float32 ulps of the largest
/// partial sums. The test prints the largest difference seen for each path.
final class FixtureTests: XCTestCase {
    static let tolerance = 1e-5

    func testEveryFixtureMatchesOnnxRuntime() throws {
        for kernels in FloatKernels.allCases { try checkFixtures(kernels) }
    }

    private func checkFixtures(_ kernels: FloatKernels) throws {
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
            let plan = try Plan(model: model, batch: inputs[0].shape[0], floatKernels: kernels)
            for (k, a) in inputs.enumerated() { Self.copy(a, to: plan.inputBuffer(k)) }
            try plan.run()
            XCTAssertEqual(plan.outputs[0].shape, expected.shape, name)
            guard case let .float32(want) = expected.data else { return XCTFail(name) }
            let got = Array(plan.outputBuffer(0).bindMemory(to: Float.self))
            let range = Double(want.max()! - want.min()!)
            let err = zip(got, want).map { abs(Double($0) - Double($1)) }.max()!
            XCTAssertLessThanOrEqual(err, Self.tolerance * range, "\(name) (\(kernels)): max abs error \(err), output range \(range)")
            if err / range > worst.0 { worst = (err / range, name) }
        }
        print("fixtures, \(kernels) kernels: worst max abs error / output range = \(worst.0) (\(worst.1)); tolerance \(Self.tolerance)")
    }

    /// Batch independence: each sample of a batch equals the same sample run alone, bit for bit,
    /// with either kernel set.
    func testBatchOfThreeEqualsThreeSingleRuns() throws {
        for kernels in FloatKernels.allCases { try checkBatchIndependence(kernels) }
    }

    private func checkBatchIndependence(_ kernels: FloatKernels) throws {
        let model = try KilnModel.load(path: Repo.path("Formats/fixtures/dcgan64/model.kiln"))
        let spec = try GeneratorSpec(model: model)
        let batched = try Plan(model: model, batch: 3, floatKernels: kernels)
        let single = try Plan(model: model, batch: 1, floatKernels: kernels)
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
