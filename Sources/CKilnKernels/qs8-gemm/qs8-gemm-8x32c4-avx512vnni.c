// int8 GEMM on AVX-512 VNNI with the columns packed four bytes of k at a time ("c4"): one
// VPDPBUSD multiplies 16 columns' 4-byte groups (u8, from the packed panel) by one row's 4-byte
// group broadcast to every lane (s8, straight from the weights), so each 32-bit lane of the
// accumulator is one output, summed in k order four products at a time: no horizontal sums, no
// per-tile offset, and the 8 x 32 outputs of a tile leave the registers requantized.
//
// Packing flips the sign bit of every activation (b + 128 as u8) and writes 0 past k and for
// absent columns, so a panel lane holds b[s][p] + 128 for p < k and contributes nothing beyond.
// Each sum therefore carries 128 * (sum of the row's weights): the accumulator starts at
// bias - 128 * weight_sum (|weight_sum| <= 127 * KILN_QS8_MAX_K, so this fits in int32).
//
// Panel layout for nv <= 48 columns in V = ceil(nv / 16) vectors: panel[q][s][t] = b[s][4q + t] +
// 128 for q < ceil(k / 4), s < 16 V, t < 4 (64 V bytes per q). Usually 32 columns; one panel of up
// to 48 when that is all there is (a 7 x 7 map: 48 columns in 3 vectors, not 32 + 16 with the
// 16-column kernel's 8 accumulators too few to hide VPDPBUSD's latency). The weights are read four bytes at a time for the whole
// groups and byte by byte for the last, partial one, so nothing past a row's k bytes is read.
#pragma STDC FP_CONTRACT OFF
#include "kiln/qs8-gemm.h"

#if defined(__x86_64__)
#include <assert.h>
#include <immintrin.h>
#include <string.h>

#include "../qs8-requant/qs8-requant-avx512.h"

#define KILN_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni")))

/// 16 x 16 transpose of 32-bit lanes: out[q] lane s = v[s] lane q.
KILN_AVX512 static inline void transpose16x16_epi32(const __m512i v[16], __m512i out[16]) {
  __m512i u[16];
  for (int g = 0; g < 4; g++) {  // within each 128-bit lane: u[4g + j] lane L = v[4g .. 4g+3] element 4L + j
    const __m512i a = _mm512_unpacklo_epi32(v[4 * g], v[4 * g + 1]), b = _mm512_unpackhi_epi32(v[4 * g], v[4 * g + 1]);
    const __m512i c = _mm512_unpacklo_epi32(v[4 * g + 2], v[4 * g + 3]), d = _mm512_unpackhi_epi32(v[4 * g + 2], v[4 * g + 3]);
    u[4 * g] = _mm512_unpacklo_epi64(a, c);
    u[4 * g + 1] = _mm512_unpackhi_epi64(a, c);
    u[4 * g + 2] = _mm512_unpacklo_epi64(b, d);
    u[4 * g + 3] = _mm512_unpackhi_epi64(b, d);
  }
  for (int j = 0; j < 4; j++) {  // gather 128-bit lane L of u[j], u[4 + j], u[8 + j], u[12 + j]
    const __m512i ab_lo = _mm512_shuffle_i32x4(u[j], u[4 + j], 0x44), ab_hi = _mm512_shuffle_i32x4(u[j], u[4 + j], 0xEE);
    const __m512i cd_lo = _mm512_shuffle_i32x4(u[8 + j], u[12 + j], 0x44), cd_hi = _mm512_shuffle_i32x4(u[8 + j], u[12 + j], 0xEE);
    out[j] = _mm512_shuffle_i32x4(ab_lo, cd_lo, 0x88);
    out[4 + j] = _mm512_shuffle_i32x4(ab_lo, cd_lo, 0xDD);
    out[8 + j] = _mm512_shuffle_i32x4(ab_hi, cd_hi, 0x88);
    out[12 + j] = _mm512_shuffle_i32x4(ab_hi, cd_hi, 0xDD);
  }
}

/// Packs nv <= 48 columns into `panel` (layout above). Column s is the concatenation of `taps`
/// runs of c bytes, run t at ind[s * taps + t] (k = taps * c; c a multiple of 4 when taps > 1, so
/// no group straddles two runs): the gather of a convolution's patches and the packing in one
/// pass.
KILN_AVX512
void kiln_qs8_pack_c4_avx512vnni(size_t c, size_t taps, size_t nv, const int8_t *const *ind, uint8_t *panel) {
  assert(nv >= 1 && nv <= 48 && (taps == 1 || c % 4 == 0));
  const __m512i flip = _mm512_set1_epi8((char)0x80);
  const size_t cq = (c + 3) / 4, vectors = (nv + 15) / 16, stride = 64 * vectors;
  for (size_t h = 0; h < vectors; h++) {
    for (size_t t = 0; t < taps; t++) {
      for (size_t p0 = 0; p0 < c; p0 += 64) {
        const __mmask64 mask = c - p0 >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << (c - p0)) - 1);
        __m512i v[16], out[16];
        for (size_t s = 0; s < 16; s++) {
          const size_t col = 16 * h + s;
          v[s] = col < nv ? _mm512_maskz_mov_epi8(mask, _mm512_xor_si512(_mm512_maskz_loadu_epi8(mask, ind[col * taps + t] + p0), flip))
                          : _mm512_setzero_si512();
        }
        transpose16x16_epi32(v, out);
        const size_t q0 = t * cq + p0 / 4, groups = cq - p0 / 4 < 16 ? cq - p0 / 4 : 16;
        for (size_t q = 0; q < groups; q++) _mm512_storeu_si512(panel + (q0 + q) * stride + h * 64, out[q]);
      }
    }
  }
}

/// Four weight bytes of row `row` at group q as one 32-bit lane pattern; the last group of a k
/// that is not a multiple of 4 reads only its valid bytes (the panel has zeros beyond k).
static inline int32_t weight_group(const int8_t *row, size_t q, size_t k) {
  int32_t w = 0;
  memcpy(&w, row + 4 * q, 4 * q + 4 <= k ? 4 : k - 4 * q);
  return w;
}

/// The micro-kernel body for MR rows and NV 16-column vectors (both compile-time constants after
/// inlining): rows a + r * lda for r < mv (the last row repeats beyond), columns nv <= 16 * NV.
KILN_AVX512 static inline __attribute__((always_inline)) void
tile_c4(const int MR, const int NV, size_t k, size_t mv, size_t nv, const int8_t *a, size_t lda, const uint8_t *panel,
        const struct kiln_qs8_channel *ch, int32_t zero_out, int8_t *c, size_t c_row_stride, size_t cs) {
  const int8_t *row[8];
  __m512i acc[8][3];
  for (int r = 0; r < MR; r++) {
    const size_t rr = (size_t)r < mv ? (size_t)r : mv - 1;
    row[r] = a + rr * lda;
    for (int v = 0; v < NV; v++) acc[r][v] = _mm512_set1_epi32(ch[rr].bias - 128 * ch[rr].weight_sum);
  }
  const size_t kq = k / 4;
  for (size_t q = 0; q < kq; q++) {
    __m512i x[3];
    for (int v = 0; v < NV; v++) x[v] = _mm512_loadu_si512(panel + q * 64 * NV + v * 64);
    for (int r = 0; r < MR; r++) {
      int32_t w;
      memcpy(&w, row[r] + 4 * q, 4);
      const __m512i y = _mm512_set1_epi32(w);
      for (int v = 0; v < NV; v++) acc[r][v] = _mm512_dpbusd_epi32(acc[r][v], x[v], y);
    }
  }
  if (k % 4) {
    __m512i x[3];
    for (int v = 0; v < NV; v++) x[v] = _mm512_loadu_si512(panel + kq * 64 * NV + v * 64);
    for (int r = 0; r < MR; r++) {
      const __m512i y = _mm512_set1_epi32(weight_group(row[r], kq, k));
      for (int v = 0; v < NV; v++) acc[r][v] = _mm512_dpbusd_epi32(acc[r][v], x[v], y);
    }
  }
  for (int r = 0; r < MR && (size_t)r < mv; r++) {
    const __m512i shift = _mm512_set1_epi32(ch[r].shift);
    const __m512i mp = _mm512_set1_epi32(ch[r].multiplier_pos), mn = _mm512_set1_epi32(ch[r].multiplier_neg);
    for (int v = 0; v < NV && (size_t)v * 16 < nv; v++) {
      const size_t left = nv - (size_t)v * 16;
      const __mmask16 lanes = left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1);
      const __m128i bytes = kiln_qs8_requant16_avx512(acc[r][v], mp, mn, shift, zero_out);
      kiln_qs8_store16_avx512(bytes, lanes, c + r * c_row_stride + (size_t)v * 16 * cs, cs);
    }
  }
}

/// Rows a + r * lda (r < mv <= 8) times the packed panel's nv <= 48 columns, requantized into
/// c[r * c_row_stride + s * cs].
KILN_AVX512
void kiln_qs8_gemm_8x32c4_avx512vnni(size_t k, size_t mv, size_t nv, const int8_t *a, size_t lda, const uint8_t *panel,
                                     const struct kiln_qs8_channel *ch, int32_t zero_out, int8_t *c, size_t c_row_stride,
                                     size_t cs) {
  assert(mv >= 1 && mv <= 8 && nv >= 1 && nv <= 48);
  if (mv > 4) {
    if (nv > 32) tile_c4(8, 3, k, mv, nv, a, lda, panel, ch, zero_out, c, c_row_stride, cs);
    else if (nv > 16) tile_c4(8, 2, k, mv, nv, a, lda, panel, ch, zero_out, c, c_row_stride, cs);
    else tile_c4(8, 1, k, mv, nv, a, lda, panel, ch, zero_out, c, c_row_stride, cs);
  } else {
    if (nv > 32) tile_c4(4, 3, k, mv, nv, a, lda, panel, ch, zero_out, c, c_row_stride, cs);
    else if (nv > 16) tile_c4(4, 2, k, mv, nv, a, lda, panel, ch, zero_out, c, c_row_stride, cs);
    else tile_c4(4, 1, k, mv, nv, a, lda, panel, ch, zero_out, c, c_row_stride, cs);
  }
}
#endif
