// Matrix-vector products over A packed in 8-row panels (for the 8x32 AVX-512 micro-kernel; the
// 16x16 one has its narrow form): four pairs of panels at a time, so four independent chains of fused multiply-adds are in
// flight (one chain per panel waits on the FMA latency: a 512-row dense layer spent most of its
// time there). Each row is still one chain over p from zero per KC slice, then C + slice sum:
// the bytes of f32-gemv.c and of the tiled GEMM (tested).
//
// Ap for one KC slice: panels of MR rows, Ap[panel][p][r]; x[p * incx]; c[i * ldc].
#pragma STDC FP_CONTRACT OFF
#include "kiln_kernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

enum { GROUP = 4 };

static inline size_t min_z(size_t a, size_t b) { return a < b ? a : b; }

// Rows i0 ..< i0 + rows of C from the 16 lanes of s (lane r is row i0 + r).
__attribute__((target("avx512f"))) static void store16(__m512 s, float *c, size_t ldc, size_t rows, int accumulate) {
  const __mmask16 mask = (__mmask16)((1u << rows) - 1);
  if (ldc == 1) {
    if (accumulate) s = _mm512_add_ps(_mm512_maskz_loadu_ps(mask, c), s);
    _mm512_mask_storeu_ps(c, mask, s);
    return;
  }
  float lanes[16];
  _mm512_storeu_ps(lanes, s);
  for (size_t r = 0; r < rows; r++) c[r * ldc] = accumulate ? c[r * ldc] + lanes[r] : lanes[r];
}

// 8-row panels: two panels side by side in one 16-lane register (lanes 8..15: the next panel).
__attribute__((target("avx512f"))) void kiln_f32_gemv_8_avx512(size_t m, size_t kc, const float *a, const float *x, size_t incx, float *c,
                                                               size_t ldc, int accumulate) {
  size_t i0 = 0;
  for (; i0 + 16 * (GROUP - 1) + 8 < m; i0 += 16 * GROUP) {  // 2 GROUP panels, the last possibly partial
    __m512 s[GROUP];
    for (int g = 0; g < GROUP; g++) s[g] = _mm512_setzero_ps();
    const float *ap = a + i0 * kc;
    for (size_t p = 0; p < kc; p++) {
      const __m512 xp = _mm512_set1_ps(x[p * incx]);
      for (int g = 0; g < GROUP; g++) {
        const float *pair = ap + (size_t)g * 16 * kc + p * 8;
        const __m512 v = _mm512_insertf64x4(_mm512_castpd256_pd512(_mm256_castps_pd(_mm256_loadu_ps(pair))), _mm256_castps_pd(_mm256_loadu_ps(pair + 8 * kc)), 1);
        s[g] = _mm512_fmadd_ps(_mm512_castpd_ps(v), xp, s[g]);
      }
    }
    for (int g = 0; g < GROUP; g++) {
      const size_t row = i0 + (size_t)g * 16;
      store16(s[g], c + row * ldc, ldc, min_z(16, m - row), accumulate);
    }
  }
  for (; i0 < m; i0 += 8) {
    __m256 s = _mm256_setzero_ps();
    const float *ap = a + i0 * kc;
    for (size_t p = 0; p < kc; p++) s = _mm256_fmadd_ps(_mm256_loadu_ps(ap + p * 8), _mm256_set1_ps(x[p * incx]), s);
    store16(_mm512_castps256_ps512(s), c + i0 * ldc, ldc, min_z(8, m - i0), accumulate);
  }
}
#endif
