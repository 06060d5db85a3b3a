// The arithmetic of kiln_qs8_requantize on 8 int32 sums (bias included) with AVX2, each lane with
// its own multipliers and shift: 64-bit products of the even and odd lanes, + 2^(shift-1), an
// arithmetic shift right (AVX2 shifts 64-bit lanes only logically: x >> s = ~(~x >>> s) for
// negative x), + zero point, clamp to [-128, 127], narrow. The same bytes as the reference.
#ifndef KILN_QS8_REQUANT_AVX2_H
#define KILN_QS8_REQUANT_AVX2_H
#if defined(__x86_64__)
#include <immintrin.h>

#include "kiln/qs8-requant.h"

/// 64-bit lanes x >> shift (per lane), rounding toward minus infinity.
__attribute__((target("avx2"))) static inline __m256i kiln_sra64_avx2(__m256i x, __m256i shift) {
  const __m256i negative = _mm256_cmpgt_epi64(_mm256_setzero_si256(), x);
  return _mm256_xor_si256(_mm256_srlv_epi64(_mm256_xor_si256(x, negative), shift), negative);
}

/// zero + (x + 2^(shift-1)) >> shift, clamped to [-128, 127], on 64-bit lanes.
__attribute__((target("avx2"))) static inline __m256i kiln_scale64_avx2(__m256i x, __m256i shift, __m256i zero) {
  const __m256i one = _mm256_set1_epi64x(1), lo = _mm256_set1_epi64x(-128), hi = _mm256_set1_epi64x(127);
  x = _mm256_add_epi64(x, _mm256_sllv_epi64(one, _mm256_sub_epi64(shift, one)));
  x = _mm256_add_epi64(kiln_sra64_avx2(x, shift), zero);
  x = _mm256_blendv_epi8(x, lo, _mm256_cmpgt_epi64(lo, x));
  return _mm256_blendv_epi8(x, hi, _mm256_cmpgt_epi64(x, hi));
}

/// a: 8 sums with bias; mp / mn: multipliers for a >= 0 / a < 0; shift (1..62): per 32-bit lane.
/// Returns the 8 int8 in the low 8 bytes.
__attribute__((target("avx2"))) static inline __m128i kiln_qs8_requant8_avx2(__m256i a, __m256i mp, __m256i mn, __m256i shift,
                                                                             int32_t zero_out) {
  const __m256i mult = _mm256_blendv_epi8(mp, mn, _mm256_cmpgt_epi32(_mm256_setzero_si256(), a));
  const __m256i zero = _mm256_set1_epi64x(zero_out);
  const __m256i sh_even = _mm256_and_si256(shift, _mm256_set1_epi64x(0xFFFFFFFF)), sh_odd = _mm256_srli_epi64(shift, 32);
  const __m256i even = kiln_scale64_avx2(_mm256_mul_epi32(a, mult), sh_even, zero);
  const __m256i odd = kiln_scale64_avx2(_mm256_mul_epi32(_mm256_srli_epi64(a, 32), _mm256_srli_epi64(mult, 32)), sh_odd, zero);
  const __m256i q = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);  // lane i: output i, in [-128, 127]
  const __m128i words = _mm_packs_epi32(_mm256_castsi256_si128(q), _mm256_extracti128_si256(q, 1));
  return _mm_packs_epi16(words, words);
}
#endif
#endif
