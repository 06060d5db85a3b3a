// col2im for a thread pool, with the paths of the rows function (fastest first; the first the CPU
// supports runs) and the fused epilogue per channel plane.
#pragma STDC FP_CONTRACT OFF
#include "../cpu/kernel-list.h"

void kiln_f32_col2im_rows_avx512(const struct kiln_f32_col2im *, const float *, const float *, float *, void *);

static const struct kiln_f32_col2im_kernel kernels[] = {
#if defined(__x86_64__)
    {"avx512", KILN_CPU_AVX512F, kiln_f32_col2im_rows_avx512},
#endif
    {"scalar", 0, kiln_f32_col2im_rows},
};
KILN_KERNEL_LIST(kiln_f32_col2im, struct kiln_f32_col2im_kernel)

void kiln_f32_col2im_task(void *context, size_t thread, size_t threads) {
  const struct kiln_f32_col2im_job *j = context;
  const size_t lo = j->g.m * thread / threads, hi = j->g.m * (thread + 1) / threads;
  if (lo >= hi) return;
  void (*rows)(const struct kiln_f32_col2im *, const float *, const float *, float *, void *) = kiln_f32_col2im_best()->fn;
  struct kiln_f32_col2im part = j->g;
  const size_t taps = j->g.channel_stride, plane = j->g.oh * j->g.ow;
  void *scratch = (char *)j->scratch + thread * j->scratch_stride;
  if (!j->epilogue) {
    part.m = hi - lo;
    rows(&part, j->cols + lo * taps, j->bias ? j->bias + lo : NULL, j->y + lo * plane, scratch);
    return;
  }
  part.m = 1;  // a channel at a time, so that its plane is still in L1 for the epilogue
  for (size_t m = lo; m < hi; m++) {
    rows(&part, j->cols + m * taps, j->bias ? j->bias + m : NULL, j->y + m * plane, scratch);
    kiln_f32_epilogue(j->epilogue, m, 1, plane, j->y + m * plane);
  }
}
