// CPU features: what the running CPU and OS support, detected once, and the choice of a kernel
// from a family's list.
#ifndef KILN_CPU_FEATURES_H
#define KILN_CPU_FEATURES_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Bit flags of the instruction-set extensions the running CPU and OS support.
enum kiln_cpu_feature {
  KILN_CPU_SSE41 = 1u << 0,        // x86: SSE4.1
  KILN_CPU_AVX2 = 1u << 1,         // x86: AVX2 with OS support for YMM state
  KILN_CPU_FMA = 1u << 2,          // x86: FMA3
  KILN_CPU_F16C = 1u << 3,         // x86: F16C
  KILN_CPU_AVX512VNNI = 1u << 4,   // x86: AVX-512 F, BW and VNNI with OS support for ZMM state
  KILN_CPU_AVX512F = 1u << 5,      // x86: AVX-512 F with OS support for ZMM state
  KILN_CPU_PCLMUL = 1u << 6,       // x86: PCLMULQDQ and SSE4.1
  KILN_CPU_AVX512VBMI = 1u << 7,   // x86: AVX-512 F, BW and VBMI (byte permutes) with OS support for ZMM state
  KILN_CPU_NEON = 1u << 8,         // ARM: Advanced SIMD (always on AArch64)
  KILN_CPU_NEONDOT = 1u << 9,      // ARM: SDOT/UDOT (ARMv8.2 dot product)
  KILN_CPU_FP16 = 1u << 10,        // ARM: half-precision arithmetic
  KILN_CPU_CRC32 = 1u << 11,       // ARM: CRC32 instructions (ARMv8.0 optional, ARMv8.1 mandatory)
  KILN_CPU_AVXVNNI = 1u << 12,     // x86: AVX-VNNI (VEX VPDPBUSD on YMM) and AVX2, with OS support for YMM state
};

/// The features of this CPU, detected once (cpuid + xgetbv on x86, getauxval on Linux/AArch64).
uint32_t kiln_cpu_features(void);

/// For the lists of kernels (structs that begin with `const char *name; uint32_t
/// required_features;`, fastest first, the last needing nothing): the index of the first entry
/// this CPU supports. `size` is one entry's size.
size_t kiln_first_supported(const void *entries, size_t count, size_t size);

#ifdef __cplusplus
}
#endif
#endif
