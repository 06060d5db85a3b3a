// The int8 GEMM reference: three plain loops, one int32 sum per output, then requantization.
// Every other path must give the same bytes.
#pragma STDC FP_CONTRACT OFF
#include "kiln/qs8-gemm.h"

void kiln_qs8_gemm_ref(size_t m, size_t n, size_t k, const int8_t *a, size_t lda, const int8_t *b, size_t ldb,
                       const struct kiln_qs8_channel *ch, int32_t zero_out, int8_t *c, size_t c_row_stride,
                       size_t c_col_stride) {
  for (size_t i = 0; i < m; i++) {
    for (size_t j = 0; j < n; j++) {
      int32_t acc = ch[i].bias;
      for (size_t p = 0; p < k; p++) acc += (int32_t)a[i * lda + p] * (int32_t)b[j * ldb + p];
      c[i * c_row_stride + j * c_col_stride] = kiln_qs8_requantize(acc, &ch[i], zero_out);
    }
  }
}
