// 4x2 int8 micro-kernel for ARMv8.0 NEON (Cortex-A72, Pi 4): per 16 bytes of k, SMULL + SMLAL2
// put two products in each int16 lane (|a| <= 127, |b| <= 128: at most 32512, no overflow), and
// SADALP adds the lane pairs into int32 accumulators.
#pragma STDC FP_CONTRACT OFF
#include "qs8-tile-tail.h"

#if defined(__aarch64__)
#include <arm_neon.h>

static inline int32x4_t mac16(int32x4_t acc, int8x16_t x, int8x16_t y) {
  int16x8_t p = vmull_s8(vget_low_s8(x), vget_low_s8(y));
  p = vmlal_high_s8(p, x, y);
  return vpadalq_s16(acc, p);
}

void kiln_qs8_tile_4x2_neon(size_t k, const int8_t *const *a, const int8_t *const *b, int32_t *acc) {
  int32x4_t c00 = vdupq_n_s32(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  size_t p = 0;
  for (; p + 16 <= k; p += 16) {
    const int8x16_t y0 = vld1q_s8(b[0] + p), y1 = vld1q_s8(b[1] + p);
    int8x16_t x = vld1q_s8(a[0] + p);
    c00 = mac16(c00, x, y0); c01 = mac16(c01, x, y1);
    x = vld1q_s8(a[1] + p);
    c10 = mac16(c10, x, y0); c11 = mac16(c11, x, y1);
    x = vld1q_s8(a[2] + p);
    c20 = mac16(c20, x, y0); c21 = mac16(c21, x, y1);
    x = vld1q_s8(a[3] + p);
    c30 = mac16(c30, x, y0); c31 = mac16(c31, x, y1);
  }
  acc[0] = vaddvq_s32(c00); acc[1] = vaddvq_s32(c01); acc[2] = vaddvq_s32(c10); acc[3] = vaddvq_s32(c11);
  acc[4] = vaddvq_s32(c20); acc[5] = vaddvq_s32(c21); acc[6] = vaddvq_s32(c30); acc[7] = vaddvq_s32(c31);
  kiln_qs8_tile_tail(p, k, 4, 2, a, b, acc);
}
#endif
