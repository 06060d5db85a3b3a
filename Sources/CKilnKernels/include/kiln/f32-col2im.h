// f32 col2im: the output of a transposed convolution gathered from the columns of its GEMM.
#ifndef KILN_F32_COL2IM_H
#define KILN_F32_COL2IM_H

#include <stddef.h>
#include <stdint.h>

#include "f32-epilogue.h"

#ifdef __cplusplus
extern "C" {
#endif

/// Geometry of a transposed convolution seen from its output: y [m][oh][ow] gathers the rows of
/// cols, tap (m, ky, kx) at m*channel_stride + ky*ky_stride + kx*row_stride floats (h*w values):
/// input pixel (iy, ix) of tap (ky, kx) lands on (iy*sh - pad_top + ky*dh, ix*sw - pad_left + kx*dw)
/// when that is inside y. Rows (m*kh + ky)*kw + kx: channel_stride = kh*kw*row_stride, ky_stride =
/// kw*row_stride; rows (ky*m + m)*kw + kx (a GEMM per kernel row): ky_stride = m*kw*row_stride,
/// channel_stride = kw*row_stride. Only the input rows of a tap that land inside y are read.
struct kiln_f32_col2im {
  size_t m, oh, ow, h, w, kh, kw, sh, sw, dh, dw, pad_top, pad_left, row_stride, channel_stride, ky_stride;
};

/// y = bias[m] (0 when bias is NULL) plus every tap landing on each pixel, added in (ky, kx) order,
/// with `scratch` of the kernel's scratch_bytes(g). Each channel's plane then goes through
/// `epilogue` (when not NULL; channel m of this call is epilogue channel first_channel + m) while
/// it is still in cache.
typedef void kiln_f32_col2im_rows_fn(const struct kiln_f32_col2im *g, const float *cols, const float *bias, float *y, void *scratch,
                                     const struct kiln_f32_epilogue *epilogue, size_t first_channel);
/// Bytes of scratch a rows kernel needs for g (its tables of taps and its row buffers).
typedef size_t kiln_f32_col2im_scratch_fn(const struct kiln_f32_col2im *g);

/// The reference: one output row at a time, split into its sw phases.
kiln_f32_col2im_rows_fn kiln_f32_col2im_rows_ref;
kiln_f32_col2im_scratch_fn kiln_f32_col2im_rows_ref_scratch_bytes;
#if defined(__x86_64__)
kiln_f32_col2im_rows_fn kiln_f32_col2im_rows_avx512;  // column strides 1 and 2; others as the reference
kiln_f32_col2im_scratch_fn kiln_f32_col2im_rows_avx512_scratch_bytes;
kiln_f32_col2im_rows_fn kiln_f32_col2im_rows_avx2;  // column strides 1 and 2; others as the reference
kiln_f32_col2im_scratch_fn kiln_f32_col2im_rows_avx2_scratch_bytes;
#endif
#if defined(__aarch64__)
kiln_f32_col2im_rows_fn kiln_f32_col2im_rows_neon;  // column strides 1 and 2; others as the reference
kiln_f32_col2im_scratch_fn kiln_f32_col2im_rows_neon_scratch_bytes;
#endif

/// A col2im rows path: name, required features, function (the same bytes as the reference for
/// every geometry) and its scratch.
struct kiln_f32_col2im_kernel {
  const char *name;
  uint32_t required_features;
  kiln_f32_col2im_rows_fn *fn;
  kiln_f32_col2im_scratch_fn *scratch_bytes;
};
/// Every path compiled into this build, fastest first: entries 0 ..< count.
size_t kiln_f32_col2im_kernel_count(void);
const struct kiln_f32_col2im_kernel *kiln_f32_col2im_kernel_at(size_t index);
/// The path kiln_f32_col2im_task uses: the first of the list this CPU supports.
const struct kiln_f32_col2im_kernel *kiln_f32_col2im_kernel_best(void);
/// Bytes of scratch enough for any path of the list on g.
size_t kiln_f32_col2im_scratch_bytes(const struct kiln_f32_col2im *g);

/// The best rows path for a thread pool: thread t of T makes output channels [m t / T, m (t+1) / T)
/// with scratch + t * scratch_stride, each channel's plane through `epilogue` (when not NULL) as
/// soon as it is made. The same bytes for every T.
struct kiln_f32_col2im_job {
  struct kiln_f32_col2im g;
  const float *cols, *bias;
  const struct kiln_f32_epilogue *epilogue;
  float *y;
  void *scratch;
  size_t scratch_stride;  // >= kiln_f32_col2im_scratch_bytes(&g)
};
void kiln_f32_col2im_task(void *job, size_t thread, size_t threads);

#ifdef __cplusplus
}
#endif
#endif
