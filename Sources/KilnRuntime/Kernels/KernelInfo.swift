import CKilnKernels

/// Which kernels this process uses, for reports (`kiln inspect`, benchmarks).
public enum KernelInfo {
    /// The f32 GEMM micro-kernels of the default float path: the fastest, and the others a layer
    /// gets when they pad its columns less (as chosen for 1 to 64 columns), e.g.
    /// "8x32-avx512 (64xn-avx512, 16x16-avx512 for narrow layers)".
    public static var f32GEMM: String {
        let name = String(cString: GEMM.ukernel.pointee.name)
        var others: [String] = []
        for n in 1 ... 64 {
            let other = String(cString: kiln_f32_gemm_best_for_columns(n)!.pointee.name)
            if other != name, !others.contains(other) { others.append(other) }
        }
        return others.isEmpty ? name : name + " (" + others.joined(separator: ", ") + " for narrow layers)"
    }

    /// The f16 -> f32 conversion used for fp16 weights, e.g. "f16c".
    public static var f16ToF32: String { String(cString: kiln_f16_to_f32_kernel_best().pointee.name) }
}
