// Requantization of one output row with NEON, 16 accumulators at a time (the last n mod 16
// through a zero-padded copy): the bias added in int32, then qs8-requant-neon.h. The reference's
// bytes.
#pragma STDC FP_CONTRACT OFF
#include "kiln/qs8-requant.h"

#if defined(__aarch64__)
#include "qs8-requant-neon.h"

void kiln_qs8_requant_neon(size_t n, const int32_t *acc, const struct kiln_qs8_channel *ch, int32_t zero_out, int8_t *c, size_t cs) {
  const struct kiln_qs8_requant4_neon p = kiln_qs8_requant4_row_neon(ch);
  const int32x4_t bias = vdupq_n_s32(ch->bias);
  const int16x8_t zero = vdupq_n_s16((int16_t)zero_out);
  for (size_t j = 0; j < n; j += 16) {
    const size_t count = n - j < 16 ? n - j : 16;
    int32_t last[16] = {0};
    const int32_t *src = acc + j;
    if (count < 16) {
      for (size_t t = 0; t < count; t++) last[t] = src[t];
      src = last;
    }
    int32x4_t s[4];
    for (size_t v = 0; v < 4; v++) s[v] = kiln_qs8_scale4_neon(vaddq_s32(vld1q_s32(src + 4 * v), bias), &p);
    kiln_qs8_store16_neon(vcombine_s8(kiln_qs8_narrow8_neon(s[0], s[1], zero), kiln_qs8_narrow8_neon(s[2], s[3], zero)), count,
                          c + j * cs, cs);
  }
}
#endif
