// int8 GEMM for a few columns (n <= KILN_QS8_NARROW_N) on ARMv8.2 NEON with the dot product
// (Cortex-A76, Pi 5), on weights packed at plan time in panels of 16 rows, four bytes of k at a
// time (kiln_qs8_narrow_pack: packed[panel][q][r][t] = w[16 panel + r][4q + t]). Rows sit in the
// lanes: SDOT by element (v.4s += w.16b x x.4b[lane]) multiplies 4 rows' 4-byte groups by one
// 4-byte group of a column, so a 16-byte load of a column serves four groups and no horizontal sum
// is needed; 4 row vectors x up to 4 columns are 16 accumulators, and a panel's weights are one
// sequential stream. Signed x signed: the accumulators start at the bias, with no offset. The sums
// are requantized per output by kiln_qs8_requantize, as the path's other kernels are.
#pragma STDC FP_CONTRACT OFF
#include "kiln/qs8-gemm.h"

#if defined(__aarch64__)
#include "qs8-neondot-target.h"
#include <arm_neon.h>
#include <string.h>

enum { ROWS = 16, BLOCKS = 4, COLUMNS = 4 };

/// Group q + T of every column (lane T of its 16-byte load) times the 4 row vectors of that group.
#define KILN_GROUP(T)                                                                     \
  do {                                                                                    \
    _Pragma("GCC unroll 4") for (size_t b = 0; b < BLOCKS; b++) {                         \
      const int8x16_t w = vld1q_s8(panel + ((q + (T)) * BLOCKS + b) * 16);                \
      _Pragma("GCC unroll 4") for (size_t j = 0; j < nc; j++) acc[b][j] =                 \
          vdotq_laneq_s32(acc[b][j], w, x[j], T);                                         \
    }                                                                                     \
  } while (0)

/// One panel (rows < 16 of it stored) times `nc` <= 4 columns; inlined with nc constant so the
/// accumulators stay in registers.
KILN_DOTPROD static inline __attribute__((always_inline)) void panel_columns(
    const size_t nc, size_t rows, size_t k, const int8_t *panel, const int8_t *const *column, const struct kiln_qs8_channel *ch,
    int32_t zero_out, int8_t *c, size_t c_row_stride, size_t cs) {
  const size_t kq = (k + 3) / 4;
  int32x4_t acc[BLOCKS][COLUMNS];
#pragma GCC unroll 4
  for (size_t b = 0; b < BLOCKS; b++) {
    int32_t bias[4];
    for (size_t l = 0; l < 4; l++) bias[l] = 4 * b + l < rows ? ch[4 * b + l].bias : 0;
#pragma GCC unroll 4
    for (size_t j = 0; j < nc; j++) acc[b][j] = vld1q_s32(bias);
  }
  size_t q = 0;
  for (; 4 * q + 16 <= k; q += 4) {  // 16 bytes of k of each column: four groups
    int8x16_t x[COLUMNS];
#pragma GCC unroll 4
    for (size_t j = 0; j < nc; j++) x[j] = vld1q_s8(column[j] + 4 * q);
    KILN_GROUP(0);
    KILN_GROUP(1);
    KILN_GROUP(2);
    KILN_GROUP(3);
  }
  if (q < kq) {  // the last 1-15 bytes of k, zero-padded (their weights are 0 past k)
    int8x16_t x[COLUMNS];
#pragma GCC unroll 4
    for (size_t j = 0; j < nc; j++) {
      int8_t tail[16] = {0};
      memcpy(tail, column[j] + 4 * q, k - 4 * q);
      x[j] = vld1q_s8(tail);
    }
    KILN_GROUP(0);
    if (q + 1 < kq) KILN_GROUP(1);
    if (q + 2 < kq) KILN_GROUP(2);
    if (q + 3 < kq) KILN_GROUP(3);
  }
#pragma GCC unroll 4
  for (size_t b = 0; b < BLOCKS; b++) {
#pragma GCC unroll 4
    for (size_t j = 0; j < nc; j++) {
      int32_t sums[4];
      vst1q_s32(sums, acc[b][j]);
      for (size_t l = 0; l < 4 && 4 * b + l < rows; l++) {
        c[(4 * b + l) * c_row_stride + j * cs] = kiln_qs8_requantize(sums[l], &ch[4 * b + l], zero_out);
      }
    }
  }
}

KILN_DOTPROD
void kiln_qs8_gemm_16xn_neondot(size_t m, size_t n, size_t k, const int8_t *packed, const int8_t *b, size_t ldb,
                                const struct kiln_qs8_channel *ch, int32_t zero_out, int8_t *c, size_t c_row_stride, size_t cs) {
  const size_t panel_bytes = (k + 3) / 4 * ROWS * 4;
  for (size_t i0 = 0; i0 < m; i0 += ROWS, packed += panel_bytes) {
    const size_t rows = m - i0 < ROWS ? m - i0 : ROWS;
    for (size_t j0 = 0; j0 < n; j0 += COLUMNS) {
      const size_t nc = n - j0 < COLUMNS ? n - j0 : COLUMNS;
      const int8_t *column[COLUMNS];
      for (size_t j = 0; j < COLUMNS; j++) column[j] = b + (j0 + (j < nc ? j : 0)) * ldb;
      int8_t *out = c + i0 * c_row_stride + j0 * cs;
      switch (nc) {
      case 1: panel_columns(1, rows, k, packed, column, ch + i0, zero_out, out, c_row_stride, cs); break;
      case 2: panel_columns(2, rows, k, packed, column, ch + i0, zero_out, out, c_row_stride, cs); break;
      case 3: panel_columns(3, rows, k, packed, column, ch + i0, zero_out, out, c_row_stride, cs); break;
      default: panel_columns(4, rows, k, packed, column, ch + i0, zero_out, out, c_row_stride, cs); break;
      }
    }
  }
}
#endif
