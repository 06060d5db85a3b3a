// int8 matrix-vector product with requantization on AVX2 (a dense layer at batch 1, a transposed
// convolution from a 1x1 input): 8 rows at a time, each a VPMADDWD chain over 16-byte chunks of k
// sign-extended to int16 (exact; the activations' chunk widened once for the 8 rows), the last
// k mod 16 bytes from zero-padded copies, the 8 rows' lane sums reduced together and requantized
// with each row's own channel in one vector. Integer sums are exact: the reference's bytes.
#pragma STDC FP_CONTRACT OFF
#include "kiln/qs8-gemm.h"

#if defined(__x86_64__)
#include <string.h>

#include "../qs8-requant/qs8-requant-avx2.h"
#include "qs8-hsum-avx2.h"

#define KILN_AVX2 __attribute__((target("avx2")))

KILN_AVX2 static inline __m256i widen16(const int8_t *p) { return _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)p)); }

KILN_AVX2
void kiln_qs8_gemv_8_avx2(size_t m, size_t k, const int8_t *a, size_t lda, const int8_t *b, const struct kiln_qs8_channel *ch,
                          int32_t zero_out, int8_t *c, size_t cs) {
  const size_t whole = k / 16 * 16, rest = k - whole;
  int8_t b_tail[16] = {0};
  memcpy(b_tail, b + whole, rest);
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
      const __m256i y = widen16(b_tail);
      for (size_t r = 0; r < 8; r++) {
        int8_t tail[16] = {0};
        memcpy(tail, row[r] + whole, rest);
        v[r] = _mm256_add_epi32(v[r], _mm256_madd_epi16(widen16(tail), y));
      }
    }
    int32_t bias[8], mp[8], mn[8], shift[8];
    for (size_t r = 0; r < 8; r++) {
      const struct kiln_qs8_channel *cr = &ch[i + (r < mv ? r : mv - 1)];
      bias[r] = cr->bias, mp[r] = cr->multiplier_pos, mn[r] = cr->multiplier_neg, shift[r] = cr->shift;
    }
    const __m256i sums = _mm256_add_epi32(kiln_qs8_hsum8_avx2(v), _mm256_loadu_si256((const __m256i *)bias));
    const __m128i bytes = kiln_qs8_requant8_avx2(sums, _mm256_loadu_si256((const __m256i *)mp), _mm256_loadu_si256((const __m256i *)mn),
                                                 _mm256_loadu_si256((const __m256i *)shift), zero_out);
    int8_t out[16];
    _mm_storeu_si128((__m128i *)out, bytes);
    for (size_t r = 0; r < mv; r++) c[(i + r) * cs] = out[r];
  }
}
#endif
