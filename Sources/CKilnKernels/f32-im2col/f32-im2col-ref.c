// im2col of a convolution's input, one channel range at a time: every row of cols is written
// whole (0 where a tap falls outside the image), one grid row at a time. Exact copies: every path
// gives these bytes.
#pragma STDC FP_CONTRACT OFF
#include "f32-im2col-runs.h"

#include <string.h>

void kiln_f32_im2col_ref(const struct kiln_f32_im2col *g, size_t c0, size_t c1, const float *image, float *cols, size_t row_stride) {
  for (size_t c = c0; c < c1; c++) {
    for (size_t ky = 0; ky < g->kh; ky++) {
      for (size_t kx = 0; kx < g->kw; kx++) {
        size_t lo, hi;
        kiln_im2col_columns(g, kx, &lo, &hi);
        float *row = cols + ((c * g->kh + ky) * g->kw + kx) * row_stride;
        for (size_t oy = 0; oy < g->oh; oy++) {
          float *out = row + oy * g->ow;
          const ptrdiff_t iy = (ptrdiff_t)(oy * g->sh + ky * g->dh) - (ptrdiff_t)g->pad_top;
          if (iy < 0 || iy >= (ptrdiff_t)g->h || lo == hi) {
            memset(out, 0, g->ow * sizeof(float));
            continue;
          }
          const float *in = image + (c * g->h + (size_t)iy) * g->w + lo * g->sw + kx * g->dw - g->pad_left;
          memset(out, 0, lo * sizeof(float));
          for (size_t j = 0; j < hi - lo; j++) out[lo + j] = in[j * g->sw];
          memset(out + hi, 0, (g->ow - hi) * sizeof(float));
        }
      }
    }
  }
}
