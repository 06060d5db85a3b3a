// CKilnKernels: the C half of the Kiln runtime. libc only; no allocation.
#ifndef KILN_KERNELS_H
#define KILN_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// ---- CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320; the one zlib.crc32 computes) ----

/// Continues a CRC-32 over `size` bytes. Start with crc = 0; the result of one call is the `crc`
/// of the next call over the following bytes. kiln_crc32(0, "123456789", 9) == 0xCBF43926.
uint32_t kiln_crc32(uint32_t crc, const void *data, size_t size);

// ---- CPU features ----

/// Bit flags of the instruction-set extensions the running CPU and OS support.
enum kiln_cpu_feature {
  KILN_CPU_SSE41 = 1u << 0,   // x86: SSE4.1
  KILN_CPU_AVX2 = 1u << 1,    // x86: AVX2 with OS support for YMM state
  KILN_CPU_FMA = 1u << 2,     // x86: FMA3
  KILN_CPU_F16C = 1u << 3,    // x86: F16C
  KILN_CPU_NEON = 1u << 8,    // ARM: Advanced SIMD (always on AArch64)
  KILN_CPU_NEONDOT = 1u << 9, // ARM: SDOT/UDOT (ARMv8.2 dot product)
  KILN_CPU_FP16 = 1u << 10,   // ARM: half-precision arithmetic
};

/// The features of this CPU, detected once (cpuid + xgetbv on x86, getauxval on Linux/AArch64).
uint32_t kiln_cpu_features(void);

#ifdef __cplusplus
}
#endif
#endif
