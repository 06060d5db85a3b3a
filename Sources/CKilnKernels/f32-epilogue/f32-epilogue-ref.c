// The fused epilogue of a float layer, one value at a time: the formulas of the separate ops.
#pragma STDC FP_CONTRACT OFF
#include "kiln_kernels.h"

#include <assert.h>
#include <math.h>

float kiln_f32_epilogue_one(const struct kiln_f32_epilogue *e, size_t channel, float v) {
  if (e->bias) v = v + e->bias[channel];
  if (e->norm) {
    const double *n = e->norm + channel;
    const size_t s = e->norm_stride;
    v = (float)(((double)v - n[0]) * n[s] * n[2 * s] + n[3 * s]);
  }
  switch (e->activation) {
  case KILN_F32_RELU: return v > 0 ? v : 0;
  case KILN_F32_LEAKY_RELU: return v >= 0 ? v : e->alpha * v;
  case KILN_F32_TANH: return (float)tanh((double)v);
  default: return v;
  }
}

void kiln_f32_epilogue_ref(const struct kiln_f32_epilogue *e, size_t channel, size_t channels, size_t inner, float *x) {
  assert(e->activation >= KILN_F32_LINEAR && e->activation <= KILN_F32_TANH);
  for (size_t c = 0; c < channels; c++) {
    for (size_t j = 0; j < inner; j++) x[c * inner + j] = kiln_f32_epilogue_one(e, channel + c, x[c * inner + j]);
  }
}
