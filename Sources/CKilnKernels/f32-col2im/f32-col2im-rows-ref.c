// col2im of a transposed convolution, one output row at a time. The row is split into its sw
// phases (columns ox = j*sw + rx), each a contiguous buffer that starts at the bias; every tap
// (ky, kx) whose input row lands on the row adds its run of cols to one phase as a contiguous,
// vectorizable loop; then the phases are interleaved into the row. Per pixel: the bias, then its
// taps in (ky, kx) order, as the trainer's Im2col.col2im adds them (tested bitwise). Every
// division is done once per call, into tables at the start of the scratch.
#pragma STDC FP_CONTRACT OFF
#include "f32-col2im-taps.h"

#include <assert.h>

size_t kiln_f32_col2im_rows_ref_scratch_bytes(const struct kiln_f32_col2im *g) {
  return g->kw * sizeof(struct column_tap) + g->kh * sizeof(struct row_tap) + g->sw * kiln_col2im_phase_width(g) * sizeof(float);
}

void kiln_f32_col2im_rows_ref(const struct kiln_f32_col2im *g, const float *cols, const float *bias, float *y, void *scratch,
                          const struct kiln_f32_epilogue *epilogue, size_t first_channel) {
  assert(g->sh > 0 && g->sw > 0 && g->dh > 0 && g->dw > 0);
  const ptrdiff_t sh = (ptrdiff_t)g->sh;
  const size_t pw = kiln_col2im_phase_width(g);
  struct column_tap *ct = scratch;
  struct row_tap *rt = (struct row_tap *)(ct + g->kw);
  float *phases = (float *)(rt + g->kh);
  kiln_col2im_tables(g, ct, rt);
  for (size_t m = 0; m < g->m; m++) {
    const float b = bias ? bias[m] : 0.0f;
    ptrdiff_t bq = (ptrdiff_t)g->pad_top / sh, br = (ptrdiff_t)g->pad_top % sh;  // (oy + pad_top) = bq*sh + br
    for (size_t oy = 0; oy < g->oh; oy++) {
      for (size_t j = 0; j < g->sw * pw; j++) phases[j] = b;
      for (size_t ky = 0; ky < g->kh; ky++) {
        const ptrdiff_t iq = kiln_col2im_input_row(g, rt[ky], bq, br);
        if (iq < 0) continue;
        const float *taps = cols + m * g->channel_stride + ky * g->ky_stride + (size_t)iq * g->w;
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
    if (epilogue) kiln_f32_epilogue(epilogue, first_channel + m, 1, g->oh * g->ow, y + m * g->oh * g->ow);
  }
}
