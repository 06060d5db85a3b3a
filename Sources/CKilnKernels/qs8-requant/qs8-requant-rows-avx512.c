// Requantization of one output column over many rows with AVX-512 (the matrix-vector case: a
// dense layer at batch 1), 16 rows at a time, each with its own channel: bias, multipliers and
// shift are gathered from the channel array, then the arithmetic of kiln_qs8_requant_avx512 with
// per-lane shifts (VPSRAVQ, VPSLLVQ). The same integers as the reference, so the same bytes.
#pragma STDC FP_CONTRACT OFF
#include "kiln_kernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define KILN_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl")))

KILN_AVX512
void kiln_qs8_requant_rows_avx512(size_t m, const int32_t *acc, const struct kiln_qs8_channel *ch, int32_t zero_out, int8_t *c,
                                  size_t cs) {
  // struct kiln_qs8_channel is four int32: bias, multiplier_pos, multiplier_neg, shift.
  const __m512i idx = _mm512_mullo_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), _mm512_set1_epi32(4));
  const __m512i zero = _mm512_set1_epi64(zero_out), lo = _mm512_set1_epi64(-128), hi = _mm512_set1_epi64(127);
  const __m512i one = _mm512_set1_epi64(1), low32 = _mm512_set1_epi64(0xFFFFFFFF);
  for (size_t i = 0; i < m; i += 16) {
    const __mmask16 mask = m - i >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (m - i)) - 1);
    const int32_t *base = (const int32_t *)(ch + i);
    const __m512i bias = _mm512_mask_i32gather_epi32(_mm512_setzero_si512(), mask, idx, base, 4);
    const __m512i mp = _mm512_mask_i32gather_epi32(_mm512_setzero_si512(), mask, idx, base + 1, 4);
    const __m512i mn = _mm512_mask_i32gather_epi32(_mm512_setzero_si512(), mask, idx, base + 2, 4);
    const __m512i shift = _mm512_mask_i32gather_epi32(_mm512_set1_epi32(1), mask, idx, base + 3, 4);
    const __m512i a = _mm512_add_epi32(_mm512_maskz_loadu_epi32(mask, acc + i), bias);
    const __m512i mult = _mm512_mask_blend_epi32(_mm512_cmplt_epi32_mask(a, _mm512_setzero_si512()), mp, mn);
    const __m512i sh_even = _mm512_and_si512(shift, low32), sh_odd = _mm512_srli_epi64(shift, 32);
    __m512i even = _mm512_mul_epi32(a, mult);
    __m512i odd = _mm512_mul_epi32(_mm512_srli_epi64(a, 32), _mm512_srli_epi64(mult, 32));
    even = _mm512_add_epi64(even, _mm512_sllv_epi64(one, _mm512_sub_epi64(sh_even, one)));
    odd = _mm512_add_epi64(odd, _mm512_sllv_epi64(one, _mm512_sub_epi64(sh_odd, one)));
    even = _mm512_min_epi64(_mm512_max_epi64(_mm512_add_epi64(_mm512_srav_epi64(even, sh_even), zero), lo), hi);
    odd = _mm512_min_epi64(_mm512_max_epi64(_mm512_add_epi64(_mm512_srav_epi64(odd, sh_odd), zero), lo), hi);
    const __m512i q = _mm512_mask_blend_epi32((__mmask16)0xAAAA, even, _mm512_slli_epi64(odd, 32));
    const __m128i bytes = _mm512_cvtsepi32_epi8(q);
    if (cs == 1) {
      _mm_mask_storeu_epi8(c + i, mask, bytes);
    } else {
      int8_t tmp[16];
      _mm_storeu_si128((__m128i *)tmp, bytes);
      for (size_t t = 0; t < 16 && i + t < m; t++) c[(i + t) * cs] = tmp[t];
    }
  }
}
#endif
