// The accessors a family's header declares for its list of kernels, `ARRAY` of TYPE (fastest
// first, the last needing nothing): PREFIX_count, PREFIX_at (NULL past the end) and PREFIX_best
// (the first entry this CPU supports).
#ifndef KILN_KERNEL_LIST_H
#define KILN_KERNEL_LIST_H
#include "kiln/cpu-features.h"

#define KILN_KERNEL_LIST(PREFIX, TYPE, ARRAY)                                                              \
  size_t PREFIX##_count(void) { return sizeof(ARRAY) / sizeof(ARRAY[0]); }                                 \
  const TYPE *PREFIX##_at(size_t i) { return i < PREFIX##_count() ? &ARRAY[i] : 0; }                       \
  const TYPE *PREFIX##_best(void) { return &ARRAY[kiln_first_supported(ARRAY, PREFIX##_count(), sizeof ARRAY[0])]; }
#endif
