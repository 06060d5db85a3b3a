// The f16 -> f32 conversion paths (fastest first); dispatch picks the first the CPU supports.
#pragma STDC FP_CONTRACT OFF
#include "kiln_kernels.h"

void kiln_f16_to_f32_f16c(const uint16_t *, float *, size_t);
void kiln_f16_to_f32_neon(const uint16_t *, float *, size_t);

static const struct kiln_f16_to_f32_kernel kernels[] = {
#if defined(__x86_64__)
    {"f16c", KILN_CPU_F16C, kiln_f16_to_f32_f16c},
#endif
#if defined(__aarch64__)
    {"neon", KILN_CPU_NEON, kiln_f16_to_f32_neon},
#endif
    {"scalar", 0, kiln_f16_to_f32_ref},
};
enum { COUNT = sizeof(kernels) / sizeof(kernels[0]) };

size_t kiln_f16_to_f32_kernel_count(void) { return COUNT; }
const struct kiln_f16_to_f32_kernel *kiln_f16_to_f32_kernel_at(size_t i) { return i < COUNT ? &kernels[i] : 0; }

const struct kiln_f16_to_f32_kernel *kiln_f16_to_f32_best(void) {
  uint32_t have = kiln_cpu_features();
  for (size_t i = 0; i < COUNT; i++) {
    if ((kernels[i].required_features & have) == kernels[i].required_features) return &kernels[i];
  }
  return &kernels[COUNT - 1];  // the scalar reference needs nothing
}

void kiln_f16_to_f32(const uint16_t *src, float *dst, size_t n) { kiln_f16_to_f32_best()->fn(src, dst, n); }
