// f16 -> f32 with AArch64 NEON (FCVTL, 4 at a time). Exact, like the reference.
#pragma STDC FP_CONTRACT OFF
#include "kiln/f16-convert.h"

#if defined(__aarch64__)
#include <arm_neon.h>

void kiln_f16_to_f32_neon(const uint16_t *src, float *dst, size_t n) {
  size_t i = 0;
  for (; i + 4 <= n; i += 4) vst1q_f32(dst + i, vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16(src + i))));
  if (i < n) kiln_f16_to_f32_ref(src + i, dst + i, n - i);
}
#endif
