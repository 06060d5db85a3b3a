// Internal to qs8-conv: the size of the NHWC copy of a layer's input at the start of scratch.
#ifndef KILN_QS8_CONV_H
#define KILN_QS8_CONV_H
#include "kiln_kernels.h"
size_t kiln_qs8_nhwc_bytes(const struct kiln_qs8_layer *l);
#endif
