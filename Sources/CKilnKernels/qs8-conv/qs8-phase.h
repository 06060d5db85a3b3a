// Internal to qs8-conv: the phases of an int8 ConvTranspose2d (qs8-deconv2d-phases.c), shared by
// its plan-time packing and its run.
#ifndef KILN_QS8_PHASE_H
#define KILN_QS8_PHASE_H
#include "kiln/conv-span.h"
#include "kiln/qs8-conv.h"

/// Phase ph = ry * sw + rx of a ConvTranspose2d: its outputs are rows fy + j * sh (j < rows) and
/// columns fx + i * sw (i < cols); output row j's tap a (kernel row ry + a * sh) reads input row
/// by + j - a, and likewise for columns. It runs the taps ty x tx only, those that read the input
/// for some output of the phase (so a 1x1 map's 4x4-tap stride-2 layer runs 1 of each phase's
/// 2x2): its GEMM depth is k = c * ty.count * tx.count.
struct kiln_qs8_phase {
  size_t ry, rx, fy, fx, rows, cols, by, bx;
  struct kiln_span ty, tx;
  size_t k;
};
struct kiln_qs8_phase kiln_qs8_phase_of(const struct kiln_qs8_layer *l, size_t ph);
#endif
