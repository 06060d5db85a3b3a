// The tap tables of a transposed convolution's col2im, shared by its paths: where each kernel column
// kx puts its run of cols within a row split into sw phases (columns ox = j*sw + rx), and how each
// kernel row ky divides by the stride. Built once per call, so no division happens per row.
#ifndef KILN_F32_COL2IM_TAPS_H
#define KILN_F32_COL2IM_TAPS_H
#include "kiln/f32-col2im.h"

#include <stddef.h>

struct column_tap {  // tap kx: cols[.., ix] goes to phase rx at index j = ix + q, for lo <= j < hi
  ptrdiff_t q, lo, hi;
  size_t rx;
};
struct row_tap {  // tap ky: ky*dh = kq*sh + kr
  ptrdiff_t kq, kr;
};

static inline size_t kiln_col2im_phase_width(const struct kiln_f32_col2im *g) { return (g->ow + g->sw - 1) / g->sw; }

static inline void kiln_col2im_tables(const struct kiln_f32_col2im *g, struct column_tap *ct, struct row_tap *rt) {
  const ptrdiff_t sw = (ptrdiff_t)g->sw;
  for (size_t kx = 0; kx < g->kw; kx++) {
    // ox = ix*sw + off = (ix + q)*sw + rx with 0 <= rx < sw
    const ptrdiff_t off = (ptrdiff_t)(kx * g->dw) - (ptrdiff_t)g->pad_left;
    const ptrdiff_t q = off >= 0 ? off / sw : -((-off + sw - 1) / sw);
    const size_t rx = (size_t)(off - q * sw);
    const ptrdiff_t count = rx < g->ow ? (ptrdiff_t)((g->ow - rx + g->sw - 1) / g->sw) : 0;  // columns of phase rx
    const ptrdiff_t hi = (ptrdiff_t)g->w + q;
    ct[kx] = (struct column_tap){q, q > 0 ? q : 0, hi < count ? hi : count, rx};
  }
  for (size_t ky = 0; ky < g->kh; ky++) rt[ky] = (struct row_tap){(ptrdiff_t)(ky * g->dh) / (ptrdiff_t)g->sh, (ptrdiff_t)(ky * g->dh) % (ptrdiff_t)g->sh};
}

// The input row iy of tap ky that lands on the output row with (oy + pad_top) = bq*sh + br, or -1.
static inline ptrdiff_t kiln_col2im_input_row(const struct kiln_f32_col2im *g, struct row_tap t, ptrdiff_t bq, ptrdiff_t br) {
  // oy = iy*sh - pad_top + ky*dh: iy = (oy + pad_top - ky*dh) / sh when that divides and is in [0, h)
  ptrdiff_t iq = bq - t.kq, ir = br - t.kr;
  if (ir < 0) ir += (ptrdiff_t)g->sh, iq -= 1;
  return ir != 0 || iq < 0 || iq >= (ptrdiff_t)g->h ? -1 : iq;
}

// For each output row oy: how many kernel rows land on it, then for each (ky ascending) where its
// input row starts in a channel's cols: ky*ky_stride + iy*w. Row oy's list is at (kh + 1) * oy.
static inline void kiln_col2im_row_lists(const struct kiln_f32_col2im *g, const struct row_tap *rt, size_t *lists) {
  const ptrdiff_t sh = (ptrdiff_t)g->sh;
  ptrdiff_t bq = (ptrdiff_t)g->pad_top / sh, br = (ptrdiff_t)g->pad_top % sh;  // (oy + pad_top) = bq*sh + br
  for (size_t oy = 0; oy < g->oh; oy++) {
    size_t *list = lists + oy * (g->kh + 1), n = 0;
    for (size_t ky = 0; ky < g->kh; ky++) {
      const ptrdiff_t iq = kiln_col2im_input_row(g, rt[ky], bq, br);
      if (iq >= 0) list[1 + n++] = ky * g->ky_stride + (size_t)iq * g->w;
    }
    list[0] = n;
    if (++br == sh) br = 0, bq++;
  }
}
#endif
