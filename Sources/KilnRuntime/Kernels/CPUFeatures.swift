import CKilnKernels

/// Instruction-set extensions of the running CPU, detected once (cpuid and xgetbv on x86-64,
/// getauxval(AT_HWCAP) on Linux/AArch64).
public struct CPUFeatures: OptionSet, Sendable, CustomStringConvertible {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let sse41 = CPUFeatures(rawValue: KILN_CPU_SSE41.rawValue)
    public static let avx2 = CPUFeatures(rawValue: KILN_CPU_AVX2.rawValue)
    public static let fma = CPUFeatures(rawValue: KILN_CPU_FMA.rawValue)
    public static let f16c = CPUFeatures(rawValue: KILN_CPU_F16C.rawValue)
    public static let avx512vnni = CPUFeatures(rawValue: KILN_CPU_AVX512VNNI.rawValue)
    public static let avx512f = CPUFeatures(rawValue: KILN_CPU_AVX512F.rawValue)
    public static let pclmul = CPUFeatures(rawValue: KILN_CPU_PCLMUL.rawValue)
    public static let avx512vbmi = CPUFeatures(rawValue: KILN_CPU_AVX512VBMI.rawValue)
    public static let neon = CPUFeatures(rawValue: KILN_CPU_NEON.rawValue)
    public static let neonDot = CPUFeatures(rawValue: KILN_CPU_NEONDOT.rawValue)
    public static let fp16 = CPUFeatures(rawValue: KILN_CPU_FP16.rawValue)
    public static let crc32 = CPUFeatures(rawValue: KILN_CPU_CRC32.rawValue)
    public static let avxVNNI = CPUFeatures(rawValue: KILN_CPU_AVXVNNI.rawValue)

    /// The features of this CPU.
    public static var current: CPUFeatures { CPUFeatures(rawValue: kiln_cpu_features()) }

    static let names: [(CPUFeatures, String)] = [
        (.sse41, "sse4.1"), (.avx2, "avx2"), (.fma, "fma"), (.f16c, "f16c"), (.avxVNNI, "avx-vnni"), (.avx512f, "avx512f"), (.avx512vnni, "avx512-vnni"),
        (.avx512vbmi, "avx512-vbmi"), (.pclmul, "pclmul"), (.neon, "neon"), (.neonDot, "neon-dot"), (.fp16, "fp16"), (.crc32, "crc32"),
    ]

    /// Space-separated names, e.g. "sse4.1 avx2 fma f16c"; "none" for an empty set.
    public var description: String {
        let n = Self.names.filter { contains($0.0) }.map(\.1)
        return n.isEmpty ? "none" : n.joined(separator: " ")
    }
}
