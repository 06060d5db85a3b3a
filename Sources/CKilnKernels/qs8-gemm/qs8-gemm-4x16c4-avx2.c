// int8 GEMM on AVX2 with the columns packed four bytes of k at a time (signed "c4" panels,
// kiln_qs8_pack_c4): the structure of the AVX-512 VNNI and NEON dot packed kernels on
// VPMADDUBSW. One row's 4-byte group is broadcast to every lane; VPSIGNB moves each activation's
// sign onto it (w * sign(b), in [-127, 127]: weights are never -128) and VPMADDUBSW multiplies
// |b| (VPABSB, at most 128, as u8) by it: each int16 pair is at most 2 x 128 x 127 = 32,512, so
// nothing saturates and the pair is exactly w * b summed; VPMADDWD by ones adds the pairs into
// the 32-bit lane of that output. Each lane of an accumulator is one output summed in k order: no
// horizontal sums, and the 4 x 16 outputs of a tile leave the registers requantized (8
// accumulators, 2 panel vectors and their absolute values, the weights, ones: 15 of 16 registers).
#pragma STDC FP_CONTRACT OFF
#include "kiln/qs8-gemm.h"

#if defined(__x86_64__)
#include <immintrin.h>

#include "qs8-c4-avx2.h"

#define KILN_AVX2 __attribute__((target("avx2")))

/// One group of 4 bytes of k: the panel's 16 columns at `x` times the 4 rows' groups g.
KILN_AVX2 static inline __attribute__((always_inline)) void group(__m256i acc[4][2], const uint8_t *x, const int32_t g[4]) {
  const __m256i ones = _mm256_set1_epi16(1);
  const __m256i x0 = _mm256_loadu_si256((const __m256i *)x), x1 = _mm256_loadu_si256((const __m256i *)(x + 32));
  const __m256i u0 = _mm256_abs_epi8(x0), u1 = _mm256_abs_epi8(x1);
#pragma GCC unroll 4
  for (int r = 0; r < 4; r++) {
    const __m256i w = _mm256_set1_epi32(g[r]);
    acc[r][0] = _mm256_add_epi32(acc[r][0], _mm256_madd_epi16(_mm256_maddubs_epi16(u0, _mm256_sign_epi8(w, x0)), ones));
    acc[r][1] = _mm256_add_epi32(acc[r][1], _mm256_madd_epi16(_mm256_maddubs_epi16(u1, _mm256_sign_epi8(w, x1)), ones));
  }
}

KILN_QS8_C4_4X16_KERNEL(kiln_qs8_gemm_4x16c4_avx2, KILN_AVX2, 0, group)
#endif
