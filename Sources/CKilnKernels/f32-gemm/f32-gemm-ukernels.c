// The list of f32 GEMM micro-kernels: dispatch picks from it, and the tests run every entry the
// CPU supports against the reference.
#pragma STDC FP_CONTRACT OFF
#include "kiln_kernels.h"

#include <stdint.h>

void kiln_f32_gemm_ukernel_4x8_c(size_t, const float *, const float *, float *, size_t, size_t, size_t, int);
void kiln_f32_gemm_ukernel_8x32_avx512(size_t, const float *, const float *, float *, size_t, size_t, size_t, int);
void kiln_f32_gemm_ukernel_16x16_avx512(size_t, const float *, const float *, float *, size_t, size_t, size_t, int);
void kiln_f32_gemm_ukernel_6x16_avx2_fma(size_t, const float *, const float *, float *, size_t, size_t, size_t, int);
void kiln_f32_gemm_ukernel_8x8_neon(size_t, const float *, const float *, float *, size_t, size_t, size_t, int);
void kiln_f32_gemv_4_c(size_t, size_t, const float *, const float *, size_t, float *, size_t, int);
void kiln_f32_gemv_6_fma(size_t, size_t, const float *, const float *, size_t, float *, size_t, int);
void kiln_f32_gemm_narrow_16xn_avx512(size_t, size_t, size_t, const float *, const float *, size_t, size_t, float *, size_t, int);
void kiln_f32_gemm_narrow_64xn_avx512(size_t, size_t, size_t, const float *, const float *, size_t, size_t, float *, size_t, int);
void kiln_f32_gemv_8_fma(size_t, size_t, const float *, const float *, size_t, float *, size_t, int);

// Fastest first at wide n. Every entry but the last rounds alike (fused multiply-adds).
static const struct kiln_f32_gemm_ukernel ukernels[] = {
#if defined(__x86_64__)
    {"8x32-avx512", KILN_CPU_AVX512F | KILN_CPU_AVX2 | KILN_CPU_FMA, 8, 32, kiln_f32_gemm_ukernel_8x32_avx512, NULL},
    {"16x16-avx512", KILN_CPU_AVX512F | KILN_CPU_AVX2 | KILN_CPU_FMA, 16, 16, kiln_f32_gemm_ukernel_16x16_avx512, NULL,
     kiln_f32_gemm_narrow_16xn_avx512, 8},
    // narrow only (no tile): weights packed in 64-row panels for layers of at most 4 columns
    {"64xn-avx512", KILN_CPU_AVX512F | KILN_CPU_AVX2 | KILN_CPU_FMA, 64, 4, NULL, NULL, kiln_f32_gemm_narrow_64xn_avx512, 4},
    {"6x16-avx2-fma", KILN_CPU_AVX2 | KILN_CPU_FMA, 6, 16, kiln_f32_gemm_ukernel_6x16_avx2_fma, kiln_f32_gemv_6_fma},
#endif
#if defined(__aarch64__)
    {"8x8-neon", KILN_CPU_NEON, 8, 8, kiln_f32_gemm_ukernel_8x8_neon, kiln_f32_gemv_8_fma},
#endif
    {"4x8-c", 0, 4, 8, kiln_f32_gemm_ukernel_4x8_c, kiln_f32_gemv_4_c},
};
enum { COUNT = sizeof(ukernels) / sizeof(ukernels[0]) };

size_t kiln_f32_gemm_ukernel_count(void) { return COUNT; }

const struct kiln_f32_gemm_ukernel *kiln_f32_gemm_ukernel_at(size_t index) { return index < COUNT ? &ukernels[index] : 0; }

const struct kiln_f32_gemm_ukernel *kiln_f32_gemm_best(void) {
  uint32_t have = kiln_cpu_features();
  for (size_t i = 0; i < COUNT; i++) {
    if (ukernels[i].fn && (ukernels[i].required_features & have) == ukernels[i].required_features) return &ukernels[i];
  }
  return &ukernels[COUNT - 1];  // the portable C kernel needs nothing
}

const struct kiln_f32_gemm_ukernel *kiln_f32_gemm_best_for_columns(size_t n) {
  const struct kiln_f32_gemm_ukernel *best = kiln_f32_gemm_best();
  if (best->required_features == 0 || n == 0) return best;  // only the C kernel: nothing to choose
  uint32_t have = kiln_cpu_features();
  for (size_t i = 0; i < COUNT; i++) {  // a narrow-only kernel for the layers it was made for
    const struct kiln_f32_gemm_ukernel *uk = &ukernels[i];
    if (!uk->fn && n <= uk->narrow_max && (uk->required_features & have) == uk->required_features) return uk;
  }
  size_t padded = SIZE_MAX;
  for (size_t i = 0; i < COUNT; i++) {
    const struct kiln_f32_gemm_ukernel *uk = &ukernels[i];
    if (!uk->fn || uk->required_features == 0 || (uk->required_features & have) != uk->required_features) continue;
    const size_t p = kiln_f32_gemm_columns_computed(uk, n);
    if (p < padded) best = uk, padded = p;
  }
  return best;
}
