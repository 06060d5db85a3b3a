// The fused epilogue of a float layer, 8 values at a time with AVX2: each step is the reference's
// formula on every lane (float bias add; BatchNorm in double, 4 lanes per register: subtract,
// multiply, multiply, add, round to float; ReLU as max(x, 0), which also maps NaN and -0 to +0 as
// x > 0 ? x : 0 does; LeakyReLU by a mask of x >= 0), so the bytes are the reference's. Channels of
// one value (a BatchNorm1d after a dense layer) are taken 8 channels at a time; longer channels 8
// values at a time with the channel's parameters broadcast. Tanh is the vector tanh on the
// finished values.
#pragma STDC FP_CONTRACT OFF
#include "kiln/f32-epilogue.h"
#include "kiln/f32-vtanh.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define KILN_AVX2 __attribute__((target("avx2")))

struct lanes {  // per-lane parameters; the doubles as the low and high four lanes
  __m256 bias;
  __m256d mean[2], inverse[2], scale[2], shift[2];
};

KILN_AVX2 static __m256d normalize(const struct lanes *p, int half, __m128 v) {
  const __m256d d = _mm256_sub_pd(_mm256_cvtps_pd(v), p->mean[half]);
  return _mm256_add_pd(_mm256_mul_pd(_mm256_mul_pd(d, p->inverse[half]), p->scale[half]), p->shift[half]);
}

KILN_AVX2 static __m256 apply(const struct kiln_f32_epilogue *e, const struct lanes *p, __m256 v) {
  if (e->bias) v = _mm256_add_ps(v, p->bias);
  if (e->norm) {
    const __m128 lo = _mm256_cvtpd_ps(normalize(p, 0, _mm256_castps256_ps128(v)));
    const __m128 hi = _mm256_cvtpd_ps(normalize(p, 1, _mm256_extractf128_ps(v, 1)));
    v = _mm256_insertf128_ps(_mm256_castps128_ps256(lo), hi, 1);
  }
  if (e->activation == KILN_F32_RELU) return _mm256_max_ps(v, _mm256_setzero_ps());
  if (e->activation == KILN_F32_LEAKY_RELU) {
    const __m256 negative = _mm256_mul_ps(v, _mm256_set1_ps(e->alpha));
    return _mm256_blendv_ps(negative, v, _mm256_cmp_ps(v, _mm256_setzero_ps(), _CMP_GE_OQ));
  }
  return v;
}

/// The parameters of channels channel + (0 ..< 8) (step 1) or of one channel on every lane (step 0).
KILN_AVX2 static struct lanes parameters(const struct kiln_f32_epilogue *e, size_t channel, size_t step) {
  struct lanes p;
  p.bias = !e->bias ? _mm256_setzero_ps() : step ? _mm256_loadu_ps(e->bias + channel) : _mm256_set1_ps(e->bias[channel]);
  for (int half = 0; half < 2; half++) {
    const double *n = e->norm ? e->norm + channel + (step ? 4 * (size_t)half : 0) : NULL;
    const size_t s = e->norm_stride;
    __m256d *rows[4] = {&p.mean[half], &p.inverse[half], &p.scale[half], &p.shift[half]};
    for (size_t r = 0; r < 4; r++) *rows[r] = !n ? _mm256_setzero_pd() : step ? _mm256_loadu_pd(n + r * s) : _mm256_set1_pd(n[r * s]);
  }
  return p;
}

KILN_AVX2 void kiln_f32_epilogue_avx2(const struct kiln_f32_epilogue *e, size_t channel, size_t channels, size_t inner, float *x) {
  struct kiln_f32_epilogue affine = *e;  // tanh runs after the rest, on whole rows
  if (e->activation == KILN_F32_TANH) affine.activation = KILN_F32_LINEAR;
  if (inner == 1) {
    size_t c = 0;
    for (; c + 8 <= channels; c += 8) {
      const struct lanes p = parameters(&affine, channel + c, 1);
      _mm256_storeu_ps(x + c, apply(&affine, &p, _mm256_loadu_ps(x + c)));
    }
    kiln_f32_epilogue_ref(&affine, channel + c, channels - c, 1, x + c);
  } else {
    for (size_t c = 0; c < channels; c++) {
      const struct lanes p = parameters(&affine, channel + c, 0);
      float *row = x + c * inner;
      size_t j = 0;
      for (; j + 8 <= inner; j += 8) _mm256_storeu_ps(row + j, apply(&affine, &p, _mm256_loadu_ps(row + j)));
      kiln_f32_epilogue_ref(&affine, channel + c, 1, inner - j, row + j);
    }
  }
  if (e->activation == KILN_F32_TANH) kiln_f32_vtanh(x, x, channels * inner);
}
#endif
