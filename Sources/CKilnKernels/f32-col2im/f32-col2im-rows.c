// col2im of a transposed convolution, one output row at a time: the row starts at the bias, then
// every tap (ky, kx) whose input row and columns land on it adds its run of cols, in (ky, kx) order.
// The same additions in the same order per pixel as Im2col.col2im (the reference, tested
// bitwise), but each output row is finished while it sits in L1.
#pragma STDC FP_CONTRACT OFF
#include "kiln_kernels.h"

#include <assert.h>

void kiln_f32_col2im_rows(const struct kiln_f32_col2im *g, const float *cols, const float *bias, float *y) {
  assert(g->sh > 0 && g->sw > 0 && g->dh > 0 && g->dw > 0);
  for (size_t m = 0; m < g->m; m++) {
    for (size_t oy = 0; oy < g->oh; oy++) {
      float *row = y + (m * g->oh + oy) * g->ow;
      const float b = bias ? bias[m] : 0.0f;
      for (size_t ox = 0; ox < g->ow; ox++) row[ox] = b;
      for (size_t ky = 0; ky < g->kh; ky++) {
        // oy = iy*sh - pad_top + ky*dh for some input row iy in [0, h)
        const ptrdiff_t t = (ptrdiff_t)(oy + g->pad_top) - (ptrdiff_t)(ky * g->dh);
        if (t < 0 || t % (ptrdiff_t)g->sh != 0 || (size_t)t / g->sh >= g->h) continue;
        const size_t iy = (size_t)t / g->sh;
        for (size_t kx = 0; kx < g->kw; kx++) {
          // ox = ix*sw - pad_left + kx*dw: the first ix with ox >= 0, then every ix while ox < ow.
          const ptrdiff_t off = (ptrdiff_t)(kx * g->dw) - (ptrdiff_t)g->pad_left;
          size_t ix = off >= 0 ? 0 : ((size_t)(-off) + g->sw - 1) / g->sw;
          const float *src = cols + ((m * g->kh + ky) * g->kw + kx) * g->row_stride + iy * g->w;
          for (; ix < g->w; ix++) {
            const ptrdiff_t ox = (ptrdiff_t)(ix * g->sw) + off;
            if (ox >= (ptrdiff_t)g->ow) break;
            row[ox] += src[ix];
          }
        }
      }
    }
  }
}
