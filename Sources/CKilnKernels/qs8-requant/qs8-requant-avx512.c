// Requantization of one output row with AVX-512, 16 accumulators at a time, all with the row's
// channel: the arithmetic of qs8-requant-avx512.h (multiplier chosen per lane by sign, 64-bit
// products rounded and shifted, zero point, clamp, VPMOVSDB). The same integers as the reference,
// so the same bytes.
#pragma STDC FP_CONTRACT OFF
#include "kiln/qs8-requant.h"

#if defined(__x86_64__)
#include "qs8-requant-avx512.h"

__attribute__((target("avx512f,avx512bw,avx512vl")))
void kiln_qs8_requant_avx512(size_t n, const int32_t *acc, const struct kiln_qs8_channel *ch, int32_t zero_out, int8_t *c, size_t cs) {
  const __m512i bias = _mm512_set1_epi32(ch->bias), shift = _mm512_set1_epi32(ch->shift);
  const __m512i mp = _mm512_set1_epi32(ch->multiplier_pos), mn = _mm512_set1_epi32(ch->multiplier_neg);
  for (size_t j = 0; j < n; j += 16) {
    const __mmask16 m = n - j >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (n - j)) - 1);
    const __m512i a = _mm512_add_epi32(_mm512_maskz_loadu_epi32(m, acc + j), bias);
    kiln_qs8_store16_avx512(kiln_qs8_requant16_avx512(a, mp, mn, shift, zero_out), m, c + j * cs, cs);
  }
}
#endif
