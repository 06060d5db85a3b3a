// int8 matrix-vector product with requantization on AVX-512 VNNI (a dense layer at batch 1): 16
// rows at a time, each a VPDPBUSD chain over 64-byte chunks of k against the activations made
// unsigned (b + 128, masked loads for the tail), the 16 lane sums reduced at once, the offset
// 128 * weight_sum removed and every row requantized with its own channel in one vector.
#pragma STDC FP_CONTRACT OFF
#include "kiln/qs8-gemm.h"

#if defined(__x86_64__)
#include "../qs8-requant/qs8-requant-avx512.h"
#include "qs8-hsum-avx512.h"

__attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni")))
void kiln_qs8_gemv_16_avx512vnni(size_t m, size_t k, const int8_t *a, size_t lda, const int8_t *b, const struct kiln_qs8_channel *ch,
                                 int32_t zero_out, int8_t *c, size_t cs) {
  const __m512i flip = _mm512_set1_epi8((char)0x80);
  for (size_t i = 0; i < m; i += 16) {
    const size_t mv = m - i < 16 ? m - i : 16;
    const int8_t *row[16];
    __m512i v[16];
    for (size_t r = 0; r < 16; r++) {
      row[r] = a + (i + (r < mv ? r : mv - 1)) * lda;  // rows past m repeat the last; not stored
      v[r] = _mm512_setzero_si512();
    }
    for (size_t p = 0; p < k; p += 64) {
      const __mmask64 mask = k - p >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << (k - p)) - 1);
      // Masked-off bytes of y are 0 ^ 0x80 = 128, against weight bytes loaded as 0: no effect.
      const __m512i y = _mm512_xor_si512(_mm512_maskz_loadu_epi8(mask, b + p), flip);
      for (size_t r = 0; r < 16; r++) v[r] = _mm512_dpbusd_epi32(v[r], y, _mm512_maskz_loadu_epi8(mask, row[r] + p));
    }
    const struct kiln_qs8_channels16 f = kiln_qs8_load_channels16_avx512(ch + i, mv);
    const __m512i sums = _mm512_sub_epi32(kiln_qs8_hsum16_avx512(v), _mm512_slli_epi32(f.weight_sum, 7));
    const __m128i bytes = kiln_qs8_requant16_avx512(_mm512_add_epi32(sums, f.bias), f.multiplier_pos, f.multiplier_neg, f.shift, zero_out);
    kiln_qs8_store16_avx512(bytes, mv == 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << mv) - 1), c + i * cs, cs);
  }
}
#endif
