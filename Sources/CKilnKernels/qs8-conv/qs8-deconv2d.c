// int8 ConvTranspose2d by phase (sub-pixel) decomposition, dilation 1. Output row oy gets taps
// ky = ry, ry + sh, ... with ry = (oy + pad_top) mod sh, from input rows iy = base - t where
// base = (oy + pad_top - ry) / sh and ky = ry + t * sh; likewise for columns. So each of the
// sh * sw phases is a plain correlation with a sub-kernel of ty x tx taps: gather, one GEMM per
// output row of the phase, results written straight into their strided places. No col2im, no
// scatter-add; a unit is (sample, phase, output row). Patches are gathered from the NHWC copy of
// the input as [pixel][a][b][c], matching the phase kernels [m][a][b][c].
#include "kiln_kernels.h"

#include <string.h>

#include "qs8-conv.h"

static size_t taps(size_t r, size_t k, size_t s) { return r < k ? (k - r + s - 1) / s : 0; }

/// Output positions of phase r along one axis: o = first + j * s for j < count.
static size_t phase_first(size_t r, size_t pad, size_t s) { return (r + s - pad % s) % s; }
static size_t phase_count(size_t first, size_t out, size_t s) { return first < out ? (out - first + s - 1) / s : 0; }

static size_t per_thread(const struct kiln_qs8_layer *l) {
  size_t most = 0;
  for (size_t ry = 0; ry < l->sh; ry++) {
    for (size_t rx = 0; rx < l->sw; rx++) {
      const size_t n = phase_count(phase_first(rx, l->pad_left, l->sw), l->ow, l->sw) * l->c * taps(ry, l->kh, l->sh) * taps(rx, l->kw, l->sw);
      if (n > most) most = n;
    }
  }
  return most;
}

size_t kiln_qs8_deconv2d_scratch_bytes(const struct kiln_qs8_layer *l, size_t threads) {
  return kiln_qs8_nhwc_bytes(l) + threads * per_thread(l);
}

void kiln_qs8_deconv2d_task(void *context, size_t thread, size_t threads) {
  const struct kiln_qs8_layer *l = context;
  const size_t phases = l->sh * l->sw, plane = l->oh * l->ow;
  int8_t *cols = l->scratch + kiln_qs8_nhwc_bytes(l) + thread * per_thread(l);
  // Units are (n, phase, row j of the phase); rows per phase are at most ceil(oh / sh).
  const size_t rows = (l->oh + l->sh - 1) / l->sh;
  for (size_t u = thread; u < l->batch * phases * rows; u += threads) {
    const size_t n = u / (phases * rows), ph = u / rows % phases, j = u % rows;
    const size_t ry = ph / l->sw, rx = ph % l->sw;
    const size_t fy = phase_first(ry, l->pad_top, l->sh), fx = phase_first(rx, l->pad_left, l->sw);
    if (j >= phase_count(fy, l->oh, l->sh)) continue;
    const size_t cols_n = phase_count(fx, l->ow, l->sw);
    const size_t ty = taps(ry, l->kh, l->sh), tx = taps(rx, l->kw, l->sw), k = l->c * ty * tx;
    const size_t oy = fy + j * l->sh;
    const ptrdiff_t by = (ptrdiff_t)((oy + l->pad_top - ry) / l->sh);
    const int8_t *xt = l->scratch + n * l->h * l->w * l->c;  // NHWC
    for (size_t i = 0; i < cols_n; i++) {
      const size_t ox = fx + i * l->sw;
      const ptrdiff_t bx = (ptrdiff_t)((ox + l->pad_left - rx) / l->sw);
      int8_t *col = cols + i * k;
      // Tap (a, b) reads the channels of input pixel (by - a, bx - b): one copy of C bytes.
      for (size_t a = 0; a < ty; a++) {
        const ptrdiff_t iy = by - (ptrdiff_t)a;
        for (size_t b = 0; b < tx; b++, col += l->c) {
          const ptrdiff_t ix = bx - (ptrdiff_t)b;
          if (iy >= 0 && iy < (ptrdiff_t)l->h && ix >= 0 && ix < (ptrdiff_t)l->w) {
            memcpy(col, xt + ((size_t)iy * l->w + (size_t)ix) * l->c, l->c);
          } else {
            memset(col, (int8_t)l->x_zero, l->c);
          }
        }
      }
    }
    kiln_qs8_gemm(l->path, l->m, cols_n, k, l->phase_weights[ph], k, cols, k, l->phase_channels[ph], l->y_zero,
                  l->y + n * l->m * plane + oy * l->ow + fx, plane, l->sw);
  }
}
