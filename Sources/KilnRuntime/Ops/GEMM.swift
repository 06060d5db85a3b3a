import CKilnKernels

/// The f32 GEMM the GEMM ops call: the fastest micro-kernel of this CPU, split between the plan's
/// threads along m or n in whole tiles (the same bytes for every thread count), with one packing
/// workspace per thread at the start of the plan's scratch memory (so `run` allocates nothing).
enum GEMM {
    nonisolated(unsafe) static let ukernel = kiln_f32_gemm_best()!
    static let workspaceStride = kiln_f32_gemm_workspace_size(ukernel)

    /// Scratch bytes the workspaces of `threads` threads take.
    static func workspaceBytes(threads: Int) -> Int { workspaceStride * threads }

    /// C[m x n] (+)= op(A) op(B) (row-major) on `pool`'s threads.
    static func run(_ scratch: UnsafeMutableRawPointer, pool: ThreadPool, transposeA: Bool = false, transposeB: Bool = false,
                    m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                    c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
        var job = kiln_f32_gemm_job(uk: ukernel, workspace: scratch, workspace_stride: workspaceStride,
                                    transpose_a: transposeA ? 1 : 0, transpose_b: transposeB ? 1 : 0, m: m, n: n, k: k,
                                    a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc, accumulate: accumulate ? 1 : 0)
        withUnsafeMutablePointer(to: &job) { pool.run(kiln_f32_gemm_task, UnsafeMutableRawPointer($0)) }
    }

    /// Op data goes after the workspaces.
    static func data(_ scratch: UnsafeMutableRawPointer, pool: ThreadPool) -> UnsafeMutablePointer<Float> {
        (scratch + workspaceBytes(threads: pool.count)).assumingMemoryBound(to: Float.self)
    }
}
