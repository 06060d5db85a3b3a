import CKilnKernels
import KilnFormat

/// QuantizeLinear: f32 -> i8, y = clamp(zero_point + round_half_even(fl32(x * fl32(1 / scale))),
/// -128, 127), NaN -> zero_point. Attributes scale (f32 > 0), zero_point. Same shape.
struct QuantizeLinear: Op {
    let kernel: Int8Elementwise
    let outputs: [ValueInfo]
    var macsPerSample: Int { 0 }

    init(node: Node, inputs: [ValueInfo?], context: PlanContext) throws {
        try node.requireInputs(inputs, max: 1)
        let x = try node.input(inputs, 0)
        let q = try node.linearQuantization()
        kernel = Int8Elementwise(KILN_QS8_QUANTIZE, count: x.elementCount, scale: 1 / q.scale, zeroPoint: q.zeroPoint, context: context)
        outputs = [ValueInfo(dtype: .i8, shape: x.shape)]
    }

    func run(_ inputs: [UnsafeRawPointer?], _ outputs: [UnsafeMutableRawPointer], _ scratch: UnsafeMutableRawPointer) {
        kernel.run(x: inputs[0], y: outputs[0])
    }
}
