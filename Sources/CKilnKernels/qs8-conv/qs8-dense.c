// int8 Dense layer: y [batch][m] from x [batch][c], each thread a contiguous range of output
// features, so two threads never write the same cache line of y. At a small batch with weights
// packed at plan time for the narrow GEMM, each thread takes whole panels of rows.
#include "kiln/qs8-conv.h"

#include "qs8-unit.h"

void kiln_qs8_dense_task(void *context, size_t thread, size_t threads) {
  const struct kiln_qs8_layer *l = context;
  if (l->packed_weights) {  // weights packed at plan time for the narrow kernel: the thread's panels, all samples
    size_t m0, m1;
    kiln_qs8_narrow_rows(l, thread, threads, &m0, &m1);
    if (m1 > m0) {
      l->path->gemm->narrow.gemm(m1 - m0, l->batch, l->c, l->packed_weights + kiln_qs8_narrow_packed_bytes(l->path->gemm, m0, l->c), l->x, l->c,
                           l->channels + m0, l->y_zero, l->y + m0, 1, l->m);
    }
    return;
  }
  // Units: blocks of 16 output features, all samples; y [batch][m]. Each thread takes a contiguous
  // range of units, so two threads never write the same cache line of y (interleaved 16-byte
  // blocks would share lines between threads: false sharing).
  const size_t block = 16, units = (l->m + block - 1) / block, u0 = units * thread / threads, u1 = units * (thread + 1) / threads;
  for (size_t u = u0; u < u1; u++) {
    const size_t m0 = u * block, m1 = m0 + block < l->m ? m0 + block : l->m;
    kiln_qs8_gemm(l->path->gemm, 0, m1 - m0, l->batch, l->c, l->weights + m0 * l->c, l->c, l->x, l->c, l->channels + m0,
                  l->y_zero, l->y + m0, 1, l->m);
  }
}
