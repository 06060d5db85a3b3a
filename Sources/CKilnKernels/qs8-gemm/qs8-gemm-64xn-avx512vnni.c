// int8 GEMM for a few columns (n <= KILN_QS8_NARROW_N: a dense layer at a small batch, a conv on a
// 2x2 or 1x1 map) on AVX-512 VNNI, with the weights packed at plan time in panels of 64 rows, four
// bytes of k at a time (kiln_qs8_narrow_pack: packed[panel][q][r][t] = w[64 panel + r][4q + t]).
// Rows sit in the lanes: one VPDPBUSD multiplies 16 rows' 4-byte groups by a column's 4-byte
// group broadcast to every lane (made unsigned, + 128), so no horizontal sums. Four 16-row
// vectors x up to four columns are 16 accumulator chains in flight, and a panel's weights are
// one sequential stream, prefetched: weights that stream from memory are read once, in order,
// where a tile on row-major weights reads several streams and re-reads the columns per tile.
// More than four columns: the panel again for the next four (from L2), which is why the narrow
// form stops at KILN_QS8_NARROW_N columns (more passes over a panel are bound by L2, and the
// packed-column kernel takes over). Accumulators start at bias - 128 * weight_sum and leave
// requantized.
#pragma STDC FP_CONTRACT OFF
#include "kiln/qs8-gemm.h"

#if defined(__x86_64__)
#include <string.h>

#include "../qs8-requant/qs8-requant-avx512.h"

/// Prefetch distance in groups of 4 bytes of k (256 bytes of a panel each): 16 KB ahead, the
/// shortest distance that kept the weight stream at the speed of longer ones.
enum { ROWS = 64, BLOCKS = 4, COLUMNS = 4, PREFETCH = 64 };

#define KILN_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni")))

/// Column j's group q (bytes 4q ..< 4q + 4, fewer at the end of k) + 128 in every lane.
KILN_AVX512 static inline __m512i group(const int8_t *column, size_t q, size_t k) {
  uint32_t x = 0;
  memcpy(&x, column + 4 * q, 4 * q + 4 <= k ? 4 : k - 4 * q);  // past k: any byte, its weights are 0
  return _mm512_set1_epi32((int32_t)(x ^ 0x80808080u));
}

/// One panel (rows < 64 of it stored) times `nc` <= 4 columns; inlined with nc constant so the
/// accumulators stay in registers.
KILN_AVX512 static inline __attribute__((always_inline)) void panel_columns(
    const size_t nc, size_t rows, size_t k, const int8_t *panel, const int8_t *const *column, const struct kiln_qs8_channels16 *f,
    int32_t zero_out, int8_t *c, size_t c_row_stride, size_t cs) {
  const size_t kq = (k + 3) / 4, whole = k / 4;
  __m512i acc[BLOCKS][COLUMNS];
  for (size_t b = 0; b < BLOCKS; b++) {
    const __m512i start = _mm512_sub_epi32(f[b].bias, _mm512_slli_epi32(f[b].weight_sum, 7));
    for (size_t j = 0; j < nc; j++) acc[b][j] = start;
  }
  for (size_t q = 0; q < kq; q++) {
    __m512i x[COLUMNS];
    if (q < whole) {
      for (size_t j = 0; j < nc; j++) {
        uint32_t bytes;
        memcpy(&bytes, column[j] + 4 * q, 4);
        x[j] = _mm512_set1_epi32((int32_t)(bytes ^ 0x80808080u));
      }
    } else {
      for (size_t j = 0; j < nc; j++) x[j] = group(column[j], q, k);
    }
    for (size_t b = 0; b < BLOCKS; b++) {
      _mm_prefetch((const char *)panel + ((q + PREFETCH) * BLOCKS + b) * 64, _MM_HINT_T0);
      const __m512i w = _mm512_loadu_si512(panel + (q * BLOCKS + b) * 64);
      for (size_t j = 0; j < nc; j++) acc[b][j] = _mm512_dpbusd_epi32(acc[b][j], x[j], w);
    }
  }
  for (size_t b = 0; b < BLOCKS && 16 * b < rows; b++) {
    const size_t mv = rows - 16 * b < 16 ? rows - 16 * b : 16;
    const __mmask16 mask = mv == 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << mv) - 1);
    for (size_t j = 0; j < nc; j++) {
      const __m128i bytes = kiln_qs8_requant16_avx512(acc[b][j], f[b].multiplier_pos, f[b].multiplier_neg, f[b].shift, zero_out);
      kiln_qs8_store16_avx512(bytes, mask, c + 16 * b * c_row_stride + j * cs, c_row_stride);
    }
  }
}

KILN_AVX512
void kiln_qs8_gemm_64xn_avx512vnni(size_t m, size_t n, size_t k, const int8_t *packed, const int8_t *b, size_t ldb,
                                   const struct kiln_qs8_channel *ch, int32_t zero_out, int8_t *c, size_t c_row_stride, size_t cs) {
  const size_t panel_bytes = (k + 3) / 4 * ROWS * 4;
  for (size_t i0 = 0; i0 < m; i0 += ROWS, packed += panel_bytes) {
    const size_t rows = m - i0 < ROWS ? m - i0 : ROWS;
    struct kiln_qs8_channels16 f[BLOCKS];
    for (size_t blk = 0; blk < BLOCKS; blk++) {  // blocks past m: zero channels (and zero weights), not stored
      const size_t i = i0 + 16 * blk;
      f[blk] = kiln_qs8_load_channels16_avx512(i < m ? ch + i : ch, i < m ? m - i : 0);
    }
    for (size_t j0 = 0; j0 < n; j0 += COLUMNS) {
      const size_t nc = n - j0 < COLUMNS ? n - j0 : COLUMNS;
      const int8_t *column[COLUMNS];
      for (size_t j = 0; j < COLUMNS; j++) column[j] = b + (j0 + (j < nc ? j : 0)) * ldb;
      int8_t *out = c + i0 * c_row_stride + j0 * cs;
      switch (nc) {
      case 1: panel_columns(1, rows, k, packed, column, f, zero_out, out, c_row_stride, cs); break;
      case 2: panel_columns(2, rows, k, packed, column, f, zero_out, out, c_row_stride, cs); break;
      case 3: panel_columns(3, rows, k, packed, column, f, zero_out, out, c_row_stride, cs); break;
      default: panel_columns(4, rows, k, packed, column, f, zero_out, out, c_row_stride, cs); break;
      }
    }
  }
}
#endif
