// f32 convolution computed directly, for layers with very few output channels (an RGB output
// conv), where an im2col GEMM would spend its time packing columns for a handful of rows.
#ifndef KILN_F32_CONV_DIRECT_H
#define KILN_F32_CONV_DIRECT_H
#include <stddef.h>

#include "f32-im2col.h"
#ifdef __cplusplus
extern "C" {
#endif

/// Output rows oy0 ..< oy1 of every output channel m < channels_out:
/// y[m][oy][ox] = sum over c < channels_in, ky < g->kh, kx < g->kw, in that order, of
/// w[m][c][ky][kx] * x[c][iy][ix] with (iy, ix) as kiln_f32_im2col maps them (g->row0 = 0); taps
/// outside the image are skipped. Products and sums in f32, each rounded (no fused multiply-add),
/// so the bytes do not depend on how the rows are split. y is [channels_out][g->oh][g->ow].
void kiln_f32_conv_direct(const struct kiln_f32_im2col *g, size_t channels_in, size_t channels_out, const float *w, const float *x,
                          float *y, size_t oy0, size_t oy1);

#ifdef __cplusplus
}
#endif
#endif
