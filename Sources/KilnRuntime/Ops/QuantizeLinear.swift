import CKilnKernels
import KilnFormat

/// QuantizeLinear: f32 -> i8, y = clamp(zero_point + round_half_even(fl32(x * fl32(1 / scale))),
/// -128, 127), NaN -> zero_point. Attributes scale (f32 > 0), zero_point. Same shape.
struct QuantizeLinear: Op {
    let count: Int
    let inverseScale: Float
    let zeroPoint: Int32
    let kernels: Int8Kernels
    let outputs: [ValueInfo]
    var macsPerSample: Int { 0 }

    init(node: Node, inputs: [ValueInfo?], context: PlanContext) throws {
        try node.requireInputs(inputs, max: 1)
        let x = try node.input(inputs, 0)
        let q = try node.linearQuantization()
        (inverseScale, zeroPoint) = (1 / q.scale, q.zeroPoint)
        (count, kernels) = (x.elementCount, context.kernels)
        outputs = [ValueInfo(dtype: .i8, shape: x.shape)]
    }

    func run(_ inputs: [UnsafeRawPointer?], _ outputs: [UnsafeMutableRawPointer], _ scratch: UnsafeMutableRawPointer) {
        kernels.path.pointee.quantize(count, inputs[0]!.assumingMemoryBound(to: Float.self), inverseScale, zeroPoint,
                                      outputs[0].assumingMemoryBound(to: Int8.self))
    }
}
