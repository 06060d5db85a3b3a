// Direct f32 convolution: per output row, one pass over the input row of each tap, adding
// w * x into the whole output row (the compiler vectorizes the stride-1 loop; an AVX2 build of the
// same loop where the CPU has it). Exact order per element: c, ky, kx; multiply, then add.
#pragma STDC FP_CONTRACT OFF
#include "kiln/f32-conv-direct.h"

#include <string.h>

#include "../f32-im2col/f32-im2col-runs.h"
#include "kiln/cpu-features.h"

static inline __attribute__((always_inline)) void conv_rows(const struct kiln_f32_im2col *g, size_t channels_in, size_t channels_out, const float *w, const float *x,
                             float *y, size_t oy0, size_t oy1) {
  const size_t taps = g->kh * g->kw;
  enum { KW_CACHED = 32 };  // the columns of the first kernel columns, found once (they divide)
  size_t lo_of[KW_CACHED], hi_of[KW_CACHED];
  for (size_t kx = 0; kx < g->kw && kx < KW_CACHED; kx++) kiln_im2col_columns(g, kx, &lo_of[kx], &hi_of[kx]);
  for (size_t m = 0; m < channels_out; m++) {
    for (size_t oy = oy0; oy < oy1; oy++) {
      float *restrict out = y + (m * g->oh + oy) * g->ow;
      memset(out, 0, g->ow * sizeof(float));
      for (size_t c = 0; c < channels_in; c++) {
        for (size_t ky = 0; ky < g->kh; ky++) {
          const ptrdiff_t iy = (ptrdiff_t)(oy * g->sh + ky * g->dh) - (ptrdiff_t)g->pad_top;
          if (iy < 0 || iy >= (ptrdiff_t)g->h) continue;
          const float *row = x + (c * g->h + (size_t)iy) * g->w;
          for (size_t kx = 0; kx < g->kw; kx++) {
            size_t lo, hi;
            if (kx < KW_CACHED) {
              lo = lo_of[kx];
              hi = hi_of[kx];
            } else {
              kiln_im2col_columns(g, kx, &lo, &hi);
            }
            const float k = w[(m * channels_in + c) * taps + ky * g->kw + kx];
            const float *restrict in = row + (ptrdiff_t)(kx * g->dw) - (ptrdiff_t)g->pad_left;
            if (g->sw == 1) {
              for (size_t ox = lo; ox < hi; ox++) out[ox] = out[ox] + k * in[ox];
            } else {
              for (size_t ox = lo; ox < hi; ox++) out[ox] = out[ox] + k * in[ox * g->sw];
            }
          }
        }
      }
    }
  }
}

#if defined(__x86_64__)
__attribute__((target("avx2"))) static void conv_rows_avx2(const struct kiln_f32_im2col *g, size_t channels_in, size_t channels_out,
                                                          const float *w, const float *x, float *y, size_t oy0, size_t oy1) {
  conv_rows(g, channels_in, channels_out, w, x, y, oy0, oy1);
}
#endif

void kiln_f32_conv_direct(const struct kiln_f32_im2col *g, size_t channels_in, size_t channels_out, const float *w, const float *x,
                          float *y, size_t oy0, size_t oy1) {
#if defined(__x86_64__)
  if (kiln_cpu_features() & KILN_CPU_AVX2) {
    conv_rows_avx2(g, channels_in, channels_out, w, x, y, oy0, oy1);
    return;
  }
#endif
  conv_rows(g, channels_in, channels_out, w, x, y, oy0, oy1);
}
