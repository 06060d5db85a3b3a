// int8 (qs8) convolution, transposed convolution and dense layers: patches pointed at in place,
// transposed convolutions by phase (sub-pixel) decomposition, and kiln_qs8_igemm / kiln_qs8_gemm.
//
// Work is cut into units that write disjoint outputs; `kiln_qs8_*_task(op, thread, threads)`
// does units thread, thread + threads, ... so any thread count gives the same bytes.
#ifndef KILN_QS8_CONV_H
#define KILN_QS8_CONV_H

#include <stddef.h>
#include <stdint.h>

#include "qs8-path.h"

#ifdef __cplusplus
extern "C" {
#endif

/// One int8 layer, for one batch. Activations are NCHW, int8. Set up by the runtime at plan time.
struct kiln_qs8_layer {
  const struct kiln_qs8_path *path;
  size_t batch;
  size_t c, h, w;             // input channels and size
  size_t m, oh, ow;           // output channels and size
  size_t kh, kw, sh, sw, dh, dw, pad_top, pad_left;  // conv geometry (transposed: dh = dw = 1)
  int32_t x_zero, y_zero;     // zero points of input and output
  // Conv2d: weights packed [m][kh'][kw'][c] (kiln_qs8_conv2d_pack), channels [m].
  // ConvTranspose2d: per phase (ry, rx) in row-major order, weights [m][ty][tx][c] and channels [m]
  //   (phase_weights[p], phase_channels[p]), ty = number of taps ky = ry, ry + sh, ... < kh.
  // Either, when kiln_qs8_conv2d_narrow / kiln_qs8_deconv2d_narrow: each [m][k] matrix packed
  //   by kiln_qs8_narrow_pack instead.
  // Dense: weights [m][c] (h = w = oh = ow = 1), channels [m].
  const int8_t *weights;
  const struct kiln_qs8_channel *channels;
  const int8_t *const *phase_weights;
  const struct kiln_qs8_channel *const *phase_channels;
  const int8_t *x;            // [batch][c][h][w]
  int8_t *y;                  // [batch][m][oh][ow]
  int8_t *scratch;            // kiln_qs8_conv2d_scratch_bytes / kiln_qs8_deconv2d_scratch_bytes
  const int8_t *packed_weights;  // Dense at batch <= KILN_QS8_NARROW_N: weights by kiln_qs8_narrow_pack, or NULL
};

/// Whether a Conv2d layer runs on the path's narrow GEMM: the whole batch's output pixels are at
/// most KILN_QS8_NARROW_N (a 2x2 or 1x1 map at batch 1), one GEMM, threads splitting the rows.
int kiln_qs8_conv2d_narrow(const struct kiln_qs8_layer *l);
/// Bytes of a Conv2d layer's packed weights: m * c * the taps it runs (those that read the input
/// for some output pixel; the rest read only padding and are left out, exactly), in narrow panels
/// when kiln_qs8_conv2d_narrow.
size_t kiln_qs8_conv2d_packed_size(const struct kiln_qs8_layer *l);
/// Plan-time work memory kiln_qs8_conv2d_pack / kiln_qs8_deconv2d_pack need (0: none, NULL will do).
size_t kiln_qs8_conv2d_pack_work_bytes(const struct kiln_qs8_layer *l);
size_t kiln_qs8_deconv2d_pack_work_bytes(const struct kiln_qs8_layer *l);
/// Packs w [m][c][kh][kw] into `packed` [m][kh'][kw'][c] (kiln_qs8_conv2d_packed_size bytes; kh'
/// and kw' the taps the layer runs; narrow panels of that when kiln_qs8_conv2d_narrow) and fills
/// `channels` (m entries, weight sums over those taps). Returns 0, or -1 / -2 as
/// kiln_qs8_make_channels.
int kiln_qs8_conv2d_pack(const struct kiln_qs8_layer *l, const int8_t *w, const int32_t *bias, const int32_t *requant,
                         int8_t *packed, struct kiln_qs8_channel *channels, int8_t *work);
/// Whether a transposed conv layer runs as a dense layer: a 1x1 input, stride 1, no padding and
/// a kh x kw output (a generator's first layer), where every output pixel has exactly one tap, so
/// output (m, oy, ox) is row (m, oy, ox) of a [m * kh * kw][c] matrix times the input's c values,
/// instead of a GEMM over kh * kw taps of which all but one read zero points.
int kiln_qs8_deconv2d_dense(const struct kiln_qs8_layer *l);
/// Channels kiln_qs8_deconv2d_pack fills: sh * sw * m, or m * kh * kw for a dense layer.
size_t kiln_qs8_deconv2d_channel_count(const struct kiln_qs8_layer *l);
/// Whether a transposed conv layer runs on the path's narrow GEMM: each phase's outputs over the
/// whole batch (or the batch, for a dense layer) are at most KILN_QS8_NARROW_N, one GEMM per phase.
int kiln_qs8_deconv2d_narrow(const struct kiln_qs8_layer *l);
/// Bytes of the phase kernels of a transposed conv layer (geometry, batch and path of `l` set).
size_t kiln_qs8_deconv2d_packed_size(const struct kiln_qs8_layer *l);
/// Splits w [c][m][kh][kw] into the sh * sw phase kernels in `packed` (packed_size bytes; narrow
/// panels when kiln_qs8_deconv2d_narrow) and their channels (kiln_qs8_deconv2d_channel_count
/// entries), and points phase_weights / phase_channels (sh * sw entries each) at them. `work`:
/// kiln_qs8_deconv2d_pack_work_bytes. Returns 0, or -1 / -2 as kiln_qs8_make_channels.
int kiln_qs8_deconv2d_pack(const struct kiln_qs8_layer *l, const int8_t *w, const int32_t *bias, const int32_t *requant,
                           int8_t *packed, struct kiln_qs8_channel *channels, const int8_t **phase_weights,
                           const struct kiln_qs8_channel **phase_channels, int8_t *work);

/// Pixels per conv work unit.
#define KILN_QS8_CONV_CHUNK 64

/// Bytes of scratch a conv / transposed conv layer needs with `threads` threads: the input in
/// NHWC order (so a tap's channels are contiguous), then each thread's gathered patches.
size_t kiln_qs8_conv2d_scratch_bytes(const struct kiln_qs8_layer *layer, size_t threads);
size_t kiln_qs8_deconv2d_scratch_bytes(const struct kiln_qs8_layer *layer, size_t threads);
/// First pass of a conv / transposed conv: x [batch][c][h][w] -> NHWC at the start of scratch.
void kiln_qs8_to_nhwc_task(void *layer, size_t thread, size_t threads);
/// The work of thread `thread` of `threads` (call it for every thread 0 ..< threads), after the
/// first pass has finished for every thread.
void kiln_qs8_conv2d_task(void *layer, size_t thread, size_t threads);
void kiln_qs8_deconv2d_task(void *layer, size_t thread, size_t threads);
void kiln_qs8_dense_task(void *layer, size_t thread, size_t threads);
/// The reference, from the definition: `l` gives geometry, zero points, x and y (its weights and
/// channels are not used); w is the stored weight tensor ([m][c][kh][kw], or [c][m][kh][kw] when
/// transposed; Dense is a 1x1 conv on a 1x1 image), bias [m], requant [m][3].
void kiln_qs8_conv_ref(int transposed, const struct kiln_qs8_layer *l, const int8_t *w, const int32_t *bias,
                       const int32_t *requant);

#ifdef __cplusplus
}
#endif
#endif
