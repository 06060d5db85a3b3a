import CKilnKernels
import KilnFormat

/// DequantizeLinear: i8 -> f32, y = fl32(f32(x - zero_point) * scale). Attributes scale (f32 > 0),
/// zero_point. Same shape.
struct DequantizeLinear: Op {
    let kernel: Int8Elementwise
    let outputs: [ValueInfo]
    var macsPerSample: Int { 0 }

    init(node: Node, inputs: [ValueInfo?], context: PlanContext) throws {
        try node.requireInputs(inputs, max: 1)
        let x = try node.input(inputs, 0, .i8)
        let q = try node.linearQuantization()
        kernel = Int8Elementwise(KILN_QS8_DEQUANTIZE, count: x.elementCount, scale: q.scale, zeroPoint: q.zeroPoint, context: context)
        outputs = [ValueInfo(dtype: .f32, shape: x.shape)]
    }

    func run(_ inputs: [UnsafeRawPointer?], _ outputs: [UnsafeMutableRawPointer], _ scratch: UnsafeMutableRawPointer) {
        kernel.run(x: inputs[0], y: outputs[0])
    }
}
