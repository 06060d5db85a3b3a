// int8 ConvTranspose2d by phase (sub-pixel) decomposition, dilation 1. Output row oy gets taps
// ky = ry, ry + sh, ... with ry = (oy + pad_top) mod sh, from input rows iy = base - t where
// base = (oy + pad_top - ry) / sh and ky = ry + t * sh; likewise for columns. So each of the
// sh * sw phases is a plain correlation with a sub-kernel of ty x tx taps: gather, one GEMM per
// output row of the phase, results written straight into their strided places. No col2im, no
// scatter-add; a unit is (sample, phase, output row). Patches are gathered from the NHWC copy of
// the input as [pixel][a][b][c], matching the phase kernels [m][a][b][c]. When a phase row has
// fewer than KILN_QS8_CONV_CHUNK pixels, a unit is a group of (sample, row) pairs of one phase
// whose pixels make one GEMM (the phase kernel is read once per group, and requantization runs on
// long contiguous rows instead of a few strided bytes), written to an [m][pixels] tile and copied
// to its strided places; as in qs8-conv2d.c, groups are split by output channels when there are
// fewer of them than threads.
#include "kiln_kernels.h"

#include <string.h>

#include "qs8-conv.h"

static size_t taps(size_t r, size_t k, size_t s) { return r < k ? (k - r + s - 1) / s : 0; }

/// Output positions of phase r along one axis: o = first + j * s for j < count.
static size_t phase_first(size_t r, size_t pad, size_t s) { return (r + s - pad % s) % s; }
static size_t phase_count(size_t first, size_t out, size_t s) { return first < out ? (out - first + s - 1) / s : 0; }

/// Geometry of phase ph: first output row and column, rows, columns, taps and GEMM depth k.
struct phase {
  size_t ry, rx, fy, fx, rows, cols, ty, tx, k;
};

static struct phase phase_of(const struct kiln_qs8_layer *l, size_t ph) {
  struct phase p;
  p.ry = ph / l->sw;
  p.rx = ph % l->sw;
  p.fy = phase_first(p.ry, l->pad_top, l->sh);
  p.fx = phase_first(p.rx, l->pad_left, l->sw);
  p.rows = phase_count(p.fy, l->oh, l->sh);
  p.cols = phase_count(p.fx, l->ow, l->sw);
  p.ty = taps(p.ry, l->kh, l->sh);
  p.tx = taps(p.rx, l->kw, l->sw);
  p.k = l->c * p.ty * p.tx;
  return p;
}

/// (sample, row) pairs per unit of a phase: several when rows are short.
static size_t group_size(const struct kiln_qs8_layer *l, const struct phase *p) {
  if (p->cols == 0 || p->cols >= KILN_QS8_CONV_CHUNK) return 1;
  const size_t g = KILN_QS8_CONV_CHUNK / p->cols, entries = l->batch * p->rows;
  return g < entries ? g : entries;
}

static int grouped(const struct kiln_qs8_layer *l) {
  for (size_t ph = 0; ph < l->sh * l->sw; ph++) {
    const struct phase p = phase_of(l, ph);
    if (group_size(l, &p) > 1) return 1;
  }
  return 0;
}

/// Bytes of the gathered patches of the largest unit.
static size_t cols_bytes(const struct kiln_qs8_layer *l) {
  size_t most = 0;
  for (size_t ph = 0; ph < l->sh * l->sw; ph++) {
    const struct phase p = phase_of(l, ph);
    const size_t n = group_size(l, &p) * p.cols * p.k;
    if (n > most) most = n;
  }
  return most;
}

/// Bytes of the patches, then (grouped) the [m][at most chunk] output tile.
static size_t tile_end(const struct kiln_qs8_layer *l) {
  return cols_bytes(l) + (grouped(l) ? l->m * KILN_QS8_CONV_CHUNK : 0);
}

/// The patches, the tile, then the GEMM's workspace for the deepest phase.
static size_t per_thread(const struct kiln_qs8_layer *l) {
  size_t k = 0;
  for (size_t ph = 0; ph < l->sh * l->sw; ph++) {
    const struct phase p = phase_of(l, ph);
    if (p.k > k) k = p.k;
  }
  return tile_end(l) + kiln_qs8_gemm_workspace_bytes(l->path, k);
}

/// Patches of output row j of phase p in sample n: cols [pixel][a][b][c].
static void gather_row(const struct kiln_qs8_layer *l, const struct phase *p, size_t n, size_t j, int8_t *cols) {
  const size_t oy = p->fy + j * l->sh;
  const ptrdiff_t by = (ptrdiff_t)((oy + l->pad_top - p->ry) / l->sh);
  const int8_t *xt = l->scratch + n * l->h * l->w * l->c;  // NHWC
  for (size_t i = 0; i < p->cols; i++) {
    const size_t ox = p->fx + i * l->sw;
    const ptrdiff_t bx = (ptrdiff_t)((ox + l->pad_left - p->rx) / l->sw);
    int8_t *col = cols + i * p->k;
    // Tap (a, b) reads the channels of input pixel (by - a, bx - b): one copy of C bytes.
    for (size_t a = 0; a < p->ty; a++) {
      const ptrdiff_t iy = by - (ptrdiff_t)a;
      for (size_t b = 0; b < p->tx; b++, col += l->c) {
        const ptrdiff_t ix = bx - (ptrdiff_t)b;
        if (iy >= 0 && iy < (ptrdiff_t)l->h && ix >= 0 && ix < (ptrdiff_t)l->w) {
          memcpy(col, xt + ((size_t)iy * l->w + (size_t)ix) * l->c, l->c);
        } else {
          memset(col, (int8_t)l->x_zero, l->c);
        }
      }
    }
  }
}

/// Where output row j of phase p in sample n starts (channel 0); channels are l->oh * l->ow apart.
static int8_t *row_start(const struct kiln_qs8_layer *l, const struct phase *p, size_t n, size_t j) {
  return l->y + n * l->m * l->oh * l->ow + (p->fy + j * l->sh) * l->ow + p->fx;
}

static void deconv2d_grouped(const struct kiln_qs8_layer *l, size_t thread, size_t threads, int8_t *cols) {
  const size_t phases = l->sh * l->sw, plane = l->oh * l->ow;
  size_t groups = 0;
  for (size_t ph = 0; ph < phases; ph++) {
    const struct phase p = phase_of(l, ph);
    const size_t g = group_size(l, &p);
    groups += (l->batch * p.rows + g - 1) / g;
  }
  const size_t parts = kiln_qs8_conv_parts(groups, threads, l->m);
  int8_t *tile = cols + cols_bytes(l);
  for (size_t u = thread; u < groups * parts; u += threads) {
    size_t group = u / parts, ph = 0;
    const size_t part = u % parts, m0 = l->m * part / parts, m1 = l->m * (part + 1) / parts;
    struct phase p = phase_of(l, 0);
    size_t g = group_size(l, &p);
    while (group >= (l->batch * p.rows + g - 1) / g) {  // find the unit's phase
      group -= (l->batch * p.rows + g - 1) / g;
      p = phase_of(l, ++ph);
      g = group_size(l, &p);
    }
    const size_t e0 = group * g, e1 = e0 + g < l->batch * p.rows ? e0 + g : l->batch * p.rows, j_count = (e1 - e0) * p.cols;
    int8_t *dst[KILN_QS8_CONV_CHUNK];
    for (size_t e = e0; e < e1; e++) {
      gather_row(l, &p, e / p.rows, e % p.rows, cols + (e - e0) * p.cols * p.k);
      dst[e - e0] = row_start(l, &p, e / p.rows, e % p.rows) + m0 * plane;
    }
    kiln_qs8_gemm(l->path, cols + tile_end(l), m1 - m0, j_count, p.k, l->phase_weights[ph] + m0 * p.k, p.k, cols, p.k, l->phase_channels[ph] + m0,
                  l->y_zero, tile, j_count, 1);
    kiln_qs8_tile_scatter(l->path, tile, m1 - m0, j_count, e1 - e0, p.cols, dst, plane, l->sw);
  }
}

size_t kiln_qs8_deconv2d_scratch_bytes(const struct kiln_qs8_layer *l, size_t threads) {
  return kiln_qs8_nhwc_bytes(l) + threads * per_thread(l);
}

void kiln_qs8_deconv2d_task(void *context, size_t thread, size_t threads) {
  const struct kiln_qs8_layer *l = context;
  int8_t *cols = l->scratch + kiln_qs8_nhwc_bytes(l) + thread * per_thread(l);
  if (grouped(l)) {
    deconv2d_grouped(l, thread, threads, cols);
    return;
  }
  const size_t phases = l->sh * l->sw, plane = l->oh * l->ow;
  // Units are (n, phase, row j of the phase); rows per phase are at most ceil(oh / sh).
  const size_t rows = (l->oh + l->sh - 1) / l->sh;
  for (size_t u = thread; u < l->batch * phases * rows; u += threads) {
    const size_t n = u / (phases * rows), ph = u / rows % phases, j = u % rows;
    const struct phase p = phase_of(l, ph);
    if (j >= p.rows) continue;
    gather_row(l, &p, n, j, cols);
    kiln_qs8_gemm(l->path, cols + tile_end(l), l->m, p.cols, p.k, l->phase_weights[ph], p.k, cols, p.k, l->phase_channels[ph], l->y_zero,
                  row_start(l, &p, n, j), plane, l->sw);
  }
}
