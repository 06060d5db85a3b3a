import Foundation
import KilnFormat
@testable import KilnRuntime
import XCTest

/// Transpose, Expand, ReduceMean, ReduceL2, Sqrt, Reciprocal, Pow and Clip (ONNX Runtime checks
/// them on the onnx_stylegan_mapping and onnx_tf_dcgan fixtures): against index-by-index and
/// binary64 references on awkward sizes, i8 moving what f32 moves, and the errors for what they refuse.
final class MathOpTests: XCTestCase {
    private func node(_ op: String, _ attributes: [(String, MetadataValue)] = []) -> Node {
        Node(op: op, name: "n", inputs: ["x"], outputs: ["y"], attributes: attributes)
    }

    private func run(_ n: Node, input: [Int64], batch: Int = 2, dtype: DType = .f32, values: [Float]) throws -> (shape: [Int], values: [Float]) {
        try runNodes([n], input: input, batch: batch, dtype: dtype, values: values)
    }

    private func values(_ count: Int) -> [Float] { (0 ..< count).map { Float(($0 * 37) % 251 - 125) } }

    private func assertRefused(_ n: Node, input: [Int64], _ file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try run(n, input: input, values: []), file: file, line: line) { e in
            switch e as? RuntimeError {
            case .shapeMismatch?, .badAttribute?: break
            default: XCTFail("\(e)", file: file, line: line)
            }
        }
    }

    /// NHWC -> NCHW and back on odd sizes, every permutation of a rank-4 value, against indexing.
    func testTransposeMatchesIndexing() throws {
        let dims = [2, 3, 5, 7], x = values(2 * 3 * 5 * 7)
        for perm in [[0, 3, 1, 2], [0, 2, 3, 1], [0, 1, 3, 2], [0, 2, 1, 3], [0, 3, 2, 1], [0, 1, 2, 3]] {
            let got = try run(node("Transpose", [("perm", .ints(perm.map(Int64.init)))]), input: dims.dropFirst().map(Int64.init), values: x)
            let shape = perm.map { dims[$0] }
            XCTAssertEqual(got.shape, shape)
            var want: [Float] = []
            for a in 0 ..< shape[0] { for b in 0 ..< shape[1] { for c in 0 ..< shape[2] { for d in 0 ..< shape[3] {
                var i = [0, 0, 0, 0]
                (i[perm[0]], i[perm[1]], i[perm[2]], i[perm[3]]) = (a, b, c, d)
                want.append(x[((i[0] * 3 + i[1]) * 5 + i[2]) * 7 + i[3]])
            } } } }
            XCTAssertEqual(got.values, want, "\(perm)")
            XCTAssertEqual(try run(node("Transpose", [("perm", .ints(perm.map(Int64.init)))]), input: [3, 5, 7], dtype: .i8, values: x).values, want)
        }
        let t = try run(node("Transpose", [("perm", .ints([0, 2, 1]))]), input: [1, 3], batch: 1, values: [4, 5, 6])
        XCTAssertEqual(t.shape, [1, 3, 1])
        XCTAssertEqual(t.values, [4, 5, 6])
    }

    func testTransposeRefusesMovingTheBatch() {
        assertRefused(node("Transpose", [("perm", .ints([1, 0, 2]))]), input: [3, 4])
        assertRefused(node("Transpose", [("perm", .ints([0, 1, 1]))]), input: [3, 4])
        assertRefused(node("Transpose"), input: [3, 4])
        assertRefused(node("Transpose", [("perm", .ints([0, 1, 2, 3, 4]))]), input: [1, 1, 1, 1])
    }

    /// [N, 1] to [N, 17], [N, 3, 1, 1] to [N, 3, 2, 5]; i8 as f32.
    func testExpandRepeatsAxesOfOne() throws {
        let a = try run(node("Expand", [("shape", .ints([17]))]), input: [1], values: [2, -3])
        XCTAssertEqual(a.shape, [2, 17])
        XCTAssertEqual(a.values, [Float](repeating: 2, count: 17) + [Float](repeating: -3, count: 17))
        let b = try run(node("Expand", [("shape", .ints([3, 2, 5]))]), input: [3, 1, 1], values: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(b.shape, [2, 3, 2, 5])
        XCTAssertEqual(b.values, [1, 2, 3, 4, 5, 6].flatMap { [Float](repeating: $0, count: 10) })
        XCTAssertEqual(try run(node("Expand", [("shape", .ints([3, 2, 5]))]), input: [3, 1, 1], dtype: .i8, values: [1, 2, 3, 4, 5, 6]).values, b.values)
    }

    func testExpandRefusesWhatDoesNotBroadcast() {
        assertRefused(node("Expand", [("shape", .ints([3]))]), input: [2])
        assertRefused(node("Expand", [("shape", .ints([0]))]), input: [1])
        assertRefused(node("Expand"), input: [1])
        assertRefused(node("Expand", [("shape", .ints([4, 1]))]), input: [3])  // the rank must stay (the batch stays first)
    }

    /// ReduceMean and ReduceL2 over one and several axes, keepdims 0 and 1, against binary64.
    func testReductionsMatchBinary64() throws {
        let x = values(2 * 3 * 4 * 5).map { $0 / 7 }
        for (kind, f) in [("ReduceMean", { (s: [Double]) in s.reduce(0, +) / Double(s.count) }), ("ReduceL2", { (s: [Double]) in s.map { $0 * $0 }.reduce(0, +).squareRoot() })] {
            for (axes, keep) in [([1], 1), ([2, 3], 0), ([3], 0), ([1, 2, 3], 1), ([2], 1)] {
                let got = try run(node(kind, [("axes", .ints(axes.map(Int64.init))), ("keepdims", .int(Int64(keep)))]), input: [3, 4, 5], values: x)
                let dims = [2, 3, 4, 5]
                XCTAssertEqual(got.shape, (0 ..< 4).compactMap { axes.contains($0) ? (keep == 1 ? 1 : nil) : dims[$0] }, "\(kind) \(axes)")
                var groups: [[Int]: [Double]] = [:], order: [[Int]] = []
                for i in 0 ..< x.count {
                    let idx = [i / 60, i / 20 % 3, i / 5 % 4, i % 5]
                    let key = (0 ..< 4).map { axes.contains($0) ? 0 : idx[$0] }
                    if groups[key] == nil { order.append(key) }
                    groups[key, default: []].append(Double(x[i]))
                }
                XCTAssertEqual(got.values, order.map { Float(f(groups[$0]!)) }, "\(kind) \(axes)")
            }
        }
        XCTAssertEqual(try run(node("ReduceL2", [("axes", .ints([1]))]), input: [2], values: [3, 4, 0, 0]).values, [5, 0])
    }

    func testReductionsRefuseTheBatchAxis() {
        assertRefused(node("ReduceMean", [("axes", .ints([0]))]), input: [4])
        assertRefused(node("ReduceMean", [("axes", .ints([1, 1]))]), input: [4])
        assertRefused(node("ReduceL2"), input: [4])
        assertRefused(node("ReduceL2", [("axes", .ints([1])), ("keepdims", .int(2))]), input: [4])
    }

    /// Sqrt, Reciprocal, Pow and Clip at the edges: 0, negatives, infinities, NaN.
    func testElementwiseMath() throws {
        let x: [Float] = [0, 2, 1e-30, -1, .infinity, -0.5, 9, .nan]
        let sqrt = try run(node("Sqrt"), input: [8], batch: 1, values: x).values
        XCTAssertEqual(Array(sqrt.prefix(3)), [0, Float(2).squareRoot(), Float(1e-30).squareRoot()])
        XCTAssertTrue(sqrt[3].isNaN && sqrt[7].isNaN)
        XCTAssertEqual(sqrt[6], 3)
        let r = try run(node("Reciprocal"), input: [8], batch: 1, values: x).values
        XCTAssertEqual(Array(r.prefix(7)), [.infinity, 0.5, 1 / Float(1e-30), -1, 0, -2, 1 / Float(9)])
        let y = values(17).map { $0 / 9 }
        for e in [2.0, 3.0, 0.5, -1.5] {
            let got = try run(node("Pow", [("exponent", .float(e))]), input: [17], batch: 1, values: y).values
            let want = y.map { Float(pow(Double($0), e)) }
            XCTAssertEqual(got.map(\.bitPattern), want.map(\.bitPattern), "exponent \(e)")
        }
        let c = try run(node("Clip", [("min", .float(-0.5)), ("max", .float(2))]), input: [8], batch: 1, values: x).values
        XCTAssertEqual(Array(c.prefix(7)), [0, 2, 1e-30, -0.5, 2, -0.5, 2])
        XCTAssertTrue(c[7].isNaN)
        XCTAssertEqual(try run(node("Clip", [("min", .float(1))]), input: [3], batch: 1, values: [0, 5, -9]).values, [1, 5, 1])
        assertRefused(node("Clip", [("min", .float(1)), ("max", .float(0))]), input: [3])
        assertRefused(node("Pow"), input: [3])
    }
}
