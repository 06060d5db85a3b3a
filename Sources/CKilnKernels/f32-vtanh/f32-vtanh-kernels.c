// The tanh paths (fastest first); dispatch picks the first the CPU supports.
#pragma STDC FP_CONTRACT OFF
#include "../cpu/kernel-list.h"

void kiln_f32_vtanh_avx512(const float *, float *, size_t);

static const struct kiln_f32_vtanh_kernel kernels[] = {
#if defined(__x86_64__)
    {"avx512", KILN_CPU_AVX512F, kiln_f32_vtanh_avx512},
#endif
    {"scalar", 0, kiln_f32_vtanh_ref},
};
KILN_KERNEL_LIST(kiln_f32_vtanh, struct kiln_f32_vtanh_kernel)

void kiln_f32_vtanh(const float *x, float *y, size_t n) { kiln_f32_vtanh_best()->fn(x, y, n); }
