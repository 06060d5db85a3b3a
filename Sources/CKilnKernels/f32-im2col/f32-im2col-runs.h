// The runs of an im2col, shared by its paths: for tap (c, ky, kx), the grid columns ox in
// [lo, hi) read image columns ox*sw - pad_left + kx*dw inside the image (Im2col.forEachRun).
#ifndef KILN_F32_IM2COL_RUNS_H
#define KILN_F32_IM2COL_RUNS_H
#include "kiln/f32-im2col.h"

#include <stddef.h>

static inline void kiln_im2col_columns(const struct kiln_f32_im2col *g, size_t kx, size_t *lo, size_t *hi) {
  const ptrdiff_t sw = (ptrdiff_t)g->sw, first = (ptrdiff_t)g->pad_left - (ptrdiff_t)(kx * g->dw);
  const ptrdiff_t last = (ptrdiff_t)g->w - 1 + first;
  const ptrdiff_t a = first <= 0 ? 0 : (first + sw - 1) / sw, b = last < 0 ? 0 : last / sw + 1;
  *lo = (size_t)a;
  *hi = b < (ptrdiff_t)g->ow ? (size_t)b : g->ow;
  if (*lo > *hi) *lo = *hi;
}

// The walk every path shares: for each row of cols (channels c0 ..< c1) and grid row, zero(out, n)
// for columns outside the image and run(out, in, n, sw) (out[j] = in[j * sw]) for the run inside.
// The paths pass their own run and zero; static inline, so each is inlined into its caller.
static inline void kiln_im2col_walk(const struct kiln_f32_im2col *g, size_t c0, size_t c1, const float *image, float *cols,
                                    size_t row_stride, void (*run)(float *, const float *, size_t, size_t),
                                    void (*zero)(float *, size_t)) {
  for (size_t c = c0; c < c1; c++) {
    for (size_t ky = 0; ky < g->kh; ky++) {
      for (size_t kx = 0; kx < g->kw; kx++) {
        size_t lo, hi;
        kiln_im2col_columns(g, kx, &lo, &hi);
        float *row = cols + ((c * g->kh + ky) * g->kw + kx) * row_stride;
        for (size_t oy = 0; oy < g->oh; oy++) {
          float *out = row + oy * g->ow;
          const ptrdiff_t iy = (ptrdiff_t)((g->row0 + oy) * g->sh + ky * g->dh) - (ptrdiff_t)g->pad_top;
          if (iy < 0 || iy >= (ptrdiff_t)g->h || lo == hi) {
            zero(out, g->ow);
            continue;
          }
          zero(out, lo);
          run(out + lo, image + (c * g->h + (size_t)iy) * g->w + lo * g->sw + kx * g->dw - g->pad_left, hi - lo, g->sw);
          zero(out + hi, g->ow - hi);
        }
      }
    }
  }
}
#endif
