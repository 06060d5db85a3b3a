import CKilnKernels
import KilnFormat
import KilnRuntime
import XCTest

/// A channel Concat or an Upsample read only by a stride-1 convolution that runs on register tiles
/// is not materialized: the convolution's padded copy reads its inputs in place. The bytes are
/// those of the same graph where the value is also a graph output (so it is computed on its own),
/// for 1 and 2 threads and batch 1 and 3; on CPUs without tiles nothing is fused.
final class InPlaceInputTests: XCTestCase {
    /// x [3, 6, 5] and y [2, 6, 5] -> Concat -> 3x3 conv (5 channels, pad 1) -> LeakyReLU; and
    /// x -> Upsample (2, 3) -> 3x3 conv (pads 1, 0) -> ReLU.
    func graph(_ op: String, alsoOutput: Bool) -> KilnModel {
        let (c, first) = op == "Concat" ? (5, Node(op: "Concat", name: "cat", inputs: ["x", "y"], outputs: ["v"], attributes: [("axis", .int(1))]))
            : (3, Node(op: "Upsample", name: "up", inputs: ["x"], outputs: ["v"], attributes: [("scales", .ints([2, 3]))]))
        let w = Tensor(name: "w", shape: [5, Int64(c), 3, 3], floats: (0 ..< 5 * c * 9).map { Float(($0 * 37) % 23 - 11) / 9 })
        let b = Tensor(name: "b", shape: [5], floats: [0.5, -0.25, 0, 1, -1])
        let pads: [Int64] = op == "Concat" ? [1, 1, 1, 1] : [1, 0, 1, 0]
        let conv = Node(op: "Conv2d", name: "conv", inputs: ["v", "w", "b"], outputs: ["z"], attributes: [("pads", .ints(pads))])
        let act = Node(op: op == "Concat" ? "LeakyReLU" : "ReLU", name: "act", inputs: ["z"], outputs: ["out"],
                       attributes: op == "Concat" ? [("alpha", .float(0.2))] : [])
        var inputs = [GraphInput(name: "x", dtype: .f32, shape: [3, 6, 5])]
        if op == "Concat" { inputs.append(GraphInput(name: "y", dtype: .f32, shape: [2, 6, 5])) }
        return KilnModel(metadata: [], tensors: [w, b], graph: Graph(inputs: inputs, nodes: [first, conv, act], outputs: alsoOutput ? ["out", "v"] : ["out"]))
    }

    func testReadInPlaceGivesTheSameBytes() throws {
        for op in ["Concat", "Upsample"] {
            for (batch, threads) in [(1, 1), (3, 2)] {
                let outputs = try [false, true].map { alsoOutput -> [UInt8] in
                    let plan = try Plan(model: graph(op, alsoOutput: alsoOutput), batch: batch, threads: threads)
                    XCTAssertEqual(plan.fusedNodes, alsoOutput ? 1 : (Self.hasTiles ? 2 : 1), "\(op), also an output: \(alsoOutput)")
                    for i in 0 ..< plan.inputs.count {
                        let x = plan.inputBuffer(i).bindMemory(to: Float.self)
                        for j in 0 ..< x.count { x[j] = Float((j * 7919 + i * 13) % 97) / 16 - 3 }
                    }
                    try plan.run()
                    return Array(plan.outputBuffer(0))
                }
                XCTAssertTrue(outputs[0] == outputs[1], "\(op), batch \(batch), \(threads) threads: read in place and materialized differ")
            }
        }
    }

    /// Whether this CPU runs 5-channel stride-1 convolutions on tiles.
    static var hasTiles: Bool { kiln_f32_conv_s1_ukernel_for(5) != nil }
}
