// Requantization of one output column over many rows with AVX-512 (the matrix-vector case: a
// dense layer at batch 1), 16 rows at a time, each with its own channel: bias, multipliers and
// shift are gathered from the channel array, then the arithmetic of qs8-requant-avx512.h. The
// same integers as the reference, so the same bytes.
#pragma STDC FP_CONTRACT OFF
#include "kiln_kernels.h"

#if defined(__x86_64__)
#include "qs8-requant-avx512.h"

__attribute__((target("avx512f,avx512bw,avx512vl")))
void kiln_qs8_requant_rows_avx512(size_t m, const int32_t *acc, const struct kiln_qs8_channel *ch, int32_t zero_out, int8_t *c,
                                  size_t cs) {
  // struct kiln_qs8_channel is int32s: bias, multiplier_pos, multiplier_neg, shift, weight_sum.
  enum { FIELDS = sizeof(struct kiln_qs8_channel) / sizeof(int32_t) };
  const __m512i idx = _mm512_mullo_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), _mm512_set1_epi32(FIELDS));
  for (size_t i = 0; i < m; i += 16) {
    const __mmask16 mask = m - i >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (m - i)) - 1);
    const int32_t *base = (const int32_t *)(ch + i);
    const __m512i bias = _mm512_mask_i32gather_epi32(_mm512_setzero_si512(), mask, idx, base, 4);
    const __m512i mp = _mm512_mask_i32gather_epi32(_mm512_setzero_si512(), mask, idx, base + 1, 4);
    const __m512i mn = _mm512_mask_i32gather_epi32(_mm512_setzero_si512(), mask, idx, base + 2, 4);
    const __m512i shift = _mm512_mask_i32gather_epi32(_mm512_set1_epi32(1), mask, idx, base + 3, 4);
    const __m512i a = _mm512_add_epi32(_mm512_maskz_loadu_epi32(mask, acc + i), bias);
    kiln_qs8_store16_avx512(kiln_qs8_requant16_avx512(a, mp, mn, shift, zero_out), mask, c + i * cs, cs);
  }
}
#endif
