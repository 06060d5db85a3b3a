// 256-entry int8 table lookup, scalar reference: y = table[x + 128].
#pragma STDC FP_CONTRACT OFF
#include "kiln/qs8-lut.h"

void kiln_qs8_lut_ref(size_t n, const int8_t *x, const int8_t *table, int8_t *y) {
  for (size_t i = 0; i < n; i++) y[i] = table[(int32_t)x[i] + 128];
}
