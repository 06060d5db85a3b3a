#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CKilnKernels

/// The core's peak multiply-accumulate rate, measured with a register-only loop of the
/// instruction the GEMM is built on (VPDPBUSD, VPMADDWD or SMLAL for int8; 512-bit FMA for f32
/// where the AVX-512 micro-kernels run, else 256-bit FMA or NEON FMLA — the best this CPU has).
/// One thread.
public enum Peak {
    /// MACs per second, best of 5 runs of about 20 ms; nil when this CPU has no probe.
    public static func macsPerSecond(int8: Bool) -> Double? {
        var sink: UInt64 = 0
        guard kiln_peak_probe_macs(int8 ? 1 : 0, 1000, &sink) > 0 else { return nil }
        var best = 0.0
        for _ in 0 ..< 5 {
            let t0 = now()
            let macs = kiln_peak_probe_macs(int8 ? 1 : 0, 400_000, &sink)
            best = max(best, Double(macs) / (now() - t0))
        }
        withExtendedLifetime(sink) {}
        return best
    }

    /// Monotonic seconds.
    public static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }
}
