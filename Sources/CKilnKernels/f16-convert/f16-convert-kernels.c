// The f16 -> f32 conversion paths (fastest first); dispatch picks the first the CPU supports.
#pragma STDC FP_CONTRACT OFF
#include "kiln/f16-convert.h"

#include "../cpu/kernel-list.h"

static const struct kiln_f16_to_f32_kernel kernels[] = {
#if defined(__x86_64__)
    {"f16c", KILN_CPU_F16C, kiln_f16_to_f32_f16c},
#endif
#if defined(__aarch64__)
    {"neon", KILN_CPU_NEON, kiln_f16_to_f32_neon},
#endif
    {"scalar", 0, kiln_f16_to_f32_ref},
};
KILN_KERNEL_LIST(kiln_f16_to_f32_kernel, struct kiln_f16_to_f32_kernel, kernels)

void kiln_f16_to_f32(const uint16_t *src, float *dst, size_t n) { kiln_f16_to_f32_kernel_best()->fn(src, dst, n); }
