import CKilnKernels
import KilnFormat

/// DequantizeLinear: i8 -> f32, y = fl32(f32(x - zero_point) * scale). Attributes scale (f32 > 0),
/// zero_point. Same shape.
struct DequantizeLinear: Op {
    let count: Int
    let scale: Float
    let zeroPoint: Int32
    let kernels: Int8Kernels
    let pool: ThreadPool
    let outputs: [ValueInfo]
    var macsPerSample: Int { 0 }

    init(node: Node, inputs: [ValueInfo?], context: PlanContext) throws {
        try node.requireInputs(inputs, max: 1)
        let x = try node.input(inputs, 0, .i8)
        (scale, zeroPoint) = try node.linearQuantization()
        (count, kernels, pool) = (x.elementCount, context.kernels, context.pool)
        outputs = [ValueInfo(dtype: .f32, shape: x.shape)]
    }

    func run(_ inputs: [UnsafeRawPointer?], _ outputs: [UnsafeMutableRawPointer], _ scratch: UnsafeMutableRawPointer) {
        var e = kiln_qs8_elementwise(path: kernels.path, kind: KILN_QS8_DEQUANTIZE, n: count, x: inputs[0], y: outputs[0], table: nil,
                                     scale: scale, zero_point: zeroPoint)
        withUnsafeMutablePointer(to: &e) { pool.run(kiln_qs8_elementwise_task, UnsafeMutableRawPointer($0)) }
    }
}
