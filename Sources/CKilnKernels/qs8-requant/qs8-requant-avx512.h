// The arithmetic shared by the AVX-512 requantization kernels: 16 int32 sums (bias included) to
// 16 int8 with per-lane multiplier and shift, as kiln_qs8_requantize: 64-bit products of even and
// odd lanes, + 2^(shift-1), arithmetic shift, + zero point, clamp, narrow with saturation.
#ifndef KILN_QS8_REQUANT_AVX512_H
#define KILN_QS8_REQUANT_AVX512_H
#if defined(__x86_64__)
#include <immintrin.h>

#include "kiln/qs8-requant.h"

/// a: sums with bias; mp / mn: multipliers for a >= 0 / a < 0; shift: per 32-bit lane (1..62).
__attribute__((target("avx512f,avx512bw,avx512vl"))) static inline __m128i
kiln_qs8_requant16_avx512(__m512i a, __m512i mp, __m512i mn, __m512i shift, int32_t zero_out) {
  const __m512i zero = _mm512_set1_epi64(zero_out), lo = _mm512_set1_epi64(-128), hi = _mm512_set1_epi64(127);
  const __m512i one = _mm512_set1_epi64(1);
  const __m512i mult = _mm512_mask_blend_epi32(_mm512_cmplt_epi32_mask(a, _mm512_setzero_si512()), mp, mn);
  const __m512i sh_even = _mm512_and_si512(shift, _mm512_set1_epi64(0xFFFFFFFF)), sh_odd = _mm512_srli_epi64(shift, 32);
  __m512i even = _mm512_mul_epi32(a, mult);
  __m512i odd = _mm512_mul_epi32(_mm512_srli_epi64(a, 32), _mm512_srli_epi64(mult, 32));
  even = _mm512_add_epi64(even, _mm512_sllv_epi64(one, _mm512_sub_epi64(sh_even, one)));
  odd = _mm512_add_epi64(odd, _mm512_sllv_epi64(one, _mm512_sub_epi64(sh_odd, one)));
  even = _mm512_min_epi64(_mm512_max_epi64(_mm512_add_epi64(_mm512_srav_epi64(even, sh_even), zero), lo), hi);
  odd = _mm512_min_epi64(_mm512_max_epi64(_mm512_add_epi64(_mm512_srav_epi64(odd, sh_odd), zero), lo), hi);
  return _mm512_cvtsepi32_epi8(_mm512_mask_blend_epi32((__mmask16)0xAAAA, even, _mm512_slli_epi64(odd, 32)));
}

/// The fields of 16 channels ch[0..15] as one vector each (lane i: channel i), read as five
/// vectors of the packed 20-byte structs and spread with permutes (one index vector serves all
/// three sources: the permutes use its low 5, 5 and 4 bits). Channels past `count` read as 0.
struct kiln_qs8_channels16 {
  __m512i bias, multiplier_pos, multiplier_neg, shift, weight_sum;
};
__attribute__((target("avx512f,avx512bw,avx512vl"))) static inline struct kiln_qs8_channels16
kiln_qs8_load_channels16_avx512(const struct kiln_qs8_channel *ch, size_t count) {
  _Static_assert(sizeof(struct kiln_qs8_channel) == 20, "five int32 fields");
  const int32_t *d = (const int32_t *)ch;
  const size_t dwords = 5 * (count < 16 ? count : 16);
  __m512i v[5];
  for (size_t q = 0; q < 5; q++) {
    const size_t left = dwords > 16 * q ? dwords - 16 * q : 0;
    v[q] = _mm512_maskz_loadu_epi32(left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1), d + 16 * q);
  }
  __m512i field[5];
  const __m512i lane5 = _mm512_mullo_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), _mm512_set1_epi32(5));
  for (int f = 0; f < 5; f++) {
    const __m512i idx = _mm512_add_epi32(lane5, _mm512_set1_epi32(f));  // dword 5i + f of the 80
    const __mmask16 second = _mm512_cmpge_epi32_mask(idx, _mm512_set1_epi32(32)), third = _mm512_cmpge_epi32_mask(idx, _mm512_set1_epi32(64));
    __m512i x = _mm512_permutex2var_epi32(v[0], idx, v[1]);
    x = _mm512_mask_mov_epi32(x, second, _mm512_permutex2var_epi32(v[2], idx, v[3]));
    field[f] = _mm512_mask_mov_epi32(x, third, _mm512_permutexvar_epi32(idx, v[4]));
  }
  return (struct kiln_qs8_channels16){field[0], field[1], field[2], field[3], field[4]};
}

/// Stores the `mask` lanes of `bytes` (the first ones: mask is 2^n - 1) to c[t * cs]. Step 2 (a
/// transposed conv's phase row) widens the bytes to 16 bits and stores only the even bytes,
/// leaving the odd ones (another phase's, maybe another thread's) untouched.
__attribute__((target("avx512f,avx512bw,avx512vl"))) static inline void
kiln_qs8_store16_avx512(__m128i bytes, __mmask16 mask, int8_t *c, size_t cs) {
  if (cs == 1) {
    _mm_mask_storeu_epi8(c, mask, bytes);
  } else if (cs == 2) {
    const uint32_t n = (uint32_t)__builtin_popcount(mask);
    const __mmask32 even = 0x55555555u & (n >= 16 ? 0xFFFFFFFFu : (1u << (2 * n)) - 1);
    _mm256_mask_storeu_epi8(c, even, _mm256_cvtepu8_epi16(bytes));
  } else {
    int8_t tmp[16];
    _mm_storeu_si128((__m128i *)tmp, bytes);
    for (size_t t = 0; t < 16 && (mask >> t) & 1; t++) c[t * cs] = tmp[t];
  }
}
#endif
#endif
