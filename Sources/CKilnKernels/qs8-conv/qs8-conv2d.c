// int8 Conv2d: for each unit (sample, chunk of KILN_QS8_CONV_CHUNK output pixels), point at the
// chunk's patches [pixel][kh][kw] in the NHWC copy of the input (c bytes a tap; taps outside the
// input read a row of x_zero, which the zero-point correction in the bias cancels exactly), then
// one indirect GEMM with the weights packed in the same order. Kernel rows and columns that read
// only padding for every output pixel are left out (kiln_conv_span). Small maps (kiln_qs8_group_below), with
// several samples: a unit is a group of samples whose pixels make one GEMM (the weights are read
// once per group, not once per sample), written to a small [m][pixels] tile and copied out; with
// fewer groups than threads, each group's output channels are split between threads. Every output
// is the same integer sum whatever the grouping, so the bytes do not depend on batch or threads.
#include "kiln/conv-span.h"
#include "kiln/qs8-conv.h"

#include "qs8-unit.h"

/// Samples per unit: several when a map is smaller than a chunk.
static size_t group_size(const struct kiln_qs8_layer *l) {
  const size_t plane = l->oh * l->ow, g = plane < kiln_qs8_group_below(l->path) ? KILN_QS8_CONV_CHUNK / plane : 1;
  return g < l->batch ? g : l->batch;
}

int kiln_qs8_conv2d_narrow(const struct kiln_qs8_layer *l) {
  return l->path->gemm->narrow.gemm && l->batch * l->oh * l->ow <= KILN_QS8_NARROW_N;
}

/// Bytes of the output tile: [m][at most KILN_QS8_NARROW_N] for the narrow GEMM, [m][chunk] for
/// grouped units.
static size_t tile_bytes(const struct kiln_qs8_layer *l) {
  return kiln_qs8_conv2d_narrow(l) ? l->m * KILN_QS8_NARROW_N : group_size(l) > 1 ? l->m * KILN_QS8_CONV_CHUNK : 0;
}

static struct kiln_span rows_of(const struct kiln_qs8_layer *l) {
  return kiln_conv_span(l->kh, l->oh, l->h, l->sh, l->dh, l->pad_top);
}
static struct kiln_span columns_of(const struct kiln_qs8_layer *l) {
  return kiln_conv_span(l->kw, l->ow, l->w, l->sw, l->dw, l->pad_left);
}

/// Taps per output pixel: those of kiln_conv_span on both axes.
static size_t taps_of(const struct kiln_qs8_layer *l) { return rows_of(l).count * columns_of(l).count; }

size_t kiln_qs8_conv2d_packed_size(const struct kiln_qs8_layer *l) {
  const size_t k = l->c * taps_of(l);
  return kiln_qs8_conv2d_narrow(l) ? kiln_qs8_narrow_packed_bytes(l->path->gemm, l->m, k) : l->m * k;
}

size_t kiln_qs8_conv2d_pack_work_bytes(const struct kiln_qs8_layer *l) {
  return kiln_qs8_conv2d_narrow(l) ? l->m * l->c * taps_of(l) : 0;
}

/// Rows [*m0, *m1) of this thread: whole panels of the narrow kernel, as evenly as they go.
void kiln_qs8_narrow_rows(const struct kiln_qs8_layer *l, size_t thread, size_t threads, size_t *m0, size_t *m1) {
  const size_t mr = l->path->gemm->narrow.mr, panels = (l->m + mr - 1) / mr;
  *m0 = panels * thread / threads * mr;
  *m1 = panels * (thread + 1) / threads * mr;
  *m1 = *m1 < l->m ? *m1 : l->m;
  *m0 = *m0 < *m1 ? *m0 : *m1;
}

size_t kiln_qs8_conv2d_scratch_bytes(const struct kiln_qs8_layer *l, size_t threads) {
  return kiln_qs8_nhwc_bytes(l) + threads * kiln_qs8_unit_bytes(l, KILN_QS8_CONV_CHUNK, taps_of(l), tile_bytes(l));
}

/// The patches of pixels p0 ..< p1 of sample n as pointers ind[p][ky][kx] into the NHWC input xt
/// (c bytes each), or at the zero row for taps outside the input; ky and kx over the taps of
/// kiln_conv_span only.
static void index_patches(const struct kiln_qs8_layer *l, const int8_t *xt, size_t p0, size_t p1, const int8_t *zero_row,
                          const int8_t **ind) {
  const struct kiln_span sy = rows_of(l), sx = columns_of(l);
  const size_t taps = sy.count * sx.count;
  // One output row's run of pixels at a time; tap (ky, kx) of consecutive pixels reads input
  // columns sw apart, or the zero row outside the input.
  for (size_t p = p0; p < p1;) {
    const size_t oy = p / l->ow, ox0 = p % l->ow, run = l->ow - ox0 < p1 - p ? l->ow - ox0 : p1 - p;
    for (size_t ky = sy.first; ky < sy.first + sy.count; ky++) {
      const ptrdiff_t iy = (ptrdiff_t)(oy * l->sh + ky * l->dh) - (ptrdiff_t)l->pad_top;
      const int row_inside = iy >= 0 && iy < (ptrdiff_t)l->h;
      const int8_t *row = xt + (row_inside ? (size_t)iy : 0) * l->w * l->c;
      for (size_t kx = sx.first; kx < sx.first + sx.count; kx++) {
        const int8_t **out = ind + (p - p0) * taps + (ky - sy.first) * sx.count + kx - sx.first;
        ptrdiff_t ix = (ptrdiff_t)(ox0 * l->sw + kx * l->dw) - (ptrdiff_t)l->pad_left;
        for (size_t i = 0; i < run; i++, ix += (ptrdiff_t)l->sw) {
          out[i * taps] = row_inside && ix >= 0 && ix < (ptrdiff_t)l->w ? row + (size_t)ix * l->c : zero_row;
        }
      }
    }
    p += run;
  }
}

/// Units of `groups` groups, each split into `parts` ranges of output channels so that every
/// thread has work; unit u is group u / parts, channels [m * part / parts, m * (part + 1) / parts).
size_t kiln_qs8_conv_parts(size_t groups, size_t threads, size_t m) {
  size_t parts = groups >= threads ? 1 : (threads + groups - 1) / groups;
  return parts < m ? parts : m;
}

static void conv2d_grouped(const struct kiln_qs8_layer *l, size_t thread, size_t threads) {
  const size_t taps = taps_of(l), k = l->c * taps, plane = l->oh * l->ow, g = group_size(l);
  const size_t groups = (l->batch + g - 1) / g, parts = kiln_qs8_conv_parts(groups, threads, l->m);
  const struct kiln_qs8_unit_space sp = kiln_qs8_unit_space(l, thread, KILN_QS8_CONV_CHUNK, taps, tile_bytes(l));
  for (size_t u = thread; u < groups * parts; u += threads) {
    const size_t n0 = u / parts * g, ns = n0 + g < l->batch ? g : l->batch - n0, part = u % parts;
    const size_t m0 = l->m * part / parts, m1 = l->m * (part + 1) / parts, j_count = ns * plane;
    int8_t *dst[KILN_QS8_CONV_CHUNK];
    for (size_t s = 0; s < ns; s++) {
      index_patches(l, l->scratch + (n0 + s) * l->h * l->w * l->c, 0, plane, sp.zero_row, sp.ind + s * plane * taps);
      dst[s] = l->y + ((n0 + s) * l->m + m0) * plane;
    }
    kiln_qs8_igemm(l->path->gemm, sp.workspace, m1 - m0, j_count, l->c, taps, l->weights + m0 * k, k, sp.ind, l->channels + m0, l->y_zero,
                   sp.tile, j_count, 1);
    kiln_qs8_tile_scatter(l->path, sp.tile, m1 - m0, j_count, ns, plane, dst, plane, 1);
  }
}

/// The whole batch's pixels (at most KILN_QS8_NARROW_N) as one GEMM on the narrow kernel, each
/// thread its panels of rows, into the tile and out to the samples.
static void conv2d_narrow(const struct kiln_qs8_layer *l, size_t thread, size_t threads) {
  const size_t taps = taps_of(l), plane = l->oh * l->ow, n = l->batch * plane;
  size_t m0, m1;
  kiln_qs8_narrow_rows(l, thread, threads, &m0, &m1);
  if (m0 == m1) return;
  const struct kiln_qs8_unit_space sp = kiln_qs8_unit_space(l, thread, KILN_QS8_CONV_CHUNK, taps, tile_bytes(l));
  int8_t *dst[KILN_QS8_NARROW_N];
  for (size_t s = 0; s < l->batch; s++) {
    index_patches(l, l->scratch + s * l->h * l->w * l->c, 0, plane, sp.zero_row, sp.ind + s * plane * taps);
    dst[s] = l->y + (s * l->m + m0) * plane;
  }
  kiln_qs8_narrow_igemm(l->path->gemm, sp.workspace, m1 - m0, n, l->c, taps, l->weights + kiln_qs8_narrow_packed_bytes(l->path->gemm, m0, l->c * taps),
                        sp.ind, l->channels + m0, l->y_zero, sp.tile, n, 1);
  kiln_qs8_tile_scatter(l->path, sp.tile, m1 - m0, n, l->batch, plane, dst, plane, 1);
}

void kiln_qs8_conv2d_task(void *context, size_t thread, size_t threads) {
  const struct kiln_qs8_layer *l = context;
  const size_t taps = taps_of(l), k = l->c * taps, plane = l->oh * l->ow;
  if (kiln_qs8_conv2d_narrow(l)) {
    conv2d_narrow(l, thread, threads);
    return;
  }
  if (group_size(l) > 1) {
    conv2d_grouped(l, thread, threads);
    return;
  }
  // Units of one chunk of pixels, split into ranges of output channels when there are fewer
  // chunks than threads (a batch-1 8x8 map is one chunk).
  const size_t chunks = (plane + KILN_QS8_CONV_CHUNK - 1) / KILN_QS8_CONV_CHUNK, parts = kiln_qs8_conv_parts(l->batch * chunks, threads, l->m);
  const struct kiln_qs8_unit_space sp = kiln_qs8_unit_space(l, thread, KILN_QS8_CONV_CHUNK, taps, 0);
  for (size_t u = thread; u < l->batch * chunks * parts; u += threads) {
    const size_t chunk = u / parts, part = u % parts, m0 = l->m * part / parts, m1 = l->m * (part + 1) / parts;
    const size_t n = chunk / chunks, p0 = (chunk % chunks) * KILN_QS8_CONV_CHUNK;
    const size_t p1 = p0 + KILN_QS8_CONV_CHUNK < plane ? p0 + KILN_QS8_CONV_CHUNK : plane;
    index_patches(l, l->scratch + n * l->h * l->w * l->c, p0, p1, sp.zero_row, sp.ind);
    kiln_qs8_igemm(l->path->gemm, sp.workspace, m1 - m0, p1 - p0, l->c, taps, l->weights + m0 * k, k, sp.ind, l->channels + m0, l->y_zero,
                   l->y + (n * l->m + m0) * plane + p0, plane, 1);
  }
}
