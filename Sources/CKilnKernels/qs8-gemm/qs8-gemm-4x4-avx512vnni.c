// 4x4 int8 micro-kernel for AVX-512 VNNI (VPDPBUSD: 64 bytes of k per instruction, four u8 x s8
// products summed into each int32 lane, no saturation, so exact). The activations b are made
// unsigned by flipping their sign bit (b + 128); the tile returns the sums with the extra
// 128 * sum(a) of each row in them, and the driver subtracts that offset (the path's sum_offset
// times the row's weight_sum). Rows and columns shorter than 64 bytes use a masked load; the tail
// is exact the same way.
#pragma STDC FP_CONTRACT OFF
#include "qs8-tile-tail.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define KILN_AVX512 __attribute__((target("avx512f,avx512bw,avx512vnni")))

/// The 16 lane sums of v[0..15], as out[i] = sum of v[i]: folds 512 -> 128 bits pairwise, then
/// reduces four 4-lane groups at once with unpacks, then puts the sums in order.
KILN_AVX512 static inline void hsum16(const __m512i v[16], int32_t *out) {
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
  _mm512_storeu_si512(out, _mm512_permutexvar_epi32(order, r));
}

KILN_AVX512
void kiln_qs8_tile_4x4_avx512vnni(size_t k, const int8_t *const *a, const int8_t *const *b, int32_t *acc) {
  __m512i c[4][4];
  for (int r = 0; r < 4; r++) {
    for (int s = 0; s < 4; s++) c[r][s] = _mm512_setzero_si512();
  }
  const __m512i flip = _mm512_set1_epi8((char)0x80);
  for (size_t p = 0; p < k; p += 64) {
    const __mmask64 m = k - p >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << (k - p)) - 1);
    __m512i y[4];
    for (int s = 0; s < 4; s++) y[s] = _mm512_xor_si512(_mm512_maskz_loadu_epi8(m, b[s] + p), flip);
    for (int r = 0; r < 4; r++) {
      const __m512i x = _mm512_maskz_loadu_epi8(m, a[r] + p);
      // y holds b + 128 as u8 (masked-off bytes are 0 ^ 0x80 = 128, against x = 0: no effect).
      for (int s = 0; s < 4; s++) c[r][s] = _mm512_dpbusd_epi32(c[r][s], y[s], x);
    }
  }
  __m512i v[16];
  for (int r = 0; r < 4; r++) {
    for (int s = 0; s < 4; s++) v[r * 4 + s] = c[r][s];
  }
  hsum16(v, acc);
}

/// 8 rows x 1 column (a dense layer at batch 1): the tile would compute 4 copies of the column.
/// Like the tile, its sums carry 128 * the row's weight sum (the path's sum_offset).
KILN_AVX512
void kiln_qs8_gemv_8_avx512vnni(size_t k, const int8_t *const *a, const int8_t *b, int32_t *acc) {
  __m512i c[8];
  for (int r = 0; r < 8; r++) c[r] = _mm512_setzero_si512();
  const __m512i flip = _mm512_set1_epi8((char)0x80);
  for (size_t p = 0; p < k; p += 64) {
    const __mmask64 m = k - p >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << (k - p)) - 1);
    const __m512i y = _mm512_xor_si512(_mm512_maskz_loadu_epi8(m, b + p), flip);
    for (int r = 0; r < 8; r++) {
      const __m512i x = _mm512_maskz_loadu_epi8(m, a[r] + p);
      c[r] = _mm512_dpbusd_epi32(c[r], y, x);
    }
  }
  __m512i v[16];
  for (int r = 0; r < 16; r++) v[r] = r < 8 ? c[r] : _mm512_setzero_si512();
  int32_t out[16];
  hsum16(v, out);
  for (int r = 0; r < 8; r++) acc[r] = out[r];
}
#endif
