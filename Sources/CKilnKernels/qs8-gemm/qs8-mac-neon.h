// The ARMv8.0 NEON int8 multiply-accumulate shared by the neon kernels: 16 products of x and y,
// two per int16 lane (SMULL, SMLAL2; |x| <= 127, |y| <= 128: at most 32,512, no overflow), the
// lane pairs added into the four int32 lanes of acc (SADALP).
#ifndef KILN_QS8_MAC_NEON_H
#define KILN_QS8_MAC_NEON_H
#if defined(__aarch64__)
#include <arm_neon.h>
#include <string.h>

static inline int32x4_t kiln_qs8_mac16_neon(int32x4_t acc, int8x16_t x, int8x16_t y) {
  int16x8_t p = vmull_s8(vget_low_s8(x), vget_low_s8(y));
  p = vmlal_high_s8(p, x, y);
  return vpadalq_s16(acc, p);
}

/// The n < 16 bytes at p, zero-padded to a vector.
static inline int8x16_t kiln_qs8_load_tail_neon(const int8_t *p, size_t n) {
  int8_t tail[16] = {0};
  memcpy(tail, p, n);
  return vld1q_s8(tail);
}
#endif
#endif
