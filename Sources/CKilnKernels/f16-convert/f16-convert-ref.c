// Scalar reference conversions between IEEE 754 binary16 and binary32, by bit manipulation.
#pragma STDC FP_CONTRACT OFF
#include "kiln/f16-convert.h"

#include <string.h>

static float from_bits(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
static uint32_t to_bits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }

static float half_to_float(uint16_t h) {
  uint32_t sign = (uint32_t)(h & 0x8000) << 16, exp = (h >> 10) & 0x1F, mant = h & 0x3FF;
  if (exp == 0x1F) return from_bits(sign | 0x7F800000u | (mant << 13) | (mant ? 0x400000u : 0));  // inf, NaN (quieted)
  if (exp != 0) return from_bits(sign | ((exp + 112) << 23) | (mant << 13));                       // normal
  if (mant == 0) return from_bits(sign);                                                             // zero
  // subnormal: mant * 2^-24, exact in binary32
  int shift = 0;
  while (!(mant & 0x400)) { mant <<= 1; shift++; }
  return from_bits(sign | ((uint32_t)(113 - shift) << 23) | ((mant & 0x3FF) << 13));
}

static uint16_t float_to_half(float f) {
  uint32_t u = to_bits(f), sign = (u >> 16) & 0x8000, exp = (u >> 23) & 0xFF, mant = u & 0x7FFFFF;
  if (exp == 0xFF) return (uint16_t)(sign | 0x7C00 | (mant ? 0x200 | (mant >> 13) : 0));  // inf, NaN (quiet)
  int e = (int)exp - 127 + 15;
  if (e >= 0x1F) return (uint16_t)(sign | 0x7C00);  // overflow -> inf
  if (e <= 0) {
    // subnormal half (or zero): value = m * 2^-24 with m = round((1.mant) * 2^(e + 9))
    if (e < -10) return (uint16_t)sign;  // below half the smallest subnormal: rounds to zero
    uint32_t m = mant | 0x800000;        // 24-bit significand
    int shift = 14 - e;                  // bits to drop
    uint32_t half = m >> shift, rest = m & ((1u << shift) - 1), mid = 1u << (shift - 1);
    if (rest > mid || (rest == mid && (half & 1))) half++;
    return (uint16_t)(sign | half);      // a carry into the exponent field is the right result
  }
  uint32_t half = ((uint32_t)e << 10) | (mant >> 13), rest = mant & 0x1FFF;
  if (rest > 0x1000 || (rest == 0x1000 && (half & 1))) half++;  // may carry into exponent / to inf: correct
  return (uint16_t)(sign | half);
}

void kiln_f16_to_f32_ref(const uint16_t *src, float *dst, size_t n) {
  for (size_t i = 0; i < n; i++) dst[i] = half_to_float(src[i]);
}

void kiln_f32_to_f16_ref(const float *src, uint16_t *dst, size_t n) {
  for (size_t i = 0; i < n; i++) dst[i] = float_to_half(src[i]);
}
