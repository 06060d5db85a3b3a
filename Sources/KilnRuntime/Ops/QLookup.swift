import CKilnKernels
import KilnFormat

/// QLookup: i8 -> i8 through a 256-entry table, y = table[x + 128]. Inputs: x, table i8 [256]
/// (a constant). Every int8 element-wise op (Tanh, Sigmoid, a standalone activation, a change of
/// scale) is one of these; the quantizer computes the table, the runtime evaluates no libm.
struct QLookup: Op {
    let kernel: Int8Elementwise
    let outputs: [ValueInfo]
    var macsPerSample: Int { 0 }

    init(node: Node, inputs: [ValueInfo?], context: PlanContext) throws {
        try node.requireInputs(inputs, max: 2)
        let x = try node.input(inputs, 0, .i8)
        let table = try context.constant(node, 1)
        guard table.dtype == .i8, table.shape == [256] else {
            throw node.shapeError("the table must be i8 [256], got \(table.dtype) \(table.shape)")
        }
        kernel = Int8Elementwise(KILN_QS8_LOOKUP, count: x.elementCount, context: context)
        outputs = [x]
    }

    func run(_ inputs: [UnsafeRawPointer?], _ outputs: [UnsafeMutableRawPointer], _ scratch: UnsafeMutableRawPointer) {
        kernel.run(x: inputs[0], y: outputs[0], table: inputs[1]!.assumingMemoryBound(to: Int8.self))
    }
}
