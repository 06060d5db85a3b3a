// The int8 GEMM driver shared by every path: walks C in tiles of the path's mr x nr, lets the
// micro-kernel sum the products, adds the bias and requantizes. Edge tiles repeat the last valid
// row / column pointer and discard the extra results, so micro-kernels see only full tiles.
#pragma STDC FP_CONTRACT OFF
#include "kiln_kernels.h"

#include <assert.h>

enum { MAX_TILE = 8 };

void kiln_qs8_gemm(const struct kiln_qs8_path *path, size_t m, size_t n, size_t k, const int8_t *a, size_t lda,
                   const int8_t *b, size_t ldb, const struct kiln_qs8_channel *ch, int32_t zero_out, int8_t *c,
                   size_t c_row_stride, size_t c_col_stride) {
  const size_t mr = path->mr, nr = path->nr;
  assert(mr >= 1 && mr <= MAX_TILE && nr >= 1 && nr <= MAX_TILE);
  assert(k <= KILN_QS8_MAX_K);
  const int8_t *rows[MAX_TILE], *cols[MAX_TILE];
  int32_t acc[MAX_TILE * MAX_TILE];
  for (size_t i = 0; i < m; i += mr) {
    const size_t mv = m - i < mr ? m - i : mr;
    for (size_t r = 0; r < mr; r++) rows[r] = a + (i + (r < mv ? r : mv - 1)) * lda;
    for (size_t j = 0; j < n; j += nr) {
      const size_t nv = n - j < nr ? n - j : nr;
      for (size_t s = 0; s < nr; s++) cols[s] = b + (j + (s < nv ? s : nv - 1)) * ldb;
      path->tile(k, rows, cols, acc);
      for (size_t r = 0; r < mv; r++) {
        const struct kiln_qs8_channel *cr = &ch[i + r];
        int8_t *out = c + (i + r) * c_row_stride + j * c_col_stride;
        for (size_t s = 0; s < nv; s++) out[s * c_col_stride] = kiln_qs8_requantize(cr->bias + acc[r * nr + s], cr, zero_out);
      }
    }
  }
}
