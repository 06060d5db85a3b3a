// The tanh paths (fastest first); dispatch picks the first the CPU supports.
#pragma STDC FP_CONTRACT OFF
#include "kiln_kernels.h"

void kiln_f32_vtanh_avx512(const float *, float *, size_t);

static const struct kiln_f32_vtanh_kernel kernels[] = {
#if defined(__x86_64__)
    {"avx512", KILN_CPU_AVX512F, kiln_f32_vtanh_avx512},
#endif
    {"scalar", 0, kiln_f32_vtanh_ref},
};
enum { COUNT = sizeof(kernels) / sizeof(kernels[0]) };

size_t kiln_f32_vtanh_kernel_count(void) { return COUNT; }
const struct kiln_f32_vtanh_kernel *kiln_f32_vtanh_kernel_at(size_t i) { return i < COUNT ? &kernels[i] : 0; }

const struct kiln_f32_vtanh_kernel *kiln_f32_vtanh_best(void) {
  uint32_t have = kiln_cpu_features();
  for (size_t i = 0; i < COUNT; i++) {
    if ((kernels[i].required_features & have) == kernels[i].required_features) return &kernels[i];
  }
  return &kernels[COUNT - 1];
}

void kiln_f32_vtanh(const float *x, float *y, size_t n) { kiln_f32_vtanh_best()->fn(x, y, n); }
