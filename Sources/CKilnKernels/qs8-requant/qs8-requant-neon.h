// The arithmetic of kiln_qs8_requantize in AArch64 NEON, four int32 sums (bias included) at a
// time, each lane with its own multipliers and shift: SMULL to 64 bits, SRSHL by -shift (a
// rounding shift right: (x + 2^(shift-1)) >> shift, floor, with no intermediate overflow, the
// spec's formula exactly), then saturating narrows. Saturating to int32 and int16 before adding
// the zero point (in [-128, 127]) and clamping to int8 keeps every out-of-range value out of range
// on the same side, so the bytes are the reference's.
#ifndef KILN_QS8_REQUANT_NEON_H
#define KILN_QS8_REQUANT_NEON_H
#if defined(__aarch64__)
#include <arm_neon.h>

#include "kiln/qs8-requant.h"

/// Per-lane requantization parameters of four outputs.
struct kiln_qs8_requant4_neon {
  int32x4_t mp, mn;          // multipliers for sums >= 0 and < 0
  int64x2_t shift_lo, shift_hi;  // -shift of lanes 0-1 and 2-3, as SRSHL takes it
};

/// Parameters with one channel in every lane (the outputs of one row).
static inline struct kiln_qs8_requant4_neon kiln_qs8_requant4_row_neon(const struct kiln_qs8_channel *ch) {
  const int64x2_t shift = vdupq_n_s64(-(int64_t)ch->shift);
  return (struct kiln_qs8_requant4_neon){vdupq_n_s32(ch->multiplier_pos), vdupq_n_s32(ch->multiplier_neg), shift, shift};
}

/// Parameters of four consecutive channels ch[0..3] in lanes 0-3 (four rows of one column).
static inline struct kiln_qs8_requant4_neon kiln_qs8_requant4_rows_neon(const struct kiln_qs8_channel *ch) {
  const int32_t mp[4] = {ch[0].multiplier_pos, ch[1].multiplier_pos, ch[2].multiplier_pos, ch[3].multiplier_pos};
  const int32_t mn[4] = {ch[0].multiplier_neg, ch[1].multiplier_neg, ch[2].multiplier_neg, ch[3].multiplier_neg};
  const int64_t lo[2] = {-(int64_t)ch[0].shift, -(int64_t)ch[1].shift}, hi[2] = {-(int64_t)ch[2].shift, -(int64_t)ch[3].shift};
  return (struct kiln_qs8_requant4_neon){vld1q_s32(mp), vld1q_s32(mn), vld1q_s64(lo), vld1q_s64(hi)};
}

/// (a * M + 2^(shift-1)) >> shift per lane, saturated to int32 (M by the sign of a).
static inline int32x4_t kiln_qs8_scale4_neon(int32x4_t a, const struct kiln_qs8_requant4_neon *p) {
  const int32x4_t m = vbslq_s32(vcltzq_s32(a), p->mn, p->mp);
  const int64x2_t lo = vrshlq_s64(vmull_s32(vget_low_s32(a), vget_low_s32(m)), p->shift_lo);
  const int64x2_t hi = vrshlq_s64(vmull_high_s32(a, m), p->shift_hi);
  return vcombine_s32(vqmovn_s64(lo), vqmovn_s64(hi));
}

/// Eight scaled values (lanes 0-3 of s0, then of s1) plus the zero point, clamped to int8.
static inline int8x8_t kiln_qs8_narrow8_neon(int32x4_t s0, int32x4_t s1, int16x8_t zero) {
  return vqmovn_s16(vqaddq_s16(vcombine_s16(vqmovn_s32(s0), vqmovn_s32(s1)), zero));
}

/// Stores n <= 16 bytes to c[t * cs], t < n.
static inline void kiln_qs8_store16_neon(int8x16_t bytes, size_t n, int8_t *c, size_t cs) {
  if (cs == 1 && n == 16) {
    vst1q_s8(c, bytes);
  } else {
    int8_t tmp[16];
    vst1q_s8(tmp, bytes);
    for (size_t t = 0; t < n; t++) c[t * cs] = tmp[t];
  }
}
#endif
#endif
