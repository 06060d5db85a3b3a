// The fused epilogue of a float layer, 8 values at a time with AVX-512 F: each step is the
// reference's formula on every lane (float bias add; BatchNorm in double: subtract, multiply,
// multiply, add, round to float; ReLU as max(x, 0), which also maps NaN and -0 to +0 as x > 0 ? x : 0
// does; LeakyReLU by a mask of x >= 0), so the bytes are the reference's. Channels of one value
// (a BatchNorm1d after a dense layer) are taken 8 channels at a time; longer channels 8 values at a
// time with the channel's parameters broadcast. Tanh is the vector tanh on the finished values.
#pragma STDC FP_CONTRACT OFF
#include "kiln/f32-epilogue.h"
#include "kiln/f32-vtanh.h"

#if defined(__x86_64__)
#include <immintrin.h>

void kiln_f32_vtanh_avx512(const float *, float *, size_t);

struct lanes {  // per-lane parameters
  __m256 bias;
  __m512d mean, inverse, scale, shift;
};

__attribute__((target("avx512f"))) static __m256 apply(const struct kiln_f32_epilogue *e, const struct lanes *p, __m256 v) {
  if (e->bias) v = _mm256_add_ps(v, p->bias);
  if (e->norm) {
    __m512d d = _mm512_sub_pd(_mm512_cvtps_pd(v), p->mean);
    d = _mm512_add_pd(_mm512_mul_pd(_mm512_mul_pd(d, p->inverse), p->scale), p->shift);
    v = _mm512_cvtpd_ps(d);
  }
  if (e->activation == KILN_F32_RELU) return _mm256_max_ps(v, _mm256_setzero_ps());
  if (e->activation == KILN_F32_LEAKY_RELU) {
    const __m256 negative = _mm256_mul_ps(v, _mm256_set1_ps(e->alpha));
    return _mm256_blendv_ps(negative, v, _mm256_cmp_ps(v, _mm256_setzero_ps(), _CMP_GE_OQ));
  }
  return v;
}

__attribute__((target("avx512f"))) static struct lanes broadcast(const struct kiln_f32_epilogue *e, size_t channel) {
  struct lanes p = {_mm256_setzero_ps(), _mm512_setzero_pd(), _mm512_setzero_pd(), _mm512_setzero_pd(), _mm512_setzero_pd()};
  if (e->bias) p.bias = _mm256_set1_ps(e->bias[channel]);
  if (e->norm) {
    const double *n = e->norm + channel;
    const size_t s = e->norm_stride;
    p.mean = _mm512_set1_pd(n[0]), p.inverse = _mm512_set1_pd(n[s]), p.scale = _mm512_set1_pd(n[2 * s]), p.shift = _mm512_set1_pd(n[3 * s]);
  }
  return p;
}

__attribute__((target("avx512f"))) static struct lanes consecutive(const struct kiln_f32_epilogue *e, size_t channel) {
  struct lanes p = {_mm256_setzero_ps(), _mm512_setzero_pd(), _mm512_setzero_pd(), _mm512_setzero_pd(), _mm512_setzero_pd()};
  if (e->bias) p.bias = _mm256_loadu_ps(e->bias + channel);
  if (e->norm) {
    const double *n = e->norm + channel;
    const size_t s = e->norm_stride;
    p.mean = _mm512_loadu_pd(n), p.inverse = _mm512_loadu_pd(n + s), p.scale = _mm512_loadu_pd(n + 2 * s), p.shift = _mm512_loadu_pd(n + 3 * s);
  }
  return p;
}

__attribute__((target("avx512f"))) void kiln_f32_epilogue_avx512(const struct kiln_f32_epilogue *e, size_t channel, size_t channels,
                                                                 size_t inner, float *x) {
  struct kiln_f32_epilogue affine = *e;  // tanh runs after the rest, on whole rows
  if (e->activation == KILN_F32_TANH) affine.activation = KILN_F32_LINEAR;
  if (inner == 1) {
    size_t c = 0;
    for (; c + 8 <= channels; c += 8) {
      const struct lanes p = consecutive(&affine, channel + c);
      _mm256_storeu_ps(x + c, apply(&affine, &p, _mm256_loadu_ps(x + c)));
    }
    kiln_f32_epilogue_ref(&affine, channel + c, channels - c, 1, x + c);
  } else {
    for (size_t c = 0; c < channels; c++) {
      const struct lanes p = broadcast(&affine, channel + c);
      float *row = x + c * inner;
      size_t j = 0;
      for (; j + 8 <= inner; j += 8) _mm256_storeu_ps(row + j, apply(&affine, &p, _mm256_loadu_ps(row + j)));
      kiln_f32_epilogue_ref(&affine, channel + c, 1, inner - j, row + j);
    }
  }
  if (e->activation == KILN_F32_TANH) kiln_f32_vtanh_avx512(x, x, channels * inner);
}
#endif
