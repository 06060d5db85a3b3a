import KilnFormat
@testable import KilnRuntime
import XCTest

/// Add, Sub, Mul and Div with numpy broadcasting, worked by hand (ONNX Runtime checks them on the
/// broadcast_arith and onnx_bilinear_unet fixtures), and the shapes they refuse.
final class BroadcastTests: XCTestCase {
    private func run(_ op: String, _ x: [Float], _ shape: [Int64], constant: Tensor, constantFirst: Bool = false) throws -> (shape: [Int], values: [Float]) {
        let node = Node(op: op, name: "b", inputs: constantFirst ? [constant.name, "x"] : ["x", constant.name], outputs: ["y"])
        let m = KilnModel(metadata: [], tensors: [constant], graph: Graph(inputs: [GraphInput(name: "x", dtype: .f32, shape: shape)], nodes: [node], outputs: ["y"]))
        let plan = try Plan(model: m, batch: 2)
        let input = plan.inputBuffer(0).bindMemory(to: Float.self)
        for (i, v) in x.enumerated() { input[i] = v }
        try plan.run()
        return (plan.outputs[0].shape, Array(plan.outputBuffer(0).bindMemory(to: Float.self)))
    }

    /// x [2, 2, 1, 3] (batch 2) against a per-channel [2, 1, 1], a row [3] and a scalar [1].
    func testPerChannelRowAndScalar() throws {
        let x: [Float] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
        let channel = Tensor(name: "c", shape: [2, 1, 1], floats: [10, 20])
        XCTAssertEqual(try run("Add", x, [2, 1, 3], constant: channel).values, [11, 12, 13, 24, 25, 26, 17, 18, 19, 30, 31, 32])
        let row = Tensor(name: "r", shape: [3], floats: [1, 2, 4])
        let divided = try run("Div", x, [2, 1, 3], constant: row, constantFirst: true)
        XCTAssertEqual(divided.shape, [2, 2, 1, 3])
        let numerators: [Float] = [1, 2, 4, 1, 2, 4, 1, 2, 4, 1, 2, 4]
        XCTAssertEqual(divided.values, zip(numerators, x).map { $0 / $1 })
        XCTAssertEqual(try run("Sub", x, [2, 1, 3], constant: Tensor(name: "s", shape: [1], floats: [1])).values, x.map { $0 - 1 })
        XCTAssertEqual(try run("Mul", x, [2, 1, 3], constant: Tensor(name: "s", shape: [1], floats: [-2])).values, x.map { $0 * -2 })
    }

    func testShapesThatDoNotBroadcast() {
        for (shape, constant) in [([2, 1, 3] as [Int64], [4] as [Int64]), ([2, 1, 3], [3, 1, 1]), ([1, 1, 1, 3], [3])] {
            let t = Tensor(name: "c", shape: constant, floats: .init(repeating: 1, count: Int(constant.reduce(1, *))))
            XCTAssertThrowsError(try run("Add", .init(repeating: 0, count: 2 * Int(shape.reduce(1, *))), shape, constant: t)) { e in
                guard case .shapeMismatch("b", _)? = e as? RuntimeError else { return XCTFail("\(shape) + \(constant): \(e)") }
            }
        }
    }
}
