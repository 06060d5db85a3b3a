// int8 (qs8) conversions: f32 -> int8 (QuantizeLinear) and int8 -> f32 (DequantizeLinear).
#ifndef KILN_QS8_VCVT_H
#define KILN_QS8_VCVT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// f32 -> int8: y = clamp(zero_point + round_half_even(fl32(x * inv_scale)), -128, 127); NaN -> zero_point.
typedef void kiln_qs8_quantize_fn(size_t n, const float *x, float inv_scale, int32_t zero_point, int8_t *y);
/// int8 -> f32: y = fl32((float)(x - zero_point) * scale).
typedef void kiln_qs8_dequantize_fn(size_t n, const int8_t *x, float scale, int32_t zero_point, float *y);

/// The references.
kiln_qs8_quantize_fn kiln_qs8_quantize_ref;
kiln_qs8_dequantize_fn kiln_qs8_dequantize_ref;
#if defined(__x86_64__)
kiln_qs8_quantize_fn kiln_qs8_quantize_sse41;
kiln_qs8_dequantize_fn kiln_qs8_dequantize_sse41;
#endif
#if defined(__aarch64__)
kiln_qs8_quantize_fn kiln_qs8_quantize_neon;
kiln_qs8_dequantize_fn kiln_qs8_dequantize_neon;
#endif

/// The conversions of one instruction set (a kernel path's, struct kiln_qs8_path).
struct kiln_qs8_vcvt_config {
  kiln_qs8_quantize_fn *quantize;
  kiln_qs8_dequantize_fn *dequantize;
};

#ifdef __cplusplus
}
#endif
#endif
