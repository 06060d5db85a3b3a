import CKilnKernels
import KilnFormat

/// QDense: int8 fully connected layer (Formats/SPEC.md, "QDense"). Inputs: x i8 [N, K], weight
/// i8 [M, K], bias i32 [M], requant i32 [M, 3]; attributes x_zero_point, y_zero_point. Output
/// i8 [N, M]. Threads split blocks of output features.
struct QDense: Op {
    let n, k, m: Int
    let layer: kiln_qs8_layer
    let pool: ThreadPool
    let outputs: [ValueInfo]
    var macsPerSample: Int { k * m }

    init(node: Node, inputs: [ValueInfo?], context: PlanContext) throws {
        try node.requireInputs(inputs, max: 4)
        let x = try node.input(inputs, 0, .i8)
        let w = try context.constant(node, 1)
        try Requantization.checkWeights(w, node: node)
        guard x.shape.count == 2, w.shape.count == 2, Int(w.shape[1]) == x.shape[1] else {
            throw node.shapeError("QDense needs x [N, K] and weight [M, K], got \(x.shape) and \(w.shape)")
        }
        let (n, k, m) = (x.shape[0], x.shape[1], Int(w.shape[0]))
        (self.n, self.k, self.m) = (n, k, m)
        guard k <= Int(KILN_QS8_MAX_K) else { throw node.shapeError("K = \(k) exceeds the int8 limit \(KILN_QS8_MAX_K)") }
        let rq = try Requantization(node: node, context: context, channels: m)
        let weights = w.bytes.bindMemory(to: Int8.self)
        var l = kiln_qs8_layer()
        l.path = context.kernels.path
        (l.batch, l.c, l.h, l.w, l.m, l.oh, l.ow) = (n, k, 1, 1, m, 1, 1)
        (l.x_zero, l.y_zero) = (rq.xZero, rq.yZero)
        l.weights = weights.baseAddress
        l.channels = try rq.channels(weights: weights.baseAddress!, m: m, k: k, node: node, context: context)
        // At a small batch, a path with a narrow GEMM kernel gets the weights packed once, here.
        let packedBytes = kiln_qs8_narrow_packed_bytes(l.path.pointee.gemm, m, k)
        if n <= Int(KILN_QS8_NARROW_N), packedBytes > 0 {
            let packed = try context.allocate(packedBytes, for: node).assumingMemoryBound(to: Int8.self)
            kiln_qs8_narrow_pack(l.path.pointee.gemm, m, k, weights.baseAddress!, packed)
            l.packed_weights = UnsafePointer(packed)
        }
        layer = l
        pool = context.pool
        outputs = [ValueInfo(dtype: .i8, shape: [n, m])]
    }

    func run(_ inputs: [UnsafeRawPointer?], _ outputs: [UnsafeMutableRawPointer], _ scratch: UnsafeMutableRawPointer) {
        var l = layer
        l.x = inputs[0]!.assumingMemoryBound(to: Int8.self)
        l.y = outputs[0].assumingMemoryBound(to: Int8.self)
        withUnsafeMutablePointer(to: &l) { pool.run(kiln_qs8_dense_task, UnsafeMutableRawPointer($0)) }
    }
}
