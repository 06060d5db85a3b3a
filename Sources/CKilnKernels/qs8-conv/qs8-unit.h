// Internal to qs8-conv: the per-thread scratch of the int8 convolutions (qs8-unit.c) and the
// grouping of small maps shared by conv2d and deconv2d.
#ifndef KILN_QS8_UNIT_H
#define KILN_QS8_UNIT_H
#include "kiln/qs8-conv.h"

/// Bytes of the NHWC copy of a layer's input at the start of scratch (qs8-nhwc.c).
size_t kiln_qs8_nhwc_bytes(const struct kiln_qs8_layer *l);
/// A thread's scratch for conv units of at most n output pixels with `taps` taps each: the
/// indirection table (a pointer per pixel and tap into the NHWC input), a row of c bytes of
/// x_zero that taps outside the input point at, the output tile of grouped units (tile_bytes),
/// and kiln_qs8_igemm's workspace.
struct kiln_qs8_unit_space {
  const int8_t **ind;
  const int8_t *zero_row;
  int8_t *tile;
  void *workspace;
};
size_t kiln_qs8_unit_bytes(const struct kiln_qs8_layer *l, size_t n, size_t taps, size_t tile_bytes);
/// Thread `thread`'s space after the NHWC copy (kiln_qs8_unit_bytes apart); fills its zero row.
struct kiln_qs8_unit_space kiln_qs8_unit_space(const struct kiln_qs8_layer *l, size_t thread, size_t n, size_t taps,
                                               size_t tile_bytes);
/// Maps (conv) or phase rows (transposed conv) with fewer output pixels than this are grouped
/// into one GEMM of up to KILN_QS8_CONV_CHUNK pixels. A packed-column kernel runs a full panel
/// (32 columns) at full speed and writes strided rows itself, so grouping, and the tile copy it
/// needs, pays only below that; the tile gains from rows up to a chunk long.
static inline size_t kiln_qs8_group_below(const struct kiln_qs8_path *path) {
  return path->gemm->packed.gemm ? path->gemm->packed.nr : KILN_QS8_CONV_CHUNK;
}
/// This thread's rows [*m0, *m1) of a layer on the narrow kernel: whole panels of narrow.mr rows.
void kiln_qs8_narrow_rows(const struct kiln_qs8_layer *l, size_t thread, size_t threads, size_t *m0, size_t *m1);
/// Ranges of output channels per group so that `threads` threads all get units.
size_t kiln_qs8_conv_parts(size_t groups, size_t threads, size_t m);
/// Copies a [rows][j_count] GEMM tile out to `runs` strided destinations with the path's scatter.
static inline void kiln_qs8_tile_scatter(const struct kiln_qs8_path *path, const int8_t *tile, size_t rows, size_t j_count,
                                         size_t runs, size_t run, int8_t *const *dst, size_t m_stride, size_t step) {
  (path->tile_scatter ? path->tile_scatter : kiln_qs8_tile_scatter_ref)(tile, rows, j_count, runs, run, dst, m_stride, step);
}
#endif
