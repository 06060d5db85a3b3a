// 2x2 int8 micro-kernel in portable C: the "scalar" path.
#pragma STDC FP_CONTRACT OFF
#include "kiln/qs8-gemm.h"

void kiln_qs8_tile_2x2_c(size_t k, const int8_t *const *a, const int8_t *const *b, int32_t *acc) {
  int32_t c00 = 0, c01 = 0, c10 = 0, c11 = 0;
  const int8_t *a0 = a[0], *a1 = a[1], *b0 = b[0], *b1 = b[1];
  for (size_t p = 0; p < k; p++) {
    const int32_t x0 = a0[p], x1 = a1[p], y0 = b0[p], y1 = b1[p];
    c00 += x0 * y0; c01 += x0 * y1; c10 += x1 * y0; c11 += x1 * y1;
  }
  acc[0] = c00; acc[1] = c01; acc[2] = c10; acc[3] = c11;
}
