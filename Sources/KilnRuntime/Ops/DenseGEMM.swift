import CKilnKernels
import KilnFormat

/// Dense by one GEMM over the batch with the weights as the packed operand:
/// t [M, N] = W [M, K] x x^T, then y[n, m] = t[m, n] + b[m] and the fused epilogue. Same semantics as `Dense` (the
/// reference); f32 sums in the GEMM's order.
struct DenseGEMM: EpilogueFusing {
    let reference: Dense
    let pool: ThreadPool
    /// W [M, K], packed at plan time.
    let weights: PackedA
    /// Applied to each sample's row of M outputs after the bias.
    var epilogue = Epilogue()
    var outputs: [ValueInfo] { reference.outputs }
    var macsPerSample: Int { reference.macsPerSample }
    var scratchBytes: Int { GEMM.workspaceBytes(threads: pool.count) + reference.m * reference.n * 4 }

    init(node: Node, inputs: [ValueInfo?], context: PlanContext) throws {
        let reference = try Dense(node: node, inputs: inputs)
        self.reference = reference
        pool = context.pool
        weights = try GEMM.pack(try context.floats(node, 1), transpose: false, m: reference.m, k: reference.k, columns: reference.n, for: node, context: context)
    }

    func run(_ inputs: [UnsafeRawPointer?], _ outputs: [UnsafeMutableRawPointer], _ scratch: UnsafeMutableRawPointer) {
        let (n, k, m) = (reference.n, reference.k, reference.m)
        let x = inputs[0]!.assumingMemoryBound(to: Float.self)
        let y = outputs[0].assumingMemoryBound(to: Float.self)
        let t = GEMM.data(scratch, pool: pool)
        GEMM.run(scratch, pool: pool, packedA: weights, transposeB: true, m: m, n: n, k: k, b: x, ldb: k, c: t, ldc: n, accumulate: false)
        let b = reference.hasBias ? inputs[2]!.assumingMemoryBound(to: Float.self) : nil
        for i in 0 ..< n {
            for o in 0 ..< m { y[i * m + o] = t[o * n + i] + (b?[o] ?? 0) }
        }
        if !epilogue.isEmpty { withUnsafePointer(to: epilogue.parameters) { e in for i in 0 ..< n { kiln_f32_epilogue(e, 0, m, 1, y + i * m) } } }
    }
}
