import CKilnKernels

/// An int8 element-wise kernel of the plan's path (quantize, dequantize, table lookup) over
/// `count` elements, split between the plan's threads in contiguous ranges. Set up at plan time;
/// `run` allocates nothing.
struct Int8Elementwise {
    private let op: kiln_qs8_elementwise
    private let pool: ThreadPool

    /// `scale`: 1 / scale to quantize, the scale to dequantize; unused by lookups.
    init(_ kind: kiln_qs8_elementwise_kind, count: Int, scale: Float = 0, zeroPoint: Int32 = 0, context: PlanContext) {
        op = kiln_qs8_elementwise(path: context.kernels.path, kind: kind, n: count, x: nil, y: nil, table: nil, scale: scale,
                                  zero_point: zeroPoint)
        pool = context.pool
    }

    func run(x: UnsafeRawPointer?, y: UnsafeMutableRawPointer, table: UnsafePointer<Int8>? = nil) {
        var e = op
        (e.x, e.y, e.table) = (x, UnsafeMutableRawPointer(y), table)
        withUnsafeMutablePointer(to: &e) { pool.run(kiln_qs8_elementwise_task, UnsafeMutableRawPointer($0)) }
    }
}
