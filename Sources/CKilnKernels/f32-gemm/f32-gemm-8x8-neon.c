// 8x8 micro-kernel for AArch64 NEON: 16 Q-register accumulators, per step two 4-float loads of A
// and of B and 16 by-lane FMAs (FMLA). Every AArch64 CPU has it (Cortex-A72 in the Pi 4,
// Cortex-A76 in the Pi 5).
#pragma STDC FP_CONTRACT OFF
#include "kiln/f32-gemm.h"

#if defined(__aarch64__)
#include <arm_neon.h>

void kiln_f32_gemm_ukernel_8x8_neon(size_t kc, const float *ap, const float *bp, float *c, size_t ldc,
                                    size_t mr_valid, size_t nr_valid, int accumulate) {
  float32x4_t acc[8][2];
  for (int r = 0; r < 8; r++) acc[r][0] = acc[r][1] = vdupq_n_f32(0.0f);
  for (size_t p = 0; p < kc; p++) {
    const float32x4_t a0 = vld1q_f32(ap), a1 = vld1q_f32(ap + 4);
    const float32x4_t b0 = vld1q_f32(bp), b1 = vld1q_f32(bp + 4);
    acc[0][0] = vfmaq_laneq_f32(acc[0][0], b0, a0, 0); acc[0][1] = vfmaq_laneq_f32(acc[0][1], b1, a0, 0);
    acc[1][0] = vfmaq_laneq_f32(acc[1][0], b0, a0, 1); acc[1][1] = vfmaq_laneq_f32(acc[1][1], b1, a0, 1);
    acc[2][0] = vfmaq_laneq_f32(acc[2][0], b0, a0, 2); acc[2][1] = vfmaq_laneq_f32(acc[2][1], b1, a0, 2);
    acc[3][0] = vfmaq_laneq_f32(acc[3][0], b0, a0, 3); acc[3][1] = vfmaq_laneq_f32(acc[3][1], b1, a0, 3);
    acc[4][0] = vfmaq_laneq_f32(acc[4][0], b0, a1, 0); acc[4][1] = vfmaq_laneq_f32(acc[4][1], b1, a1, 0);
    acc[5][0] = vfmaq_laneq_f32(acc[5][0], b0, a1, 1); acc[5][1] = vfmaq_laneq_f32(acc[5][1], b1, a1, 1);
    acc[6][0] = vfmaq_laneq_f32(acc[6][0], b0, a1, 2); acc[6][1] = vfmaq_laneq_f32(acc[6][1], b1, a1, 2);
    acc[7][0] = vfmaq_laneq_f32(acc[7][0], b0, a1, 3); acc[7][1] = vfmaq_laneq_f32(acc[7][1], b1, a1, 3);
    ap += 8;
    bp += 8;
  }
  if (mr_valid == 8 && nr_valid == 8) {
    for (int r = 0; r < 8; r++) {
      float *cr = c + r * ldc;
      if (accumulate) {
        acc[r][0] = vaddq_f32(acc[r][0], vld1q_f32(cr));
        acc[r][1] = vaddq_f32(acc[r][1], vld1q_f32(cr + 4));
      }
      vst1q_f32(cr, acc[r][0]);
      vst1q_f32(cr + 4, acc[r][1]);
    }
    return;
  }
  float tile[8][8];
  for (int r = 0; r < 8; r++) {
    vst1q_f32(tile[r], acc[r][0]);
    vst1q_f32(tile[r] + 4, acc[r][1]);
  }
  for (size_t r = 0; r < mr_valid; r++) {
    for (size_t j = 0; j < nr_valid; j++) c[r * ldc + j] = (accumulate ? c[r * ldc + j] : 0.0f) + tile[r][j];
  }
}
#endif
