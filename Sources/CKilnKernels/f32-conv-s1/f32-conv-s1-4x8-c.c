// 4x8 portable C micro-kernel of the stride-1 direct convolution: the family's reference for
// the tile loop (multiply, then add, each rounded).
#pragma STDC FP_CONTRACT OFF
#include "kiln/f32-conv-s1.h"

#include "f32-conv-s1-plane.h"

void kiln_f32_conv_s1_ukernel_4x8_c(const struct kiln_f32_conv_s1 *g, const float *wp, const float *xp, float *y,
                                    size_t y_plane, size_t mr_valid, size_t nr_valid, const struct kiln_f32_epilogue *e, size_t m0) {
  const size_t pw = kiln_f32_conv_s1_pw(g);
  float acc[4][8] = {{0}};
  for (size_t ky = 0; ky < g->kh; ky++) {
    for (size_t c = 0; c < g->channels_in; c++) {
      const float *row = xp + (ky * g->dh * g->channels_in + c) * pw;
      for (size_t kx = 0; kx < g->kw; kx++, wp += 4) {
        const float *in = row + kx * g->dw;
        for (size_t r = 0; r < 4; r++) {
          for (size_t j = 0; j < 8; j++) acc[r][j] = acc[r][j] + wp[r] * in[j];
        }
      }
    }
  }
  for (size_t r = 0; r < mr_valid; r++) {
    for (size_t j = 0; j < nr_valid; j++) y[r * y_plane + j] = acc[r][j];
    if (e) kiln_f32_epilogue_ref(e, m0 + r, 1, nr_valid, y + r * y_plane);
  }
}
