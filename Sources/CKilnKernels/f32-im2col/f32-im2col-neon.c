// im2col with AArch64 NEON, column strides 1 and 2 (others as the reference), for the small maps
// of generators and image-to-image models, where the reference's cost is its walk (two library
// calls and a division per tap row), not its copies. Each tap's run of columns is found once per
// call; a grid row is its leading zeros, its run four outputs at a time (stride 2: LD2 splits 8
// pixels into even and odd lanes, used only where those 8 are inside the channels given) and its
// trailing zeros, the last one to three values of each one by one. Rows of at most 8 columns are
// made for all channels before the next row, so that the row's set-up is paid once. The same
// bytes.
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

/// One grid row of tap (ky, kx) in channels c0 ..< c1: columns a ..< b the run from image row iy,
/// starting at image column x0; the other columns zero (all of them when iy is outside the image).
KILN_INLINE_COPIES static inline void grid_row(const struct kiln_f32_im2col *g, size_t c0, size_t c1, const float *image, float *out,
                                               size_t out_stride, ptrdiff_t iy, size_t a, size_t b, ptrdiff_t x0, const float *end) {
  const size_t plane = g->h * g->w;
  if (iy < 0 || iy >= (ptrdiff_t)g->h || a == b) {
    for (size_t c = c0; c < c1; c++) zero(out + c * out_stride, g->ow);
    return;
  }
  const float *in = image + iy * (ptrdiff_t)g->w + x0;
  for (size_t c = c0; c < c1; c++) {
    float *o = out + c * out_stride;
    zero(o, a);
    run(o + a, in + c * plane, b - a, g->sw, end);
    zero(o + b, g->ow - b);
  }
}

/// Every grid row of every tap in channels c0 ..< c1.
KILN_INLINE_COPIES static void channels(const struct kiln_f32_im2col *g, const size_t *lo, const size_t *hi, size_t c0, size_t c1,
                                        const float *image, float *cols, size_t row_stride, const float *end) {
  for (size_t ky = 0; ky < g->kh; ky++) {
    for (size_t kx = 0; kx < g->kw; kx++) {
      float *rows = cols + (ky * g->kw + kx) * row_stride;
      // image column of the run's first value (0 or more whenever the run is not empty)
      const ptrdiff_t x0 = (ptrdiff_t)(lo[kx] * g->sw + kx * g->dw) - (ptrdiff_t)g->pad_left;
      for (size_t oy = 0; oy < g->oh; oy++) {
        const ptrdiff_t iy = (ptrdiff_t)((g->row0 + oy) * g->sh + ky * g->dh) - (ptrdiff_t)g->pad_top;
        grid_row(g, c0, c1, image, rows + oy * g->ow, g->kh * g->kw * row_stride, iy, lo[kx], hi[kx], x0, end);
      }
    }
  }
}

KILN_INLINE_COPIES void kiln_f32_im2col_neon(const struct kiln_f32_im2col *g, size_t c0, size_t c1, const float *image, float *cols,
                                             size_t row_stride) {
  if (g->sw > 2 || g->kw > MAX_KW) {
    kiln_f32_im2col_ref(g, c0, c1, image, cols, row_stride);
    return;
  }
  size_t lo[MAX_KW], hi[MAX_KW];
  for (size_t kx = 0; kx < g->kw; kx++) kiln_im2col_columns(g, kx, &lo[kx], &hi[kx]);
  const float *end = image + c1 * g->h * g->w;
  if (g->ow <= 8) {  // short grid rows: the channels innermost, so each row's set-up serves all of them
    channels(g, lo, hi, c0, c1, image, cols, row_stride, end);
  } else {  // one channel at a time: its rows of cols are written in order
    for (size_t c = c0; c < c1; c++) channels(g, lo, hi, c, c + 1, image, cols, row_stride, end);
  }
}
#endif
