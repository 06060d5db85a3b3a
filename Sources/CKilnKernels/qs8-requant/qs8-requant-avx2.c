// Requantization of one output row with AVX2, 8 accumulators at a time (the last n mod 8 through
// a zero-padded copy): the bias added in int32, then kiln_qs8_requant8_avx2. The reference's bytes.
#pragma STDC FP_CONTRACT OFF
#include "kiln/qs8-requant.h"

#if defined(__x86_64__)
#include "qs8-requant-avx2.h"

__attribute__((target("avx2")))
void kiln_qs8_requant_avx2(size_t n, const int32_t *acc, const struct kiln_qs8_channel *ch, int32_t zero_out, int8_t *c, size_t cs) {
  const __m256i bias = _mm256_set1_epi32(ch->bias), mp = _mm256_set1_epi32(ch->multiplier_pos);
  const __m256i mn = _mm256_set1_epi32(ch->multiplier_neg), shift = _mm256_set1_epi32(ch->shift);
  for (size_t j = 0; j < n; j += 8) {
    const size_t count = n - j < 8 ? n - j : 8;
    int32_t last[8] = {0};
    const int32_t *src = acc + j;
    if (count < 8) {
      for (size_t t = 0; t < count; t++) last[t] = src[t];
      src = last;
    }
    const __m128i bytes = kiln_qs8_requant8_avx2(_mm256_add_epi32(_mm256_loadu_si256((const __m256i *)src), bias), mp, mn, shift, zero_out);
    if (cs == 1 && count == 8) {
      _mm_storel_epi64((__m128i *)(c + j), bytes);
    } else {
      int8_t tmp[16];
      _mm_storeu_si128((__m128i *)tmp, bytes);
      for (size_t t = 0; t < count; t++) c[(j + t) * cs] = tmp[t];
    }
  }
}
#endif
