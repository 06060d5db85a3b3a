// The accessors of a list of kernel paths, `static const TYPE kernels[]` (fastest first, the last
// needing nothing): PREFIX_kernel_count, PREFIX_kernel_at (NULL past the end) and PREFIX_best (the
// first path this CPU supports), as declared in kiln_kernels.h.
#ifndef KILN_KERNEL_LIST_H
#define KILN_KERNEL_LIST_H
#include "kiln_kernels.h"

#define KILN_KERNEL_LIST(PREFIX, TYPE)                                                                        \
  enum { COUNT = sizeof(kernels) / sizeof(kernels[0]) };                                                      \
  size_t PREFIX##_kernel_count(void) { return COUNT; }                                                        \
  const TYPE *PREFIX##_kernel_at(size_t i) { return i < COUNT ? &kernels[i] : 0; }                            \
  const TYPE *PREFIX##_best(void) { return &kernels[kiln_first_supported(kernels, COUNT, sizeof kernels[0])]; }
#endif
