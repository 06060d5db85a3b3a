// GEMM with few columns (n <= 4) over the 8x8 NEON kernel's 8-row panels, rows in lanes: per step
// p, two 4-float loads of A per panel and n broadcasts of B, 2 n FMLAs per panel. On 1x1 to 2x2
// maps and batch-1 dense layers the 8x8 tile would compute 8 columns whatever n is (and the last
// n mod 8 columns of wider layers, e.g. 1 of a 7x7 map's 49). Several panels are in flight when n
// is small (4 for n <= 2, 2 for n <= 4), so at least 8 independent chains hide the FMLA latency.
//
// Per element of C the same operations as the micro-kernel: fma(Ap[i][p], B[p][j], s) over p from
// zero per KC slice, then C + s (tested against the tiled GEMM, bitwise).
#pragma STDC FP_CONTRACT OFF
#include "kiln/f32-gemm.h"

#if defined(__aarch64__)
#include <arm_neon.h>
#include <assert.h>

static inline size_t min_z(size_t a, size_t b) { return a < b ? a : b; }

// Rows i0 ..< i0 + 8 G (the last panel may be partial) against N columns; step p of panel g at
// a + (i0 + 8 g) * kc + 8 p.
static inline __attribute__((always_inline)) void panels(const size_t G, const size_t N, size_t m, size_t i0, size_t kc, const float *a,
                                                         const float *b, size_t b_row, size_t b_col, float *c, size_t ldc, int accumulate) {
  float32x4_t s[4][4][2];
  for (size_t g = 0; g < G; g++)
    for (size_t j = 0; j < N; j++) s[g][j][0] = s[g][j][1] = vdupq_n_f32(0.0f);
  const float *ap = a + i0 * kc;
  for (size_t p = 0; p < kc; p++) {
    float32x4_t panel[4][2];
    for (size_t g = 0; g < G; g++) {
      panel[g][0] = vld1q_f32(ap + g * 8 * kc + p * 8);
      panel[g][1] = vld1q_f32(ap + g * 8 * kc + p * 8 + 4);
    }
    for (size_t j = 0; j < N; j++) {
      const float bj = b[p * b_row + j * b_col];
      for (size_t g = 0; g < G; g++) {
        s[g][j][0] = vfmaq_n_f32(s[g][j][0], panel[g][0], bj);
        s[g][j][1] = vfmaq_n_f32(s[g][j][1], panel[g][1], bj);
      }
    }
  }
  for (size_t g = 0; g < G && i0 + g * 8 < m; g++) {
    const size_t row = i0 + g * 8, rows = min_z(8, m - row);
    float lanes[4][8];
    for (size_t j = 0; j < N; j++) {
      vst1q_f32(lanes[j], s[g][j][0]);
      vst1q_f32(lanes[j] + 4, s[g][j][1]);
    }
    for (size_t r = 0; r < rows; r++) {
      float *cr = c + (row + r) * ldc;
      for (size_t j = 0; j < N; j++) cr[j] = accumulate ? cr[j] + lanes[j][r] : lanes[j][r];
    }
  }
}

static inline __attribute__((always_inline)) void columns(const size_t N, size_t m, size_t kc, const float *a, const float *b, size_t b_row,
                                                          size_t b_col, float *c, size_t ldc, int accumulate) {
  const size_t G = N <= 2 ? 4 : 2;  // 8 to 16 chains
  size_t i0 = 0;
  for (; i0 + 8 * (G - 1) < m; i0 += 8 * G) panels(G, N, m, i0, kc, a, b, b_row, b_col, c, ldc, accumulate);
  for (; i0 < m; i0 += 8) panels(1, N, m, i0, kc, a, b, b_row, b_col, c, ldc, accumulate);
}

void kiln_f32_gemm_narrow_8xn_neon(size_t m, size_t n, size_t kc, const float *a, const float *b, size_t b_row, size_t b_col, float *c,
                                   size_t ldc, int accumulate) {
  assert(n >= 1 && n <= 4);
  switch (n) {  // n as a constant: the loops over columns and panels unroll into registers
#define N_CASE(N) \
  case N: columns(N, m, kc, a, b, b_row, b_col, c, ldc, accumulate); break;
    N_CASE(1) N_CASE(2) N_CASE(3) N_CASE(4)
#undef N_CASE
  }
}
#endif
