// The per-thread scratch of the int8 convolutions (see struct kiln_qs8_unit_space): laid out
// after the NHWC copy of the input, every part 64-byte aligned.
#include "qs8-unit.h"

#include <string.h>

static size_t up64(size_t x) { return (x + 63) / 64 * 64; }

size_t kiln_qs8_unit_bytes(const struct kiln_qs8_layer *l, size_t n, size_t taps, size_t tile_bytes) {
  return up64(n * taps * sizeof(const int8_t *)) + up64(l->c) + up64(tile_bytes) + kiln_qs8_igemm_workspace_bytes(l->path->gemm, n, l->c, taps);
}

struct kiln_qs8_unit_space kiln_qs8_unit_space(const struct kiln_qs8_layer *l, size_t thread, size_t n, size_t taps,
                                               size_t tile_bytes) {
  int8_t *base = l->scratch + kiln_qs8_nhwc_bytes(l) + thread * kiln_qs8_unit_bytes(l, n, taps, tile_bytes);
  struct kiln_qs8_unit_space s;
  s.ind = (const int8_t **)(void *)base;
  base += up64(n * taps * sizeof(const int8_t *));
  memset(base, (int8_t)l->x_zero, l->c);
  s.zero_row = base;
  base += up64(l->c);
  s.tile = base;
  s.workspace = base + up64(tile_bytes);
  return s;
}
