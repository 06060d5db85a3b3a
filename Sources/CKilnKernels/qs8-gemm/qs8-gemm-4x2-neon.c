// 4x2 int8 micro-kernel for ARMv8.0 NEON (Cortex-A72, Pi 4): per 16 bytes of k, SMULL + SMLAL2 +
// SADALP (qs8-mac-neon.h) into one int32 vector per output, summed across at the end.
#pragma STDC FP_CONTRACT OFF
#include "qs8-tile-tail.h"

#if defined(__aarch64__)
#include "qs8-mac-neon.h"

void kiln_qs8_tile_4x2_neon(size_t k, const int8_t *const *a, const int8_t *const *b, int32_t *acc) {
  int32x4_t c00 = vdupq_n_s32(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  size_t p = 0;
  for (; p + 16 <= k; p += 16) {
    const int8x16_t y0 = vld1q_s8(b[0] + p), y1 = vld1q_s8(b[1] + p);
    int8x16_t x = vld1q_s8(a[0] + p);
    c00 = kiln_qs8_mac16_neon(c00, x, y0); c01 = kiln_qs8_mac16_neon(c01, x, y1);
    x = vld1q_s8(a[1] + p);
    c10 = kiln_qs8_mac16_neon(c10, x, y0); c11 = kiln_qs8_mac16_neon(c11, x, y1);
    x = vld1q_s8(a[2] + p);
    c20 = kiln_qs8_mac16_neon(c20, x, y0); c21 = kiln_qs8_mac16_neon(c21, x, y1);
    x = vld1q_s8(a[3] + p);
    c30 = kiln_qs8_mac16_neon(c30, x, y0); c31 = kiln_qs8_mac16_neon(c31, x, y1);
  }
  acc[0] = vaddvq_s32(c00); acc[1] = vaddvq_s32(c01); acc[2] = vaddvq_s32(c10); acc[3] = vaddvq_s32(c11);
  acc[4] = vaddvq_s32(c20); acc[5] = vaddvq_s32(c21); acc[6] = vaddvq_s32(c30); acc[7] = vaddvq_s32(c31);
  kiln_qs8_tile_tail(p, k, 4, 2, a, b, acc);
}
#endif
