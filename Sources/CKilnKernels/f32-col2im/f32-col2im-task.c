// col2im for a thread pool, with the paths of the rows function (fastest first; the first the CPU
// supports runs) and the fused epilogue per channel plane.
#pragma STDC FP_CONTRACT OFF
#include "kiln/f32-col2im.h"

#include "../cpu/kernel-list.h"

static const struct kiln_f32_col2im_kernel kernels[] = {
#if defined(__x86_64__)
    {"avx512", KILN_CPU_AVX512F, kiln_f32_col2im_rows_avx512, kiln_f32_col2im_rows_avx512_scratch_bytes},
    {"avx2", KILN_CPU_AVX2, kiln_f32_col2im_rows_avx2, kiln_f32_col2im_rows_avx2_scratch_bytes},
#endif
#if defined(__aarch64__)
    {"neon", KILN_CPU_NEON, kiln_f32_col2im_rows_neon, kiln_f32_col2im_rows_neon_scratch_bytes},
#endif
    {"scalar", 0, kiln_f32_col2im_rows_ref, kiln_f32_col2im_rows_ref_scratch_bytes},
};
KILN_KERNEL_LIST(kiln_f32_col2im_kernel, struct kiln_f32_col2im_kernel, kernels)

size_t kiln_f32_col2im_scratch_bytes(const struct kiln_f32_col2im *g) {
  size_t bytes = 0;
  for (size_t i = 0; i < kiln_f32_col2im_kernel_count(); i++) {
    const size_t b = kernels[i].scratch_bytes(g);
    bytes = b > bytes ? b : bytes;
  }
  return bytes;
}

void kiln_f32_col2im_task(void *context, size_t thread, size_t threads) {
  const struct kiln_f32_col2im_job *j = context;
  const size_t lo = j->g.m * thread / threads, hi = j->g.m * (thread + 1) / threads;
  if (lo >= hi) return;
  struct kiln_f32_col2im part = j->g;
  part.m = hi - lo;
  kiln_f32_col2im_kernel_best()->fn(&part, j->cols + lo * j->g.channel_stride, j->bias ? j->bias + lo : NULL,
                                    j->y + lo * j->g.oh * j->g.ow, (char *)j->scratch + thread * j->scratch_stride, j->epilogue, lo);
}
