// 4x2 int8 micro-kernel for AVX2. 32 bytes of k per step with VPMADDUBSW made exact: it multiplies
// u8 by s8 and adds pairs into int16 with saturation, so each column b goes in as |b| (VPABSB; 128
// for -128 is a valid u8) and each weight row a as a * sign(b) (VPSIGNB; exact, since a is in
// [-127, 127]): |b| * a * sign(b) = a * b, and a pair sums to at most 2 * 128 * 127 = 32,512 <
// 32,767, so nothing saturates. VPMADDWD by ones then adds the int16 pairs into int32. A last 16
// bytes of k go through VPMOVSXBW + VPMADDWD, fewer through the scalar tail.
#pragma STDC FP_CONTRACT OFF
#include "qs8-tile-tail.h"

#if defined(__x86_64__)
#include <immintrin.h>

#include "qs8-hsum-avx2.h"

__attribute__((target("avx2"))) static inline __m256i load16(const int8_t *p) {
  return _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)p));
}

__attribute__((target("avx2")))
void kiln_qs8_tile_4x2_avx2(size_t k, const int8_t *const *a, const int8_t *const *b, int32_t *acc) {
  __m256i c00 = _mm256_setzero_si256(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  const __m256i ones = _mm256_set1_epi16(1);
  size_t p = 0;
  for (; p + 32 <= k; p += 32) {
    const __m256i y0 = _mm256_loadu_si256((const __m256i *)(b[0] + p)), y1 = _mm256_loadu_si256((const __m256i *)(b[1] + p));
    const __m256i u0 = _mm256_abs_epi8(y0), u1 = _mm256_abs_epi8(y1);
#define KILN_ROW(r, acc0, acc1)                                                                                        \
    {                                                                                                                  \
      const __m256i x = _mm256_loadu_si256((const __m256i *)(a[r] + p));                                              \
      acc0 = _mm256_add_epi32(acc0, _mm256_madd_epi16(_mm256_maddubs_epi16(u0, _mm256_sign_epi8(x, y0)), ones));      \
      acc1 = _mm256_add_epi32(acc1, _mm256_madd_epi16(_mm256_maddubs_epi16(u1, _mm256_sign_epi8(x, y1)), ones));      \
    }
    KILN_ROW(0, c00, c01) KILN_ROW(1, c10, c11) KILN_ROW(2, c20, c21) KILN_ROW(3, c30, c31)
#undef KILN_ROW
  }
  for (; p + 16 <= k; p += 16) {
    const __m256i y0 = load16(b[0] + p), y1 = load16(b[1] + p);
    __m256i x = load16(a[0] + p);
    c00 = _mm256_add_epi32(c00, _mm256_madd_epi16(x, y0)); c01 = _mm256_add_epi32(c01, _mm256_madd_epi16(x, y1));
    x = load16(a[1] + p);
    c10 = _mm256_add_epi32(c10, _mm256_madd_epi16(x, y0)); c11 = _mm256_add_epi32(c11, _mm256_madd_epi16(x, y1));
    x = load16(a[2] + p);
    c20 = _mm256_add_epi32(c20, _mm256_madd_epi16(x, y0)); c21 = _mm256_add_epi32(c21, _mm256_madd_epi16(x, y1));
    x = load16(a[3] + p);
    c30 = _mm256_add_epi32(c30, _mm256_madd_epi16(x, y0)); c31 = _mm256_add_epi32(c31, _mm256_madd_epi16(x, y1));
  }
  const __m256i sums[8] = {c00, c01, c10, c11, c20, c21, c30, c31};  // acc[r * 2 + s]
  _mm256_storeu_si256((__m256i *)acc, kiln_qs8_hsum8_avx2(sums));
  kiln_qs8_tile_tail(p, k, 4, 2, a, b, acc);
}
#endif
