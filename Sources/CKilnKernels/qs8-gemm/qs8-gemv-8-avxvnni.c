// int8 matrix-vector product with requantization on AVX-VNNI (a dense layer at batch 1, a
// transposed convolution from a 1x1 input): 8 rows at a time, each a VEX VPDPBUSD chain over
// 32-byte chunks of k with the activations made unsigned (b + 128, once for the 8 rows), the last
// k mod 32 bytes in one more step (below: no call in the loop, so the sums stay in registers);
// the sums carry 128 x each row's weight sum, which the finish subtracts. The reference's bytes.
#pragma STDC FP_CONTRACT OFF
#include "kiln/qs8-gemm.h"

#if defined(__x86_64__)
#include <string.h>

#include "qs8-gemv-finish-avx2.h"

#define KILN_AVXVNNI __attribute__((target("avx2,avxvnni")))

/// A row's bytes for the tail step (see y_tail): the 32 that end at k, or a zero-padded copy of
/// the last rest < 32 when k is shorter than 32.
KILN_AVXVNNI static inline __m256i tail_row(const int8_t *row, size_t k, size_t whole, size_t rest) {
  if (k >= 32) return _mm256_loadu_si256((const __m256i *)(row + k - 32));
  int8_t padded[32] = {0};
  memcpy(padded, row + whole, rest);
  return _mm256_loadu_si256((const __m256i *)padded);
}

KILN_AVXVNNI
void kiln_qs8_gemv_8_avxvnni(size_t m, size_t k, const int8_t *a, size_t lda, const int8_t *b, const struct kiln_qs8_channel *ch,
                             int32_t zero_out, int8_t *c, size_t cs) {
  const size_t whole = k / 32 * 32, rest = k - whole;
  const __m256i flip = _mm256_set1_epi8((char)0x80);
  // The last k mod 32 bytes: when k >= 32, the 32 bytes that end at k, with the activations of
  // the bytes already summed set to 0 (u8 0 times any weight adds nothing; each weight still
  // meets its b + 128 exactly once); for a shorter k, zero-padded copies.
  __m256i y_tail = _mm256_setzero_si256();
  if (rest && k >= 32) {
    const __m256i keep = kiln_qs8_keep_last_avx2(rest);
    y_tail = _mm256_and_si256(_mm256_xor_si256(_mm256_loadu_si256((const __m256i *)(b + k - 32)), flip), keep);
  } else if (rest) {
    int8_t padded[32] = {0};
    memcpy(padded, b + whole, rest);
    y_tail = _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)padded), flip);
  }
  for (size_t i = 0; i < m; i += 8) {
    const size_t mv = m - i < 8 ? m - i : 8;
    const int8_t *row[8];
    __m256i v[8];
    for (size_t r = 0; r < 8; r++) {
      row[r] = a + (i + (r < mv ? r : mv - 1)) * lda;  // rows past m repeat the last; not stored
      v[r] = _mm256_setzero_si256();
    }
    for (size_t p = 0; p < whole; p += 32) {
      const __m256i y = _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)(b + p)), flip);
      for (size_t r = 0; r < 8; r++) v[r] = _mm256_dpbusd_avx_epi32(v[r], y, _mm256_loadu_si256((const __m256i *)(row[r] + p)));
    }
    if (rest) {
      for (size_t r = 0; r < 8; r++) v[r] = _mm256_dpbusd_avx_epi32(v[r], y_tail, tail_row(row[r], k, whole, rest));
    }
    kiln_qs8_gemv_finish8_avx2(v, ch + i, mv, 128, zero_out, c + i * cs, cs);
  }
}
#endif
