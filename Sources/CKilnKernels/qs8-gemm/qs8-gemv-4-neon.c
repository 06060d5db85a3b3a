// int8 matrix-vector kernel for ARMv8.0 NEON (a dense layer at batch 1 on the Pi 4): 4 rows at a
// time against the one column, SMULL + SMLAL2 + SADALP per 16 bytes of k (qs8-mac-neon.h); the
// four rows' vectors are summed across by two rounds of pairwise adds into one vector of 4 sums,
// which is requantized with each row's parameters in its lane (qs8-requant-neon.h).
#pragma STDC FP_CONTRACT OFF
#include "kiln/qs8-gemm.h"

#if defined(__aarch64__)
#include "../qs8-requant/qs8-requant-neon.h"
#include "qs8-mac-neon.h"

void kiln_qs8_gemv_4_neon(size_t m, size_t k, const int8_t *a, size_t lda, const int8_t *b, const struct kiln_qs8_channel *ch,
                          int32_t zero_out, int8_t *c, size_t cs) {
  const size_t k16 = k / 16 * 16;
  const int8x16_t b_tail = k16 < k ? kiln_qs8_tail_y_neon(b, k) : vdupq_n_s8(0);
  const int16x8_t zero = vdupq_n_s16((int16_t)zero_out);
  for (size_t i = 0; i < m; i += 4) {
    const size_t mv = m - i < 4 ? m - i : 4;
    const int8_t *row[4];
    struct kiln_qs8_channel rch[4];
    for (size_t r = 0; r < 4; r++) {
      const size_t rr = i + (r < mv ? r : mv - 1);  // rows past m repeat the last; discarded
      row[r] = a + rr * lda;
      rch[r] = ch[rr];
    }
    int32x4_t acc[4] = {vdupq_n_s32(0), vdupq_n_s32(0), vdupq_n_s32(0), vdupq_n_s32(0)};
    for (size_t p = 0; p < k16; p += 16) {
      const int8x16_t x = vld1q_s8(b + p);
#pragma GCC unroll 4
      for (size_t r = 0; r < 4; r++) acc[r] = kiln_qs8_mac16_neon(acc[r], vld1q_s8(row[r] + p), x);
    }
    if (k16 < k) {
#pragma GCC unroll 4
      for (size_t r = 0; r < 4; r++) acc[r] = kiln_qs8_mac16_neon(acc[r], kiln_qs8_tail_x_neon(row[r], k), b_tail);
    }
    const int32_t bias[4] = {rch[0].bias, rch[1].bias, rch[2].bias, rch[3].bias};
    const int32x4_t sums = vaddq_s32(vpaddq_s32(vpaddq_s32(acc[0], acc[1]), vpaddq_s32(acc[2], acc[3])), vld1q_s32(bias));
    const struct kiln_qs8_requant4_neon p = kiln_qs8_requant4_rows_neon(rch);
    const int32x4_t s = kiln_qs8_scale4_neon(sums, &p);
    int8_t out[8];
    vst1_s8(out, kiln_qs8_narrow8_neon(s, s, zero));
    for (size_t r = 0; r < mv; r++) c[(i + r) * cs] = out[r];
  }
}
#endif
