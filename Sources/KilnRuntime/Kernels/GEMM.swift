import CKilnKernels
import KilnFormat

/// A layer's weights packed for the micro-kernel chosen for its GEMM's column count.
struct PackedA {
    let ukernel: UnsafePointer<kiln_f32_gemm_ukernel>
    let data: UnsafePointer<Float>
}

/// The f32 GEMM the GEMM ops call: per layer, the micro-kernel of this CPU that pads the layer's
/// columns least (all fused kernels give the same bytes), split between the plan's threads along m
/// or n in whole tiles (the same bytes for every thread count), with one packing workspace per
/// thread at the start of the plan's scratch memory (so `run` allocates nothing). The A operand is
/// always a layer's weights, packed once at plan time.
enum GEMM {
    nonisolated(unsafe) static let ukernel = kiln_f32_gemm_ukernel_best()!
    /// Room for any micro-kernel's workspace.
    static let workspaceStride = (0 ..< kiln_f32_gemm_ukernel_count()).map { kiln_f32_gemm_workspace_size(kiln_f32_gemm_ukernel_at($0)) }.max()!

    /// Scratch bytes the workspaces of `threads` threads take.
    static func workspaceBytes(threads: Int) -> Int { workspaceStride * threads }

    /// op(A) [m x k] packed, in plan-time memory, for the micro-kernel that suits `columns`, the n
    /// of every `run` with it.
    static func pack(_ a: UnsafePointer<Float>, transpose: Bool, m: Int, k: Int, columns: Int, for node: Node, context: PlanContext) throws -> PackedA {
        let uk = kiln_f32_gemm_best_for_columns(columns)!
        let p = try context.allocate(kiln_f32_gemm_packed_a_size(uk, m, k), for: node).assumingMemoryBound(to: Float.self)
        kiln_f32_gemm_pack_a(uk, transpose ? 1 : 0, m, k, a, transpose ? m : k, p)
        return PackedA(ukernel: uk, data: UnsafePointer(p))
    }

    /// Columns the GEMM computes for n when A is packed: whole tiles of the kernel `pack` picks, or
    /// exactly n with its narrow form (few columns, or a short tail past whole tiles).
    static func columnsComputed(_ n: Int) -> Int { kiln_f32_gemm_columns_computed(kiln_f32_gemm_best_for_columns(n), n) }

    /// C[m x n] (+)= A op(B) (row-major) with A packed by `pack`, on `pool`'s threads.
    static func run(_ scratch: UnsafeMutableRawPointer, pool: ThreadPool, packedA: PackedA, transposeB: Bool = false,
                    m: Int, n: Int, k: Int, b: UnsafePointer<Float>, ldb: Int, c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
        var job = kiln_f32_gemm_job(uk: packedA.ukernel, workspace: scratch, workspace_stride: workspaceStride,
                                    transpose_a: 0, transpose_b: transposeB ? 1 : 0, m: m, n: n, k: k, packed_a: packedA.data,
                                    a: nil, lda: k, b: b, ldb: ldb, c: c, ldc: ldc, accumulate: accumulate ? 1 : 0)
        withUnsafeMutablePointer(to: &job) { pool.run(kiln_f32_gemm_task, UnsafeMutableRawPointer($0)) }
    }

    /// Op data goes after the workspaces.
    static func data(_ scratch: UnsafeMutableRawPointer, pool: ThreadPool) -> UnsafeMutablePointer<Float> {
        (scratch + workspaceBytes(threads: pool.count)).assumingMemoryBound(to: Float.self)
    }
}
