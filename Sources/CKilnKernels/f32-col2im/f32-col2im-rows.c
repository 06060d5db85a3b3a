// col2im of a transposed convolution, one output row at a time. The row is split into its sw
// phases (columns ox = j*sw + rx), each a contiguous buffer that starts at the bias; every tap
// (ky, kx) whose input row lands on the row adds its run of cols to one phase as a contiguous,
// vectorizable loop; then the phases are interleaved into the row. Per pixel: the bias, then its
// taps in (ky, kx) order, as Im2col.col2im (the reference, tested bitwise) adds them. Every
// division is done once per call, into tables at the start of the scratch.
#pragma STDC FP_CONTRACT OFF
#include "kiln_kernels.h"

#include <assert.h>

struct column_tap {   // tap kx: cols[.., ix] goes to phase rx at index ix + q, for lo <= ix + q < hi
  ptrdiff_t q, lo, hi;
  size_t rx;
};
struct row_tap {      // tap ky: ky*dh = kq*sh + kr
  ptrdiff_t kq, kr;
};

static size_t phase_width(const struct kiln_f32_col2im *g) { return (g->ow + g->sw - 1) / g->sw; }

size_t kiln_f32_col2im_scratch_bytes(const struct kiln_f32_col2im *g) {
  return g->kw * sizeof(struct column_tap) + g->kh * sizeof(struct row_tap) + g->sw * phase_width(g) * sizeof(float);
}

void kiln_f32_col2im_rows(const struct kiln_f32_col2im *g, const float *cols, const float *bias, float *y, void *scratch) {
  assert(g->sh > 0 && g->sw > 0 && g->dh > 0 && g->dw > 0);
  const ptrdiff_t sh = (ptrdiff_t)g->sh, sw = (ptrdiff_t)g->sw;
  const size_t pw = phase_width(g);
  struct column_tap *ct = scratch;
  struct row_tap *rt = (struct row_tap *)(ct + g->kw);
  float *phases = (float *)(rt + g->kh);
  for (size_t kx = 0; kx < g->kw; kx++) {
    // ox = ix*sw + off = (ix + q)*sw + rx with 0 <= rx < sw
    const ptrdiff_t off = (ptrdiff_t)(kx * g->dw) - (ptrdiff_t)g->pad_left;
    const ptrdiff_t q = off >= 0 ? off / sw : -((-off + sw - 1) / sw);
    const size_t rx = (size_t)(off - q * sw);
    const ptrdiff_t count = rx < g->ow ? (ptrdiff_t)((g->ow - rx + g->sw - 1) / g->sw) : 0;  // columns of phase rx
    const ptrdiff_t hi = (ptrdiff_t)g->w + q;
    ct[kx] = (struct column_tap){q, q > 0 ? q : 0, hi < count ? hi : count, rx};
  }
  for (size_t ky = 0; ky < g->kh; ky++) rt[ky] = (struct row_tap){(ptrdiff_t)(ky * g->dh) / sh, (ptrdiff_t)(ky * g->dh) % sh};
  for (size_t m = 0; m < g->m; m++) {
    const float b = bias ? bias[m] : 0.0f;
    ptrdiff_t bq = (ptrdiff_t)g->pad_top / sh, br = (ptrdiff_t)g->pad_top % sh;  // (oy + pad_top) = bq*sh + br
    for (size_t oy = 0; oy < g->oh; oy++) {
      for (size_t j = 0; j < g->sw * pw; j++) phases[j] = b;
      for (size_t ky = 0; ky < g->kh; ky++) {
        // oy = iy*sh - pad_top + ky*dh: iy = (oy + pad_top - ky*dh) / sh when that divides and is in [0, h)
        ptrdiff_t iq = bq - rt[ky].kq, ir = br - rt[ky].kr;
        if (ir < 0) ir += sh, iq -= 1;
        if (ir != 0 || iq < 0 || iq >= (ptrdiff_t)g->h) continue;
        const float *taps = cols + (m * g->kh + ky) * g->kw * g->row_stride + (size_t)iq * g->w;
        for (size_t kx = 0; kx < g->kw; kx++) {
          const struct column_tap c = ct[kx];
          float *dst = phases + c.rx * pw;
          const float *src = taps + kx * g->row_stride - c.q;
          for (ptrdiff_t j = c.lo; j < c.hi; j++) dst[j] += src[j];
        }
      }
      float *row = y + (m * g->oh + oy) * g->ow;
      for (size_t rx = 0; rx < g->sw; rx++) {
        const float *phase = phases + rx * pw;
        for (size_t j = 0, ox = rx; ox < g->ow; j++, ox += g->sw) row[ox] = phase[j];
      }
      if (++br == sh) br = 0, bq++;
    }
  }
}

void kiln_f32_col2im_task(void *context, size_t thread, size_t threads) {
  const struct kiln_f32_col2im_job *j = context;
  const size_t lo = j->g.m * thread / threads, hi = j->g.m * (thread + 1) / threads;
  if (lo >= hi) return;
  struct kiln_f32_col2im part = j->g;
  const size_t taps = j->g.kh * j->g.kw * j->g.row_stride, plane = j->g.oh * j->g.ow;
  void *scratch = (char *)j->scratch + thread * j->scratch_stride;
  if (!j->epilogue) {
    part.m = hi - lo;
    kiln_f32_col2im_rows(&part, j->cols + lo * taps, j->bias ? j->bias + lo : NULL, j->y + lo * plane, scratch);
    return;
  }
  part.m = 1;  // a channel at a time, so that its plane is still in L1 for the epilogue
  for (size_t m = lo; m < hi; m++) {
    kiln_f32_col2im_rows(&part, j->cols + m * taps, j->bias ? j->bias + m : NULL, j->y + m * plane, scratch);
    kiln_f32_epilogue(j->epilogue, m, 1, plane, j->y + m * plane);
  }
}
