// The k tail shared by the SIMD int8 tiles: adds the products of k positions p0 ..< k (fewer
// than one vector) to acc[r * nr + s] for the mr x nr tile.
#ifndef KILN_QS8_TILE_TAIL_H
#define KILN_QS8_TILE_TAIL_H

#include "kiln/qs8-gemm.h"

static inline void kiln_qs8_tile_tail(size_t p0, size_t k, size_t mr, size_t nr, const int8_t *const *a, const int8_t *const *b,
                                      int32_t *acc) {
  for (size_t p = p0; p < k; p++) {
    for (size_t r = 0; r < mr; r++) {
      for (size_t s = 0; s < nr; s++) acc[r * nr + s] += (int32_t)a[r][p] * b[s][p];
    }
  }
}

#endif
