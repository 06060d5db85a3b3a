// The stride-1 direct convolution's driver: weight packing, the padded copy of the input (rows of
// every channel side by side, so a tile's taps read one stream per kernel row), and the loop over
// tiles: per output row and column tile, every channel group, so the tile's input stays in L1
// while the weights stream through in order.
#pragma STDC FP_CONTRACT OFF
#include "kiln/f32-conv-s1.h"

#include <assert.h>
#include <string.h>

#include "../cpu/kernel-list.h"
#include "kiln/f32-gemm.h"
#include "f32-conv-s1-plane.h"

// Fastest first; every entry but the last rounds alike (one fused multiply-add per tap), so the
// choice between them never changes a result. 6x16 and 4x16 ran within 3% of each other per
// computed channel (3x3 and 7x7 layers of 3-224 channels, 32x32 to 128x128, Zen 3), so the one that
// pads fewer output channels runs.
static const struct kiln_f32_conv_s1_ukernel ukernels[] = {
#if defined(__x86_64__)
    {.name = "6x16-avx2-fma", .required_features = KILN_CPU_AVX2 | KILN_CPU_FMA, .mr = 6, .nr = 16,
     .fn = kiln_f32_conv_s1_ukernel_6x16_avx2_fma},
    {.name = "4x16-avx2-fma", .required_features = KILN_CPU_AVX2 | KILN_CPU_FMA, .mr = 4, .nr = 16,
     .fn = kiln_f32_conv_s1_ukernel_4x16_avx2_fma},
#endif
    {.name = "4x8-c", .mr = 4, .nr = 8, .fn = kiln_f32_conv_s1_ukernel_4x8_c},
};
KILN_KERNEL_LIST(kiln_f32_conv_s1_ukernel, struct kiln_f32_conv_s1_ukernel, ukernels)

const struct kiln_f32_conv_s1_ukernel *kiln_f32_conv_s1_ukernel_for(size_t channels_out) {
  const uint32_t gemm = kiln_f32_gemm_ukernel_best()->required_features, have = kiln_cpu_features();
  const struct kiln_f32_conv_s1_ukernel *best = NULL;
  size_t best_rows = SIZE_MAX;
  for (size_t i = 0; i < kiln_f32_conv_s1_ukernel_count(); i++) {
    const struct kiln_f32_conv_s1_ukernel *uk = &ukernels[i];
    if (uk->required_features == 0 || uk->required_features != gemm || (uk->required_features & have) != uk->required_features) continue;
    const size_t rows = (channels_out + uk->mr - 1) / uk->mr * uk->mr;  // computed output channels
    if (rows < best_rows) best = uk, best_rows = rows;
  }
  return best;
}

static size_t min_size(size_t a, size_t b) { return a < b ? a : b; }

size_t kiln_f32_conv_s1_packed_size(const struct kiln_f32_conv_s1 *g, size_t mr) {
  return (g->channels_out + mr - 1) / mr * mr * g->channels_in * g->kh * g->kw;
}

void kiln_f32_conv_s1_pack(const struct kiln_f32_conv_s1 *g, size_t mr, const float *w, float *wp) {
  const size_t taps = g->kh * g->kw, k = g->channels_in * taps;  // w: (c, ky, kx)
  for (size_t m0 = 0; m0 < g->channels_out; m0 += mr) {
    for (size_t ky = 0; ky < g->kh; ky++) {
      for (size_t c = 0; c < g->channels_in; c++) {
        for (size_t kx = 0; kx < g->kw; kx++) {
          for (size_t r = 0; r < mr; r++) *wp++ = m0 + r < g->channels_out ? w[(m0 + r) * k + c * taps + ky * g->kw + kx] : 0.0f;
        }
      }
    }
  }
}

size_t kiln_f32_conv_s1_padded_size(const struct kiln_f32_conv_s1 *g, size_t nr) {
  return g->channels_in * kiln_f32_conv_s1_ph(g) * kiln_f32_conv_s1_pw(g) + nr;
}

// Rows are short (the output width plus the kernel's reach): plain loops, which clang vectorizes
// inline, beat a memcpy and two memset calls per row (other compilers may call them).
#if defined(__clang__)
#define INLINE_COPIES __attribute__((no_builtin("memcpy", "memset")))
#else
#define INLINE_COPIES
#endif
INLINE_COPIES void kiln_f32_conv_s1_pad(const struct kiln_f32_conv_s1 *g, size_t nr, size_t c0,
                                                                           size_t c1, const float *x, float *xp) {
  assert(g->up_h >= 1 && g->up_w >= 1 && g->h % g->up_h == 0 && g->w % g->up_w == 0);
  const size_t ph = kiln_f32_conv_s1_ph(g), pw = kiln_f32_conv_s1_pw(g);
  const size_t lo = min_size(g->pad_left, pw), hi = min_size(g->pad_left + g->w, pw);  // input columns
  for (size_t c = c0; c < c1; c++) {
    for (size_t py = 0; py < ph; py++) {
      float *restrict row = xp + (py * g->channels_in + c) * pw;
      const size_t iy = py - g->pad_top;  // wraps above the input
      if (py < g->pad_top || iy >= g->h) {
        for (size_t j = 0; j < pw; j++) row[j] = 0.0f;
        continue;
      }
      const size_t sw = g->up_w, w = g->w / sw;  // source columns
      const float *restrict in = x + ((c - c0) * (g->h / g->up_h) + iy / g->up_h) * w;
      for (size_t j = 0; j < lo; j++) row[j] = 0.0f;
      if (sw == 1) {
        for (size_t j = lo; j < hi; j++) row[j] = in[j - lo];
      } else {
        for (size_t j = lo, source = 0; j < hi; source++) {
          for (size_t k = 0; k < sw && j < hi; k++) row[j++] = in[source];
        }
      }
      for (size_t j = hi; j < pw; j++) row[j] = 0.0f;
    }
  }
  if (c1 == g->channels_in) {
    for (size_t j = 0; j < nr; j++) xp[g->channels_in * ph * pw + j] = 0.0f;
  }
}

void kiln_f32_conv_s1_rows(const struct kiln_f32_conv_s1_ukernel *uk, const struct kiln_f32_conv_s1 *g, const float *wp,
                           const float *xp, float *y, size_t oy0, size_t oy1, const struct kiln_f32_epilogue *e) {
  assert(uk != NULL && g->kh > 0 && g->kw > 0 && g->dh > 0 && g->dw > 0 && oy1 <= g->oh);
  const size_t mr = uk->mr, nr = uk->nr, pw = kiln_f32_conv_s1_pw(g), plane = g->oh * g->ow;
  const size_t group = mr * g->channels_in * g->kh * g->kw;  // packed floats per channel group
  const int in_tiles = e && !e->norm && e->activation != KILN_F32_TANH;
  for (size_t oy = oy0; oy < oy1; oy++) {
    for (size_t ox = 0; ox < g->ow; ox += nr) {
      const float *x = xp + oy * g->channels_in * pw + ox;
      for (size_t m0 = 0; m0 < g->channels_out; m0 += mr) {
        uk->fn(g, wp + m0 / mr * group, x, y + m0 * plane + oy * g->ow + ox, plane, min_size(mr, g->channels_out - m0),
               min_size(nr, g->ow - ox), in_tiles ? e : NULL, m0);
      }
    }
    if (e && !in_tiles) {
      for (size_t m = 0; m < g->channels_out; m++) kiln_f32_epilogue(e, m, 1, g->ow, y + m * plane + oy * g->ow);
    }
  }
}
