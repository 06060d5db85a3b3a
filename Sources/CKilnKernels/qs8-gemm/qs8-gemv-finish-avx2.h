// Shared by the AVX2-class int8 matrix-vector kernels: the mask of their k tail step, and their
// end: 8 rows' lane sums reduced together, minus `offset` x each row's weight sum (128 where the
// kernel made the activations unsigned), plus the bias, requantized with each row's own channel in
// one vector, stored for the rows < mv.
#ifndef KILN_QS8_GEMV_FINISH_AVX2_H
#define KILN_QS8_GEMV_FINISH_AVX2_H
#if defined(__x86_64__)
#include <immintrin.h>

#include "../qs8-requant/qs8-requant-avx2.h"
#include "qs8-hsum-avx2.h"

/// All ones in the last `rest` (< 32) bytes of 32, zeros before: the activations of a tail step
/// on the vector that ends at k keep only the bytes not summed yet (the high 16 bytes serve a
/// 16-byte step).
__attribute__((target("avx2"))) static inline __m256i kiln_qs8_keep_last_avx2(size_t rest) {
  static const int8_t last[64] = {0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,
                                  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
                                  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1};
  return _mm256_loadu_si256((const __m256i *)(last + rest));
}

/// ch: the 8 rows' channels (rows past mv repeat the last); c: row 0's output, rows cs apart.
__attribute__((target("avx2"))) static inline void kiln_qs8_gemv_finish8_avx2(const __m256i v[8], const struct kiln_qs8_channel *ch,
                                                                              size_t mv, int32_t offset, int32_t zero_out, int8_t *c,
                                                                              size_t cs) {
  int32_t bias[8], mp[8], mn[8], shift[8];
  for (size_t r = 0; r < 8; r++) {
    const struct kiln_qs8_channel *cr = &ch[r < mv ? r : mv - 1];
    bias[r] = cr->bias - offset * cr->weight_sum, mp[r] = cr->multiplier_pos, mn[r] = cr->multiplier_neg, shift[r] = cr->shift;
  }
  const __m256i sums = _mm256_add_epi32(kiln_qs8_hsum8_avx2(v), _mm256_loadu_si256((const __m256i *)bias));
  const __m128i bytes = kiln_qs8_requant8_avx2(sums, _mm256_loadu_si256((const __m256i *)mp), _mm256_loadu_si256((const __m256i *)mn),
                                               _mm256_loadu_si256((const __m256i *)shift), zero_out);
  int8_t out[16];
  _mm_storeu_si128((__m128i *)out, bytes);
  for (size_t r = 0; r < mv; r++) c[r * cs] = out[r];
}
#endif
#endif
