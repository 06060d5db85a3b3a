import CKilnKernels

/// Which kernels this process uses, for reports (`kiln inspect`, benchmarks).
public enum KernelInfo {
    /// The f32 GEMM micro-kernel of the default float path, e.g. "6x16-avx2-fma".
    public static var f32GEMM: String { String(cString: GEMM.ukernel.pointee.name) }

    /// The f16 -> f32 conversion used for fp16 weights, e.g. "f16c".
    public static var f16ToF32: String { String(cString: kiln_f16_to_f32_best().pointee.name) }
}
