// The scatter of grouped conv units, the reference: a grouped GEMM writes a [rows][j_count]
// tile whose columns come from `runs` (sample, pixel run) pairs; each run of `run` columns is
// copied to its place in the output, `step` bytes apart (1 for a conv, sw for a transposed
// conv's phase row).
#include "kiln/qs8-scatter.h"

#include <string.h>

void kiln_qs8_tile_scatter_ref(const int8_t *tile, size_t rows, size_t j_count, size_t runs, size_t run, int8_t *const *dst,
                               size_t m_stride, size_t step) {
  for (size_t r = 0; r < runs; r++) {
    for (size_t i = 0; i < rows; i++) {
      const int8_t *src = tile + i * j_count + r * run;
      int8_t *d = dst[r] + i * m_stride;
      if (step == 1) {
        memcpy(d, src, run);
      } else {
        for (size_t t = 0; t < run; t++) d[t * step] = src[t];
      }
    }
  }
}
