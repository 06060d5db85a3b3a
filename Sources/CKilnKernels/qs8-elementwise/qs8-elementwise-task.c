// int8 element-wise ops on a thread pool: thread t of T takes a contiguous range (a multiple of 64
// elements) and runs the path's kernel on it. Element-wise, so any split gives the same bytes.
#include "kiln/qs8-elementwise.h"

void kiln_qs8_elementwise_task(void *context, size_t thread, size_t threads) {
  const struct kiln_qs8_elementwise *e = context;
  const size_t per = (e->n / threads + 63) / 64 * 64;
  const size_t lo = thread * per < e->n ? thread * per : e->n, hi = lo + per < e->n ? lo + per : e->n;
  if (lo >= hi) return;
  switch (e->kind) {
  case KILN_QS8_QUANTIZE: e->path->vcvt->quantize(hi - lo, (const float *)e->x + lo, e->scale, e->zero_point, (int8_t *)e->y + lo); break;
  case KILN_QS8_DEQUANTIZE: e->path->vcvt->dequantize(hi - lo, (const int8_t *)e->x + lo, e->scale, e->zero_point, (float *)e->y + lo); break;
  case KILN_QS8_LOOKUP: e->path->lut(hi - lo, (const int8_t *)e->x + lo, e->table, (int8_t *)e->y + lo); break;
  }
}
