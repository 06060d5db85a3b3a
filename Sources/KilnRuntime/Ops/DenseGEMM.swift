import KilnFormat

/// Dense by one GEMM over the batch: y = b (broadcast), then y += x [N, K] x W^T [K, M].
/// Same semantics as `Dense` (the reference); f32 sums in the GEMM's order.
struct DenseGEMM: Op {
    let reference: Dense
    var outputs: [ValueInfo] { reference.outputs }
    var macsPerSample: Int { reference.macsPerSample }
    var scratchBytes: Int { GEMM.workspaceBytes(threads: pool.count) }

    let pool: ThreadPool

    init(node: Node, inputs: [ValueInfo?], pool: ThreadPool) throws {
        self.pool = pool
        reference = try Dense(node: node, inputs: inputs)
    }

    func run(_ inputs: [UnsafeRawPointer?], _ outputs: [UnsafeMutableRawPointer], _ scratch: UnsafeMutableRawPointer) {
        let (n, k, m) = (reference.n, reference.k, reference.m)
        let x = inputs[0]!.assumingMemoryBound(to: Float.self)
        let w = inputs[1]!.assumingMemoryBound(to: Float.self)
        let y = outputs[0].assumingMemoryBound(to: Float.self)
        if reference.hasBias {
            let b = inputs[2]!.assumingMemoryBound(to: Float.self)
            for i in 0 ..< n { (y + i * m).update(from: b, count: m) }
        }
        GEMM.run(scratch, pool: pool, transposeB: true, m: n, n: m, k: k, a: x, lda: k, b: w, ldb: k, c: y, ldc: m, accumulate: reference.hasBias)
    }
}
