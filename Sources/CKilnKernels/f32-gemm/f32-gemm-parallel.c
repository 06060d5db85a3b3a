// A GEMM split between threads along whichever of m and n has more micro-kernel tiles, in whole
// tiles. Each C element is still one sum in the same order, so every thread count gives the same
// bytes (the driver's contract).
#pragma STDC FP_CONTRACT OFF
#include "kiln/f32-gemm.h"

void kiln_f32_gemm_task(void *context, size_t thread, size_t threads) {
  const struct kiln_f32_gemm_job *j = context;
  const size_t mr = j->uk->mr, nr = j->uk->nr;
  const size_t mt = (j->m + mr - 1) / mr, nt = (j->n + nr - 1) / nr;
  const int by_rows = mt > nt;
  const size_t tiles = by_rows ? mt : nt, step = by_rows ? mr : nr, size = by_rows ? j->m : j->n;
  const size_t t0 = tiles * thread / threads, t1 = tiles * (thread + 1) / threads;
  const size_t lo = t0 * step, hi = t1 * step < size ? t1 * step : size;
  if (lo >= hi) return;
  void *ws = (char *)j->workspace + thread * j->workspace_stride;
  if (j->packed_a) {
    if (by_rows) {
      kiln_f32_gemm_prepacked(j->uk, ws, j->packed_a, j->m, lo, j->transpose_b, hi - lo, j->n, j->k, j->b, j->ldb, j->c + lo * j->ldc,
                              j->ldc, j->accumulate);
    } else {
      const float *b = j->transpose_b ? j->b + lo * j->ldb : j->b + lo;
      kiln_f32_gemm_prepacked(j->uk, ws, j->packed_a, j->m, 0, j->transpose_b, j->m, hi - lo, j->k, b, j->ldb, j->c + lo, j->ldc,
                              j->accumulate);
    }
  } else if (by_rows) {
    const float *a = j->transpose_a ? j->a + lo : j->a + lo * j->lda;
    kiln_f32_gemm(j->uk, ws, j->transpose_a, j->transpose_b, hi - lo, j->n, j->k, a, j->lda, j->b, j->ldb, j->c + lo * j->ldc, j->ldc,
                  j->accumulate);
  } else {
    const float *b = j->transpose_b ? j->b + lo * j->ldb : j->b + lo;
    kiln_f32_gemm(j->uk, ws, j->transpose_a, j->transpose_b, j->m, hi - lo, j->k, j->a, j->lda, b, j->ldb, j->c + lo, j->ldc,
                  j->accumulate);
  }
}
