// The tanh paths (fastest first); dispatch picks the first the CPU supports.
#pragma STDC FP_CONTRACT OFF
#include "kiln/f32-vtanh.h"

#include "../cpu/kernel-list.h"

static const struct kiln_f32_vtanh_kernel kernels[] = {
#if defined(__x86_64__)
    {"avx512", KILN_CPU_AVX512F, kiln_f32_vtanh_avx512},
    {"avx2-fma", KILN_CPU_AVX2 | KILN_CPU_FMA, kiln_f32_vtanh_avx2_fma},
#endif
#if defined(__aarch64__)
    {"neon", KILN_CPU_NEON, kiln_f32_vtanh_neon},
#endif
    {"scalar", 0, kiln_f32_vtanh_ref},
};
KILN_KERNEL_LIST(kiln_f32_vtanh_kernel, struct kiln_f32_vtanh_kernel, kernels)

void kiln_f32_vtanh(const float *x, float *y, size_t n) { kiln_f32_vtanh_kernel_best()->fn(x, y, n); }
