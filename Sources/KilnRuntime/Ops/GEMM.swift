import CKilnKernels

/// The f32 GEMM the GEMM ops call: the fastest micro-kernel of this CPU, split between the plan's
/// threads along m or n in whole tiles (the same bytes for every thread count), with one packing
/// workspace per thread at the start of the plan's scratch memory (so `run` allocates nothing).
/// The A operand is always a layer's weights, packed once at plan time.
enum GEMM {
    nonisolated(unsafe) static let ukernel = kiln_f32_gemm_best()!
    static let workspaceStride = kiln_f32_gemm_workspace_size(ukernel)

    /// Scratch bytes the workspaces of `threads` threads take.
    static func workspaceBytes(threads: Int) -> Int { workspaceStride * threads }

    /// op(A) [m x k] packed for the micro-kernel, in plan-time memory.
    static func pack(_ a: UnsafePointer<Float>, transpose: Bool, m: Int, k: Int, buffers: OwnedBuffers) -> UnsafePointer<Float> {
        let p = buffers.allocate(bytes: kiln_f32_gemm_packed_a_size(ukernel, m, k)).assumingMemoryBound(to: Float.self)
        kiln_f32_gemm_pack_a(ukernel, transpose ? 1 : 0, m, k, a, transpose ? m : k, p)
        return UnsafePointer(p)
    }

    /// C[m x n] (+)= A op(B) (row-major) with A packed by `pack`, on `pool`'s threads.
    static func run(_ scratch: UnsafeMutableRawPointer, pool: ThreadPool, packedA: UnsafePointer<Float>, transposeB: Bool = false,
                    m: Int, n: Int, k: Int, b: UnsafePointer<Float>, ldb: Int, c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
        var job = kiln_f32_gemm_job(uk: ukernel, workspace: scratch, workspace_stride: workspaceStride,
                                    transpose_a: 0, transpose_b: transposeB ? 1 : 0, m: m, n: n, k: k, packed_a: packedA,
                                    a: nil, lda: k, b: b, ldb: ldb, c: c, ldc: ldc, accumulate: accumulate ? 1 : 0)
        withUnsafeMutablePointer(to: &job) { pool.run(kiln_f32_gemm_task, UnsafeMutableRawPointer($0)) }
    }

    /// Op data goes after the workspaces.
    static func data(_ scratch: UnsafeMutableRawPointer, pool: ThreadPool) -> UnsafeMutablePointer<Float> {
        (scratch + workspaceBytes(threads: pool.count)).assumingMemoryBound(to: Float.self)
    }
}
