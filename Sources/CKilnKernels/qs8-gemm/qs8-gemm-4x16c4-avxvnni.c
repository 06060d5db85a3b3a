// int8 GEMM on AVX-VNNI (VEX VPDPBUSD on YMM) with the columns packed four bytes of k at a time,
// unsigned (kiln_qs8_pack_c4_u8: b + 128): the AVX-512 VNNI packed kernel in 8 lanes. One
// VPDPBUSD multiplies 8 columns' 4-byte groups by one row's group broadcast to every lane, so each
// 32-bit lane of an accumulator is one output summed in k order; the accumulators start at bias -
// 128 * weight_sum (each sum carries 128 * the row's weights), and the 4 x 16 outputs of a tile
// leave the registers requantized (8 accumulators, 2 panel vectors, the weights).
#pragma STDC FP_CONTRACT OFF
#include "kiln/qs8-gemm.h"

#if defined(__x86_64__)
#include <immintrin.h>

#include "qs8-c4-avx2.h"

#define KILN_AVXVNNI __attribute__((target("avx2,avxvnni")))

/// One group of 4 bytes of k: the panel's 16 columns at `x` times the 4 rows' groups g.
KILN_AVXVNNI static inline __attribute__((always_inline)) void group(__m256i acc[4][2], const uint8_t *x, const int32_t g[4]) {
  const __m256i x0 = _mm256_loadu_si256((const __m256i *)x), x1 = _mm256_loadu_si256((const __m256i *)(x + 32));
#pragma GCC unroll 4
  for (int r = 0; r < 4; r++) {
    const __m256i w = _mm256_set1_epi32(g[r]);
    acc[r][0] = _mm256_dpbusd_avx_epi32(acc[r][0], x0, w);
    acc[r][1] = _mm256_dpbusd_avx_epi32(acc[r][1], x1, w);
  }
}

KILN_QS8_C4_4X16_KERNEL(kiln_qs8_gemm_4x16c4_avxvnni, KILN_AVXVNNI, 128, group)
#endif
