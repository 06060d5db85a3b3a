// Portable micro-kernel: plain C that compilers vectorize for the baseline ISA (SSE2, NEON).
// The fallback for CPUs without the faster paths.
#pragma STDC FP_CONTRACT OFF
#include "kiln/f32-gemm.h"

void kiln_f32_gemm_ukernel_4x8_c(size_t kc, const float *ap, const float *bp, float *c, size_t ldc,
                                 size_t mr_valid, size_t nr_valid, int accumulate) {
  float acc[4][8] = {{0}};
  for (size_t p = 0; p < kc; p++) {
    for (int r = 0; r < 4; r++) {
      for (int j = 0; j < 8; j++) acc[r][j] += ap[r] * bp[j];
    }
    ap += 4;
    bp += 8;
  }
  for (size_t r = 0; r < mr_valid; r++) {
    for (size_t j = 0; j < nr_valid; j++) c[r * ldc + j] = (accumulate ? c[r * ldc + j] : 0.0f) + acc[r][j];
  }
}
