// int8 Conv2d: for each unit (sample, chunk of KILN_QS8_CONV_CHUNK output pixels), gather the
// chunk's patches into cols [pixel][kh][kw][c] from the NHWC copy of the input (taps outside the
// input read x_zero, which the zero-point correction in the bias cancels exactly), then one GEMM
// with the weights packed in the same order.
#include "kiln_kernels.h"

#include <string.h>

#include "qs8-conv.h"

#include <assert.h>

static size_t per_thread(const struct kiln_qs8_layer *l) { return KILN_QS8_CONV_CHUNK * l->c * l->kh * l->kw; }

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

void kiln_qs8_conv2d_task(void *context, size_t thread, size_t threads) {
  const struct kiln_qs8_layer *l = context;
  const size_t k = l->c * l->kh * l->kw, plane = l->oh * l->ow;
  const size_t chunks = (plane + KILN_QS8_CONV_CHUNK - 1) / KILN_QS8_CONV_CHUNK;
  int8_t *cols = l->scratch + kiln_qs8_nhwc_bytes(l) + thread * per_thread(l);
  for (size_t u = thread; u < l->batch * chunks; u += threads) {
    const size_t n = u / chunks, p0 = (u % chunks) * KILN_QS8_CONV_CHUNK;
    const size_t p1 = p0 + KILN_QS8_CONV_CHUNK < plane ? p0 + KILN_QS8_CONV_CHUNK : plane;
    gather(l, l->scratch + n * l->h * l->w * l->c, p0, p1, cols);
    kiln_qs8_gemm(l->path, l->m, p1 - p0, k, l->weights, k, cols, k, l->channels, l->y_zero,
                  l->y + n * l->m * plane + p0, plane, 1);
  }
}

void kiln_qs8_dense_task(void *context, size_t thread, size_t threads) {
  const struct kiln_qs8_layer *l = context;
  // Units: blocks of 16 output features, all samples; y [batch][m].
  const size_t block = 16, units = (l->m + block - 1) / block;
  for (size_t u = thread; u < units; u += threads) {
    const size_t m0 = u * block, m1 = m0 + block < l->m ? m0 + block : l->m;
    kiln_qs8_gemm(l->path, m1 - m0, l->batch, l->c, l->weights + m0 * l->c, l->c, l->x, l->c, l->channels + m0,
                  l->y_zero, l->y + m0, 1, l->m);
  }
}
