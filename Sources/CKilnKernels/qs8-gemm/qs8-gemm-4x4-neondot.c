// 4x4 int8 micro-kernel for ARMv8.2 NEON with the dot product (Cortex-A76, Pi 5): SDOT sums four
// int8 products into each int32 lane, 16 accumulators. Compiled for +dotprod through a function
// attribute and called only when getauxval reports ASIMDDP.
#pragma STDC FP_CONTRACT OFF
#include "qs8-tile-tail.h"

#if defined(__aarch64__)
#include "qs8-neondot-target.h"
#include <arm_neon.h>

KILN_DOTPROD
void kiln_qs8_tile_4x4_neondot(size_t k, const int8_t *const *a, const int8_t *const *b, int32_t *acc) {
  int32x4_t c[4][4];
  for (int r = 0; r < 4; r++) for (int s = 0; s < 4; s++) c[r][s] = vdupq_n_s32(0);
  size_t p = 0;
  for (; p + 16 <= k; p += 16) {
    const int8x16_t y0 = vld1q_s8(b[0] + p), y1 = vld1q_s8(b[1] + p), y2 = vld1q_s8(b[2] + p), y3 = vld1q_s8(b[3] + p);
    for (int r = 0; r < 4; r++) {
      const int8x16_t x = vld1q_s8(a[r] + p);
      c[r][0] = vdotq_s32(c[r][0], x, y0); c[r][1] = vdotq_s32(c[r][1], x, y1);
      c[r][2] = vdotq_s32(c[r][2], x, y2); c[r][3] = vdotq_s32(c[r][3], x, y3);
    }
  }
  for (int r = 0; r < 4; r++) {
    for (int s = 0; s < 4; s++) acc[r * 4 + s] = vaddvq_s32(c[r][s]);
  }
  kiln_qs8_tile_tail(p, k, 4, 4, a, b, acc);
}
#endif
