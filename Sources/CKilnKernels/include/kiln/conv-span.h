// The kernel taps of a convolution that read the input for some output, shared by the f32 and
// int8 convolutions.
#ifndef KILN_CONV_SPAN_H
#define KILN_CONV_SPAN_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The taps of one axis of a convolution, [first, first + count): the smallest run holding every
/// tap t that some output o < out reads the input with (0 <= o * stride + t * dilation - pad < in).
/// The others read only padding for every output, so a layer may leave them out: the int8 layers
/// do (their sums are the same integers: each such tap adds w * (x_zero - x_zero)), and so does the
/// f32 Conv2d (its sums lose terms that were exact zeros). A 2x2 map's 4x4-tap stride-2 conv to
/// 1x1 keeps taps 1 and 2 of each axis. Never empty: when no tap lands, tap 0 is kept.
struct kiln_span {
  size_t first, count;
};
struct kiln_span kiln_conv_span(size_t taps, size_t out, size_t in, size_t stride, size_t dilation, size_t pad);

#ifdef __cplusplus
}
#endif
#endif
