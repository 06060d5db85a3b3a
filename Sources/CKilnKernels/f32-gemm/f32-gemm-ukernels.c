// The list of f32 GEMM micro-kernels: dispatch picks from it, and the tests run every entry the
// CPU supports against the reference.
#pragma STDC FP_CONTRACT OFF
#include "kiln/f32-gemm.h"

#include <assert.h>
#include <stdint.h>

#include "../cpu/kernel-list.h"

// Fastest first at wide n. Every entry but the last rounds alike (fused multiply-adds). A
// narrow-only entry (no tile) comes after a tiled one that needs the same features, so the first
// supported entry always has a tile.
static const struct kiln_f32_gemm_ukernel ukernels[] = {
#if defined(__x86_64__)
    {.name = "8x32-avx512", .required_features = KILN_CPU_AVX512F | KILN_CPU_AVX2 | KILN_CPU_FMA, .mr = 8, .nr = 32,
     .fn = kiln_f32_gemm_ukernel_8x32_avx512},
    {.name = "16x16-avx512", .required_features = KILN_CPU_AVX512F | KILN_CPU_AVX2 | KILN_CPU_FMA, .mr = 16, .nr = 16,
     .fn = kiln_f32_gemm_ukernel_16x16_avx512, .narrow = kiln_f32_gemm_narrow_16xn_avx512, .narrow_max = 8},
    // weights packed in 64-row panels for layers of at most 4 columns
    {.name = "64xn-avx512", .required_features = KILN_CPU_AVX512F | KILN_CPU_AVX2 | KILN_CPU_FMA, .mr = 64, .nr = 4,
     .narrow = kiln_f32_gemm_narrow_64xn_avx512, .narrow_max = 4},
    {.name = "6x16-avx2-fma", .required_features = KILN_CPU_AVX2 | KILN_CPU_FMA, .mr = 6, .nr = 16,
     .fn = kiln_f32_gemm_ukernel_6x16_avx2_fma, .gemv = kiln_f32_gemv_6_fma},
#endif
#if defined(__aarch64__)
    {.name = "8x8-neon", .required_features = KILN_CPU_NEON, .mr = 8, .nr = 8, .fn = kiln_f32_gemm_ukernel_8x8_neon,
     .narrow = kiln_f32_gemm_narrow_8xn_neon, .narrow_max = 4},
#endif
    {.name = "4x8-c", .mr = 4, .nr = 8, .fn = kiln_f32_gemm_ukernel_4x8_c, .gemv = kiln_f32_gemv_4_c},
};
KILN_KERNEL_LIST(kiln_f32_gemm_ukernel, struct kiln_f32_gemm_ukernel, ukernels)

const struct kiln_f32_gemm_ukernel *kiln_f32_gemm_best_for_columns(size_t n) {
  const struct kiln_f32_gemm_ukernel *best = kiln_f32_gemm_ukernel_best();
  assert(best->fn);
  if (best->required_features == 0 || n == 0) return best;  // only the C kernel: nothing to choose
  const uint32_t have = kiln_cpu_features();
  for (size_t i = 0; i < kiln_f32_gemm_ukernel_count(); i++) {  // a narrow-only kernel for the layers it was made for
    const struct kiln_f32_gemm_ukernel *uk = &ukernels[i];
    if (!uk->fn && n <= uk->narrow_max && (uk->required_features & have) == uk->required_features) return uk;
  }
  size_t padded = SIZE_MAX;
  for (size_t i = 0; i < kiln_f32_gemm_ukernel_count(); i++) {
    const struct kiln_f32_gemm_ukernel *uk = &ukernels[i];
    if (!uk->fn || uk->required_features == 0 || (uk->required_features & have) != uk->required_features) continue;
    const size_t p = kiln_f32_gemm_columns_computed(uk, n);
    if (p < padded) best = uk, padded = p;
  }
  return best;
}
