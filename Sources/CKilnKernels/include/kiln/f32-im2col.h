// f32 im2col: a convolution's input as the columns of its GEMM.
#ifndef KILN_F32_IM2COL_H
#define KILN_F32_IM2COL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Geometry of a convolution's input seen as columns: tap (c, ky, kx) at grid position (oy, ox)
/// reads pixel (c, (row0 + oy)*sh - pad_top + ky*dh, ox*sw - pad_left + kx*dw) of the h x w planes,
/// 0 outside. The grid is oh x ow: the output rows row0 ..< row0 + oh of the convolution (a strip).
struct kiln_f32_im2col {
  size_t h, w, kh, kw, sh, sw, dh, dw, pad_top, pad_left, oh, ow, row0;
};

/// Writes the rows of channels c0 ..< c1 of cols [c*kh*kw + ky*kw + kx][oh*ow] (rows row_stride
/// apart), each row whole.
typedef void kiln_f32_im2col_fn(const struct kiln_f32_im2col *g, size_t c0, size_t c1, const float *image, float *cols,
                                size_t row_stride);

/// The reference (the trainer's Im2col.im2col gives the same values).
kiln_f32_im2col_fn kiln_f32_im2col_ref;
#if defined(__x86_64__)
kiln_f32_im2col_fn kiln_f32_im2col_avx512;  // column strides 1 and 2; others as the reference
kiln_f32_im2col_fn kiln_f32_im2col_avx2;    // the same, 8 lanes
#endif
#if defined(__aarch64__)
kiln_f32_im2col_fn kiln_f32_im2col_neon;  // column strides 1 and 2, kernels up to 16 wide; others as the reference
#endif

/// The same with the fastest path this CPU has; the same bytes.
void kiln_f32_im2col(const struct kiln_f32_im2col *g, size_t c0, size_t c1, const float *image, float *cols, size_t row_stride);

/// An im2col path: name, required features, function (for the tests).
struct kiln_f32_im2col_kernel {
  const char *name;
  uint32_t required_features;
  kiln_f32_im2col_fn *fn;
};
/// Every path compiled into this build, fastest first: entries 0 ..< count.
size_t kiln_f32_im2col_kernel_count(void);
const struct kiln_f32_im2col_kernel *kiln_f32_im2col_kernel_at(size_t index);
/// The path `kiln_f32_im2col` uses: the first of the list this CPU supports.
const struct kiln_f32_im2col_kernel *kiln_f32_im2col_kernel_best(void);

#ifdef __cplusplus
}
#endif
#endif
