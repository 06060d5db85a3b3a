// Requantization of one output row with AVX-512, 16 accumulators at a time: the multiplier is
// chosen per lane by sign, the 64-bit products of even and odd lanes are rounded and shifted
// arithmetically (VPSRAQ), the zero point added and the result clamped in 64 bits, then narrowed
// with saturation (VPMOVSDB). The same integers as the reference, so the same bytes.
#pragma STDC FP_CONTRACT OFF
#include "kiln_kernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define KILN_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl")))

KILN_AVX512
void kiln_qs8_requant_avx512(size_t n, const int32_t *acc, const struct kiln_qs8_channel *ch, int32_t zero_out, int8_t *c, size_t cs) {
  const __m512i bias = _mm512_set1_epi32(ch->bias);
  const __m512i mp = _mm512_set1_epi32(ch->multiplier_pos), mn = _mm512_set1_epi32(ch->multiplier_neg);
  const __m512i round = _mm512_set1_epi64((int64_t)1 << (ch->shift - 1)), zero = _mm512_set1_epi64(zero_out);
  const __m512i lo = _mm512_set1_epi64(-128), hi = _mm512_set1_epi64(127);
  const __m128i shift = _mm_cvtsi32_si128(ch->shift);
  size_t j = 0;
  for (; j < n; j += 16) {
    const __mmask16 m = n - j >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (n - j)) - 1);
    const __m512i a = _mm512_add_epi32(_mm512_maskz_loadu_epi32(m, acc + j), bias);
    const __m512i mult = _mm512_mask_blend_epi32(_mm512_cmplt_epi32_mask(a, _mm512_setzero_si512()), mp, mn);
    __m512i even = _mm512_mul_epi32(a, mult);
    __m512i odd = _mm512_mul_epi32(_mm512_srli_epi64(a, 32), _mm512_srli_epi64(mult, 32));
    even = _mm512_min_epi64(_mm512_max_epi64(_mm512_add_epi64(_mm512_sra_epi64(_mm512_add_epi64(even, round), shift), zero), lo), hi);
    odd = _mm512_min_epi64(_mm512_max_epi64(_mm512_add_epi64(_mm512_sra_epi64(_mm512_add_epi64(odd, round), shift), zero), lo), hi);
    const __m512i q = _mm512_mask_blend_epi32((__mmask16)0xAAAA, even, _mm512_slli_epi64(odd, 32));
    const __m128i bytes = _mm512_cvtsepi32_epi8(q);
    if (cs == 1) {
      _mm_mask_storeu_epi8(c + j, m, bytes);
    } else {
      int8_t tmp[16];
      _mm_storeu_si128((__m128i *)tmp, bytes);
      for (size_t t = 0; t < 16 && j + t < n; t++) c[(j + t) * cs] = tmp[t];
    }
  }
}
#endif
