// int8 GEMM on AVX-VNNI (VEX VPDPBUSD on YMM) with the columns packed four bytes of k at a time,
// unsigned (kiln_qs8_pack_c4_u8: b + 128): the AVX-512 VNNI packed kernel in 8 lanes. One
// VPDPBUSD multiplies 8 columns' 4-byte groups by one row's group broadcast to every lane, so each
// 32-bit lane of an accumulator is one output summed in k order; the accumulators start at bias -
// 128 * weight_sum (each sum carries 128 * the row's weights), and the 4 x 16 outputs of a tile
// leave the registers requantized (8 accumulators, 2 panel vectors, the weights).
#pragma STDC FP_CONTRACT OFF
#include "kiln/qs8-gemm.h"

#if defined(__x86_64__)
#include <assert.h>
#include <immintrin.h>
#include <string.h>

#include "qs8-c4-avx2.h"

#define KILN_AVXVNNI __attribute__((target("avx2,avxvnni")))

/// One group of 4 bytes of k: the panel's 16 columns at `x` times the 4 rows' groups g.
KILN_AVXVNNI static inline __attribute__((always_inline)) void group(__m256i acc[4][2], const uint8_t *x, const int32_t g[4]) {
  const __m256i x0 = _mm256_loadu_si256((const __m256i *)x), x1 = _mm256_loadu_si256((const __m256i *)(x + 32));
#pragma GCC unroll 4
  for (int r = 0; r < 4; r++) {
    const __m256i w = _mm256_set1_epi32(g[r]);
    acc[r][0] = _mm256_dpbusd_avx_epi32(acc[r][0], x0, w);
    acc[r][1] = _mm256_dpbusd_avx_epi32(acc[r][1], x1, w);
  }
}

/// Rows a + r * lda (r < mv <= 4; the last row repeats beyond) times the nc <= 16 columns of the
/// panel vector at p (groups `stride` bytes apart), requantized into c[r * c_row_stride + s * cs].
KILN_AVXVNNI static void tile_4x16(size_t k, size_t mv, size_t nc, const int8_t *a, size_t lda, const uint8_t *p, size_t stride,
                                   const struct kiln_qs8_channel *ch, int32_t zero_out, int8_t *c, size_t c_row_stride, size_t cs) {
  const int8_t *row[4];
  __m256i acc[4][2];
  for (int r = 0; r < 4; r++) {
    const size_t rr = (size_t)r < mv ? (size_t)r : mv - 1;
    row[r] = a + rr * lda;
    acc[r][0] = acc[r][1] = _mm256_set1_epi32(ch[rr].bias - 128 * ch[rr].weight_sum);
  }
  const size_t full = k / 4;
  int32_t g[4];
  for (size_t q = 0; q < full; q++) {
#pragma GCC unroll 4
    for (int r = 0; r < 4; r++) memcpy(&g[r], row[r] + 4 * q, 4);
    group(acc, p + q * stride, g);
  }
  if (k % 4) {  // the last, partial group (the panel holds 128 past k, against weights 0)
    for (int r = 0; r < 4; r++) g[r] = kiln_qs8_partial_group(row[r], full, k);
    group(acc, p + full * stride, g);
  }
  kiln_qs8_c4_store4x16_avx2(acc, mv, nc, ch, zero_out, c, c_row_stride, cs);
}

/// Rows a + r * lda (r < mv <= 4) times the packed panel's nv <= 24 columns, requantized into
/// c[r * c_row_stride + s * cs].
KILN_AVXVNNI
void kiln_qs8_gemm_4x16c4_avxvnni(size_t k, size_t mv, size_t nv, const int8_t *a, size_t lda, const uint8_t *panel,
                                  const struct kiln_qs8_channel *ch, int32_t zero_out, int8_t *c, size_t c_row_stride, size_t cs) {
  assert(mv >= 1 && mv <= 4 && nv >= 1 && nv <= 24);
  const size_t stride = 64 * ((nv + 15) / 16);
  for (size_t s0 = 0; s0 < nv; s0 += 16) {
    tile_4x16(k, mv, nv - s0 < 16 ? nv - s0 : 16, a, lda, panel + s0 / 16 * 64, stride, ch, zero_out, c + s0 * cs, c_row_stride, cs);
  }
}
#endif
