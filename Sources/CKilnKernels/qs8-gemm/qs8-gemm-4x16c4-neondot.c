// int8 GEMM on ARMv8.2 NEON with the dot product (Cortex-A76, Pi 5) with the columns packed four
// bytes of k at a time ("c4"), the structure of the AVX-512 VNNI packed kernel: SDOT by element
// (v.4s += x.16b * w.4b[lane]) multiplies 4 columns' 4-byte groups (from the packed panel) by one
// row's group, selected by lane from a 16-byte load of the row, so each 32-bit lane of an
// accumulator is one output summed in k order: no horizontal sums, and the 4 x 16 outputs of a tile
// leave the registers requantized (16 accumulators, 4 row loads, 4 panel loads: 24 of 32 registers).
//
// Signed x signed: the panel holds the activations as they are (int8), 0 past k, and the
// accumulators start at the bias. Slots of absent columns past the last group of 4 are never
// written; their lanes are computed and discarded. Panel layout for nv <= 24 columns in V =
// ceil(nv / 16) vectors of 16: panel[q][s][t] = b[s][4q + t] for q < ceil(k / 4), s < 16 V, t < 4
// (64 V bytes per q): kiln_qs8_pack_c4 (qs8-pack-c4.c).
#pragma STDC FP_CONTRACT OFF
#include "kiln/qs8-gemm.h"

#if defined(__aarch64__)
#include "qs8-neondot-target.h"
#include <arm_neon.h>
#include <assert.h>
#include <string.h>

#include "../qs8-requant/qs8-requant-neon.h"

/// Group q + L of the 4 rows (lane L of their loads) times the panel's 16 columns at group q + L.
#define KILN_GROUP(L)                                                                             \
  do {                                                                                            \
    int8x16_t x[4];                                                                               \
    _Pragma("GCC unroll 4") for (int v = 0; v < 4; v++) x[v] = vld1q_s8(p + ((q + (L)) * stride + 16 * v)); \
    _Pragma("GCC unroll 4") for (int r = 0; r < 4; r++) {                                         \
      _Pragma("GCC unroll 4") for (int v = 0; v < 4; v++) acc[r][v] = vdotq_laneq_s32(acc[r][v], x[v], w[r], L); \
    }                                                                                             \
  } while (0)

/// Rows a + r * lda (r < mv <= 4; the last row repeats beyond) times the nc <= 16 columns of the
/// panel vector at p (groups `stride` bytes apart), requantized into c[r * c_row_stride + s * cs].
KILN_DOTPROD static void tile_4x16(size_t k, size_t mv, size_t nc, const int8_t *a, size_t lda, const int8_t *p, size_t stride,
                                   const struct kiln_qs8_channel *ch, int32_t zero_out, int8_t *c, size_t c_row_stride, size_t cs) {
  const int8_t *row[4];
  int32x4_t acc[4][4];
#pragma GCC unroll 4
  for (int r = 0; r < 4; r++) {
    const size_t rr = (size_t)r < mv ? (size_t)r : mv - 1;
    row[r] = a + rr * lda;
#pragma GCC unroll 4
    for (int v = 0; v < 4; v++) acc[r][v] = vdupq_n_s32(ch[rr].bias);
  }
  const size_t kq = (k + 3) / 4;
  size_t q = 0;
  for (; 4 * q + 16 <= k; q += 4) {  // 16 bytes of k of each row: four groups
    int8x16_t w[4];
#pragma GCC unroll 4
    for (int r = 0; r < 4; r++) w[r] = vld1q_s8(row[r] + 4 * q);
    KILN_GROUP(0);
    KILN_GROUP(1);
    KILN_GROUP(2);
    KILN_GROUP(3);
  }
  if (q < kq) {  // the last 1-15 bytes of k (the panel is 0 past k)
    int8x16_t w[4];
#pragma GCC unroll 4
    for (int r = 0; r < 4; r++) {
      int8_t tail[16] = {0};
      memcpy(tail, row[r] + 4 * q, k - 4 * q);
      w[r] = vld1q_s8(tail);
    }
    KILN_GROUP(0);
    if (q + 1 < kq) KILN_GROUP(1);
    if (q + 2 < kq) KILN_GROUP(2);
    if (q + 3 < kq) KILN_GROUP(3);
  }
  const int16x8_t zero = vdupq_n_s16((int16_t)zero_out);
  for (size_t r = 0; r < mv; r++) {
    const struct kiln_qs8_requant4_neon rq = kiln_qs8_requant4_row_neon(&ch[r]);
    int32x4_t s[4];
#pragma GCC unroll 4
    for (int v = 0; v < 4; v++) s[v] = kiln_qs8_scale4_neon(acc[r][v], &rq);
    kiln_qs8_store16_neon(vcombine_s8(kiln_qs8_narrow8_neon(s[0], s[1], zero), kiln_qs8_narrow8_neon(s[2], s[3], zero)), nc,
                          c + r * c_row_stride, cs);
  }
}
#undef KILN_GROUP

/// Rows a + r * lda (r < mv <= 4) times the packed panel's nv <= 24 columns, requantized into
/// c[r * c_row_stride + s * cs].
KILN_DOTPROD
void kiln_qs8_gemm_4x16c4_neondot(size_t k, size_t mv, size_t nv, const int8_t *a, size_t lda, const uint8_t *panel,
                                  const struct kiln_qs8_channel *ch, int32_t zero_out, int8_t *c, size_t c_row_stride, size_t cs) {
  assert(mv >= 1 && mv <= 4 && nv >= 1 && nv <= 24);
  const size_t stride = 64 * ((nv + 15) / 16);
  for (size_t s0 = 0; s0 < nv; s0 += 16) {
    tile_4x16(k, mv, nv - s0 < 16 ? nv - s0 : 16, a, lda, (const int8_t *)panel + s0 / 16 * 64, stride, ch, zero_out, c + s0 * cs,
              c_row_stride, cs);
  }
}
#endif
