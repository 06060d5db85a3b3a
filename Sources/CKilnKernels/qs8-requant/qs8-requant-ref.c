// Requantization of one output row, scalar reference (the formula of Formats/SPEC.md).
#pragma STDC FP_CONTRACT OFF
#include "kiln/qs8-requant.h"

void kiln_qs8_requant_ref(size_t n, const int32_t *acc, const struct kiln_qs8_channel *ch, int32_t zero_out, int8_t *c, size_t cs) {
  for (size_t j = 0; j < n; j++) c[j * cs] = kiln_qs8_requantize(ch->bias + acc[j], ch, zero_out);
}
