// f32 <-> int8 conversions, scalar references. Quantize: t = fl32(x * inv_scale) (one IEEE
// multiply, round to nearest even), NaN -> 0, clamp t to [-256, 256], round half to even (the
// 1.5 * 2^23 trick, exact for |t| < 2^22 in the default rounding mode), add the zero point, clamp
// to [-128, 127]. No libm.
#pragma STDC FP_CONTRACT OFF
#include "kiln/qs8-vcvt.h"

void kiln_qs8_quantize_ref(size_t n, const float *x, float inv_scale, int32_t zero_point, int8_t *y) {
  const float magic = 12582912.0f;  // 1.5 * 2^23
  for (size_t i = 0; i < n; i++) {
    float t = x[i] * inv_scale;
    if (t != t) t = 0;
    t = t < -256.0f ? -256.0f : t > 256.0f ? 256.0f : t;
    const int32_t q = (int32_t)((t + magic) - magic) + zero_point;
    y[i] = (int8_t)(q < -128 ? -128 : q > 127 ? 127 : q);
  }
}

void kiln_qs8_dequantize_ref(size_t n, const int8_t *x, float scale, int32_t zero_point, float *y) {
  for (size_t i = 0; i < n; i++) y[i] = (float)((int32_t)x[i] - zero_point) * scale;
}
