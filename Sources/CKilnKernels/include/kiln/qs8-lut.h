// int8 (qs8) 256-entry table lookup: Tanh, Sigmoid and other element-wise ops of an int8 model,
// their tables computed at quantization time and stored in the file.
#ifndef KILN_QS8_LUT_H
#define KILN_QS8_LUT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Table lookup: y = table[x + 128].
typedef void kiln_qs8_lut_fn(size_t n, const int8_t *x, const int8_t *table, int8_t *y);

/// The reference.
kiln_qs8_lut_fn kiln_qs8_lut_ref;
#if defined(__x86_64__)
kiln_qs8_lut_fn kiln_qs8_lut_avx512;  // VPERMI2B where the CPU has AVX-512 VBMI, else the reference
#endif
#if defined(__aarch64__)
kiln_qs8_lut_fn kiln_qs8_lut_neon;
#endif

#ifdef __cplusplus
}
#endif
#endif
