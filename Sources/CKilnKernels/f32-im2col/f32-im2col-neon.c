// im2col with AArch64 NEON, column strides 1 and 2 (others as the reference), for the small maps
// of generators and image-to-image models, where the reference's cost is its walk (two library
// calls and a division per tap row), not its copies. Each tap's run of columns is found once per
// call; a grid row is its leading zeros, its run four outputs at a time (stride 2: LD2 splits 8
// pixels into even and odd lanes, used only where those 8 are inside the channels given) and its
// trailing zeros, the last one to three values of each one by one. The same bytes.
#pragma STDC FP_CONTRACT OFF
#include "f32-im2col-runs.h"

#if defined(__aarch64__)
#include <arm_neon.h>

enum { MAX_KW = 16 };  // wider kernels go to the reference

// Clang would turn the loops below back into memset / memcpy calls.
#if defined(__clang__)
#define KILN_INLINE_COPIES __attribute__((no_builtin("memset", "memcpy")))
#else
#define KILN_INLINE_COPIES
#endif

/// out[0 ..< n] = 0.
KILN_INLINE_COPIES static inline void zero(float *restrict out, size_t n) {
  size_t j = 0;
  for (; j + 4 <= n; j += 4) vst1q_f32(out + j, vdupq_n_f32(0.0f));
  if (j < n) out[j] = 0.0f;
  if (j + 1 < n) out[j + 1] = 0.0f;
  if (j + 2 < n) out[j + 2] = 0.0f;
}

/// out[j] = in[j * sw] for j < n (sw 1 or 2); `end`: the first float past the channels given.
KILN_INLINE_COPIES static inline void run(float *restrict out, const float *restrict in, size_t n, size_t sw, const float *end) {
  size_t j = 0;
  if (sw == 1) {
    for (; j + 4 <= n; j += 4) vst1q_f32(out + j, vld1q_f32(in + j));
  } else {
    for (; j + 4 <= n && in + 2 * j + 8 <= end; j += 4) vst1q_f32(out + j, vld2q_f32(in + 2 * j).val[0]);
  }
  for (; j < n; j++) out[j] = in[j * sw];  // at most 4 (LD2 stopped short of the end)
}

KILN_INLINE_COPIES void kiln_f32_im2col_neon(const struct kiln_f32_im2col *g, size_t c0, size_t c1, const float *image, float *cols, size_t row_stride) {
  if (g->sw > 2 || g->kw > MAX_KW) {
    kiln_f32_im2col_ref(g, c0, c1, image, cols, row_stride);
    return;
  }
  size_t lo[MAX_KW], hi[MAX_KW];
  for (size_t kx = 0; kx < g->kw; kx++) kiln_im2col_columns(g, kx, &lo[kx], &hi[kx]);
  const float *end = image + c1 * g->h * g->w;
  for (size_t c = c0; c < c1; c++) {
    const float *plane = image + c * g->h * g->w;
    for (size_t ky = 0; ky < g->kh; ky++) {
      for (size_t kx = 0; kx < g->kw; kx++) {
        float *rows = cols + ((c * g->kh + ky) * g->kw + kx) * row_stride;
        const size_t a = lo[kx], b = hi[kx];
        // image column of the run's first value (0 or more whenever the run is not empty)
        const ptrdiff_t x0 = (ptrdiff_t)(a * g->sw + kx * g->dw) - (ptrdiff_t)g->pad_left;
        for (size_t oy = 0; oy < g->oh; oy++) {
          float *out = rows + oy * g->ow;
          const ptrdiff_t iy = (ptrdiff_t)((g->row0 + oy) * g->sh + ky * g->dh) - (ptrdiff_t)g->pad_top;
          if (iy < 0 || iy >= (ptrdiff_t)g->h || a == b) {
            zero(out, g->ow);
            continue;
          }
          zero(out, a);
          run(out + a, plane + iy * (ptrdiff_t)g->w + x0, b - a, g->sw, end);
          zero(out + b, g->ow - b);
        }
      }
    }
  }
}
#endif
