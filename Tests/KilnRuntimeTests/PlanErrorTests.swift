import KilnFormat
@testable import KilnRuntime
import XCTest

/// Models that load but cannot be planned or run give a typed `RuntimeError` naming the node.
final class PlanErrorTests: XCTestCase {
    private func model(_ nodes: [Node], tensors: [Tensor] = [], input: [Int64] = [2, 4, 4], inputType: DType = .f32) -> KilnModel {
        KilnModel(metadata: [], tensors: tensors,
                  graph: Graph(inputs: [GraphInput(name: "x", dtype: inputType, shape: input)], nodes: nodes,
                               outputs: [nodes.last!.outputs[0]]))
    }

    private func planError(_ m: KilnModel, batch: Int = 1) -> RuntimeError? {
        do {
            _ = try Plan(model: m, batch: batch)
            XCTFail("planning succeeded")
        } catch let e as RuntimeError {
            XCTAssertFalse(e.description.isEmpty)
            return e
        } catch { XCTFail("\(error)") }
        return nil
    }

    func testUnknownOp() {
        let e = planError(model([Node(op: "Softplus", name: "sp", inputs: ["x"], outputs: ["y"])]))
        XCTAssertEqual(e, .unknownOp(op: "Softplus", node: "sp"))
        XCTAssertTrue(e!.description.contains("Upgrade kiln"))
    }

    /// i8 weights (no float op takes them; f16 ones are widened to f32 at planning).
    func testWeightDTypeDoesNotMatchOp() {
        let w = [Int8](repeating: 1, count: 2 * 2 * 3 * 3).withUnsafeBytes { Tensor(name: "w", dtype: .i8, shape: [2, 2, 3, 3], data: $0) }
        XCTAssertEqual(planError(model([Node(op: "Conv2d", name: "c", inputs: ["x", "w"], outputs: ["y"])], tensors: [w])),
                       .dtypeMismatch(node: "c", input: "w", expected: .f32, found: .i8))
    }

    func testChannelMismatch() {
        let w = Tensor(name: "w", shape: [1, 3, 1, 1], floats: [1, 1, 1])
        guard case let .shapeMismatch(node, _)? = planError(model([Node(op: "Conv2d", name: "c", inputs: ["x", "w"], outputs: ["y"])], tensors: [w])) else { return XCTFail() }
        XCTAssertEqual(node, "c")
    }

    func testBadAttributes() {
        let w = Tensor(name: "w", shape: [1, 2, 3, 3], floats: .init(repeating: 1, count: 18))
        for (key, value) in [("strides", MetadataValue.ints([0, 1])), ("pads", .ints([1, 1])), ("dilations", .string("2")), ("output_padding", .ints([0, 0]))] {
            let e = planError(model([Node(op: "Conv2d", name: "c", inputs: ["x", "w"], outputs: ["y"], attributes: [(key, value)])], tensors: [w]))
            guard case .badAttribute(_, key, _)? = e else { return XCTFail("\(key): \(String(describing: e))") }
        }
        XCTAssertEqual(planError(model([Node(op: "Upsample", name: "u", inputs: ["x"], outputs: ["y"])])),
                       .badAttribute(node: "u", key: "scales", message: "Upsample needs integer scales [sh, sw]"))
    }

    func testKernelLargerThanPaddedInput() {
        let w = Tensor(name: "w", shape: [1, 2, 5, 5], floats: .init(repeating: 1, count: 50))
        guard case .shapeMismatch? = planError(model([Node(op: "Conv2d", name: "c", inputs: ["x", "w"], outputs: ["y"])], tensors: [w])) else { return XCTFail() }
    }

    func testDenseNeedsFlatInput() {
        let w = Tensor(name: "w", shape: [3, 32], floats: .init(repeating: 1, count: 96))
        guard case let .shapeMismatch(_, m)? = planError(model([Node(op: "Dense", name: "d", inputs: ["x", "w"], outputs: ["y"])], tensors: [w])) else { return XCTFail() }
        XCTAssertTrue(m.contains("Flatten"), m)
    }

    func testReshapeToWrongCount() {
        guard case .shapeMismatch? = planError(model([Node(op: "Reshape", name: "r", inputs: ["x"], outputs: ["y"], attributes: [("shape", .ints([5, -1]))])])) else { return XCTFail() }
    }

    func testHugeBatchOverflowsInsteadOfAllocating() {
        let m = model([Node(op: "ReLU", name: "r", inputs: ["x"], outputs: ["y"])], input: [1 << 20, 1 << 20])
        guard case .tooLarge? = planError(m, batch: 1 << 30) else { return XCTFail() }
        XCTAssertEqual(planError(m, batch: 0), .badBatch(0))
    }

    /// A transposed convolution with a column stride of 2^17 asks for a 1.6 GB output: refused under
    /// the default 1 GiB limit, naming the value, before anything is allocated.
    func testValueOverTheMemoryLimitIsRefused() {
        let w = Tensor(name: "w", shape: [4, 16, 1, 1], floats: .init(repeating: 1, count: 64))
        let m = model([Node(op: "ConvTranspose2d", name: "ct", inputs: ["x", "w"], outputs: ["y"], attributes: [("strides", .ints([2, 131072]))])],
                      tensors: [w], input: [4, 2, 64])
        guard case let .overMemoryLimit(what, bytes, _, limit)? = planError(m) else { return XCTFail() }
        XCTAssertEqual(what, "value 'y' of node 'ct'")
        XCTAssertEqual(bytes, 16 * 3 * (63 * 131072 + 1) * 4)
        XCTAssertEqual(limit, Plan.defaultMaxMemory)
        XCTAssertTrue(planError(m)!.description.contains("1.4 GiB for value 'y' of node 'ct'"), planError(m)!.description)
        // a graph input alone: 2^29 floats
        guard case .overMemoryLimit("graph input 'x'", _, _, _)? = planError(model([Node(op: "ReLU", name: "r", inputs: ["x"], outputs: ["y"])], input: [1 << 29]))
        else { return XCTFail() }
    }

    /// Every value under the limit, but the arena of values alive together over it; and packed
    /// weights over it. `maxMemory` sets the limit.
    func testArenaAndPackedWeightsCountAgainstTheLimit() throws {
        let chain = model([Node(op: "ReLU", name: "r1", inputs: ["x"], outputs: ["a"]), Node(op: "Add", name: "add", inputs: ["a", "x"], outputs: ["y"])],
                          input: [1000])
        XCTAssertNoThrow(try Plan(model: chain, batch: 1, maxMemory: 16_000))
        XCTAssertThrowsError(try Plan(model: chain, batch: 1, maxMemory: 10_000)) { e in
            guard case let .overMemoryLimit(what, _, _, 10_000)? = e as? RuntimeError else { return XCTFail("\(e)") }
            XCTAssertTrue(what.hasPrefix("the activation arena (its largest part: "), what)
        }
        let w = Tensor(name: "w", shape: [64, 1000], floats: .init(repeating: 1, count: 64_000))
        let dense = model([Node(op: "Dense", name: "d", inputs: ["x", "w"], outputs: ["y"])], tensors: [w], input: [1000])
        XCTAssertThrowsError(try Plan(model: dense, batch: 1, maxMemory: 200_000)) { e in
            guard case .overMemoryLimit("the packed weights and parameters of node 'd'", _, _, 200_000)? = e as? RuntimeError else { return XCTFail("\(e)") }
        }
    }

    func testLabelOutOfRangeAtRunTime() throws {
        let table = Tensor(name: "t", shape: [3, 2], floats: [1, 2, 3, 4, 5, 6])
        let m = model([Node(op: "Embedding", name: "e", inputs: ["x", "t"], outputs: ["y"])], tensors: [table], input: [], inputType: .i32)
        let plan = try Plan(model: m, batch: 2)
        let labels = plan.inputBuffer(0).bindMemory(to: Int32.self)
        labels[0] = 2; labels[1] = 0
        try plan.run()
        XCTAssertEqual(Array(plan.outputBuffer(0).bindMemory(to: Float.self)), [5, 6, 1, 2])
        labels[1] = 3
        XCTAssertThrowsError(try plan.run()) { XCTAssertEqual($0 as? RuntimeError, .labelOutOfRange(node: "e", label: 3, classes: 3)) }
    }
}

final class ArenaPlannerTests: XCTestCase {
    /// Random lifetimes: buffers alive at the same step never overlap, offsets are aligned, and
    /// the arena is no larger than the sum of the buffers.
    func testNoLiveBuffersOverlap() {
        var rng = SplitMix64(state: 11)
        for _ in 0 ..< 200 {
            let buffers = (0 ..< 1 + Int(rng.next() % 30)).map { _ -> ArenaPlanner.Buffer in
                let first = Int(rng.next() % 20) - 1
                return ArenaPlanner.Buffer(size: 1 + Int(rng.next() % 5000), first: first, last: first + Int(rng.next() % 6))
            }
            let (offsets, size) = ArenaPlanner.place(buffers)
            XCTAssertLessThanOrEqual(size, buffers.reduce(0) { $0 + ($1.size + 63) / 64 * 64 })
            for i in buffers.indices {
                XCTAssertEqual(offsets[i] % 64, 0)
                XCTAssertLessThanOrEqual(offsets[i] + buffers[i].size, size)
                for j in buffers.indices where j != i {
                    let a = buffers[i], b = buffers[j]
                    guard a.first <= b.last, b.first <= a.last else { continue }
                    XCTAssertTrue(offsets[i] + a.size <= offsets[j] || offsets[j] + b.size <= offsets[i], "buffers \(i) and \(j) overlap")
                }
            }
        }
    }

    /// A chain a -> b -> c needs only two buffers' worth of memory.
    func testChainReusesMemory() {
        let b = [ArenaPlanner.Buffer(size: 1000, first: -1, last: 0), .init(size: 1000, first: 0, last: 1), .init(size: 1000, first: 1, last: 2)]
        XCTAssertEqual(ArenaPlanner.place(b).size, 2048)
    }
}
