// Internal to qs8-conv: the size of the NHWC copy of a layer's input at the start of scratch, and
// the grouping of small maps shared by conv2d and deconv2d.
#ifndef KILN_QS8_CONV_H
#define KILN_QS8_CONV_H
#include "kiln_kernels.h"
size_t kiln_qs8_nhwc_bytes(const struct kiln_qs8_layer *l);
/// Phase ph = ry * sw + rx of a ConvTranspose2d (qs8-deconv2d.c): its outputs are rows fy + j * sh
/// (j < rows) and columns fx + i * sw (i < cols); output row j's tap a (kernel row ry + a * sh)
/// reads input row by + j - a, and likewise for columns. It runs the taps ty x tx only, those
/// that read the input for some output of the phase (so a 1x1 map's 4x4-tap stride-2 layer runs 1
/// of each phase's 2x2): its GEMM depth is k = c * ty.count * tx.count.
struct kiln_qs8_phase {
  size_t ry, rx, fy, fx, rows, cols, by, bx;
  struct kiln_span ty, tx;
  size_t k;
};
struct kiln_qs8_phase kiln_qs8_phase_of(const struct kiln_qs8_layer *l, size_t ph);
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
/// needs, pays only below that (16-pixel rows grouped: DCGAN-64 int8 at batch 16 about 3% faster
/// than not); the tile gains from rows up to a chunk long.
static inline size_t kiln_qs8_group_below(const struct kiln_qs8_path *path) {
  return path->packed_gemm ? path->packed_nr : KILN_QS8_CONV_CHUNK;
}
/// This thread's rows [*m0, *m1) of a layer on the narrow kernel: whole panels of narrow_mr rows.
void kiln_qs8_narrow_rows(const struct kiln_qs8_layer *l, size_t thread, size_t threads, size_t *m0, size_t *m1);
/// Ranges of output channels per group so that `threads` threads all get units.
size_t kiln_qs8_conv_parts(size_t groups, size_t threads, size_t m);
/// Copies a [rows][j_count] GEMM tile out to `runs` strided destinations with the path's scatter.
static inline void kiln_qs8_tile_scatter(const struct kiln_qs8_path *path, const int8_t *tile, size_t rows, size_t j_count,
                                         size_t runs, size_t run, int8_t *const *dst, size_t m_stride, size_t step) {
  (path->tile_scatter ? path->tile_scatter : kiln_qs8_tile_scatter_ref)(tile, rows, j_count, runs, run, dst, m_stride, step);
}
#endif
