// GEMM with few columns, rows in lanes: per step p, 16-float loads of A and n broadcasts of B, n
// fused multiply-adds per load. Layers on 1x1 to 4x4 maps (n = 1 ... 16 pixels) stream megabytes
// of weights for few columns, where the 16x16 tile would compute 16 columns whatever n is and
// wait on memory. Two forms:
// - 16xn: over the 16x16 tile's 16-row panels (n <= 8; the driver also gives it the last n mod 16
//   columns past whole tiles). Several panels in flight when n is small (4 for n <= 3, 2 for
//   n <= 7), so at least 8 chains hide the FMA latency; at 16 columns the 16x16 tile is faster
//   where weights sit in cache.
// - 64xn: over panels of 64 rows (n <= 4; its own packing, chosen at plan time for such layers):
//   the four 16-row vectors of a step are one 256-byte stretch, so the weights are one stream.
//
// Per element of C the same operations as the micro-kernel: fma(Ap[i][p], B[p][j], s) over p from
// zero per KC slice, then C + s (tested against the tiled GEMM, bitwise).
#pragma STDC FP_CONTRACT OFF
#include "kiln/f32-gemm.h"

#if defined(__x86_64__)
#include <assert.h>
#include <immintrin.h>

// Panels are read PREFETCH steps (4 KB) ahead, which keeps several weight streams in flight. Not
// for one column, where the four panel loads per step already keep memory busy and prefetches
// would only take load slots.
enum { PREFETCH = 64, WIDE_PREFETCH = 16 };

static inline size_t min_z(size_t a, size_t b) { return a < b ? a : b; }

// Rows i0 ..< i0 + 16 G (the last may be partial, or past m) against N columns; step p of the g-th
// 16 rows at a + i0 * kc + g * 16 * kc + p * 16 (16-row panels) or a + i0 * kc + p * 64 + g * 16
// (64-row panels, WIDE).
__attribute__((target("avx512f"), always_inline)) static inline void panels(const int WIDE, const size_t G, const size_t N, size_t m, size_t i0,
                                                                            size_t kc, const float *a, const float *b, size_t b_row,
                                                                            size_t b_col, float *c, size_t ldc, int accumulate) {
  __m512 s[4][8];
  for (size_t g = 0; g < G; g++)
    for (size_t j = 0; j < N; j++) s[g][j] = _mm512_setzero_ps();
  const float *ap = a + i0 * kc;
  for (size_t p = 0; p < kc; p++) {
    __m512 panel[4];
    for (size_t g = 0; g < G; g++) {
      const float *v = WIDE ? ap + p * 64 + g * 16 : ap + g * 16 * kc + p * 16;
      panel[g] = _mm512_loadu_ps(v);
      if (N > 1) _mm_prefetch((const char *)(v + (WIDE ? WIDE_PREFETCH * 64 : PREFETCH * 16)), _MM_HINT_T0);
    }
    for (size_t j = 0; j < N; j++) {
      const __m512 bj = _mm512_set1_ps(b[p * b_row + j * b_col]);
      for (size_t g = 0; g < G; g++) s[g][j] = _mm512_fmadd_ps(panel[g], bj, s[g][j]);
    }
  }
  for (size_t g = 0; g < G && i0 + g * 16 < m; g++) {
    const size_t row = i0 + g * 16, rows = min_z(16, m - row);
    float lanes[8][16];
    for (size_t j = 0; j < N; j++) _mm512_storeu_ps(lanes[j], s[g][j]);
    for (size_t r = 0; r < rows; r++) {
      float *cr = c + (row + r) * ldc;
      for (size_t j = 0; j < N; j++) cr[j] = accumulate ? cr[j] + lanes[j][r] : lanes[j][r];
    }
  }
}

__attribute__((target("avx512f"), always_inline)) static inline void columns(const size_t N, size_t m, size_t kc, const float *a, const float *b,
                                                                             size_t b_row, size_t b_col, float *c, size_t ldc, int accumulate) {
  const size_t G = N <= 3 ? 4 : N <= 7 ? 2 : 1;  // 4 to 12 chains
  size_t i0 = 0;
  for (; i0 + 16 * (G - 1) < m; i0 += 16 * G) panels(0, G, N, m, i0, kc, a, b, b_row, b_col, c, ldc, accumulate);
  for (; i0 < m; i0 += 16) panels(0, 1, N, m, i0, kc, a, b, b_row, b_col, c, ldc, accumulate);
}

__attribute__((target("avx512f"))) void kiln_f32_gemm_narrow_16xn_avx512(size_t m, size_t n, size_t kc, const float *a, const float *b,
                                                                         size_t b_row, size_t b_col, float *c, size_t ldc, int accumulate) {
  assert(n >= 1 && n <= 8);
  switch (n) {  // n as a constant: the loops over columns and panels unroll into registers
#define N_CASE(N) \
  case N: columns(N, m, kc, a, b, b_row, b_col, c, ldc, accumulate); break;
    N_CASE(1) N_CASE(2) N_CASE(3) N_CASE(4) N_CASE(5) N_CASE(6) N_CASE(7) N_CASE(8)
#undef N_CASE
  }
}

__attribute__((target("avx512f"))) void kiln_f32_gemm_narrow_64xn_avx512(size_t m, size_t n, size_t kc, const float *a, const float *b,
                                                                         size_t b_row, size_t b_col, float *c, size_t ldc, int accumulate) {
  assert(n >= 1 && n <= 4);
  for (size_t i0 = 0; i0 < m; i0 += 64) {
    switch (n) {
#define N_CASE(N) \
  case N: panels(1, 4, N, m, i0, kc, a, b, b_row, b_col, c, ldc, accumulate); break;
      N_CASE(1) N_CASE(2) N_CASE(3) N_CASE(4)
#undef N_CASE
    }
  }
}
#endif
