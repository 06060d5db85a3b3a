// int8 ConvTranspose2d by phase (sub-pixel) decomposition, dilation 1. Output row oy gets taps
// ky = ry, ry + sh, ... with ry = (oy + pad_top) mod sh, from input rows iy = base - t where
// base = (oy + pad_top - ry) / sh and ky = ry + t * sh; likewise for columns. So each of the
// sh * sw phases is a plain correlation with a sub-kernel of ty x tx taps: one indirect GEMM per
// output row of the phase, results written straight into their strided places. No col2im, no
// scatter-add; a unit is (sample, phase, output row). Patches are pointed at in the NHWC copy of
// the input as [pixel][a][b] (c bytes a tap), matching the phase kernels [m][a][b][c]; taps that
// read only padding for every output of a phase are left out (kiln_qs8_phase_of). When a phase row has
// fewer pixels than kiln_qs8_group_below, a unit is a group of (sample, row) pairs of one phase
// whose pixels make one GEMM (the phase kernel is read once per group, and requantization runs on
// long contiguous rows instead of a few strided bytes), written to an [m][pixels] tile and copied
// to its strided places; as in qs8-conv2d.c, groups are split by output channels when there are
// fewer of them than threads. When every phase has at most KILN_QS8_NARROW_N outputs over the
// batch (a 1x1 or 2x2 input at batch 1), each phase is one GEMM on the path's narrow kernel,
// threads splitting its rows.
#include "kiln/qs8-conv.h"

#include "qs8-phase.h"
#include "qs8-unit.h"

/// (sample, row) pairs per unit of a phase: several when rows are short; all of them on the
/// narrow kernel.
static size_t group_size(const struct kiln_qs8_layer *l, const struct kiln_qs8_phase *p) {
  if (kiln_qs8_deconv2d_narrow(l)) return l->batch * p->rows > 0 ? l->batch * p->rows : 1;
  if (p->cols == 0 || p->cols >= kiln_qs8_group_below(l->path)) return 1;
  const size_t g = KILN_QS8_CONV_CHUNK / p->cols, entries = l->batch * p->rows;
  return g < entries ? g : entries;
}

static int grouped(const struct kiln_qs8_layer *l) {
  for (size_t ph = 0; ph < l->sh * l->sw; ph++) {
    const struct kiln_qs8_phase p = kiln_qs8_phase_of(l, ph);
    if (group_size(l, &p) > 1) return 1;
  }
  return 0;
}

/// Output pixels (n) and taps of the largest unit of any phase.
static void unit_limits(const struct kiln_qs8_layer *l, size_t *n, size_t *taps) {
  *n = *taps = 0;
  for (size_t ph = 0; ph < l->sh * l->sw; ph++) {
    const struct kiln_qs8_phase p = kiln_qs8_phase_of(l, ph);
    if (group_size(l, &p) * p.cols > *n) *n = group_size(l, &p) * p.cols;
    if (p.ty.count * p.tx.count > *taps) *taps = p.ty.count * p.tx.count;
  }
}

/// Bytes of the output tile: [m][at most KILN_QS8_NARROW_N] for the narrow GEMM, [m][at most chunk]
/// for grouped units.
static size_t tile_bytes(const struct kiln_qs8_layer *l) {
  return kiln_qs8_deconv2d_narrow(l) ? l->m * KILN_QS8_NARROW_N : grouped(l) ? l->m * KILN_QS8_CONV_CHUNK : 0;
}

/// This thread's indirection table, zero row, (grouped) output tile and workspace.
static struct kiln_qs8_unit_space space(const struct kiln_qs8_layer *l, size_t thread) {
  size_t n, taps;
  unit_limits(l, &n, &taps);
  return kiln_qs8_unit_space(l, thread, n, taps, tile_bytes(l));
}

/// Patches of output row j of phase p in sample n as pointers ind[pixel][a][b] into the NHWC
/// input (c bytes each), or at the zero row for taps outside the input.
static void index_row(const struct kiln_qs8_layer *l, const struct kiln_qs8_phase *p, size_t n, size_t j, const int8_t *zero_row,
                      const int8_t **ind) {
  const ptrdiff_t by = (ptrdiff_t)(p->by + j);
  // Pixel i of the row reads input column bx + i - b for tap b (ox + pad_left - rx is a multiple of sw).
  const ptrdiff_t bx = (ptrdiff_t)p->bx;
  const int8_t *xt = l->scratch + n * l->h * l->w * l->c;  // NHWC
  const size_t taps = p->ty.count * p->tx.count;
  // Tap (a, b) of pixel i reads the channels of input pixel (by - a, bx + i - b): a run of
  // consecutive pixels of one input row for the i inside it, the zero row for the others.
  for (size_t a = p->ty.first; a < p->ty.first + p->ty.count; a++) {
    const ptrdiff_t iy = by - (ptrdiff_t)a;
    const int row_inside = iy >= 0 && iy < (ptrdiff_t)l->h;
    for (size_t b = p->tx.first; b < p->tx.first + p->tx.count; b++) {
      const ptrdiff_t first = (ptrdiff_t)b - bx, end = first + (ptrdiff_t)l->w;  // i with 0 <= ix < w
      const size_t lo = !row_inside || first < 0 ? 0 : (size_t)first < p->cols ? (size_t)first : p->cols;
      const size_t hi = !row_inside || end < (ptrdiff_t)lo ? lo : (size_t)end < p->cols ? (size_t)end : p->cols;
      const int8_t **out = ind + (a - p->ty.first) * p->tx.count + b - p->tx.first;
      for (size_t i = 0; i < lo; i++) out[i * taps] = zero_row;
      if (hi > lo) {
        const int8_t *src = xt + ((size_t)iy * l->w + (size_t)(bx + (ptrdiff_t)lo - (ptrdiff_t)b)) * l->c;
        for (size_t i = lo; i < hi; i++, src += l->c) out[i * taps] = src;
      }
      for (size_t i = hi; i < p->cols; i++) out[i * taps] = zero_row;
    }
  }
}

/// Where output row j of phase p in sample n starts (channel 0); channels are l->oh * l->ow apart.
static int8_t *row_start(const struct kiln_qs8_layer *l, const struct kiln_qs8_phase *p, size_t n, size_t j) {
  return l->y + n * l->m * l->oh * l->ow + (p->fy + j * l->sh) * l->ow + p->fx;
}

static void deconv2d_grouped(const struct kiln_qs8_layer *l, size_t thread, size_t threads) {
  const size_t phases = l->sh * l->sw, plane = l->oh * l->ow;
  size_t groups = 0;
  for (size_t ph = 0; ph < phases; ph++) {
    const struct kiln_qs8_phase p = kiln_qs8_phase_of(l, ph);
    const size_t g = group_size(l, &p);
    groups += (l->batch * p.rows + g - 1) / g;
  }
  const size_t parts = kiln_qs8_conv_parts(groups, threads, l->m);
  const struct kiln_qs8_unit_space sp = space(l, thread);
  for (size_t u = thread; u < groups * parts; u += threads) {
    size_t group = u / parts, ph = 0;
    const size_t part = u % parts, m0 = l->m * part / parts, m1 = l->m * (part + 1) / parts;
    struct kiln_qs8_phase p = kiln_qs8_phase_of(l, 0);
    size_t g = group_size(l, &p);
    while (group >= (l->batch * p.rows + g - 1) / g) {  // find the unit's phase
      group -= (l->batch * p.rows + g - 1) / g;
      p = kiln_qs8_phase_of(l, ++ph);
      g = group_size(l, &p);
    }
    const size_t e0 = group * g, e1 = e0 + g < l->batch * p.rows ? e0 + g : l->batch * p.rows, j_count = (e1 - e0) * p.cols;
    const size_t taps = p.ty.count * p.tx.count;
    int8_t *dst[KILN_QS8_CONV_CHUNK];
    for (size_t e = e0; e < e1; e++) {
      index_row(l, &p, e / p.rows, e % p.rows, sp.zero_row, sp.ind + (e - e0) * p.cols * taps);
      dst[e - e0] = row_start(l, &p, e / p.rows, e % p.rows) + m0 * plane;
    }
    kiln_qs8_igemm(l->path->gemm, sp.workspace, m1 - m0, j_count, l->c, taps, l->phase_weights[ph] + m0 * p.k, p.k, sp.ind,
                   l->phase_channels[ph] + m0, l->y_zero, sp.tile, j_count, 1);
    kiln_qs8_tile_scatter(l->path, sp.tile, m1 - m0, j_count, e1 - e0, p.cols, dst, plane, l->sw);
  }
}

/// Each phase's outputs over the whole batch (at most KILN_QS8_NARROW_N) as one GEMM on the narrow
/// kernel, each thread its panels of rows, into the tile and out to their strided places.
static void deconv2d_narrow(const struct kiln_qs8_layer *l, size_t thread, size_t threads) {
  const size_t plane = l->oh * l->ow;
  size_t m0, m1;
  kiln_qs8_narrow_rows(l, thread, threads, &m0, &m1);
  if (m0 == m1) return;
  const struct kiln_qs8_unit_space sp = space(l, thread);
  for (size_t ph = 0; ph < l->sh * l->sw; ph++) {
    const struct kiln_qs8_phase p = kiln_qs8_phase_of(l, ph);
    const size_t entries = l->batch * p.rows, n = entries * p.cols, taps = p.ty.count * p.tx.count;
    if (n == 0) continue;
    int8_t *dst[KILN_QS8_NARROW_N];
    for (size_t e = 0; e < entries; e++) {
      index_row(l, &p, e / p.rows, e % p.rows, sp.zero_row, sp.ind + e * p.cols * taps);
      dst[e] = row_start(l, &p, e / p.rows, e % p.rows) + m0 * plane;
    }
    kiln_qs8_narrow_igemm(l->path->gemm, sp.workspace, m1 - m0, n, l->c, taps, l->phase_weights[ph] + kiln_qs8_narrow_packed_bytes(l->path->gemm, m0, p.k),
                          sp.ind, l->phase_channels[ph] + m0, l->y_zero, sp.tile, n, 1);
    kiln_qs8_tile_scatter(l->path, sp.tile, m1 - m0, n, entries, p.cols, dst, plane, l->sw);
  }
}

size_t kiln_qs8_deconv2d_scratch_bytes(const struct kiln_qs8_layer *l, size_t threads) {
  if (kiln_qs8_deconv2d_dense(l)) return kiln_qs8_nhwc_bytes(l);
  size_t n, taps;
  unit_limits(l, &n, &taps);
  return kiln_qs8_nhwc_bytes(l) + threads * kiln_qs8_unit_bytes(l, n, taps, tile_bytes(l));
}

void kiln_qs8_deconv2d_task(void *context, size_t thread, size_t threads) {
  const struct kiln_qs8_layer *l = context;
  if (kiln_qs8_deconv2d_dense(l)) {  // y [batch][m * kh * kw] from x [batch][c]
    struct kiln_qs8_layer d = *l;
    d.m = l->m * l->kh * l->kw;
    d.weights = l->phase_weights[0];
    d.channels = l->phase_channels[0];
    d.packed_weights = kiln_qs8_deconv2d_narrow(l) ? l->phase_weights[0] : 0;
    kiln_qs8_dense_task(&d, thread, threads);
    return;
  }
  if (kiln_qs8_deconv2d_narrow(l)) {
    deconv2d_narrow(l, thread, threads);
    return;
  }
  if (grouped(l)) {
    deconv2d_grouped(l, thread, threads);
    return;
  }
  const size_t phases = l->sh * l->sw, plane = l->oh * l->ow;
  const struct kiln_qs8_unit_space sp = space(l, thread);
  // Units are (n, phase, row j of the phase); rows per phase are at most ceil(oh / sh).
  const size_t rows = (l->oh + l->sh - 1) / l->sh;
  for (size_t u = thread; u < l->batch * phases * rows; u += threads) {
    const size_t n = u / (phases * rows), ph = u / rows % phases, j = u % rows;
    const struct kiln_qs8_phase p = kiln_qs8_phase_of(l, ph);
    if (j >= p.rows) continue;
    index_row(l, &p, n, j, sp.zero_row, sp.ind);
    kiln_qs8_igemm(l->path->gemm, sp.workspace, l->m, p.cols, l->c, p.ty.count * p.tx.count, l->phase_weights[ph], p.k, sp.ind, l->phase_channels[ph],
                   l->y_zero, row_start(l, &p, n, j), plane, l->sw);
  }
}
