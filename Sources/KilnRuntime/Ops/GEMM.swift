import CKilnKernels

/// The f32 GEMM the GEMM ops call: the fastest micro-kernel of this CPU, with its packing
/// workspace at the start of the plan's scratch memory (so `run` allocates nothing).
enum GEMM {
    nonisolated(unsafe) static let ukernel = kiln_f32_gemm_best()!
    static let workspaceBytes = kiln_f32_gemm_workspace_size(ukernel)

    /// C[m x n] (+)= op(A) op(B) (row-major), using `scratch` as the packing workspace.
    static func run(_ scratch: UnsafeMutableRawPointer, transposeA: Bool = false, transposeB: Bool = false,
                    m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                    c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
        kiln_f32_gemm(ukernel, scratch, transposeA ? 1 : 0, transposeB ? 1 : 0, m, n, k, a, lda, b, ldb, c, ldc, accumulate ? 1 : 0)
    }

    /// Op data goes after the workspace.
    static func data(_ scratch: UnsafeMutableRawPointer) -> UnsafeMutablePointer<Float> {
        (scratch + workspaceBytes).assumingMemoryBound(to: Float.self)
    }
}
