// Plan-time packing of an int8 Conv2d's weights: [m][kh'][kw'][c] over the taps the layer runs
// (kiln_conv_span), in the order its patches are pointed at in the NHWC input; narrow panels when
// the layer runs on the narrow GEMM.
#include "kiln/conv-span.h"
#include "kiln/qs8-conv.h"

int kiln_qs8_conv2d_pack(const struct kiln_qs8_layer *l, const int8_t *w, const int32_t *bias, const int32_t *requant,
                         int8_t *packed, struct kiln_qs8_channel *channels, int8_t *work) {
  // rows[m][ky][kx][c] = w[m][c][sy.first + ky][sx.first + kx] over the taps the layer runs: the
  // packed weights, or the work memory the narrow panels are made from.
  const int narrow = kiln_qs8_conv2d_narrow(l);
  int8_t *rows = narrow ? work : packed;
  const struct kiln_span sy = kiln_conv_span(l->kh, l->oh, l->h, l->sh, l->dh, l->pad_top);
  const struct kiln_span sx = kiln_conv_span(l->kw, l->ow, l->w, l->sw, l->dw, l->pad_left);
  const size_t taps = sy.count * sx.count, k = l->c * taps;
  for (size_t m = 0; m < l->m; m++) {
    for (size_t ky = 0; ky < sy.count; ky++) {
      for (size_t kx = 0; kx < sx.count; kx++) {
        const int8_t *src = w + (m * l->c * l->kh + sy.first + ky) * l->kw + sx.first + kx;  // channel 0
        int8_t *dst = rows + m * k + (ky * sx.count + kx) * l->c;
        for (size_t c = 0; c < l->c; c++) dst[c] = src[c * l->kh * l->kw];
      }
    }
  }
  if (narrow) kiln_qs8_narrow_pack(l->path->gemm, l->m, k, rows, packed);
  return kiln_qs8_make_channels(l->m, k, rows, bias, requant, l->x_zero, channels);
}
