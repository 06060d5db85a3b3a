// The fused epilogue of a float layer, the reference: the formulas of the separate ops, one step
// after the other over each channel's row (loops the compiler can vectorize on any CPU).
#pragma STDC FP_CONTRACT OFF
#include "kiln/f32-epilogue.h"
#include "kiln/f32-vtanh.h"

#include <assert.h>

void kiln_f32_epilogue_ref(const struct kiln_f32_epilogue *e, size_t channel, size_t channels, size_t inner, float *x) {
  assert(e->activation >= KILN_F32_LINEAR && e->activation <= KILN_F32_TANH);
  for (size_t c = 0; c < channels; c++) {
    float *row = x + c * inner;
    const size_t ch = channel + c;
    if (e->bias) {
      const float b = e->bias[ch];
      for (size_t j = 0; j < inner; j++) row[j] = row[j] + b;
    }
    if (e->norm) {
      const size_t s = e->norm_stride;
      const double mean = e->norm[ch], inverse = e->norm[s + ch], scale = e->norm[2 * s + ch], shift = e->norm[3 * s + ch];
      for (size_t j = 0; j < inner; j++) row[j] = (float)(((double)row[j] - mean) * inverse * scale + shift);
    }
    switch (e->activation) {
    case KILN_F32_RELU:
      for (size_t j = 0; j < inner; j++) row[j] = row[j] > 0 ? row[j] : 0;
      break;
    case KILN_F32_LEAKY_RELU:
      for (size_t j = 0; j < inner; j++) row[j] = row[j] >= 0 ? row[j] : e->alpha * row[j];
      break;
    case KILN_F32_TANH: kiln_f32_vtanh(row, row, inner); break;  // every tanh path gives the reference's bytes
    default: break;
    }
  }
}
