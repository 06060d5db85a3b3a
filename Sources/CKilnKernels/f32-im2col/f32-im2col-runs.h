// The runs of an im2col, shared by its paths: for tap (c, ky, kx), the grid columns ox in
// [lo, hi) read image columns ox*sw - pad_left + kx*dw inside the image (Im2col.forEachRun).
#ifndef KILN_F32_IM2COL_RUNS_H
#define KILN_F32_IM2COL_RUNS_H
#include "kiln_kernels.h"

#include <stddef.h>

static inline void kiln_im2col_columns(const struct kiln_f32_im2col *g, size_t kx, size_t *lo, size_t *hi) {
  const ptrdiff_t sw = (ptrdiff_t)g->sw, first = (ptrdiff_t)g->pad_left - (ptrdiff_t)(kx * g->dw);
  const ptrdiff_t last = (ptrdiff_t)g->w - 1 + first;
  const ptrdiff_t a = first <= 0 ? 0 : (first + sw - 1) / sw, b = last < 0 ? 0 : last / sw + 1;
  *lo = (size_t)a;
  *hi = b < (ptrdiff_t)g->ow ? (size_t)b : g->ow;
  if (*lo > *hi) *lo = *hi;
}
#endif
