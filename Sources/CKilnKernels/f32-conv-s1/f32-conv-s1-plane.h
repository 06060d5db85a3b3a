// The padded input of a stride-1 direct convolution (private to the family).
#ifndef KILN_F32_CONV_S1_PLANE_H
#define KILN_F32_CONV_S1_PLANE_H
#include "kiln/f32-conv-s1.h"

/// Rows of the padded input and floats per channel run: the output's plus the kernel's dilated reach.
static inline size_t kiln_f32_conv_s1_ph(const struct kiln_f32_conv_s1 *g) { return g->oh + (g->kh - 1) * g->dh; }
static inline size_t kiln_f32_conv_s1_pw(const struct kiln_f32_conv_s1 *g) { return g->ow + (g->kw - 1) * g->dw; }
#endif
