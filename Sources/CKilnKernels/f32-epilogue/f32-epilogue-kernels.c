// The epilogue paths (fastest first); dispatch picks the first the CPU supports.
#pragma STDC FP_CONTRACT OFF
#include "kiln/f32-epilogue.h"

#include "../cpu/kernel-list.h"

static const struct kiln_f32_epilogue_kernel kernels[] = {
#if defined(__x86_64__)
    {"avx512", KILN_CPU_AVX512F, kiln_f32_epilogue_avx512},
    {"avx2", KILN_CPU_AVX2, kiln_f32_epilogue_avx2},
#endif
    {"scalar", 0, kiln_f32_epilogue_ref},
};
KILN_KERNEL_LIST(kiln_f32_epilogue_kernel, struct kiln_f32_epilogue_kernel, kernels)

void kiln_f32_epilogue(const struct kiln_f32_epilogue *e, size_t channel, size_t channels, size_t inner, float *x) {
  kiln_f32_epilogue_kernel_best()->fn(e, channel, channels, inner, x);
}
