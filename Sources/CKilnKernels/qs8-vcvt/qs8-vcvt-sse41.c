// f32 <-> int8 conversions for SSE4.1, 8 per step. CVTPS2DQ rounds half to even in the default
// MXCSR mode, as the reference does; NaN is zeroed first, as in the reference.
#pragma STDC FP_CONTRACT OFF
#include "kiln/qs8-vcvt.h"

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("sse4.1"))) static inline __m128i round4(const float *x, __m128 inv, __m128 lo, __m128 hi) {
  __m128 t = _mm_mul_ps(_mm_loadu_ps(x), inv);
  t = _mm_and_ps(t, _mm_cmpord_ps(t, t));
  t = _mm_min_ps(_mm_max_ps(t, lo), hi);
  return _mm_cvtps_epi32(t);
}

__attribute__((target("sse4.1")))
void kiln_qs8_quantize_sse41(size_t n, const float *x, float inv_scale, int32_t zero_point, int8_t *y) {
  const __m128 inv = _mm_set1_ps(inv_scale), lo = _mm_set1_ps(-256.0f), hi = _mm_set1_ps(256.0f);
  const __m128i zp = _mm_set1_epi16((int16_t)zero_point);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    // |t| <= 256 and |zero_point| <= 128: the int16 sums cannot overflow; PACKSSWB clamps.
    const __m128i q = _mm_adds_epi16(_mm_packs_epi32(round4(x + i, inv, lo, hi), round4(x + i + 4, inv, lo, hi)), zp);
    _mm_storel_epi64((__m128i *)(y + i), _mm_packs_epi16(q, q));
  }
  if (i < n) kiln_qs8_quantize_ref(n - i, x + i, inv_scale, zero_point, y + i);
}

__attribute__((target("sse4.1")))
void kiln_qs8_dequantize_sse41(size_t n, const int8_t *x, float scale, int32_t zero_point, float *y) {
  const __m128 s = _mm_set1_ps(scale);
  const __m128i zp = _mm_set1_epi32(zero_point);
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    int32_t word;
    __builtin_memcpy(&word, x + i, 4);
    const __m128i v = _mm_sub_epi32(_mm_cvtepi8_epi32(_mm_cvtsi32_si128(word)), zp);
    _mm_storeu_ps(y + i, _mm_mul_ps(_mm_cvtepi32_ps(v), s));
  }
  if (i < n) kiln_qs8_dequantize_ref(n - i, x + i, scale, zero_point, y + i);
}
#endif
