// The int8 indirect GEMM for what the packed kernel does not take (fewer than 8 rows, or a few
// columns: the last layer of a generator, the smallest maps of a U-Net) on AVX-512 VNNI, reading
// the patches where they are: 4 rows x 4 columns, or 1 row x 16 columns when m = 1, each a
// VPDPBUSD chain over the taps and 64-byte chunks of c (masked loads for the tail) with the
// activations made unsigned (b + 128); one horizontal sum per tile, the offset 128 * weight_sum
// removed and every output requantized with its row's channel in one vector. Rows and columns
// past the edge repeat the last one and are not stored.
#pragma STDC FP_CONTRACT OFF
#include "kiln/qs8-gemm.h"

#if defined(__x86_64__)
#include <string.h>

#include "../qs8-requant/qs8-requant-avx512.h"
#include "qs8-hsum-avx512.h"

#define KILN_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni")))

static inline __mmask64 chunk_mask(size_t left) { return left >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << left) - 1); }

/// One row (m = 1) times columns j0 ..< j0 + nv (nv <= 16).
KILN_AVX512 static void row_x16(size_t nv, size_t c, size_t taps, const int8_t *a, const int8_t *const *ind,
                                const struct kiln_qs8_channel *ch, int32_t zero_out, int8_t *out, size_t cs) {
  const __m512i flip = _mm512_set1_epi8((char)0x80);
  __m512i v[16];
  const int8_t *const *col[16];
  for (size_t s = 0; s < 16; s++) {
    col[s] = ind + (s < nv ? s : nv - 1) * taps;
    v[s] = _mm512_setzero_si512();
  }
  for (size_t t = 0; t < taps; t++) {
    for (size_t p = 0; p < c; p += 64) {
      const __mmask64 mask = chunk_mask(c - p);
      const __m512i w = _mm512_maskz_loadu_epi8(mask, a + t * c + p);
      for (size_t s = 0; s < 16; s++) v[s] = _mm512_dpbusd_epi32(v[s], _mm512_xor_si512(_mm512_maskz_loadu_epi8(mask, col[s][t] + p), flip), w);
    }
  }
  const __m512i sums = _mm512_sub_epi32(kiln_qs8_hsum16_avx512(v), _mm512_set1_epi32(128 * ch->weight_sum));
  const __m128i bytes = kiln_qs8_requant16_avx512(_mm512_add_epi32(sums, _mm512_set1_epi32(ch->bias)), _mm512_set1_epi32(ch->multiplier_pos),
                                                  _mm512_set1_epi32(ch->multiplier_neg), _mm512_set1_epi32(ch->shift), zero_out);
  kiln_qs8_store16_avx512(bytes, nv == 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << nv) - 1), out, cs);
}

/// Rows i0 ..< i0 + mv (mv <= 4) times columns j0 ..< j0 + nv (nv <= 4).
KILN_AVX512 static void tile_4x4(size_t mv, size_t nv, size_t c, size_t taps, const int8_t *a, size_t lda, const int8_t *const *ind,
                                 const struct kiln_qs8_channel *ch, int32_t zero_out, int8_t *out, size_t c_row_stride, size_t cs) {
  const __m512i flip = _mm512_set1_epi8((char)0x80);
  __m512i v[16];
  const int8_t *row[4];
  const int8_t *const *col[4];
  for (size_t r = 0; r < 4; r++) row[r] = a + (r < mv ? r : mv - 1) * lda;
  for (size_t s = 0; s < 4; s++) col[s] = ind + (s < nv ? s : nv - 1) * taps;
  for (size_t i = 0; i < 16; i++) v[i] = _mm512_setzero_si512();
  for (size_t t = 0; t < taps; t++) {
    for (size_t p = 0; p < c; p += 64) {
      const __mmask64 mask = chunk_mask(c - p);
      __m512i y[4];
      for (size_t s = 0; s < 4; s++) y[s] = _mm512_xor_si512(_mm512_maskz_loadu_epi8(mask, col[s][t] + p), flip);
      for (size_t r = 0; r < 4; r++) {
        const __m512i w = _mm512_maskz_loadu_epi8(mask, row[r] + t * c + p);
        for (size_t s = 0; s < 4; s++) v[4 * r + s] = _mm512_dpbusd_epi32(v[4 * r + s], y[s], w);
      }
    }
  }
  // Lane 4r + s is row r, column s: spread the rows' channels to their four lanes each.
  const struct kiln_qs8_channels16 f = kiln_qs8_load_channels16_avx512(ch, mv);
  const __m512i quad = _mm512_setr_epi32(0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3);
  const __m512i sums = _mm512_sub_epi32(kiln_qs8_hsum16_avx512(v), _mm512_slli_epi32(_mm512_permutexvar_epi32(quad, f.weight_sum), 7));
  const __m128i bytes = kiln_qs8_requant16_avx512(_mm512_add_epi32(sums, _mm512_permutexvar_epi32(quad, f.bias)),
                                                  _mm512_permutexvar_epi32(quad, f.multiplier_pos),
                                                  _mm512_permutexvar_epi32(quad, f.multiplier_neg),
                                                  _mm512_permutexvar_epi32(quad, f.shift), zero_out);
  int8_t b[16];
  _mm_storeu_si128((__m128i *)b, bytes);
  for (size_t r = 0; r < mv; r++) {
    for (size_t s = 0; s < nv; s++) out[r * c_row_stride + s * cs] = b[4 * r + s];
  }
}

KILN_AVX512
void kiln_qs8_igemm_4x4_avx512vnni(size_t m, size_t n, size_t c, size_t taps, const int8_t *a, size_t lda, const int8_t *const *ind,
                                   const struct kiln_qs8_channel *ch, int32_t zero_out, int8_t *out, size_t c_row_stride, size_t cs) {
  if (m == 1) {
    for (size_t j = 0; j < n; j += 16) row_x16(n - j < 16 ? n - j : 16, c, taps, a, ind + j * taps, ch, zero_out, out + j * cs, cs);
    return;
  }
  for (size_t i = 0; i < m; i += 4) {
    for (size_t j = 0; j < n; j += 4) {
      tile_4x4(m - i < 4 ? m - i : 4, n - j < 4 ? n - j : 4, c, taps, a + i * lda, lda, ind + j * taps, ch + i, zero_out,
               out + i * c_row_stride + j * cs, c_row_stride, cs);
    }
  }
}
#endif
