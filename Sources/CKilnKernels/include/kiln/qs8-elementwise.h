// int8 (qs8) element-wise ops on a thread pool: contiguous ranges, multiples of 64 elements.
#ifndef KILN_QS8_ELEMENTWISE_H
#define KILN_QS8_ELEMENTWISE_H

#include <stddef.h>
#include <stdint.h>

#include "qs8-path.h"

#ifdef __cplusplus
extern "C" {
#endif

enum kiln_qs8_elementwise_kind { KILN_QS8_QUANTIZE, KILN_QS8_DEQUANTIZE, KILN_QS8_LOOKUP };
struct kiln_qs8_elementwise {
  const struct kiln_qs8_path *path;
  enum kiln_qs8_elementwise_kind kind;
  size_t n;
  const void *x;        // f32 (quantize) or i8
  void *y;              // i8 or f32 (dequantize)
  const int8_t *table;  // lookup
  float scale;          // quantize: 1 / scale; dequantize: scale
  int32_t zero_point;
};
/// Thread t of T runs the path's kernel on its range; element-wise, so any split gives the same bytes.
void kiln_qs8_elementwise_task(void *op, size_t thread, size_t threads);

#ifdef __cplusplus
}
#endif
#endif
