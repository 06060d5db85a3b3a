// im2col with AArch64 NEON: runs of column stride 1 and 2 four outputs at a time (stride 2: LD2
// splits 8 pixels into even and odd lanes; it is used only where all 8 lie inside the run's
// pixels, and the last outputs are copied one by one), zeros four at a time; other strides as the
// reference. The same bytes.
#pragma STDC FP_CONTRACT OFF
#include "f32-im2col-runs.h"

#if defined(__aarch64__)
#include <arm_neon.h>

// out[j] = in[j * sw] for j < n (sw 1 or 2): pixels 0 ..< (n - 1) sw + 1 are read.
static void run(float *out, const float *in, size_t n, size_t sw) {
  size_t j = 0;
  if (sw == 1) {
    for (; j + 4 <= n; j += 4) vst1q_f32(out + j, vld1q_f32(in + j));
  } else {
    for (; j + 5 <= n; j += 4) vst1q_f32(out + j, vld2q_f32(in + 2 * j).val[0]);  // reads 2j .. 2j + 7 <= 2 (n - 1)
  }
  for (; j < n; j++) out[j] = in[j * sw];
}

static void zero(float *out, size_t n) {
  size_t j = 0;
  for (; j + 4 <= n; j += 4) vst1q_f32(out + j, vdupq_n_f32(0.0f));
  for (; j < n; j++) out[j] = 0.0f;
}

void kiln_f32_im2col_neon(const struct kiln_f32_im2col *g, size_t c0, size_t c1, const float *image, float *cols, size_t row_stride) {
  if (g->sw > 2) {
    kiln_f32_im2col_ref(g, c0, c1, image, cols, row_stride);
    return;
  }
  kiln_im2col_walk(g, c0, c1, image, cols, row_stride, run, zero);
}
#endif
