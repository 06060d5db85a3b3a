import CKilnKernels
import KilnFormat

/// QuantizeLinear: f32 -> i8, y = clamp(zero_point + round_half_even(fl32(x * fl32(1 / scale))),
/// -128, 127), NaN -> zero_point. Attributes scale (f32 > 0), zero_point. Same shape.
struct QuantizeLinear: Op {
    let count: Int
    let inverseScale: Float
    let zeroPoint: Int32
    let kernels: Int8Kernels
    let pool: ThreadPool
    let outputs: [ValueInfo]
    var macsPerSample: Int { 0 }

    init(node: Node, inputs: [ValueInfo?], context: PlanContext) throws {
        try node.requireInputs(inputs, max: 1)
        let x = try node.input(inputs, 0)
        let q = try node.linearQuantization()
        (inverseScale, zeroPoint) = (1 / q.scale, q.zeroPoint)
        (count, kernels, pool) = (x.elementCount, context.kernels, context.pool)
        outputs = [ValueInfo(dtype: .i8, shape: x.shape)]
    }

    func run(_ inputs: [UnsafeRawPointer?], _ outputs: [UnsafeMutableRawPointer], _ scratch: UnsafeMutableRawPointer) {
        var e = kiln_qs8_elementwise(path: kernels.path, kind: KILN_QS8_QUANTIZE, n: count, x: inputs[0], y: outputs[0], table: nil,
                                     scale: inverseScale, zero_point: zeroPoint)
        withUnsafeMutablePointer(to: &e) { pool.run(kiln_qs8_elementwise_task, UnsafeMutableRawPointer($0)) }
    }
}
