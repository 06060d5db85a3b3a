// The first pass of the int8 convolutions: the input to NHWC order at the start of the scratch
// memory, rows (sample, y) split between threads, so that gathering a tap is one copy of C
// contiguous bytes.
#include "kiln_kernels.h"

#include "qs8-conv.h"

size_t kiln_qs8_nhwc_bytes(const struct kiln_qs8_layer *l) { return (l->batch * l->c * l->h * l->w + 63) / 64 * 64; }

void kiln_qs8_to_nhwc_task(void *context, size_t thread, size_t threads) {
  const struct kiln_qs8_layer *l = context;
  const size_t hw = l->h * l->w;
  for (size_t r = thread; r < l->batch * l->h; r += threads) {
    const size_t n = r / l->h, y = r % l->h;
    const int8_t *src = l->x + n * l->c * hw + y * l->w;
    int8_t *dst = l->scratch + (n * hw + y * l->w) * l->c;
    for (size_t x = 0; x < l->w; x++) {
      for (size_t c = 0; c < l->c; c++) dst[x * l->c + c] = src[c * hw + x];
    }
  }
}
