// 6x16 micro-kernel for AVX2 + FMA (x86-64): 12 YMM accumulators, per step two 8-float loads of B
// and six broadcasts of A. Compiled for AVX2 through a function attribute, called only when the
// CPU has it.
#pragma STDC FP_CONTRACT OFF
#include "kiln/f32-gemm.h"

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx2,fma")))
void kiln_f32_gemm_ukernel_6x16_avx2_fma(size_t kc, const float *ap, const float *bp, float *c, size_t ldc,
                                         size_t mr_valid, size_t nr_valid, int accumulate) {
  __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps(), c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
  __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps(), c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
  __m256 c40 = _mm256_setzero_ps(), c41 = _mm256_setzero_ps(), c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();
  for (size_t p = 0; p < kc; p++) {
    const __m256 b0 = _mm256_loadu_ps(bp), b1 = _mm256_loadu_ps(bp + 8);
    __m256 a;
    a = _mm256_broadcast_ss(ap + 0); c00 = _mm256_fmadd_ps(a, b0, c00); c01 = _mm256_fmadd_ps(a, b1, c01);
    a = _mm256_broadcast_ss(ap + 1); c10 = _mm256_fmadd_ps(a, b0, c10); c11 = _mm256_fmadd_ps(a, b1, c11);
    a = _mm256_broadcast_ss(ap + 2); c20 = _mm256_fmadd_ps(a, b0, c20); c21 = _mm256_fmadd_ps(a, b1, c21);
    a = _mm256_broadcast_ss(ap + 3); c30 = _mm256_fmadd_ps(a, b0, c30); c31 = _mm256_fmadd_ps(a, b1, c31);
    a = _mm256_broadcast_ss(ap + 4); c40 = _mm256_fmadd_ps(a, b0, c40); c41 = _mm256_fmadd_ps(a, b1, c41);
    a = _mm256_broadcast_ss(ap + 5); c50 = _mm256_fmadd_ps(a, b0, c50); c51 = _mm256_fmadd_ps(a, b1, c51);
    ap += 6;
    bp += 16;
  }
  __m256 rows[6][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
  if (mr_valid == 6 && nr_valid == 16) {
    for (int r = 0; r < 6; r++) {
      float *cr = c + r * ldc;
      if (accumulate) {
        rows[r][0] = _mm256_add_ps(rows[r][0], _mm256_loadu_ps(cr));
        rows[r][1] = _mm256_add_ps(rows[r][1], _mm256_loadu_ps(cr + 8));
      }
      _mm256_storeu_ps(cr, rows[r][0]);
      _mm256_storeu_ps(cr + 8, rows[r][1]);
    }
    return;
  }
  float tile[6][16];
  for (int r = 0; r < 6; r++) {
    _mm256_storeu_ps(tile[r], rows[r][0]);
    _mm256_storeu_ps(tile[r] + 8, rows[r][1]);
  }
  for (size_t r = 0; r < mr_valid; r++) {
    for (size_t j = 0; j < nr_valid; j++) c[r * ldc + j] = (accumulate ? c[r * ldc + j] : 0.0f) + tile[r][j];
  }
}
#endif
