import KilnFormat
@testable import KilnRuntime
import XCTest

/// Pad, DepthToSpace and SpaceToDepth (ONNX Runtime checks them on the pad_modes and depth_space
/// fixtures): hand-computed cases at the edges of what they allow, i8 moving the same elements as
/// f32, and the errors for what they refuse.
final class LayoutOpTests: XCTestCase {
    private func run(_ nodes: [Node], input: [Int64], dtype: DType = .f32, values: [Float]) throws -> (shape: [Int], values: [Float]) {
        try runNodes(nodes, input: input, dtype: dtype, values: values)
    }

    private func pad(_ pads: [Int64], _ mode: String, value: Double? = nil) -> Node {
        var a: [(String, MetadataValue)] = [("pads", .ints(pads)), ("mode", .string(mode))]
        if let value { a.append(("value", .float(value))) }
        return Node(op: "Pad", name: "p", inputs: ["x"], outputs: ["y"], attributes: a)
    }

    /// One row 1 2 3: reflect by the most it allows (2 each side), edge, and a constant.
    func testPadModesOnOneRow() throws {
        let row: [Float] = [1, 2, 3]
        XCTAssertEqual(try run([pad([0, 2, 0, 2], "reflect")], input: [1, 1, 3], values: row).values, [3, 2, 1, 2, 3, 2, 1])
        XCTAssertEqual(try run([pad([0, 2, 0, 1], "edge")], input: [1, 1, 3], values: row).values, [1, 1, 1, 2, 3, 3])
        let c = try run([pad([1, 1, 0, 0], "constant", value: -0.5)], input: [1, 1, 3], values: row)
        XCTAssertEqual(c.shape, [1, 1, 2, 4])
        XCTAssertEqual(c.values, [-0.5, -0.5, -0.5, -0.5, -0.5, 1, 2, 3])
    }

    /// A 1x1 map: edge repeats it, constant surrounds it; reflect has nothing to reflect.
    func testPadOnOnePixel() throws {
        XCTAssertEqual(try run([pad([1, 1, 1, 1], "edge")], input: [1, 1, 1], values: [7]).values, .init(repeating: 7, count: 9))
        XCTAssertEqual(try run([pad([0, 0, 0, 1], "constant")], input: [1, 1, 1], values: [7]).values, [7, 0])
        XCTAssertThrowsError(try run([pad([0, 1, 0, 0], "reflect")], input: [1, 1, 1], values: [7])) { e in
            guard case .shapeMismatch("p", _)? = e as? RuntimeError else { return XCTFail("\(e)") }
        }
    }

    /// i8 moves the same elements as f32 (values -128...127 are exact in both).
    func testInt8MovesWhatFloatMoves() throws {
        let x: [Float] = (0 ..< 32).map { (k: Int) -> Float in Float((k * 37) % 256 - 128) }
        let graphs: [[Node]] = [
            [pad([2, 3, 1, 0], "reflect")], [pad([3, 0, 2, 4], "edge")], [pad([1, 2, 3, 4], "constant", value: -3)],
            [Node(op: "SpaceToDepth", name: "s", inputs: ["x"], outputs: ["y"], attributes: [("blocksize", .ints([2]))])],
        ]
        for nodes in graphs {
            XCTAssertEqual(try run(nodes, input: [2, 4, 4], dtype: .i8, values: x).values, try run(nodes, input: [2, 4, 4], values: x).values, nodes[0].op)
        }
    }

    /// 8 channels, blocksize 2: DCR takes channel (i·2 + j)·2 + c, CRD channel c·4 + i·2 + j.
    func testDepthToSpaceModes() throws {
        let x = (0 ..< 8).map(Float.init)  // [1, 8, 1, 1]: channel k holds k
        func d2s(_ mode: String) -> Node {
            Node(op: "DepthToSpace", name: "d", inputs: ["x"], outputs: ["y"], attributes: [("blocksize", .ints([2])), ("mode", .string(mode))])
        }
        let dcr = try run([d2s("DCR")], input: [8, 1, 1], values: x), crd = try run([d2s("CRD")], input: [8, 1, 1], values: x)
        XCTAssertEqual(dcr.shape, [1, 2, 2, 2])
        XCTAssertEqual(dcr.values, [0, 2, 4, 6, 1, 3, 5, 7])
        XCTAssertEqual(crd.values, [0, 1, 2, 3, 4, 5, 6, 7])
    }

    /// SpaceToDepth then DepthToSpace (DCR) gives the input back, odd channel counts included.
    func testSpaceToDepthInvertsDepthToSpace() throws {
        let x = (0 ..< 3 * 6 * 9).map { Float($0) }
        let nodes = [Node(op: "SpaceToDepth", name: "s", inputs: ["x"], outputs: ["t"], attributes: [("blocksize", .ints([3]))]),
                     Node(op: "DepthToSpace", name: "d", inputs: ["t"], outputs: ["y"], attributes: [("blocksize", .ints([3]))])]
        let y = try run(nodes, input: [3, 6, 9], values: x)
        XCTAssertEqual(y.shape, [1, 3, 6, 9])
        XCTAssertEqual(y.values, x)
    }

    func testRefusals() throws {
        let cases: [([Node], [Int64], DType, String)] = [
            ([pad([1, 0, 0, 0], "wrap")], [1, 2, 2], .f32, "mode"),
            ([pad([1, 0, 0], "edge")], [1, 2, 2], .f32, "pads"),
            ([pad([0, 0, 0, 1], "constant", value: 0.5)], [1, 2, 2], .i8, "value"),
            ([Node(op: "Pad", name: "p", inputs: ["x"], outputs: ["y"])], [1, 2, 2], .f32, "pads"),
            ([Node(op: "DepthToSpace", name: "d", inputs: ["x"], outputs: ["y"], attributes: [("blocksize", .ints([2]))])], [6, 2, 2], .f32, "shape"),
            ([Node(op: "DepthToSpace", name: "d", inputs: ["x"], outputs: ["y"], attributes: [("blocksize", .ints([2])), ("mode", .string("RCD"))])], [4, 1, 1], .f32, "mode"),
            ([Node(op: "SpaceToDepth", name: "s", inputs: ["x"], outputs: ["y"], attributes: [("blocksize", .ints([2]))])], [1, 3, 4], .f32, "shape"),
        ]
        for (nodes, input, dtype, what) in cases {
            XCTAssertThrowsError(try run(nodes, input: input, dtype: dtype, values: [])) { e in
                switch e as? RuntimeError {
                case let .badAttribute(_, key, _)?: XCTAssertEqual(key, what, "\(e)")
                case .shapeMismatch?: XCTAssertEqual("shape", what, "\(e)")
                default: XCTFail("\(what): \(e)")
                }
            }
        }
    }
}
