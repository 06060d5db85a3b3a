// tanh of floats, 4 at a time in double precision with AVX2 + FMA: the scheme of
// f32-vtanh-avx512.c (the same polynomials, the same rounding test, the same lanes sent to the
// reference), so the same bytes as (float)tanh((double)x) for every input. AVX2 has no scalef:
// e^r * 2^k multiplies by 2^k built from its exponent bits (k <= 58 here, so exact).
#pragma STDC FP_CONTRACT OFF
#include "kiln/f32-vtanh.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include <math.h>
#include <stdint.h>

#include "f32-vtanh-poly.h"

__attribute__((target("avx2,fma"))) static __m256d tanh_abs(__m256d a) {
  a = _mm256_min_pd(a, _mm256_set1_pd(20.0));
  // small: a + a s Q(s)
  const __m256d s = _mm256_mul_pd(a, a);
  __m256d q = _mm256_set1_pd(small_q[9]);
  for (int j = 8; j >= 0; j--) q = _mm256_fmadd_pd(q, s, _mm256_set1_pd(small_q[j]));
  const __m256d small = _mm256_fmadd_pd(_mm256_mul_pd(a, s), q, a);
  // large: 1 - 2 / (e^(2a) + 1)
  const __m256d y = _mm256_add_pd(a, a);
  const __m256d k = _mm256_round_pd(_mm256_mul_pd(y, _mm256_set1_pd(1.4426950408889634)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m256d r = _mm256_fnmadd_pd(k, _mm256_set1_pd(0x1.62e42fefa3800p-1), y);  // ln 2 high part: k * it is exact
  r = _mm256_fnmadd_pd(k, _mm256_set1_pd(0x1.ef35793c76730p-45), r);           // ln 2 low part
  __m256d p = _mm256_set1_pd(1.0 / 479001600.0);                                 // 1/12!
  for (int j = 11; j >= 0; j--) p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(inverse_factorials[j]));
  const __m256i exponent = _mm256_slli_epi64(_mm256_add_epi64(_mm256_cvtepi32_epi64(_mm256_cvtpd_epi32(k)), _mm256_set1_epi64x(1023)), 52);
  const __m256d e = _mm256_mul_pd(p, _mm256_castsi256_pd(exponent));
  const __m256d large = _mm256_sub_pd(_mm256_set1_pd(1.0), _mm256_div_pd(_mm256_set1_pd(2.0), _mm256_add_pd(e, _mm256_set1_pd(1.0))));
  return _mm256_blendv_pd(large, small, _mm256_cmp_pd(a, _mm256_set1_pd(0.625), _CMP_LT_OQ));
}

__attribute__((target("avx2,fma"))) void kiln_f32_vtanh_avx2_fma(const float *x, float *y, size_t n) {
  const __m256i low_bits = _mm256_set1_epi64x((1 << 29) - 1), below = _mm256_set1_epi64x((1 << 28) - MARGIN);
  const __m256i width = _mm256_set1_epi64x(2 * MARGIN), abs_mask = _mm256_set1_epi64x(INT64_MAX);
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const __m128 xf = _mm_loadu_ps(x + i);
    const __m256d xd = _mm256_cvtps_pd(xf);
    const __m256d a = _mm256_castsi256_pd(_mm256_and_si256(_mm256_castpd_si256(xd), abs_mask));
    const __m256d t = tanh_abs(a);
    // |low bits - 2^28| <= MARGIN, as 0 <= low bits - (2^28 - MARGIN) <= 2 MARGIN
    const __m256i u = _mm256_sub_epi64(_mm256_and_si256(_mm256_castpd_si256(t), low_bits), below);
    const __m256i far = _mm256_or_si256(_mm256_cmpgt_epi64(u, width), _mm256_cmpgt_epi64(_mm256_setzero_si256(), u));
    int slow = ~_mm256_movemask_pd(_mm256_castsi256_pd(far)) & 15;
    slow |= _mm256_movemask_pd(_mm256_cmp_pd(xd, xd, _CMP_UNORD_Q));
    slow |= _mm256_movemask_pd(_mm256_and_pd(_mm256_cmp_pd(a, _mm256_set1_pd(0x1p-100), _CMP_LT_OQ),
                                             _mm256_cmp_pd(a, _mm256_setzero_pd(), _CMP_NEQ_OQ)));
    const __m128 sign = _mm_and_ps(xf, _mm_castsi128_ps(_mm_set1_epi32(INT32_MIN)));
    _mm_storeu_ps(y + i, _mm_or_ps(_mm256_cvtpd_ps(t), sign));
    if (slow) {  // from the loaded copy: y may be x, already overwritten
      float in[4];
      _mm_storeu_ps(in, xf);
      for (; slow; slow &= slow - 1) {
        const int lane = __builtin_ctz((unsigned)slow);
        y[i + (size_t)lane] = (float)tanh((double)in[lane]);
      }
    }
  }
  kiln_f32_vtanh_ref(x + i, y + i, n - i);
}
#endif
