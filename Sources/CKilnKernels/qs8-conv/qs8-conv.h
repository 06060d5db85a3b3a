// Internal to qs8-conv: the size of the NHWC copy of a layer's input at the start of scratch, and
// the grouping of small maps shared by conv2d and deconv2d.
#ifndef KILN_QS8_CONV_H
#define KILN_QS8_CONV_H
#include "kiln_kernels.h"
size_t kiln_qs8_nhwc_bytes(const struct kiln_qs8_layer *l);
/// Ranges of output channels per group so that `threads` threads all get units.
size_t kiln_qs8_conv_parts(size_t groups, size_t threads, size_t m);
/// Copies a [rows][j_count] GEMM tile out to `runs` strided destinations (see qs8-conv2d.c).
void kiln_qs8_tile_scatter(const struct kiln_qs8_path *path, const int8_t *tile, size_t rows, size_t j_count, size_t runs, size_t run, int8_t *const *dst,
                           size_t m_stride, size_t step);
#endif
