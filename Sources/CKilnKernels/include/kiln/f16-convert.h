// IEEE binary16 <-> binary32 conversion (fp16 weights are widened to f32 once, at planning).
//
// f16 -> f32 is exact for every input (NaN payloads are kept, quiet bit set as the hardware does).
// f32 -> f16 rounds to nearest, ties to even; overflow gives infinity, NaN stays NaN.
#ifndef KILN_F16_CONVERT_H
#define KILN_F16_CONVERT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Converts n halfs to floats.
typedef void kiln_f16_to_f32_fn(const uint16_t *src, float *dst, size_t n);

/// The scalar reference (bit manipulation).
kiln_f16_to_f32_fn kiln_f16_to_f32_ref;
#if defined(__x86_64__)
kiln_f16_to_f32_fn kiln_f16_to_f32_f16c;  // VCVTPH2PS, 8 at a time
#endif
#if defined(__aarch64__)
kiln_f16_to_f32_fn kiln_f16_to_f32_neon;  // FCVTL, 4 at a time
#endif

/// The same with the fastest path this CPU has; bit-identical to the reference.
void kiln_f16_to_f32(const uint16_t *src, float *dst, size_t n);
/// Converts n floats to halfs (round to nearest even), scalar reference.
void kiln_f32_to_f16_ref(const float *src, uint16_t *dst, size_t n);

/// A f16 -> f32 conversion path: name, required features, function (for the tests).
struct kiln_f16_to_f32_kernel {
  const char *name;
  uint32_t required_features;
  kiln_f16_to_f32_fn *fn;
};
/// Every path compiled into this build, fastest first: entries 0 ..< count.
size_t kiln_f16_to_f32_kernel_count(void);
const struct kiln_f16_to_f32_kernel *kiln_f16_to_f32_kernel_at(size_t index);
/// The path `kiln_f16_to_f32` uses: the first of the list this CPU supports.
const struct kiln_f16_to_f32_kernel *kiln_f16_to_f32_kernel_best(void);

#ifdef __cplusplus
}
#endif
#endif
