// Shared by the AVX2-class packed c4 kernels (AVX2, AVX-VNNI): a row's last, partial weight group,
// and the requantization and store of a 4 x 16 tile.
#ifndef KILN_QS8_C4_AVX2_H
#define KILN_QS8_C4_AVX2_H
#if defined(__x86_64__)
#include <immintrin.h>

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
#endif
#endif
