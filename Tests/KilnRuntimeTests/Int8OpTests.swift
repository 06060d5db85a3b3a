import Foundation
import KilnFormat
@testable import KilnRuntime
import XCTest

/// QAdd, QChannelLookup, QInstanceNorm and Bilinear on i8 (1.3) against plain references written
/// from Formats/SPEC.md, tolerance 0, on awkward sizes and at 1, 2 and 3 threads.
final class Int8OpTests: XCTestCase {
    private var rng = SplitMix64(state: 0x51)

    private func bytes(_ n: Int) -> [Int8] { (0 ..< n).map { _ in Int8(truncatingIfNeeded: rng.next()) } }

    /// Runs one node on i8 inputs named x (and b), with constant tensors, at 1, 2 and 3 threads;
    /// fails unless every thread count gives the same bytes.
    private func run(_ node: Node, shape: [Int64], inputs: [[Int8]], tensors: [Tensor] = [], batch: Int) throws -> (shape: [Int], values: [Int8]) {
        let names = ["x", "b"].prefix(inputs.count)
        let m = KilnModel(metadata: [], tensors: tensors, graph: Graph(inputs: names.map { GraphInput(name: $0, dtype: .i8, shape: shape) }, nodes: [node], outputs: ["y"]))
        var first: (shape: [Int], values: [Int8])?
        for threads in [1, 2, 3] {
            let plan = try Plan(model: m, batch: batch, threads: threads)
            for (i, v) in inputs.enumerated() { v.withUnsafeBytes { plan.inputBuffer(i).copyMemory(from: $0) } }
            try plan.run()
            let out = (plan.outputs[0].shape, Array(plan.outputBuffer(0).bindMemory(to: Int8.self)))
            if let first { XCTAssertEqual(out.1, first.values, "\(threads) threads") } else { first = out }
        }
        return first!
    }

    private func clamp8(_ v: Int64) -> Int8 { Int8(max(-128, min(127, v))) }

    func testQAddMatchesTheFormula() throws {
        for (count, ma, mb, shift): (Int64, Int64, Int64, Int64) in [(1, 1 << 30, 1 << 30, 31), (15, 1_518_500_250, -987_654_321, 32),
                                                                     (16, (1 << 31) - 1, -((1 << 31) - 1), 62), (17, 3, 5, 1), (33, 1_234_567_890, 1_073_741_824, 29)] {
            let a = bytes(Int(count) * 2), b = bytes(Int(count) * 2)
            let (za, zb, zy): (Int64, Int64, Int64) = (-5, 17, -128)
            let node = Node(op: "QAdd", name: "add", inputs: ["x", "b"], outputs: ["y"],
                            attributes: [("a_zero_point", .int(za)), ("b_zero_point", .int(zb)), ("y_zero_point", .int(zy)), ("multipliers", .ints([ma, mb, shift]))])
            let got = try run(node, shape: [count], inputs: [a, b], batch: 2).values
            let want = zip(a, b).map { x, y in clamp8(zy + (((Int64(x) - za) * ma + (Int64(y) - zb) * mb + (1 << (shift - 1))) >> shift)) }
            XCTAssertEqual(got, want, "\(count) elements")
        }
        for m: [Int64] in [[1, 1, 63], [Int64.min, 1, 31], [1, 1 << 31, 31], [1, 1]] {  // refused, never a trap
            let bad = Node(op: "QAdd", name: "add", inputs: ["x", "b"], outputs: ["y"], attributes: [("multipliers", .ints(m))])
            XCTAssertThrowsError(try run(bad, shape: [4], inputs: [bytes(4), bytes(4)], batch: 1), "\(m)")
        }
    }

    func testQChannelLookupReadsItsChannelsRow() throws {
        for shape: [Int64] in [[1], [3, 5], [17, 1, 1], [4, 3, 7]] {
            let c = Int(shape[0]), per = shape.dropFirst().reduce(1, *)
            let table = bytes(c * 256), x = bytes(2 * Int(shape.reduce(1, *)))
            let t = table.withUnsafeBytes { Tensor(name: "t", dtype: .i8, shape: [Int64(c), 256], data: $0) }
            let got = try run(Node(op: "QChannelLookup", name: "l", inputs: ["x", "t"], outputs: ["y"]), shape: shape, inputs: [x], tensors: [t], batch: 2).values
            let want = x.indices.map { i in table[(i / Int(per)) % c * 256 + Int(x[i]) + 128] }
            XCTAssertEqual(got, want, "\(shape)")
        }
    }

    /// The reference, written from the spec: integer sums, then binary64 in the stated order.
    private func instanceNorm(_ x: [Int8], c: Int, plane: Int, scale: [Float], bias: [Float], epsilon: Float, zy: Int64) -> [Int8] {
        var y = [Int8](repeating: 0, count: x.count)
        for p in 0 ..< x.count / plane {
            let q = x[(p * plane) ..< ((p + 1) * plane)].map { Int64($0) }
            let s1 = q.reduce(0, +), s2 = q.map { $0 * $0 }.reduce(0, +), n = Int64(plane)
            let a = Double(scale[p % c]) / (Double(n * s2 - s1 * s1) + Double(epsilon) * (Double(plane) * Double(plane))).squareRoot()
            for (i, v) in q.enumerated() {
                let t = Double(v * n - s1) * a + Double(bias[p % c])
                y[p * plane + i] = Int8(max(-128, min(127, (t + 0.5).rounded(.down) + Double(zy))))
            }
        }
        return y
    }

    func testQInstanceNormMatchesTheReference() throws {
        for (c, h, w) in [(1, 1, 1), (3, 1, 7), (2, 4, 4), (5, 3, 17), (1, 16, 16)] {
            var x = bytes(2 * c * h * w)
            if c * h * w > 1 { for i in 0 ..< h * w { x[i] = 42 } }  // a constant plane: V = 0
            let scale = (0 ..< c).map { Float($0 % 2 == 0 ? 40 : -25) + Float($0) }, bias = (0 ..< c).map { Float($0) * 3 - 4 }
            let node = Node(op: "QInstanceNorm", name: "n", inputs: ["x", "s", "bias"], outputs: ["y"], attributes: [("epsilon", .float(0.25)), ("y_zero_point", .int(-7))])
            let tensors = [Tensor(name: "s", shape: [Int64(c)], floats: scale), Tensor(name: "bias", shape: [Int64(c)], floats: bias)]
            let got = try run(node, shape: [Int64(c), Int64(h), Int64(w)], inputs: [x], tensors: tensors, batch: 2).values
            XCTAssertEqual(got, instanceNorm(x, c: c, plane: h * w, scale: scale, bias: bias, epsilon: 0.25, zy: -7), "\(c)x\(h)x\(w)")
        }
        let bad = Node(op: "QInstanceNorm", name: "n", inputs: ["x", "s", "bias"], outputs: ["y"], attributes: [("epsilon", .float(0))])
        XCTAssertThrowsError(try run(bad, shape: [1, 2, 2], inputs: [bytes(4)], tensors: [Tensor(name: "s", shape: [1], floats: [1]), Tensor(name: "bias", shape: [1], floats: [0])], batch: 1))
    }

    /// i8 Bilinear: the integer-weight formula, and within one level of the f32 op on the same levels.
    func testBilinearInt8() throws {
        for (coordinates, h, w, oh, ow) in [("half_pixel", 3, 5, 7, 9), ("align_corners", 4, 4, 8, 8), ("asymmetric", 2, 3, 5, 4), ("pytorch_half_pixel", 1, 5, 1, 17)] {
            let node = Node(op: "Bilinear", name: "r", inputs: ["x"], outputs: ["y"], attributes: [("size", .ints([Int64(oh), Int64(ow)])), ("coordinates", .string(coordinates))])
            let x = bytes(2 * 3 * h * w)
            let got = try run(node, shape: [3, Int64(h), Int64(w)], inputs: [x], batch: 2)
            XCTAssertEqual(got.shape, [2, 3, oh, ow])
            let f = try Bilinear(node: node, inputs: [ValueInfo(dtype: .f32, shape: [2, 3, h, w])])
            var want: [Int8] = []
            for p in 0 ..< 6 { for r in f.rows { for c in f.cols {
                let v = { (i: Int, j: Int) in Int32(x[p * h * w + i * w + j]) }
                let upper = (2048 - c.fixed) * v(r.i, c.i) + c.fixed * v(r.i, c.j), lower = (2048 - c.fixed) * v(r.j, c.i) + c.fixed * v(r.j, c.j)
                want.append(Int8(((2048 - r.fixed) * upper + r.fixed * lower + (1 << 21)) >> 22))
            } } }
            XCTAssertEqual(got.values, want, coordinates)
            let m = KilnModel(metadata: [], tensors: [], graph: Graph(inputs: [GraphInput(name: "x", dtype: .f32, shape: [3, Int64(h), Int64(w)])], nodes: [node], outputs: ["y"]))
            let plan = try Plan(model: m, batch: 2)
            x.map(Float.init).withUnsafeBytes { plan.inputBuffer(0).copyMemory(from: $0) }
            try plan.run()
            let float = Array(plan.outputBuffer(0).bindMemory(to: Float.self))
            XCTAssertLessThanOrEqual(zip(got.values, float).map { abs(Float($0) - $1) }.max()!, 1, coordinates)
        }
    }
}
