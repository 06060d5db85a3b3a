import CKilnKernels
import KilnRuntime

/// One GEMM of fixed shape on made-up data, for benchmarking the kernels alone at the shapes of
/// real layers (Benchmarks/). Buffers are made at init; `run` allocates nothing.
public final class KernelBenchmark {
    public let m, n, k: Int
    public let name: String
    private let run_: () -> Void
    private let buffers: Buffers

    /// int8: C [m x n] = requantize(A [m x k] B^T), both k-contiguous, with `kernels`: the narrow
    /// kernel on A packed beforehand where the runtime would use it (n <= KILN_QS8_NARROW_N), else
    /// kiln_qs8_gemm.
    public init(int8 m: Int, n: Int, k: Int, kernels: Int8Kernels) {
        (self.m, self.n, self.k, name) = (m, n, k, "qs8-\(kernels.name)")
        let s = Buffers()
        let a = s.allocate(bytes: m * k).assumingMemoryBound(to: Int8.self), b = s.allocate(bytes: n * k).assumingMemoryBound(to: Int8.self)
        let c = s.allocate(bytes: m * n).assumingMemoryBound(to: Int8.self)
        let ch = s.allocate(bytes: m * MemoryLayout<kiln_qs8_channel>.stride).bindMemory(to: kiln_qs8_channel.self, capacity: m)
        for i in 0 ..< m * k { a[i] = Int8(truncatingIfNeeded: (i &* 37) % 255 - 127) }
        for i in 0 ..< n * k { b[i] = Int8(truncatingIfNeeded: i &* 11) }
        for i in 0 ..< m {
            let sum = (0 ..< k).reduce(Int32(0)) { $0 + Int32(a[i * k + $1]) }
            ch[i] = kiln_qs8_channel(bias: 0, multiplier_pos: 1 << 30, multiplier_neg: 1 << 29, shift: 40, weight_sum: sum)
        }
        let gemm = kiln_qs8_path_named(kernels.name)!.pointee.gemm!
        if n <= Int(KILN_QS8_NARROW_N), let narrow = gemm.pointee.narrow.gemm {
            let packed = s.allocate(bytes: kiln_qs8_narrow_packed_bytes(gemm, m, k)).assumingMemoryBound(to: Int8.self)
            kiln_qs8_narrow_pack(gemm, m, k, a, packed)
            run_ = { narrow(m, n, k, packed, b, k, ch, 0, c, n, 1) }
        } else {
            let ws = s.allocate(bytes: kiln_qs8_gemm_workspace_bytes(gemm, k) + 1)
            run_ = { kiln_qs8_gemm(gemm, ws, m, n, k, a, k, b, k, ch, 0, c, n, 1) }
        }
        buffers = s
    }

    /// f32: C [m x n] = A [m x k] B [k x n] with the best micro-kernel, A packed beforehand as the
    /// runtime does with weights.
    public init(f32 m: Int, n: Int, k: Int) {
        let uk = kiln_f32_gemm_ukernel_best()!
        (self.m, self.n, self.k, name) = (m, n, k, "f32-" + String(cString: uk.pointee.name))
        let s = Buffers()
        let a = s.allocate(bytes: m * k * 4).assumingMemoryBound(to: Float.self), b = s.allocate(bytes: n * k * 4).assumingMemoryBound(to: Float.self)
        let c = s.allocate(bytes: m * n * 4).assumingMemoryBound(to: Float.self)
        for i in 0 ..< m * k { a[i] = Float(i % 17) / 17 - 0.5 }
        for i in 0 ..< n * k { b[i] = Float(i % 13) / 13 - 0.5 }
        let packed = s.allocate(bytes: kiln_f32_gemm_packed_a_size(uk, m, k)).assumingMemoryBound(to: Float.self)
        kiln_f32_gemm_pack_a(uk, 0, m, k, a, k, packed)
        let ws = s.allocate(bytes: kiln_f32_gemm_workspace_size(uk))
        run_ = { kiln_f32_gemm_prepacked(uk, ws, packed, m, 0, 0, m, n, k, b, n, c, n, 0) }
        buffers = s
    }

    /// Multiply-accumulates per run.
    public var macs: Int { m * n * k }

    public func run() { run_() }
}

/// 64-byte-aligned allocations freed with their owner.
private final class Buffers {
    private var pointers: [UnsafeMutableRawPointer] = []

    func allocate(bytes: Int) -> UnsafeMutableRawPointer {
        let p = UnsafeMutableRawPointer.allocate(byteCount: max(bytes, 1), alignment: 64)
        pointers.append(p)
        return p
    }

    deinit { pointers.forEach { $0.deallocate() } }
}
