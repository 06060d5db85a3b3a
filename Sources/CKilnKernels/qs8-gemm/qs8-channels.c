// Plan-time per-channel parameters of an int8 GEMM's rows: the zero-point correction folded into
// the bias, the weight sums, and the check that no weight is -128.
#include "kiln/qs8-gemm.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#elif defined(__ARM_NEON)
#include <arm_neon.h>
#endif

/// Sum of w[0..<k]; sets *has_min when one of them is -128. SSE2: PSADBW on the bytes biased by
/// 128; NEON: pairwise widening adds. The scalar loop does the tail (and everything elsewhere).
static int32_t row_sum(const int8_t *w, size_t k, int *has_min) {
  int32_t sum = 0;
  size_t p = 0;
#if defined(__SSE2__)
  const __m128i bias = _mm_set1_epi8((char)0x80), zero = _mm_setzero_si128();
  __m128i acc = zero, min_seen = zero;
  for (; p + 16 <= k; p += 16) {
    const __m128i v = _mm_loadu_si128((const __m128i *)(w + p));
    acc = _mm_add_epi64(acc, _mm_sad_epu8(_mm_xor_si128(v, bias), zero));  // sum of (w + 128)
    min_seen = _mm_or_si128(min_seen, _mm_cmpeq_epi8(v, bias));
  }
  sum = (int32_t)(_mm_cvtsi128_si64(acc) + _mm_cvtsi128_si64(_mm_unpackhi_epi64(acc, acc)) - 128 * (int64_t)p);
  *has_min = _mm_movemask_epi8(min_seen) != 0;
#elif defined(__ARM_NEON)
  int32x4_t acc = vdupq_n_s32(0);
  uint8x16_t min_seen = vdupq_n_u8(0);
  for (; p + 16 <= k; p += 16) {
    const int8x16_t v = vld1q_s8(w + p);
    acc = vpadalq_s16(acc, vpaddlq_s8(v));
    min_seen = vorrq_u8(min_seen, vceqq_s8(v, vdupq_n_s8(-128)));
  }
  sum = vaddvq_s32(acc);
  *has_min = vmaxvq_u8(min_seen) != 0;
#else
  *has_min = 0;
#endif
  for (; p < k; p++) {
    sum += w[p];
    *has_min |= w[p] == -128;
  }
  return sum;
}

int kiln_qs8_make_channels(size_t m, size_t k, const int8_t *w, const int32_t *bias, const int32_t *requant,
                           int32_t x_zero, struct kiln_qs8_channel *out) {
  for (size_t i = 0; i < m; i++) {
    int has_min;
    const int32_t sum = row_sum(w + i * k, k, &has_min);  // |sum| <= 127 * k <= 127 * KILN_QS8_MAX_K
    if (has_min) return -2;
    const int64_t corrected = (int64_t)bias[i] - (int64_t)x_zero * sum;
    if (corrected > (1 << 30) || corrected < -(1 << 30)) return -1;
    out[i] = (struct kiln_qs8_channel){(int32_t)corrected, requant[3 * i], requant[3 * i + 1], requant[3 * i + 2], sum};
  }
  return 0;
}
