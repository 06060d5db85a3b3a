// Horizontal sums shared by the AVX2 int8 kernels: eight accumulators' lane sums as one vector.
#ifndef KILN_QS8_HSUM_AVX2_H
#define KILN_QS8_HSUM_AVX2_H
#if defined(__x86_64__)
#include <immintrin.h>

/// Lane i = the sum of v[i]'s eight int32 lanes: a tree of VPHADDD, then the two 128-bit halves added.
__attribute__((target("avx2"))) static inline __m256i kiln_qs8_hsum8_avx2(const __m256i v[8]) {
  const __m256i a = _mm256_hadd_epi32(_mm256_hadd_epi32(v[0], v[1]), _mm256_hadd_epi32(v[2], v[3]));  // [s0..s3 | s0..s3] halves
  const __m256i b = _mm256_hadd_epi32(_mm256_hadd_epi32(v[4], v[5]), _mm256_hadd_epi32(v[6], v[7]));
  return _mm256_add_epi32(_mm256_permute2x128_si256(a, b, 0x20), _mm256_permute2x128_si256(a, b, 0x31));
}
#endif
#endif
