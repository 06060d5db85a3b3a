// f32 <-> int8 conversions for AArch64 NEON, 8 per step. FCVTNS rounds half to even, as the
// reference does; NaN is zeroed first, as in the reference.
#pragma STDC FP_CONTRACT OFF
#include "kiln/qs8-vcvt.h"

#if defined(__aarch64__)
#include <arm_neon.h>

static inline int32x4_t round4(const float *x, float32x4_t inv, float32x4_t lo, float32x4_t hi) {
  float32x4_t t = vmulq_f32(vld1q_f32(x), inv);
  t = vreinterpretq_f32_u32(vandq_u32(vreinterpretq_u32_f32(t), vceqq_f32(t, t)));
  t = vminq_f32(vmaxq_f32(t, lo), hi);
  return vcvtnq_s32_f32(t);
}

void kiln_qs8_quantize_neon(size_t n, const float *x, float inv_scale, int32_t zero_point, int8_t *y) {
  const float32x4_t inv = vdupq_n_f32(inv_scale), lo = vdupq_n_f32(-256.0f), hi = vdupq_n_f32(256.0f);
  const int16x8_t zp = vdupq_n_s16((int16_t)zero_point);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const int16x8_t q = vqaddq_s16(vcombine_s16(vqmovn_s32(round4(x + i, inv, lo, hi)), vqmovn_s32(round4(x + i + 4, inv, lo, hi))), zp);
    vst1_s8(y + i, vqmovn_s16(q));
  }
  if (i < n) kiln_qs8_quantize_ref(n - i, x + i, inv_scale, zero_point, y + i);
}

void kiln_qs8_dequantize_neon(size_t n, const int8_t *x, float scale, int32_t zero_point, float *y) {
  const int16x8_t zp = vdupq_n_s16((int16_t)zero_point);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const int16x8_t v = vsubq_s16(vmovl_s8(vld1_s8(x + i)), zp);
    vst1q_f32(y + i, vmulq_n_f32(vcvtq_f32_s32(vmovl_s16(vget_low_s16(v))), scale));
    vst1q_f32(y + i + 4, vmulq_n_f32(vcvtq_f32_s32(vmovl_high_s16(v)), scale));
  }
  if (i < n) kiln_qs8_dequantize_ref(n - i, x + i, scale, zero_point, y + i);
}
#endif
