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

// The last k mod 16 bytes of two k-byte operands x (at px) and y (at py) as one more 16-byte step:
// for k >= 16 the vectors that end at k, y's lanes of bytes already summed set to 0, so each
// product still counts once and nothing is read past k or copied through memory (a memcpy call
// in a kernel makes the compiler keep its sums on the stack); for k < 16 zero-padded copies.

/// x's last step (k mod 16 != 0).
static inline int8x16_t kiln_qs8_tail_x_neon(const int8_t *px, size_t k) {
  return k >= 16 ? vld1q_s8(px + k - 16) : kiln_qs8_load_tail_neon(px, k);
}

/// y's last step (k mod 16 != 0), the bytes before the last k mod 16 zeroed.
static inline int8x16_t kiln_qs8_tail_y_neon(const int8_t *py, size_t k) {
  static const int8_t last[32] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1};
  return k >= 16 ? vandq_s8(vld1q_s8(py + k - 16), vld1q_s8(last + k % 16)) : kiln_qs8_load_tail_neon(py, k);
}
#endif
#endif
