// f32 stride-1 convolution by register tiles that read a zero-padded copy of the input in place:
// no im2col columns and no GEMM packing of them. For the 3x3 convolutions of residual and dense
// blocks (32-256 channels), where im2col and packing cost a third of an im2col GEMM's time.
#ifndef KILN_F32_CONV_S1_H
#define KILN_F32_CONV_S1_H
#include <stddef.h>
#include <stdint.h>

#include "f32-epilogue.h"

#ifdef __cplusplus
extern "C" {
#endif

/// A stride-1 convolution on a padded input: output (m, oy, ox) = sum over ky < kh, c <
/// channels_in, kx < kw, in that order, of w[m][c][ky][kx] * xp[oy + ky*dh][c][ox + kx*dw], where
/// xp is the input with its padding written out as zeros and its rows interleaved: ph = oh +
/// (kh-1)*dh rows, each channels_in runs of pw = ow + (kw-1)*dw floats.
struct kiln_f32_conv_s1 {
  size_t channels_in, channels_out;
  size_t kh, kw, dh, dw;  // taps and dilation
  size_t oh, ow;          // output plane
  size_t h, w, pad_top, pad_left;  // the unpadded input and where it sits in xp
  size_t up_h, up_w;  // the input is x [C, h / up_h, w / up_w] upsampled by nearest neighbour (1, 1: x itself)
};

/// A micro-kernel: the tile of output channels m0 ..< m0 + mr_valid and columns 0 ..< nr_valid at
/// y (channel planes y_plane floats apart), from the packed weights of one group of mr channels
/// and xp at the tile's first input pixel. Per output, one sum in the order above; then, when e is
/// not NULL, its bias (e->bias[m0 + r], if any) and its ReLU or LeakyReLU, as kiln_f32_epilogue
/// computes them (e has no norm and no Tanh). Reads nr floats of xp per tap, so up to
/// nr - nr_valid floats beyond the tile's last pixel.
typedef void kiln_f32_conv_s1_ukernel_fn(const struct kiln_f32_conv_s1 *g, const float *wp, const float *xp, float *y,
                                         size_t y_plane, size_t mr_valid, size_t nr_valid, const struct kiln_f32_epilogue *e,
                                         size_t m0);

kiln_f32_conv_s1_ukernel_fn kiln_f32_conv_s1_ukernel_4x8_c;  // portable C, multiply then add
#if defined(__x86_64__)
kiln_f32_conv_s1_ukernel_fn kiln_f32_conv_s1_ukernel_6x16_avx2_fma;  // fused multiply-adds
kiln_f32_conv_s1_ukernel_fn kiln_f32_conv_s1_ukernel_4x16_avx2_fma;
#endif

struct kiln_f32_conv_s1_ukernel {
  const char *name;            // "6x16-avx2-fma": output channels x columns, instruction set
  uint32_t required_features;  // kiln_cpu_feature bits the CPU must have
  size_t mr, nr;               // tile: output channels and output columns
  kiln_f32_conv_s1_ukernel_fn *fn;
};
/// Every micro-kernel compiled into this build, fastest first (the tests run each one the CPU
/// supports): entries 0 ..< kiln_f32_conv_s1_ukernel_count().
size_t kiln_f32_conv_s1_ukernel_count(void);
const struct kiln_f32_conv_s1_ukernel *kiln_f32_conv_s1_ukernel_at(size_t index);
const struct kiln_f32_conv_s1_ukernel *kiln_f32_conv_s1_ukernel_best(void);
/// The micro-kernel that runs a layer of `channels_out` output channels instead of an im2col GEMM
/// on this CPU: of the entries that need exactly the features of the f32 GEMM's best micro-kernel
/// (where the direct form was measured faster), the one that rounds channels_out up the least to
/// a multiple of its mr (ties: the earlier); NULL if there is none.
const struct kiln_f32_conv_s1_ukernel *kiln_f32_conv_s1_ukernel_for(size_t channels_out);

/// Floats of the packed weights: channels_out rounded up to mr, times channels_in * kh * kw.
size_t kiln_f32_conv_s1_packed_size(const struct kiln_f32_conv_s1 *g, size_t mr);
/// wp[group][ky][c][kx][r] = w[group*mr + r][c][ky][kx], 0 past channels_out; w is [M, C, KH, KW].
void kiln_f32_conv_s1_pack(const struct kiln_f32_conv_s1 *g, size_t mr, const float *w, float *wp);
/// Floats of the padded input of one sample [ph][C][pw], with nr floats of zeros after it (the
/// tiles' reach).
size_t kiln_f32_conv_s1_padded_size(const struct kiln_f32_conv_s1 *g, size_t nr);
/// Writes channels c0 ..< c1 of xp from x [c1 - c0, h / up_h, w / up_w] (x is channel c0's plane, so the
/// channels may come from separate tensors, as a concatenation's inputs): the input where it falls
/// in the padded rows, zeros elsewhere; with c1 = channels_in, also the zeros after the last row.
void kiln_f32_conv_s1_pad(const struct kiln_f32_conv_s1 *g, size_t nr, size_t c0, size_t c1, const float *x, float *xp);
/// Output rows oy0 ..< oy1 of y [M, oh, ow] with micro-kernel uk, then epilogue e (NULL: none;
/// bias, ReLU and LeakyReLU in the tiles' registers, BatchNorm and Tanh over each output row
/// while it is in cache): every output computed by one tile and finished by the same formulas, so
/// the bytes do not depend on how rows are split between threads, and equal those of a separate
/// kiln_f32_epilogue pass.
void kiln_f32_conv_s1_rows(const struct kiln_f32_conv_s1_ukernel *uk, const struct kiln_f32_conv_s1 *g, const float *wp,
                           const float *xp, float *y, size_t oy0, size_t oy1, const struct kiln_f32_epilogue *e);

#ifdef __cplusplus
}
#endif
#endif
