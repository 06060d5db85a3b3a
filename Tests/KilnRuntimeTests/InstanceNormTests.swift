import KilnFormat
import KilnRuntime
import XCTest

/// InstanceNorm2d in GEMM plans (kiln_f32_instance_norm: binary64 sums in 8 interleaved parts,
/// planes split between threads) against the reference (binary64 sums in order): the statistics
/// differ only by binary64 rounding, so each output is the reference's or a neighbouring float
/// (tolerance 1 ulp), and 1, 2 and 3 threads give the same bytes.
final class InstanceNormTests: XCTestCase {
    private func run(_ shape: [Int64], batch: Int, kernels: FloatKernels, threads: Int, x: [Float]) throws -> [Float] {
        let c = Int(shape[0])
        let scale = Tensor(name: "s", shape: [Int64(c)], floats: (0 ..< c).map { 0.5 + Float($0) / 4 })
        let bias = Tensor(name: "b", shape: [Int64(c)], floats: (0 ..< c).map { Float($0 % 3) - 1 })
        let node = Node(op: "InstanceNorm2d", name: "n", inputs: ["x", "s", "b"], outputs: ["y"], attributes: [("epsilon", .float(1e-5))])
        let m = KilnModel(metadata: [], tensors: [scale, bias], graph: Graph(inputs: [GraphInput(name: "x", dtype: .f32, shape: shape)], nodes: [node], outputs: ["y"]))
        let plan = try Plan(model: m, batch: batch, floatKernels: kernels, threads: threads)
        let buffer = plan.inputBuffer(0).bindMemory(to: Float.self)
        for (i, v) in x.enumerated() { buffer[i] = v }
        try plan.run()
        return Array(plan.outputBuffer(0).bindMemory(to: Float.self))
    }

    /// Planes of 1, 7, 8, 9, 33 and 1024 values (below, at and above the 8 partial sums), a constant
    /// plane (variance 0), values with a large common offset.
    func testPlannedMatchesReferenceWithinOneUlp() throws {
        for (shape, batch) in [([3, 1, 1], 2), ([2, 1, 7], 1), ([5, 2, 4], 2), ([1, 3, 3], 3), ([4, 3, 11], 1), ([3, 32, 32], 2)] as [([Int64], Int)] {
            let count = batch * Int(shape.reduce(1, *))
            var x = (0 ..< count).map { Float(($0 * 7919) % 1001) / 100 + 1000 }
            if shape == [2, 1, 7] { for i in 0 ..< 7 { x[i] = 3.5 } }  // a constant plane
            let want = try run(shape, batch: batch, kernels: .reference, threads: 1, x: x)
            let got = try run(shape, batch: batch, kernels: .gemm, threads: 1, x: x)
            for (g, w) in zip(got, want) {
                XCTAssertLessThanOrEqual(abs(g - w), max(g.ulp, w.ulp), "shape \(shape), batch \(batch): \(g) vs \(w)")
            }
            for threads in [2, 3] {
                XCTAssertEqual(try run(shape, batch: batch, kernels: .gemm, threads: threads, x: x).map(\.bitPattern), got.map(\.bitPattern))
            }
        }
    }
}
