// 8x32 micro-kernel for AVX-512F (x86-64): 16 ZMM accumulators, per step two 16-float loads of B
// and eight broadcasts of A. Called only when the CPU and OS support AVX-512.
#pragma STDC FP_CONTRACT OFF
#include "kiln/f32-gemm.h"

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx512f")))
void kiln_f32_gemm_ukernel_8x32_avx512(size_t kc, const float *ap, const float *bp, float *c, size_t ldc,
                                        size_t mr_valid, size_t nr_valid, int accumulate) {
  __m512 acc[8][2];
  for (int r = 0; r < 8; r++) acc[r][0] = acc[r][1] = _mm512_setzero_ps();
  for (size_t p = 0; p < kc; p++) {
    const __m512 b0 = _mm512_loadu_ps(bp), b1 = _mm512_loadu_ps(bp + 16);
    for (int r = 0; r < 8; r++) {
      const __m512 a = _mm512_set1_ps(ap[r]);
      acc[r][0] = _mm512_fmadd_ps(a, b0, acc[r][0]);
      acc[r][1] = _mm512_fmadd_ps(a, b1, acc[r][1]);
    }
    ap += 8;
    bp += 32;
  }
  if (mr_valid == 8 && nr_valid == 32) {
    for (int r = 0; r < 8; r++) {
      float *cr = c + r * ldc;
      if (accumulate) {
        acc[r][0] = _mm512_add_ps(acc[r][0], _mm512_loadu_ps(cr));
        acc[r][1] = _mm512_add_ps(acc[r][1], _mm512_loadu_ps(cr + 16));
      }
      _mm512_storeu_ps(cr, acc[r][0]);
      _mm512_storeu_ps(cr + 16, acc[r][1]);
    }
    return;
  }
  float tile[8][32];
  for (int r = 0; r < 8; r++) {
    _mm512_storeu_ps(tile[r], acc[r][0]);
    _mm512_storeu_ps(tile[r] + 16, acc[r][1]);
  }
  for (size_t r = 0; r < mr_valid; r++) {
    for (size_t j = 0; j < nr_valid; j++) c[r * ldc + j] = (accumulate ? c[r * ldc + j] : 0.0f) + tile[r][j];
  }
}
#endif
