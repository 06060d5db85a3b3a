// int8 matrix-vector product (a dense layer at batch 1) on AVX-512 VNNI with the weights packed at
// plan time four bytes of k at a time for 16 rows: packed[block][q][r][t] = w[16 block + r][4q + t]
// (0 past m and past k). One VPDPBUSD multiplies a 64-byte group vector by the input's 4-byte
// group broadcast to every lane (made unsigned, + 128), so each lane accumulates one row with no
// horizontal sum; the accumulator starts at bias - 128 * weight_sum and leaves requantized. For
// the small k of a generator's dense layer (TF-28: 12544 x 100) the row-vectorized kernel
// (kiln_qs8_gemv_16_avx512vnni) spends most of its time on the reductions and channel loads; with
// this one the whole TF-28 int8 run went from 0.168-0.173 to 0.159-0.165 ms (kiln bench).
#pragma STDC FP_CONTRACT OFF
#include "kiln_kernels.h"

#if defined(__x86_64__)
#include <string.h>

#include "../qs8-requant/qs8-requant-avx512.h"

void kiln_qs8_dense_pack_c4_avx512vnni(size_t m, size_t k, const int8_t *w, int8_t *packed) {
  const size_t kq = (k + 3) / 4;
  for (size_t i0 = 0; i0 < m; i0 += 16) {
    for (size_t q = 0; q < kq; q++) {
      for (size_t r = 0; r < 16; r++) {
        for (size_t t = 0; t < 4; t++) {
          const size_t i = i0 + r, p = 4 * q + t;
          *packed++ = i < m && p < k ? w[i * k + p] : 0;
        }
      }
    }
  }
}

/// Up to BLOCKS blocks of 16 rows at once: their accumulator chains overlap VPDPBUSD's latency and
/// share each broadcast of the input.
enum { BLOCKS = 8 };

__attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni")))
void kiln_qs8_gemv_16c4_avx512vnni(size_t m, size_t k, const int8_t *packed, const int8_t *b, const struct kiln_qs8_channel *ch,
                                   int32_t zero_out, int8_t *c, size_t cs) {
  const size_t kq = (k + 3) / 4;
  for (size_t i0 = 0; i0 < m; i0 += 16 * BLOCKS, packed += BLOCKS * kq * 64) {
    const size_t blocks = (m - i0 + 15) / 16 < BLOCKS ? (m - i0 + 15) / 16 : BLOCKS;
    struct kiln_qs8_channels16 f[BLOCKS];
    __m512i acc[BLOCKS];
    for (size_t j = 0; j < BLOCKS; j++) {  // blocks past the last repeat it (not stored)
      const size_t i = i0 + 16 * (j < blocks ? j : blocks - 1), mv = m - i < 16 ? m - i : 16;
      f[j] = kiln_qs8_load_channels16_avx512(ch + i, mv);
      acc[j] = _mm512_sub_epi32(f[j].bias, _mm512_slli_epi32(f[j].weight_sum, 7));
    }
    for (size_t q = 0; q < kq; q++) {
      uint32_t x = 0;
      memcpy(&x, b + 4 * q, 4 * q + 4 <= k ? 4 : k - 4 * q);  // past k: any byte, its weights are 0
      const __m512i xb = _mm512_set1_epi32((int32_t)(x ^ 0x80808080u));
      for (size_t j = 0; j < BLOCKS; j++) {
        acc[j] = _mm512_dpbusd_epi32(acc[j], xb, _mm512_loadu_si512(packed + ((j < blocks ? j : blocks - 1) * kq + q) * 64));
      }
    }
    for (size_t j = 0; j < blocks; j++) {
      const size_t i = i0 + 16 * j, mv = m - i < 16 ? m - i : 16;
      const __m128i bytes = kiln_qs8_requant16_avx512(acc[j], f[j].multiplier_pos, f[j].multiplier_neg, f[j].shift, zero_out);
      kiln_qs8_store16_avx512(bytes, mv == 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << mv) - 1), c + i * cs, cs);
    }
  }
}
#endif
