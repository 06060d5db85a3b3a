// Shared by the AVX2-class packed c4 kernels (AVX2, AVX-VNNI): a row's last, partial weight group,
// the requantization and store of a 4 x 16 tile, and the kernel around an instruction set's step.
#ifndef KILN_QS8_C4_AVX2_H
#define KILN_QS8_C4_AVX2_H
#if defined(__x86_64__)
#include <assert.h>
#include <immintrin.h>
#include <string.h>

#include "../qs8-requant/qs8-requant-avx2.h"

/// The weight bytes of a row's last, partial group (k - 4q of them, fewer than 4) as one 32-bit
/// pattern, zero above. Byte by byte: a memcpy call here would make the compiler keep the
/// accumulators in memory.
static inline int32_t kiln_qs8_partial_group(const int8_t *row, size_t q, size_t k) {
  uint32_t w = 0;
  for (size_t t = 0; t < k - 4 * q; t++) w |= (uint32_t)(uint8_t)row[4 * q + t] << (8 * t);
  return (int32_t)w;
}

/// Rows r < mv of the tile (row r: acc[r][0] columns 0-7, acc[r][1] columns 8-15, bias included)
/// requantized with row r's channel into c[r * c_row_stride + j * cs], j < nc.
__attribute__((target("avx2"))) static inline void kiln_qs8_c4_store4x16_avx2(__m256i acc[4][2], size_t mv, size_t nc,
                                                                              const struct kiln_qs8_channel *ch, int32_t zero_out,
                                                                              int8_t *c, size_t c_row_stride, size_t cs) {
  for (size_t r = 0; r < mv; r++) {
    const __m256i mp = _mm256_set1_epi32(ch[r].multiplier_pos), mn = _mm256_set1_epi32(ch[r].multiplier_neg);
    const __m256i shift = _mm256_set1_epi32(ch[r].shift);
    const __m128i bytes = _mm_unpacklo_epi64(kiln_qs8_requant8_avx2(acc[r][0], mp, mn, shift, zero_out),
                                             kiln_qs8_requant8_avx2(acc[r][1], mp, mn, shift, zero_out));
    int8_t *out = c + r * c_row_stride;
    if (cs == 1 && nc == 16) {
      _mm_storeu_si128((__m128i *)out, bytes);
    } else {
      int8_t tmp[16];
      _mm_storeu_si128((__m128i *)tmp, bytes);
      for (size_t j = 0; j < nc; j++) out[j * cs] = tmp[j];
    }
  }
}

/// Defines the kiln_qs8_packed_gemm_fn NAME (rows a + r * lda, r < mv <= 4, times a packed panel's
/// nv <= 24 columns, requantized into c[r * c_row_stride + s * cs]) around GROUP(acc, x, g), the
/// instruction set's step: one group of 4 bytes of k, the panel's 16 columns at x times the 4
/// rows' groups g, added into acc[4][2]. Each 16-column vector of the panel is a tile whose
/// accumulators start at bias - OFFSET x the row's weight sum (OFFSET 128 where the panel is
/// unsigned); rows past mv repeat the last, and their results are not stored. TARGET: the
/// functions' attribute.
#define KILN_QS8_C4_4X16_KERNEL(NAME, TARGET, OFFSET, GROUP)                                                           \
  TARGET static void NAME##_tile(size_t k, size_t mv, size_t nc, const int8_t *a, size_t lda, const uint8_t *p,        \
                                 size_t stride, const struct kiln_qs8_channel *ch, int32_t zero_out, int8_t *c,        \
                                 size_t c_row_stride, size_t cs) {                                                     \
    const int8_t *row[4];                                                                                              \
    __m256i acc[4][2];                                                                                                 \
    for (int r = 0; r < 4; r++) {                                                                                      \
      const size_t rr = (size_t)r < mv ? (size_t)r : mv - 1;                                                          \
      row[r] = a + rr * lda;                                                                                           \
      acc[r][0] = acc[r][1] = _mm256_set1_epi32(ch[rr].bias - (OFFSET) * ch[rr].weight_sum);                          \
    }                                                                                                                  \
    const size_t full = k / 4;                                                                                         \
    int32_t g[4];                                                                                                      \
    for (size_t q = 0; q < full; q++) {                                                                                \
      _Pragma("GCC unroll 4") for (int r = 0; r < 4; r++) memcpy(&g[r], row[r] + 4 * q, 4);                          \
      GROUP(acc, p + q * stride, g);                                                                                   \
    }                                                                                                                  \
    if (k % 4) { /* the last, partial group (the panel holds 0, or 128 if unsigned, past k, against weights 0) */     \
      for (int r = 0; r < 4; r++) g[r] = kiln_qs8_partial_group(row[r], full, k);                                     \
      GROUP(acc, p + full * stride, g);                                                                                \
    }                                                                                                                  \
    kiln_qs8_c4_store4x16_avx2(acc, mv, nc, ch, zero_out, c, c_row_stride, cs);                                       \
  }                                                                                                                    \
  TARGET void NAME(size_t k, size_t mv, size_t nv, const int8_t *a, size_t lda, const uint8_t *panel,                 \
                   const struct kiln_qs8_channel *ch, int32_t zero_out, int8_t *c, size_t c_row_stride, size_t cs) {   \
    assert(mv >= 1 && mv <= 4 && nv >= 1 && nv <= 24);                                                                 \
    const size_t stride = 64 * ((nv + 15) / 16);                                                                       \
    for (size_t s0 = 0; s0 < nv; s0 += 16) {                                                                           \
      NAME##_tile(k, mv, nv - s0 < 16 ? nv - s0 : 16, a, lda, panel + s0 / 16 * 64, stride, ch, zero_out, c + s0 * cs, \
                  c_row_stride, cs);                                                                                   \
    }                                                                                                                  \
  }
#endif
#endif
