// 4x2 int8 micro-kernel for SSE4.1. 16 bytes of k per step by PMADDUBSW made exact as in the AVX2
// tile: |b| (PABSB) times a * sign(b) (PSIGNB), pairs at most 2 * 128 * 127 = 32,512 in int16, then
// PMADDWD by ones into int32. A last 8 bytes of k are sign-extended to int16 (PMOVSXBW) and
// multiplied pairwise into int32 (PMADDWD, exact), fewer go through the scalar tail.
#pragma STDC FP_CONTRACT OFF
#include "qs8-tile-tail.h"

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("sse4.1"))) static inline int32_t hsum(__m128i v) {
  v = _mm_add_epi32(v, _mm_shuffle_epi32(v, _MM_SHUFFLE(1, 0, 3, 2)));
  v = _mm_add_epi32(v, _mm_shuffle_epi32(v, _MM_SHUFFLE(2, 3, 0, 1)));
  return _mm_cvtsi128_si32(v);
}

__attribute__((target("sse4.1"))) static inline __m128i load8(const int8_t *p) {
  return _mm_cvtepi8_epi16(_mm_loadl_epi64((const __m128i *)p));
}

__attribute__((target("sse4.1")))
void kiln_qs8_tile_4x2_sse41(size_t k, const int8_t *const *a, const int8_t *const *b, int32_t *acc) {
  __m128i c00 = _mm_setzero_si128(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  const __m128i ones = _mm_set1_epi16(1);
  size_t p = 0;
  for (; p + 16 <= k; p += 16) {
    const __m128i y0 = _mm_loadu_si128((const __m128i *)(b[0] + p)), y1 = _mm_loadu_si128((const __m128i *)(b[1] + p));
    const __m128i u0 = _mm_abs_epi8(y0), u1 = _mm_abs_epi8(y1);
#define KILN_ROW(r, acc0, acc1)                                                                              \
    {                                                                                                        \
      const __m128i x = _mm_loadu_si128((const __m128i *)(a[r] + p));                                        \
      acc0 = _mm_add_epi32(acc0, _mm_madd_epi16(_mm_maddubs_epi16(u0, _mm_sign_epi8(x, y0)), ones));         \
      acc1 = _mm_add_epi32(acc1, _mm_madd_epi16(_mm_maddubs_epi16(u1, _mm_sign_epi8(x, y1)), ones));         \
    }
    KILN_ROW(0, c00, c01) KILN_ROW(1, c10, c11) KILN_ROW(2, c20, c21) KILN_ROW(3, c30, c31)
#undef KILN_ROW
  }
  for (; p + 8 <= k; p += 8) {
    const __m128i y0 = load8(b[0] + p), y1 = load8(b[1] + p);
    __m128i x = load8(a[0] + p);
    c00 = _mm_add_epi32(c00, _mm_madd_epi16(x, y0)); c01 = _mm_add_epi32(c01, _mm_madd_epi16(x, y1));
    x = load8(a[1] + p);
    c10 = _mm_add_epi32(c10, _mm_madd_epi16(x, y0)); c11 = _mm_add_epi32(c11, _mm_madd_epi16(x, y1));
    x = load8(a[2] + p);
    c20 = _mm_add_epi32(c20, _mm_madd_epi16(x, y0)); c21 = _mm_add_epi32(c21, _mm_madd_epi16(x, y1));
    x = load8(a[3] + p);
    c30 = _mm_add_epi32(c30, _mm_madd_epi16(x, y0)); c31 = _mm_add_epi32(c31, _mm_madd_epi16(x, y1));
  }
  acc[0] = hsum(c00); acc[1] = hsum(c01); acc[2] = hsum(c10); acc[3] = hsum(c11);
  acc[4] = hsum(c20); acc[5] = hsum(c21); acc[6] = hsum(c30); acc[7] = hsum(c31);
  kiln_qs8_tile_tail(p, k, 4, 2, a, b, acc);
}
#endif
