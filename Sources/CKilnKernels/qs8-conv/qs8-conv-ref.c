// int8 Conv2d / ConvTranspose2d / Dense references written straight from Formats/SPEC.md: for
// every output, acc = bias + sum over the taps that land inside the input of (x - x_zero) * w,
// then requantization. No im2col, no phases, no tiles: what the fast paths are tested against.
#include "kiln/qs8-conv.h"

void kiln_qs8_conv_ref(int transposed, const struct kiln_qs8_layer *l, const int8_t *w, const int32_t *bias,
                       const int32_t *requant) {
  for (size_t n = 0; n < l->batch; n++) {
    const int8_t *x = l->x + n * l->c * l->h * l->w;
    int8_t *y = l->y + n * l->m * l->oh * l->ow;
    for (size_t m = 0; m < l->m; m++) {
      const struct kiln_qs8_channel ch = {.multiplier_pos = requant[3 * m], .multiplier_neg = requant[3 * m + 1], .shift = requant[3 * m + 2]};
      for (size_t oy = 0; oy < l->oh; oy++) {
        for (size_t ox = 0; ox < l->ow; ox++) {
          int32_t acc = bias[m];
          for (size_t c = 0; c < l->c; c++) {
            for (size_t ky = 0; ky < l->kh; ky++) {
              for (size_t kx = 0; kx < l->kw; kx++) {
                ptrdiff_t iy, ix;
                if (!transposed) {
                  iy = (ptrdiff_t)(oy * l->sh + ky * l->dh) - (ptrdiff_t)l->pad_top;
                  ix = (ptrdiff_t)(ox * l->sw + kx * l->dw) - (ptrdiff_t)l->pad_left;
                } else {  // the input pixel whose tap (ky, kx) lands on (oy, ox), if any
                  const ptrdiff_t ty = (ptrdiff_t)(oy + l->pad_top) - (ptrdiff_t)(ky * l->dh);
                  const ptrdiff_t tx = (ptrdiff_t)(ox + l->pad_left) - (ptrdiff_t)(kx * l->dw);
                  if (ty < 0 || tx < 0 || ty % (ptrdiff_t)l->sh != 0 || tx % (ptrdiff_t)l->sw != 0) continue;
                  iy = ty / (ptrdiff_t)l->sh;
                  ix = tx / (ptrdiff_t)l->sw;
                }
                if (iy < 0 || iy >= (ptrdiff_t)l->h || ix < 0 || ix >= (ptrdiff_t)l->w) continue;
                const int32_t xv = x[(c * l->h + (size_t)iy) * l->w + (size_t)ix] - l->x_zero;
                const size_t wi = transposed ? ((c * l->m + m) * l->kh + ky) * l->kw + kx : ((m * l->c + c) * l->kh + ky) * l->kw + kx;
                acc += xv * w[wi];
              }
            }
          }
          y[(m * l->oh + oy) * l->ow + ox] = kiln_qs8_requantize(acc, &ch, l->y_zero);
        }
      }
    }
  }
}
