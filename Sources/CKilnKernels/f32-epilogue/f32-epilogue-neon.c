// The fused epilogue of a float layer, 4 values at a time with AArch64 NEON: each step is the
// reference's formula on every lane (float bias add; BatchNorm in double, two 2-lane halves:
// subtract, multiply, multiply, add, round to float; ReLU as a select of x > 0, so NaN and -0 give
// +0 as x > 0 ? x : 0 does, which FMAX would not; LeakyReLU by a select of x >= 0), so the bytes
// are the reference's. One pass over the values instead of the reference's one per step. Channels
// of one value (a BatchNorm1d after a dense layer) are taken 4 channels at a time; longer channels
// 4 values at a time with the channel's parameters broadcast. Tanh is the vector tanh on the
// finished values.
#pragma STDC FP_CONTRACT OFF
#include "kiln/f32-epilogue.h"
#include "kiln/f32-vtanh.h"

#if defined(__aarch64__)
#include <arm_neon.h>
#include <assert.h>

struct lanes {  // per-lane parameters; the doubles as the low and high two lanes
  float32x4_t bias;
  float64x2_t mean[2], inverse[2], scale[2], shift[2];
};

static float64x2_t normalize(const struct lanes *p, int half, float64x2_t v) {
  const float64x2_t d = vsubq_f64(v, p->mean[half]);
  return vaddq_f64(vmulq_f64(vmulq_f64(d, p->inverse[half]), p->scale[half]), p->shift[half]);
}

/// One vector through the steps the flags name (constants where the loops inline it, so that each
/// loop is one block with no branch inside).
static inline __attribute__((always_inline)) float32x4_t apply(const struct lanes *p, float32x4_t v, int bias, int norm, int activation,
                                                               float alpha) {
  if (bias) v = vaddq_f32(v, p->bias);
  if (norm) {
    const float32x2_t lo = vcvt_f32_f64(normalize(p, 0, vcvt_f64_f32(vget_low_f32(v))));
    v = vcvt_high_f32_f64(lo, normalize(p, 1, vcvt_high_f64_f32(v)));
  }
  const float32x4_t zero = vdupq_n_f32(0.0f);
  if (activation == KILN_F32_RELU) return vbslq_f32(vcgtq_f32(v, zero), v, zero);
  if (activation == KILN_F32_LEAKY_RELU) return vbslq_f32(vcgeq_f32(v, zero), v, vmulq_n_f32(v, alpha));
  return v;
}

/// Values 0 ..< n (a multiple of 4) of one channel's row.
static inline __attribute__((always_inline)) void row_loop(const struct lanes *p, float *row, size_t n, int bias, int norm, int activation,
                                                           float alpha) {
  for (size_t j = 0; j < n; j += 4) vst1q_f32(row + j, apply(p, vld1q_f32(row + j), bias, norm, activation, alpha));
}

/// row_loop with the flags of e as constants: one loop per combination.
static void row(const struct kiln_f32_epilogue *e, const struct lanes *p, float *x, size_t n) {
  const int b = e->bias != NULL, m = e->norm != NULL;
  switch (e->activation * 4 + b * 2 + m) {
#define KILN_EPILOGUE_CASE(ACT, B, M) \
  case ACT * 4 + B * 2 + M: row_loop(p, x, n, B, M, ACT, e->alpha); break;
#define KILN_EPILOGUE_CASES(ACT) KILN_EPILOGUE_CASE(ACT, 0, 0) KILN_EPILOGUE_CASE(ACT, 0, 1) KILN_EPILOGUE_CASE(ACT, 1, 0) KILN_EPILOGUE_CASE(ACT, 1, 1)
    KILN_EPILOGUE_CASES(KILN_F32_LINEAR)
    KILN_EPILOGUE_CASES(KILN_F32_RELU)
    KILN_EPILOGUE_CASES(KILN_F32_LEAKY_RELU)
#undef KILN_EPILOGUE_CASES
#undef KILN_EPILOGUE_CASE
  default: break;
  }
}

/// The parameters of channels channel + (0 ..< 4) (step 1) or of one channel on every lane (step 0).
static struct lanes parameters(const struct kiln_f32_epilogue *e, size_t channel, size_t step) {
  struct lanes p;
  p.bias = !e->bias ? vdupq_n_f32(0.0f) : step ? vld1q_f32(e->bias + channel) : vdupq_n_f32(e->bias[channel]);
  for (int half = 0; half < 2; half++) {
    const double *n = e->norm ? e->norm + channel + (step ? 2 * (size_t)half : 0) : NULL;
    const size_t s = e->norm_stride;
    float64x2_t *rows[4] = {&p.mean[half], &p.inverse[half], &p.scale[half], &p.shift[half]};
    for (size_t r = 0; r < 4; r++) *rows[r] = !n ? vdupq_n_f64(0.0) : step ? vld1q_f64(n + r * s) : vdupq_n_f64(n[r * s]);
  }
  return p;
}

void kiln_f32_epilogue_neon(const struct kiln_f32_epilogue *e, size_t channel, size_t channels, size_t inner, float *x) {
  assert(e->activation >= KILN_F32_LINEAR && e->activation <= KILN_F32_TANH);
  struct kiln_f32_epilogue affine = *e;  // tanh runs after the rest, on whole rows
  if (e->activation == KILN_F32_TANH) affine.activation = KILN_F32_LINEAR;
  if (inner == 1) {
    size_t c = 0;
    for (; c + 4 <= channels; c += 4) {
      const struct lanes p = parameters(&affine, channel + c, 1);
      vst1q_f32(x + c, apply(&p, vld1q_f32(x + c), e->bias != NULL, e->norm != NULL, affine.activation, e->alpha));
    }
    kiln_f32_epilogue_ref(&affine, channel + c, channels - c, 1, x + c);
  } else {
    for (size_t c = 0; c < channels; c++) {
      const struct lanes p = parameters(&affine, channel + c, 0);
      const size_t j = inner & ~(size_t)3;
      row(&affine, &p, x + c * inner, j);
      kiln_f32_epilogue_ref(&affine, channel + c, 1, inner - j, x + c * inner + j);
    }
  }
  if (e->activation == KILN_F32_TANH) kiln_f32_vtanh(x, x, channels * inner);
}
#endif
