// The epilogue paths (fastest first); dispatch picks the first the CPU supports.
#pragma STDC FP_CONTRACT OFF
#include "kiln_kernels.h"

void kiln_f32_epilogue_avx512(const struct kiln_f32_epilogue *, size_t, size_t, size_t, float *);

static const struct kiln_f32_epilogue_kernel kernels[] = {
#if defined(__x86_64__)
    {"avx512", KILN_CPU_AVX512F, kiln_f32_epilogue_avx512},
#endif
    {"scalar", 0, kiln_f32_epilogue_ref},
};
enum { COUNT = sizeof(kernels) / sizeof(kernels[0]) };

size_t kiln_f32_epilogue_kernel_count(void) { return COUNT; }
const struct kiln_f32_epilogue_kernel *kiln_f32_epilogue_kernel_at(size_t i) { return i < COUNT ? &kernels[i] : 0; }

const struct kiln_f32_epilogue_kernel *kiln_f32_epilogue_best(void) {
  uint32_t have = kiln_cpu_features();
  for (size_t i = 0; i < COUNT; i++) {
    if ((kernels[i].required_features & have) == kernels[i].required_features) return &kernels[i];
  }
  return &kernels[COUNT - 1];
}

void kiln_f32_epilogue(const struct kiln_f32_epilogue *e, size_t channel, size_t channels, size_t inner, float *x) {
  kiln_f32_epilogue_best()->fn(e, channel, channels, inner, x);
}
