// tanh of floats, the definition: each value widened to double, the C library's tanh, rounded to
// float (round to nearest even).
#pragma STDC FP_CONTRACT OFF
#include "kiln/f32-vtanh.h"

#include <math.h>

void kiln_f32_vtanh_ref(const float *x, float *y, size_t n) {
  for (size_t i = 0; i < n; i++) y[i] = (float)tanh((double)x[i]);
}
