// tanh of floats, 4 at a time in double precision with AArch64 NEON (two 2-lane halves): the
// scheme of f32-vtanh-avx512.c (the same polynomials, the same rounding test, the same lanes sent
// to the reference), so the same bytes as (float)tanh((double)x) for every input. FMLA / FMLS are
// fused like FMA3's; e^r * 2^k multiplies by 2^k built from its exponent bits (k <= 58, exact).
#pragma STDC FP_CONTRACT OFF
#include "kiln/f32-vtanh.h"

#if defined(__aarch64__)
#include <arm_neon.h>
#include <math.h>
#include <stdint.h>

#include "f32-vtanh-poly.h"

static float64x2_t tanh_abs(float64x2_t a) {
  a = vminq_f64(a, vdupq_n_f64(20.0));  // a NaN stays NaN; its lane goes to the reference
  // small: a + a s Q(s)
  const float64x2_t s = vmulq_f64(a, a);
  float64x2_t q = vdupq_n_f64(small_q[9]);
  for (int j = 8; j >= 0; j--) q = vfmaq_f64(vdupq_n_f64(small_q[j]), q, s);
  const float64x2_t small = vfmaq_f64(a, vmulq_f64(a, s), q);
  // large: 1 - 2 / (e^(2a) + 1)
  const float64x2_t y = vaddq_f64(a, a);
  const float64x2_t k = vrndnq_f64(vmulq_f64(y, vdupq_n_f64(1.4426950408889634)));
  float64x2_t r = vfmsq_f64(y, k, vdupq_n_f64(0x1.62e42fefa3800p-1));  // ln 2 high part: k * it is exact
  r = vfmsq_f64(r, k, vdupq_n_f64(0x1.ef35793c76730p-45));            // ln 2 low part
  float64x2_t p = vdupq_n_f64(1.0 / 479001600.0);                      // 1/12!
  for (int j = 11; j >= 0; j--) p = vfmaq_f64(vdupq_n_f64(inverse_factorials[j]), p, r);
  const int64x2_t exponent = vshlq_n_s64(vaddq_s64(vcvtq_s64_f64(k), vdupq_n_s64(1023)), 52);
  const float64x2_t e = vmulq_f64(p, vreinterpretq_f64_s64(exponent));
  const float64x2_t large = vsubq_f64(vdupq_n_f64(1.0), vdivq_f64(vdupq_n_f64(2.0), vaddq_f64(e, vdupq_n_f64(1.0))));
  return vbslq_f64(vcltq_f64(a, vdupq_n_f64(0.625)), small, large);
}

/// tanh |x| of two lanes, and all-ones in the lanes the reference must make: t within MARGIN ulp
/// of a point halfway between floats, NaN, or 0 < |x| < 2^-100.
static float64x2_t tanh_lanes(float64x2_t xd, uint64x2_t *slow) {
  const float64x2_t a = vabsq_f64(xd);
  const float64x2_t t = tanh_abs(a);
  const int64x2_t low = vandq_s64(vreinterpretq_s64_f64(t), vdupq_n_s64((1 << 29) - 1));
  const int64x2_t off = vabsq_s64(vsubq_s64(low, vdupq_n_s64(1 << 28)));
  uint64x2_t s = vcleq_s64(off, vdupq_n_s64(MARGIN));
  s = vorrq_u64(s, vreinterpretq_u64_u32(vmvnq_u32(vreinterpretq_u32_u64(vceqq_f64(xd, xd)))));  // NaN
  s = vorrq_u64(s, vandq_u64(vcltq_f64(a, vdupq_n_f64(0x1p-100)), vcgtq_f64(a, vdupq_n_f64(0.0))));
  *slow = s;
  return t;
}

void kiln_f32_vtanh_neon(const float *x, float *y, size_t n) {
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const float32x4_t xf = vld1q_f32(x + i);
    uint64x2_t slow_lo, slow_hi;
    const float64x2_t lo = tanh_lanes(vcvt_f64_f32(vget_low_f32(xf)), &slow_lo);
    const float64x2_t hi = tanh_lanes(vcvt_high_f64_f32(xf), &slow_hi);
    const uint32x4_t sign = vandq_u32(vreinterpretq_u32_f32(xf), vdupq_n_u32(0x80000000u));
    const float32x4_t t = vcvt_high_f32_f64(vcvt_f32_f64(lo), hi);
    vst1q_f32(y + i, vreinterpretq_f32_u32(vorrq_u32(vreinterpretq_u32_f32(t), sign)));
    const uint32x4_t slow = vcombine_u32(vmovn_u64(slow_lo), vmovn_u64(slow_hi));
    if (vmaxvq_u32(slow)) {  // from the loaded copy: y may be x, already overwritten
      float in[4];
      uint32_t lanes[4];
      vst1q_f32(in, xf);
      vst1q_u32(lanes, slow);
      for (int lane = 0; lane < 4; lane++) {
        if (lanes[lane]) y[i + (size_t)lane] = (float)tanh((double)in[lane]);
      }
    }
  }
  kiln_f32_vtanh_ref(x + i, y + i, n - i);
}
#endif
