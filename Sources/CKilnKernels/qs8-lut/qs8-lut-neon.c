// 256-entry int8 table lookup for AArch64 NEON, 16 per step: the table is four 64-byte TBL
// registers groups; each index (x + 128) is looked up in all four with TBL (out of range gives 0)
// after subtracting 0, 64, 128, 192, and the four results are OR-ed.
#pragma STDC FP_CONTRACT OFF
#include "kiln/qs8-lut.h"

#if defined(__aarch64__)
#include <arm_neon.h>

void kiln_qs8_lut_neon(size_t n, const int8_t *x, const int8_t *table, int8_t *y) {
  const uint8_t *t = (const uint8_t *)table;
  const uint8x16x4_t t0 = vld1q_u8_x4(t), t1 = vld1q_u8_x4(t + 64), t2 = vld1q_u8_x4(t + 128), t3 = vld1q_u8_x4(t + 192);
  const uint8x16_t k64 = vdupq_n_u8(64), bias = vdupq_n_u8(128);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    uint8x16_t idx = vaddq_u8(vreinterpretq_u8_s8(vld1q_s8(x + i)), bias);
    uint8x16_t r = vqtbl4q_u8(t0, idx);
    idx = vsubq_u8(idx, k64); r = vorrq_u8(r, vqtbl4q_u8(t1, idx));
    idx = vsubq_u8(idx, k64); r = vorrq_u8(r, vqtbl4q_u8(t2, idx));
    idx = vsubq_u8(idx, k64); r = vorrq_u8(r, vqtbl4q_u8(t3, idx));
    vst1q_s8(y + i, vreinterpretq_s8_u8(r));
  }
  if (i < n) kiln_qs8_lut_ref(n - i, x + i, table, y + i);
}
#endif
