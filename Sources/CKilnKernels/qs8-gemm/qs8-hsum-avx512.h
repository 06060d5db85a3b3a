// Horizontal sums of 16 vectors of 16 int32 lanes at once, for the AVX-512 int8 kernels that
// vectorize over k (the 4 x 4 tile, the matrix-vector kernel).
#ifndef KILN_QS8_HSUM_AVX512_H
#define KILN_QS8_HSUM_AVX512_H
#include <immintrin.h>

/// The 16 lane sums of v[0..15], lane i = sum of v[i]: folds 512 -> 128 bits pairwise, then
/// reduces four 4-lane groups at once with unpacks, then puts the sums in order.
__attribute__((target("avx512f"))) static inline __m512i kiln_qs8_hsum16_avx512(const __m512i v[16]) {
  __m512i s[8], t[4];
  for (int i = 0; i < 8; i++) {
    s[i] = _mm512_add_epi32(_mm512_shuffle_i64x2(v[2 * i], v[2 * i + 1], 0x44), _mm512_shuffle_i64x2(v[2 * i], v[2 * i + 1], 0xEE));
  }
  for (int i = 0; i < 4; i++) {  // quarter q of t[i] holds 4 partial sums of v[4i + q]
    t[i] = _mm512_add_epi32(_mm512_shuffle_i64x2(s[2 * i], s[2 * i + 1], 0x88), _mm512_shuffle_i64x2(s[2 * i], s[2 * i + 1], 0xDD));
  }
  const __m512i a = _mm512_add_epi32(_mm512_unpacklo_epi32(t[0], t[1]), _mm512_unpackhi_epi32(t[0], t[1]));
  const __m512i b = _mm512_add_epi32(_mm512_unpacklo_epi32(t[2], t[3]), _mm512_unpackhi_epi32(t[2], t[3]));
  const __m512i r = _mm512_add_epi32(_mm512_unpacklo_epi64(a, b), _mm512_unpackhi_epi64(a, b));
  // lane 4q + j now holds the sum of v[4j + q]
  const __m512i order = _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
  return _mm512_permutexvar_epi32(order, r);
}

#endif
