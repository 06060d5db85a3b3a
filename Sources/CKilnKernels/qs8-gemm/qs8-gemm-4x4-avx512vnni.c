// 4x4 int8 micro-kernel for AVX-512 VNNI (VPDPBUSD: 64 bytes of k per instruction, four u8 x s8
// products summed into each int32 lane, no saturation, so exact). The activations b are made
// unsigned by flipping their sign bit (b + 128); the tile returns the sums with the extra
// 128 * sum(a) of each row in them, and the driver subtracts that offset (the GEMM config's sum_offset
// times the row's weight_sum). Rows and columns shorter than 64 bytes use a masked load; the tail
// is exact the same way.
#pragma STDC FP_CONTRACT OFF
#include "kiln/qs8-gemm.h"

#if defined(__x86_64__)
#include "qs8-hsum-avx512.h"

#define KILN_AVX512 __attribute__((target("avx512f,avx512bw,avx512vnni")))

KILN_AVX512
void kiln_qs8_tile_4x4_avx512vnni(size_t k, const int8_t *const *a, const int8_t *const *b, int32_t *acc) {
  __m512i c[4][4];
  for (int r = 0; r < 4; r++) {
    for (int s = 0; s < 4; s++) c[r][s] = _mm512_setzero_si512();
  }
  const __m512i flip = _mm512_set1_epi8((char)0x80);
  for (size_t p = 0; p < k; p += 64) {
    const __mmask64 m = k - p >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << (k - p)) - 1);
    __m512i y[4];
    for (int s = 0; s < 4; s++) y[s] = _mm512_xor_si512(_mm512_maskz_loadu_epi8(m, b[s] + p), flip);
    for (int r = 0; r < 4; r++) {
      const __m512i x = _mm512_maskz_loadu_epi8(m, a[r] + p);
      // y holds b + 128 as u8 (masked-off bytes are 0 ^ 0x80 = 128, against x = 0: no effect).
      for (int s = 0; s < 4; s++) c[r][s] = _mm512_dpbusd_epi32(c[r][s], y[s], x);
    }
  }
  __m512i v[16];
  for (int r = 0; r < 4; r++) {
    for (int s = 0; s < 4; s++) v[r * 4 + s] = c[r][s];
  }
  _mm512_storeu_si512(acc, kiln_qs8_hsum16_avx512(v));
}
#endif
