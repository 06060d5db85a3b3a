// f32 tanh. The definition is (float)tanh((double)x) with the C library's tanh; every path gives
// its bytes.
#ifndef KILN_F32_VTANH_H
#define KILN_F32_VTANH_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// tanh of n floats (x and y may be the same array).
typedef void kiln_f32_vtanh_fn(const float *x, float *y, size_t n);

/// The definition, value by value.
kiln_f32_vtanh_fn kiln_f32_vtanh_ref;
#if defined(__x86_64__)
kiln_f32_vtanh_fn kiln_f32_vtanh_avx512;    // 8 lanes at a time in double
kiln_f32_vtanh_fn kiln_f32_vtanh_avx2_fma;  // 4 lanes at a time in double
#endif
#if defined(__aarch64__)
kiln_f32_vtanh_fn kiln_f32_vtanh_neon;  // 4 lanes at a time, as two halves in double
#endif

/// The same with the fastest path this CPU has; bit-identical to the reference.
void kiln_f32_vtanh(const float *x, float *y, size_t n);

/// A tanh path: name, required features, function (for the tests).
struct kiln_f32_vtanh_kernel {
  const char *name;
  uint32_t required_features;
  kiln_f32_vtanh_fn *fn;
};
/// Every path compiled into this build, fastest first: entries 0 ..< count.
size_t kiln_f32_vtanh_kernel_count(void);
const struct kiln_f32_vtanh_kernel *kiln_f32_vtanh_kernel_at(size_t index);
/// The path `kiln_f32_vtanh` uses: the first of the list this CPU supports.
const struct kiln_f32_vtanh_kernel *kiln_f32_vtanh_kernel_best(void);

#ifdef __cplusplus
}
#endif
#endif
