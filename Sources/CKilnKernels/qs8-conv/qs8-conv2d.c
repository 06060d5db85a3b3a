// int8 Conv2d: for each unit (sample, chunk of KILN_QS8_CONV_CHUNK output pixels), gather the
// chunk's patches into cols [pixel][kh][kw][c] from the NHWC copy of the input (taps outside the
// input read x_zero, which the zero-point correction in the bias cancels exactly), then one GEMM
// with the weights packed in the same order. Maps smaller than a chunk, with several samples: a
// unit is a group of samples whose pixels make one GEMM (the weights are read once per group, not
// once per sample), written to a small [m][pixels] tile and copied out; with fewer groups than
// threads, each group's output channels are split between threads. Every output is the same
// integer sum whatever the grouping, so the bytes do not depend on batch or threads.
#include "kiln_kernels.h"

#include <string.h>

#include "qs8-conv.h"

#include <assert.h>

/// Samples per unit: several when a map is smaller than a chunk.
static size_t group_size(const struct kiln_qs8_layer *l) {
  const size_t plane = l->oh * l->ow, g = plane < KILN_QS8_CONV_CHUNK ? KILN_QS8_CONV_CHUNK / plane : 1;
  return g < l->batch ? g : l->batch;
}

/// Bytes of cols (a chunk of patches) and, for grouped units, the [m][chunk] output tile.
static size_t tile_end(const struct kiln_qs8_layer *l) {
  return KILN_QS8_CONV_CHUNK * l->c * l->kh * l->kw + (group_size(l) > 1 ? l->m * KILN_QS8_CONV_CHUNK : 0);
}

/// cols (a chunk of patches), for grouped units the [m][chunk] output tile, then the GEMM's workspace.
static size_t per_thread(const struct kiln_qs8_layer *l) {
  return tile_end(l) + kiln_qs8_gemm_workspace_bytes(l->path, l->c * l->kh * l->kw);
}

size_t kiln_qs8_conv2d_scratch_bytes(const struct kiln_qs8_layer *l, size_t threads) {
  return kiln_qs8_nhwc_bytes(l) + threads * per_thread(l);
}

/// cols[p][ky][kx][c] for pixels p0 ..< p1 of sample n, from the NHWC input xt.
static void gather(const struct kiln_qs8_layer *l, const int8_t *xt, size_t p0, size_t p1, int8_t *cols) {
  const size_t k = l->c * l->kh * l->kw;
  for (size_t p = p0; p < p1; p++) {
    const size_t oy = p / l->ow, ox = p % l->ow;
    int8_t *col = cols + (p - p0) * k;
    for (size_t ky = 0; ky < l->kh; ky++) {
      const ptrdiff_t iy = (ptrdiff_t)(oy * l->sh + ky * l->dh) - (ptrdiff_t)l->pad_top;
      for (size_t kx = 0; kx < l->kw; kx++, col += l->c) {
        const ptrdiff_t ix = (ptrdiff_t)(ox * l->sw + kx * l->dw) - (ptrdiff_t)l->pad_left;
        if (iy >= 0 && iy < (ptrdiff_t)l->h && ix >= 0 && ix < (ptrdiff_t)l->w) {
          memcpy(col, xt + ((size_t)iy * l->w + (size_t)ix) * l->c, l->c);
        } else {
          memset(col, (int8_t)l->x_zero, l->c);
        }
      }
    }
  }
}

/// Units of `groups` groups, each split into `parts` ranges of output channels so that every
/// thread has work; unit u is group u / parts, channels [m * part / parts, m * (part + 1) / parts).
size_t kiln_qs8_conv_parts(size_t groups, size_t threads, size_t m) {
  size_t parts = groups >= threads ? 1 : (threads + groups - 1) / groups;
  return parts < m ? parts : m;
}

/// Copies rows [0, m1 - m0) of the [.][j_count] tile to channel m0 + i of every (sample, pixel run)
/// the tile's columns came from: run r holds `run` columns that go to `dst(r) + (m0 + i) * m_stride`
/// with step `step`.
void kiln_qs8_tile_scatter(const struct kiln_qs8_path *path, const int8_t *tile, size_t rows, size_t j_count, size_t runs, size_t run, int8_t *const *dst,
                           size_t m_stride, size_t step) {
  for (size_t r = 0; r < runs; r++) {
    for (size_t i = 0; i < rows; i++) {
      const int8_t *src = tile + i * j_count + r * run;
      int8_t *d = dst[r] + i * m_stride;
      if (step == 1) {
        memcpy(d, src, run);
      } else if (path->copy_strided) {
        path->copy_strided(run, src, d, step);
      } else {
        for (size_t t = 0; t < run; t++) d[t * step] = src[t];
      }
    }
  }
}

static void conv2d_grouped(const struct kiln_qs8_layer *l, size_t thread, size_t threads, int8_t *cols) {
  const size_t k = l->c * l->kh * l->kw, plane = l->oh * l->ow, g = group_size(l);
  const size_t groups = (l->batch + g - 1) / g, parts = kiln_qs8_conv_parts(groups, threads, l->m);
  int8_t *tile = cols + KILN_QS8_CONV_CHUNK * k;
  for (size_t u = thread; u < groups * parts; u += threads) {
    const size_t n0 = u / parts * g, ns = n0 + g < l->batch ? g : l->batch - n0, part = u % parts;
    const size_t m0 = l->m * part / parts, m1 = l->m * (part + 1) / parts, j_count = ns * plane;
    int8_t *dst[KILN_QS8_CONV_CHUNK];
    for (size_t s = 0; s < ns; s++) {
      gather(l, l->scratch + (n0 + s) * l->h * l->w * l->c, 0, plane, cols + s * plane * k);
      dst[s] = l->y + ((n0 + s) * l->m + m0) * plane;
    }
    kiln_qs8_gemm(l->path, cols + tile_end(l), m1 - m0, j_count, k, l->weights + m0 * k, k, cols, k, l->channels + m0, l->y_zero,
                  tile, j_count, 1);
    kiln_qs8_tile_scatter(l->path, tile, m1 - m0, j_count, ns, plane, dst, plane, 1);
  }
}

void kiln_qs8_conv2d_task(void *context, size_t thread, size_t threads) {
  const struct kiln_qs8_layer *l = context;
  const size_t k = l->c * l->kh * l->kw, plane = l->oh * l->ow;
  if (group_size(l) > 1) {
    conv2d_grouped(l, thread, threads, l->scratch + kiln_qs8_nhwc_bytes(l) + thread * per_thread(l));
    return;
  }
  const size_t chunks = (plane + KILN_QS8_CONV_CHUNK - 1) / KILN_QS8_CONV_CHUNK;
  int8_t *cols = l->scratch + kiln_qs8_nhwc_bytes(l) + thread * per_thread(l);
  for (size_t u = thread; u < l->batch * chunks; u += threads) {
    const size_t n = u / chunks, p0 = (u % chunks) * KILN_QS8_CONV_CHUNK;
    const size_t p1 = p0 + KILN_QS8_CONV_CHUNK < plane ? p0 + KILN_QS8_CONV_CHUNK : plane;
    gather(l, l->scratch + n * l->h * l->w * l->c, p0, p1, cols);
    kiln_qs8_gemm(l->path, cols + tile_end(l), l->m, p1 - p0, k, l->weights, k, cols, k, l->channels, l->y_zero,
                  l->y + n * l->m * plane + p0, plane, 1);
  }
}

void kiln_qs8_dense_task(void *context, size_t thread, size_t threads) {
  const struct kiln_qs8_layer *l = context;
  // Units: blocks of 16 output features, all samples; y [batch][m].
  const size_t block = 16, units = (l->m + block - 1) / block;
  for (size_t u = thread; u < units; u += threads) {
    const size_t m0 = u * block, m1 = m0 + block < l->m ? m0 + block : l->m;
    kiln_qs8_gemm(l->path, 0, m1 - m0, l->batch, l->c, l->weights + m0 * l->c, l->c, l->x, l->c, l->channels + m0,
                  l->y_zero, l->y + m0, 1, l->m);
  }
}
