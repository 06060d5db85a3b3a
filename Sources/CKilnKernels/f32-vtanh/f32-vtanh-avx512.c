// tanh of floats, 8 at a time in double precision with AVX-512 F; the same bytes as the reference
// (float)tanh((double)x) for every input.
//
// With a = |x|: a < 0.625: tanh a = a + a s Q(s), s = a^2, Q of degree 9 (fitted by
// Tools/fit_tanh.py; relative error 3e-16); otherwise tanh a = 1 - 2 / (e^(2a) + 1), with
// e^y = 2^k e^r, k = round(y / ln 2), |r| <= ln(2)/2, e^r by its Taylor polynomial of degree 12
// (truncation 2e-16); a is clamped to 20 (tanh 20 = 1 - 8e-18, which rounds to 1 in double).
// Either way the double t is within a few units in its last place (ulp) of tanh a, as is the C
// library's tanh (glibc: at most 2 ulp). Rounded to float, the two agree unless t lies within
// their combined error of a point halfway between two floats: that is when t's 29 bits below
// float precision are within MARGIN ulp of 2^28. Such lanes, NaNs and 0 < a < 2^-100 (where the
// float result is subnormal and the 29-bit test does not apply) are computed by the reference.
// MARGIN = 2^10 ulp of t (a relative 2.3e-13), several hundred times the error of either side; a
// lane goes to the reference about once in 2^18 values.
#pragma STDC FP_CONTRACT OFF
#include "kiln/f32-vtanh.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include <math.h>
#include <stdint.h>

#include "f32-vtanh-poly.h"

__attribute__((target("avx512f"))) static __m512d tanh_abs(__m512d a) {
  a = _mm512_min_pd(a, _mm512_set1_pd(20.0));
  // small: a + a s Q(s)
  const __m512d s = _mm512_mul_pd(a, a);
  __m512d q = _mm512_set1_pd(small_q[9]);
  for (int j = 8; j >= 0; j--) q = _mm512_fmadd_pd(q, s, _mm512_set1_pd(small_q[j]));
  const __m512d small = _mm512_fmadd_pd(_mm512_mul_pd(a, s), q, a);
  // large: 1 - 2 / (e^(2a) + 1)
  const __m512d y = _mm512_add_pd(a, a);
  const __m512d k = _mm512_roundscale_pd(_mm512_mul_pd(y, _mm512_set1_pd(1.4426950408889634)), _MM_FROUND_TO_NEAREST_INT);
  __m512d r = _mm512_fnmadd_pd(k, _mm512_set1_pd(0x1.62e42fefa3800p-1), y);  // ln 2 high part: k * it is exact
  r = _mm512_fnmadd_pd(k, _mm512_set1_pd(0x1.ef35793c76730p-45), r);           // ln 2 low part
  __m512d p = _mm512_set1_pd(1.0 / 479001600.0);                                 // 1/12!
  for (int j = 11; j >= 0; j--) p = _mm512_fmadd_pd(p, r, _mm512_set1_pd(inverse_factorials[j]));
  const __m512d e = _mm512_scalef_pd(p, k);
  const __m512d large =
      _mm512_sub_pd(_mm512_set1_pd(1.0), _mm512_div_pd(_mm512_set1_pd(2.0), _mm512_add_pd(e, _mm512_set1_pd(1.0))));
  return _mm512_mask_blend_pd(_mm512_cmp_pd_mask(a, _mm512_set1_pd(0.625), _CMP_LT_OQ), large, small);
}

__attribute__((target("avx512f"))) void kiln_f32_vtanh_avx512(const float *x, float *y, size_t n) {
  const __m512i low_bits = _mm512_set1_epi64((1 << 29) - 1), half = _mm512_set1_epi64(1 << 28);
  const __m512i margin = _mm512_set1_epi64(MARGIN);
  const __m512i abs_mask = _mm512_set1_epi64(INT64_MAX);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 xf = _mm256_loadu_ps(x + i);
    const __m512d xd = _mm512_cvtps_pd(xf);
    const __m512d a = _mm512_castsi512_pd(_mm512_and_si512(_mm512_castpd_si512(xd), abs_mask));
    const __m512d t = tanh_abs(a);
    const __m512i off = _mm512_abs_epi64(_mm512_sub_epi64(_mm512_and_si512(_mm512_castpd_si512(t), low_bits), half));
    __mmask8 slow = _mm512_cmple_epi64_mask(off, margin);
    slow |= _mm512_cmp_pd_mask(xd, xd, _CMP_UNORD_Q);
    slow |= _mm512_cmp_pd_mask(a, _mm512_set1_pd(0x1p-100), _CMP_LT_OQ) & _mm512_cmp_pd_mask(a, _mm512_setzero_pd(), _CMP_NEQ_OQ);
    const __m256 sign = _mm256_and_ps(xf, _mm256_castsi256_ps(_mm256_set1_epi32(INT32_MIN)));
    _mm256_storeu_ps(y + i, _mm256_or_ps(_mm512_cvtpd_ps(t), sign));
    if (slow) {  // from the loaded copy: y may be x, already overwritten
      float in[8];
      _mm256_storeu_ps(in, xf);
      for (; slow; slow &= slow - 1) {
        const int lane = __builtin_ctz(slow);
        y[i + (size_t)lane] = (float)tanh((double)in[lane]);
      }
    }
  }
  kiln_f32_vtanh_ref(x + i, y + i, n - i);
}
#endif
