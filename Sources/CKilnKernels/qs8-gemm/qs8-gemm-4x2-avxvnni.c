// 4x2 int8 micro-kernel for AVX-VNNI (VEX VPDPBUSD on YMM: 32 bytes of k per instruction, four
// u8 x s8 products summed into each int32 lane, no saturation, so exact), for the AVX2 boards
// that have it (Alder Lake and later, N100 / N305, Zen 5). As on the AVX-512 VNNI path the
// activations b are made unsigned (b + 128) and the tile returns each row's sums with 128 *
// sum(a) in them, which the driver subtracts (sum_offset 128). The last k mod 32 bytes come from
// zero-padded copies: a padded activation byte is 0 ^ 0x80 = 128 against a padded weight 0.
#pragma STDC FP_CONTRACT OFF
#include "kiln/qs8-gemm.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include <string.h>

#include "qs8-hsum-avx2.h"

#define KILN_AVXVNNI __attribute__((target("avx2,avxvnni")))

/// One 32-byte step of k: rows x0..x3 against the columns made unsigned, y0 and y1.
#define KILN_STEP(x0, x1, x2, x3, y0, y1)                                                                 \
  c00 = _mm256_dpbusd_avx_epi32(c00, y0, x0), c01 = _mm256_dpbusd_avx_epi32(c01, y1, x0);                 \
  c10 = _mm256_dpbusd_avx_epi32(c10, y0, x1), c11 = _mm256_dpbusd_avx_epi32(c11, y1, x1);                 \
  c20 = _mm256_dpbusd_avx_epi32(c20, y0, x2), c21 = _mm256_dpbusd_avx_epi32(c21, y1, x2);                 \
  c30 = _mm256_dpbusd_avx_epi32(c30, y0, x3), c31 = _mm256_dpbusd_avx_epi32(c31, y1, x3);

KILN_AVXVNNI
void kiln_qs8_tile_4x2_avxvnni(size_t k, const int8_t *const *a, const int8_t *const *b, int32_t *acc) {
  __m256i c00 = _mm256_setzero_si256(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  const __m256i flip = _mm256_set1_epi8((char)0x80);
  size_t p = 0;
  for (; p + 32 <= k; p += 32) {
    const __m256i y0 = _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)(b[0] + p)), flip);
    const __m256i y1 = _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)(b[1] + p)), flip);
    KILN_STEP(_mm256_loadu_si256((const __m256i *)(a[0] + p)), _mm256_loadu_si256((const __m256i *)(a[1] + p)),
              _mm256_loadu_si256((const __m256i *)(a[2] + p)), _mm256_loadu_si256((const __m256i *)(a[3] + p)), y0, y1)
  }
  if (p < k) {
    int8_t t[6][32] = {{0}};  // rows 0-3, columns 0-1: the last k - p bytes, zero-padded
    for (int r = 0; r < 4; r++) memcpy(t[r], a[r] + p, k - p);
    for (int s = 0; s < 2; s++) memcpy(t[4 + s], b[s] + p, k - p);
    const __m256i y0 = _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)t[4]), flip);
    const __m256i y1 = _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)t[5]), flip);
    KILN_STEP(_mm256_loadu_si256((const __m256i *)t[0]), _mm256_loadu_si256((const __m256i *)t[1]),
              _mm256_loadu_si256((const __m256i *)t[2]), _mm256_loadu_si256((const __m256i *)t[3]), y0, y1)
  }
  const __m256i sums[8] = {c00, c01, c10, c11, c20, c21, c30, c31};  // acc[r * 2 + s]
  _mm256_storeu_si256((__m256i *)acc, kiln_qs8_hsum8_avx2(sums));
}
#undef KILN_STEP
#endif
