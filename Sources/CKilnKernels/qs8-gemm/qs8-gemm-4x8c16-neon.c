// int8 GEMM for ARMv8.0 NEON (Cortex-A72, Pi 4) on packed columns, with the requantization in
// registers: tiles of 4 rows x 4 columns, one int32 vector per output fed 16 bytes of k at a time
// by SMULL + SMLAL2 + SADALP (qs8-mac-neon.h; 16 accumulators, 4 row and 4 column loads: 24 of 32
// registers). After the k loop each row's four vectors become one vector of its 4 column sums by
// two rounds of pairwise adds, which is requantized with the row's parameters
// (qs8-requant-neon.h): no sums leave the registers, and there is no scalar requantization.
//
// Panel ("c16"): column s of nv <= 12 at panel + s * round_up(k, 16), its k bytes gathered from
// `taps` runs (the bytes after k are not read). The last k mod 16 bytes are one more step on the
// vectors that end at k (qs8-mac-neon.h).
#pragma STDC FP_CONTRACT OFF
#include "kiln/qs8-gemm.h"

#if defined(__aarch64__)
#include <assert.h>
#include <string.h>

#include "../qs8-requant/qs8-requant-neon.h"
#include "qs8-mac-neon.h"

static size_t round16(size_t k) { return (k + 15) / 16 * 16; }

/// Gathers nv <= 12 columns into `panel` (layout above). Column s is the concatenation of `taps`
/// runs of c bytes, run t at ind[s * taps + t].
void kiln_qs8_pack_c16_neon(size_t c, size_t taps, size_t nv, const int8_t *const *ind, uint8_t *panel) {
  assert(nv >= 1 && nv <= 12);
  const size_t k = c * taps, kp = round16(k);
  for (size_t s = 0; s < nv; s++) {
    uint8_t *col = panel + s * kp;
    for (size_t t = 0; t < taps; t++) memcpy(col + t * c, ind[s * taps + t], c);
  }
}

/// Rows a + r * lda (r < mv <= 4) times columns col[0..3] (of which nc are kept; the others
/// repeat the last), requantized into c[r * c_row_stride + s * cs].
static void tile_4x4(size_t k, size_t mv, size_t nc, const int8_t *a, size_t lda, const int8_t *const *col,
                     const struct kiln_qs8_channel *ch, int32_t zero_out, int8_t *c, size_t c_row_stride, size_t cs) {
  const int8_t *row[4];
  for (size_t r = 0; r < 4; r++) row[r] = a + (r < mv ? r : mv - 1) * lda;
  int32x4_t acc[4][4];
#pragma GCC unroll 4
  for (int r = 0; r < 4; r++) {
#pragma GCC unroll 4
    for (int s = 0; s < 4; s++) acc[r][s] = vdupq_n_s32(0);
  }
  const size_t k16 = k / 16 * 16;
  for (size_t p = 0; p < k16; p += 16) {
    int8x16_t x[4], y[4];
#pragma GCC unroll 4
    for (int s = 0; s < 4; s++) y[s] = vld1q_s8(col[s] + p);
#pragma GCC unroll 4
    for (int r = 0; r < 4; r++) x[r] = vld1q_s8(row[r] + p);
#pragma GCC unroll 4
    for (int r = 0; r < 4; r++) {
#pragma GCC unroll 4
      for (int s = 0; s < 4; s++) acc[r][s] = kiln_qs8_mac16_neon(acc[r][s], x[r], y[s]);
    }
  }
  if (k16 < k) {  // the last k mod 16 bytes (qs8-mac-neon.h)
    int8x16_t x[4], y[4];
#pragma GCC unroll 4
    for (int s = 0; s < 4; s++) y[s] = kiln_qs8_tail_y_neon(col[s], k);
#pragma GCC unroll 4
    for (int r = 0; r < 4; r++) x[r] = kiln_qs8_tail_x_neon(row[r], k);
#pragma GCC unroll 4
    for (int r = 0; r < 4; r++) {
#pragma GCC unroll 4
      for (int s = 0; s < 4; s++) acc[r][s] = kiln_qs8_mac16_neon(acc[r][s], x[r], y[s]);
    }
  }
  const int16x8_t zero = vdupq_n_s16((int16_t)zero_out);
  for (size_t r = 0; r < mv; r++) {
    const int32x4_t sums = vpaddq_s32(vpaddq_s32(acc[r][0], acc[r][1]), vpaddq_s32(acc[r][2], acc[r][3]));
    const struct kiln_qs8_requant4_neon p = kiln_qs8_requant4_row_neon(&ch[r]);
    const int32x4_t s = kiln_qs8_scale4_neon(vaddq_s32(sums, vdupq_n_s32(ch[r].bias)), &p);
    int8_t out[8];
    vst1_s8(out, kiln_qs8_narrow8_neon(s, s, zero));
    for (size_t j = 0; j < nc; j++) c[r * c_row_stride + j * cs] = out[j];
  }
}

/// Rows a + r * lda (r < mv <= 4) times the packed panel's nv <= 12 columns, requantized into
/// c[r * c_row_stride + s * cs].
void kiln_qs8_gemm_4x8c16_neon(size_t k, size_t mv, size_t nv, const int8_t *a, size_t lda, const uint8_t *panel,
                               const struct kiln_qs8_channel *ch, int32_t zero_out, int8_t *c, size_t c_row_stride, size_t cs) {
  assert(mv >= 1 && mv <= 4 && nv >= 1 && nv <= 12);
  const size_t kp = round16(k);
  for (size_t s0 = 0; s0 < nv; s0 += 4) {
    const size_t nc = nv - s0 < 4 ? nv - s0 : 4;
    const int8_t *col[4];
    for (size_t s = 0; s < 4; s++) col[s] = (const int8_t *)panel + (s0 + (s < nc ? s : nc - 1)) * kp;
    tile_4x4(k, mv, nc, a, lda, col, ch, zero_out, c + s0 * cs, c_row_stride, cs);
  }
}
#endif
