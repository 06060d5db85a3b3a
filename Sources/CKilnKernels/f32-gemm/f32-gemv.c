// Matrix-vector products (n = 1) over A packed for a micro-kernel: the GEMM driver calls these
// instead of the micro-kernel when B has one column, which would otherwise fill 1 of nr columns
// of every tile (1/32 of the work useful with 8x32-avx512). Each one rounds exactly as its
// micro-kernel does: per KC slice, one chain of fused (or, for the C kernel, separate) multiply-adds
// over p from zero, then C + slice sum. So the bytes equal the tiled GEMM's (tested).
//
// Ap for one KC slice: panels of mr rows, Ap[panel][p][r]; x[p * incx]; c[i * ldc].
#pragma STDC FP_CONTRACT OFF
#include "kiln/f32-gemm.h"

#include <math.h>

#define GEMV_BODY(MR, MADD)                                                               \
  for (size_t i0 = 0; i0 < m; i0 += MR) {                                                 \
    float s[MR] = {0};                                                                    \
    const float *ap = a + i0 * kc;                                                        \
    for (size_t p = 0; p < kc; p++) {                                                     \
      const float xp = x[p * incx];                                                       \
      for (int r = 0; r < MR; r++) s[r] = MADD(ap[r], xp, s[r]);                          \
      ap += MR;                                                                           \
    }                                                                                     \
    const size_t rows = m - i0 < MR ? m - i0 : MR;                                        \
    for (size_t r = 0; r < rows; r++) c[(i0 + r) * ldc] = accumulate ? c[(i0 + r) * ldc] + s[r] : s[r]; \
  }

#define SEPARATE(a, b, s) ((s) + (a) * (b))

void kiln_f32_gemv_4_c(size_t m, size_t kc, const float *a, const float *x, size_t incx, float *c, size_t ldc, int accumulate) {
  GEMV_BODY(4, SEPARATE)
}

#if defined(__x86_64__)
__attribute__((target("avx2,fma")))
void kiln_f32_gemv_6_fma(size_t m, size_t kc, const float *a, const float *x, size_t incx, float *c, size_t ldc, int accumulate) {
  GEMV_BODY(6, fmaf)
}
#endif
