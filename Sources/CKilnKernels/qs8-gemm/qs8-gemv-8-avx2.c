// int8 matrix-vector product with requantization on AVX2 (a dense layer at batch 1, a transposed
// convolution from a 1x1 input): 8 rows at a time, each a VPMADDWD chain over 16-byte chunks of k
// sign-extended to int16 (exact; the activations' chunk widened once for the 8 rows), the last
// k mod 16 bytes in one more step (below: no call in the loop, so the sums stay in registers),
// the 8 rows' lane sums reduced together and requantized with each row's own channel in one
// vector. Integer sums are exact: the reference's bytes.
#pragma STDC FP_CONTRACT OFF
#include "kiln/qs8-gemm.h"

#if defined(__x86_64__)
#include <string.h>

#include "qs8-gemv-finish-avx2.h"

#define KILN_AVX2 __attribute__((target("avx2")))

KILN_AVX2 static inline __m256i widen16(const int8_t *p) { return _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)p)); }

/// A row's bytes for the tail step (see y_tail), widened: the 16 that end at k, or a zero-padded
/// copy of the last rest < 16 when k is shorter than 16.
KILN_AVX2 static inline __m256i tail_row(const int8_t *row, size_t k, size_t whole, size_t rest) {
  if (k >= 16) return widen16(row + k - 16);
  int8_t padded[16] = {0};
  memcpy(padded, row + whole, rest);
  return widen16(padded);
}

KILN_AVX2
void kiln_qs8_gemv_8_avx2(size_t m, size_t k, const int8_t *a, size_t lda, const int8_t *b, const struct kiln_qs8_channel *ch,
                          int32_t zero_out, int8_t *c, size_t cs) {
  const size_t whole = k / 16 * 16, rest = k - whole;
  // The last k mod 16 bytes: when k >= 16, the 16 bytes that end at k, with the activations of
  // the bytes already summed set to 0 (each product then counts once); for a shorter k,
  // zero-padded copies.
  __m256i y_tail = _mm256_setzero_si256();
  if (rest && k >= 16) {
    const __m128i keep = _mm256_extracti128_si256(kiln_qs8_keep_last_avx2(rest), 1);  // the last `rest` bytes of 16
    y_tail = _mm256_cvtepi8_epi16(_mm_and_si128(_mm_loadu_si128((const __m128i *)(b + k - 16)), keep));
  } else if (rest) {
    int8_t padded[16] = {0};
    memcpy(padded, b + whole, rest);
    y_tail = widen16(padded);
  }
  for (size_t i = 0; i < m; i += 8) {
    const size_t mv = m - i < 8 ? m - i : 8;
    const int8_t *row[8];
    __m256i v[8];
    for (size_t r = 0; r < 8; r++) {
      row[r] = a + (i + (r < mv ? r : mv - 1)) * lda;  // rows past m repeat the last; not stored
      v[r] = _mm256_setzero_si256();
    }
    for (size_t p = 0; p < whole; p += 16) {
      const __m256i y = widen16(b + p);
      for (size_t r = 0; r < 8; r++) v[r] = _mm256_add_epi32(v[r], _mm256_madd_epi16(widen16(row[r] + p), y));
    }
    if (rest) {
      for (size_t r = 0; r < 8; r++) v[r] = _mm256_add_epi32(v[r], _mm256_madd_epi16(tail_row(row[r], k, whole, rest), y_tail));
    }
    kiln_qs8_gemv_finish8_avx2(v, ch + i, mv, 0, zero_out, c + i * cs, cs);
  }
}
#endif
