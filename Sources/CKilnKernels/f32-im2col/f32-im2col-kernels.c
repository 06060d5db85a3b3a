// The im2col paths (fastest first); dispatch picks the first the CPU supports.
#pragma STDC FP_CONTRACT OFF
#include "kiln/f32-im2col.h"

#include "../cpu/kernel-list.h"

static const struct kiln_f32_im2col_kernel kernels[] = {
#if defined(__x86_64__)
    {"avx512", KILN_CPU_AVX512F, kiln_f32_im2col_avx512},
    {"avx2", KILN_CPU_AVX2, kiln_f32_im2col_avx2},
#endif
#if defined(__aarch64__)
    {"neon", KILN_CPU_NEON, kiln_f32_im2col_neon},
#endif
    {"scalar", 0, kiln_f32_im2col_ref},
};
KILN_KERNEL_LIST(kiln_f32_im2col_kernel, struct kiln_f32_im2col_kernel, kernels)

void kiln_f32_im2col(const struct kiln_f32_im2col *g, size_t c0, size_t c1, const float *image, float *cols, size_t row_stride) {
  kiln_f32_im2col_kernel_best()->fn(g, c0, c1, image, cols, row_stride);
}
