// im2col of a convolution's input, one channel range at a time: every row of cols is written
// whole (0 where a tap falls outside the image), one grid row at a time. Exact copies: every path
// gives these bytes.
#pragma STDC FP_CONTRACT OFF
#include "f32-im2col-runs.h"

#include <string.h>

static void run(float *out, const float *in, size_t n, size_t sw) {
  if (sw == 1) {
    memcpy(out, in, n * sizeof(float));
    return;
  }
  for (size_t j = 0; j < n; j++) out[j] = in[j * sw];
}

static void zero(float *out, size_t n) { memset(out, 0, n * sizeof(float)); }

void kiln_f32_im2col_ref(const struct kiln_f32_im2col *g, size_t c0, size_t c1, const float *image, float *cols, size_t row_stride) {
  kiln_im2col_walk(g, c0, c1, image, cols, row_stride, run, zero);
}
