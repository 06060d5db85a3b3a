// The int8 GEMM driver shared by every instruction set, in two forms: kiln_qs8_gemm (columns k
// contiguous bytes each) and kiln_qs8_igemm (columns given by an indirection table, a
// convolution's patches). One column goes to the config's matrix-vector kernel. Configs with a
// packed-column kernel (and a caller that gives workspace) pack columns into panels and let the
// kernel requantize (packed_block). Otherwise it walks C in tiles of the config's mr x nr, lets
// the micro-kernel sum the products, then requantizes each row of up to 256 sums at once with the
// config's requantization kernel (which adds the bias). Edge tiles repeat the last valid row /
// column pointer and discard the extra results, so micro-kernels see only full tiles.
#pragma STDC FP_CONTRACT OFF
#include "kiln/qs8-gemm.h"

#include <assert.h>
#include <string.h>

enum { MAX_TILE = 8, BLOCK = 256, PANELS = 2, MAX_PANEL_NR = 32 };

static size_t round_up(size_t x, size_t to) { return (x + to - 1) / to * to; }
static uint8_t *aligned64(void *p) { return (uint8_t *)(((uintptr_t)p + 63) & ~(uintptr_t)63); }

size_t kiln_qs8_gemm_workspace_bytes(const struct kiln_qs8_gemm_config *gemm, size_t k) {
  return gemm->packed.gemm ? PANELS * gemm->packed.nr * round_up(k, gemm->packed.k_align) + 64 : 0;
}

/// Whether the packed-column kernel takes this GEMM: below a quarter panel of columns most lanes
/// would be empty, and the tile is faster.
static int packed(const struct kiln_qs8_gemm_config *gemm, const void *workspace, size_t m, size_t n) {
  return workspace && gemm->packed.gemm && m >= gemm->packed.mr && n > gemm->packed.nr / 4;
}

/// How many of the n columns the packed kernel takes: a tail of at most a quarter panel past the
/// last full half panel (one 16-lane vector) goes to the tile instead, which does a few columns
/// with fewer wasted lanes (a 7 x 7 map: 48 packed columns and 1 by the matrix-vector kernel,
/// not 64 lanes for 49 columns).
static size_t packed_columns(const struct kiln_qs8_gemm_config *gemm, size_t n) {
  const size_t half = gemm->packed.nr / 2, tail = n % half;
  return n > half && tail <= gemm->packed.nr / 4 ? n - tail : n;
}

/// The packed-column route for nb <= PANELS * packed_nr columns given by ind (see
/// kiln_qs8_pack_fn): pack them into the panels, then every block of rows against each panel.
static void packed_block(const struct kiln_qs8_gemm_config *gemm, uint8_t *panels, size_t m, size_t nb, size_t c, size_t taps,
                         const int8_t *const *ind, const int8_t *a, size_t lda, const struct kiln_qs8_channel *ch,
                         int32_t zero_out, int8_t *out, size_t c_row_stride, size_t c_col_stride) {
  // Up to 3/2 panels of columns make one wide panel (fills the workspace of two at most).
  const size_t pr = gemm->packed.mr, pn = nb <= gemm->packed.nr * 3 / 2 ? nb : gemm->packed.nr, k = c * taps;
  const size_t panel_bytes = pn * round_up(k, gemm->packed.k_align);
  assert(pr <= MAX_TILE && nb <= PANELS * gemm->packed.nr);
  for (size_t j = 0; j < nb; j += pn) gemm->packed.pack(c, taps, nb - j < pn ? nb - j : pn, ind + j * taps, panels + j / pn * panel_bytes);
  for (size_t i = 0; i < m; i += pr) {
    const size_t mv = m - i < pr ? m - i : pr;
    for (size_t j = 0; j < nb; j += pn) {
      gemm->packed.gemm(k, mv, nb - j < pn ? nb - j : pn, a + i * lda, lda, panels + j / pn * panel_bytes, ch + i, zero_out,
                        out + i * c_row_stride + j * c_col_stride, c_row_stride, c_col_stride);
    }
  }
}

void kiln_qs8_gemm(const struct kiln_qs8_gemm_config *gemm, void *workspace, size_t m, size_t n, size_t k, const int8_t *a, size_t lda,
                   const int8_t *b, size_t ldb, const struct kiln_qs8_channel *ch, int32_t zero_out, int8_t *c,
                   size_t c_row_stride, size_t c_col_stride) {
  const size_t mr = gemm->mr, nr = gemm->nr;
  assert(mr >= 1 && mr <= MAX_TILE && nr >= 1 && nr <= MAX_TILE && BLOCK % nr == 0);
  assert(k <= KILN_QS8_MAX_K);
  if (n == 1 && gemm->gemv) {  // one column: the matrix-vector kernel
    gemm->gemv(m, k, a, lda, b, ch, zero_out, c, c_row_stride);
    return;
  }
  if (packed(gemm, workspace, m, n)) {
    const size_t nb_max = PANELS * gemm->packed.nr, np = packed_columns(gemm, n);
    const int8_t *ind[PANELS * MAX_PANEL_NR];
    assert(nb_max <= PANELS * MAX_PANEL_NR);
    if (np < n) {
      kiln_qs8_gemm(gemm, 0, m, n - np, k, a, lda, b + np * ldb, ldb, ch, zero_out, c + np * c_col_stride, c_row_stride,
                    c_col_stride);
    }
    for (size_t j0 = 0; j0 < np; j0 += nb_max) {
      const size_t nb = np - j0 < nb_max ? np - j0 : nb_max;
      for (size_t s = 0; s < nb; s++) ind[s] = b + (j0 + s) * ldb;
      packed_block(gemm, aligned64(workspace), m, nb, k, 1, ind, a, lda, ch, zero_out, c + j0 * c_col_stride, c_row_stride,
                   c_col_stride);
    }
    return;
  }
  const int8_t *rows[MAX_TILE], *cols[MAX_TILE];
  int32_t acc[MAX_TILE * MAX_TILE];
  int32_t sums[MAX_TILE][BLOCK];  // the sums of mr rows x up to BLOCK columns, then one requantization per row
  int32_t off[MAX_TILE];
  for (size_t i = 0; i < m; i += mr) {
    const size_t mv = m - i < mr ? m - i : mr;
    for (size_t r = 0; r < mr; r++) rows[r] = a + (i + (r < mv ? r : mv - 1)) * lda;
    for (size_t r = 0; r < mv; r++) off[r] = gemm->sum_offset * ch[i + r].weight_sum;
    for (size_t j0 = 0; j0 < n; j0 += BLOCK) {
      const size_t nb = n - j0 < BLOCK ? n - j0 : BLOCK;
      for (size_t j = 0; j < nb; j += nr) {
        const size_t nv = nb - j < nr ? nb - j : nr;
        for (size_t s = 0; s < nr; s++) cols[s] = b + (j0 + j + (s < nv ? s : nv - 1)) * ldb;
        gemm->tile(k, rows, cols, acc);
        for (size_t r = 0; r < mv; r++) {
          for (size_t s = 0; s < nv; s++) sums[r][j + s] = acc[r * nr + s] - off[r];
        }
      }
      // A few columns (a dense layer at batch 1) are cheaper in scalar code than a vector setup.
      kiln_qs8_requant_fn *const requant = nb >= 4 ? gemm->requant : kiln_qs8_requant_ref;
      for (size_t r = 0; r < mv; r++) requant(nb, sums[r], &ch[i + r], zero_out, c + (i + r) * c_row_stride + j0 * c_col_stride, c_col_stride);
    }
  }
}

size_t kiln_qs8_igemm_workspace_bytes(const struct kiln_qs8_gemm_config *gemm, size_t n, size_t c, size_t taps) {
  return round_up(n * c * taps, 64) + kiln_qs8_gemm_workspace_bytes(gemm, c * taps) + 64;
}

void kiln_qs8_igemm(const struct kiln_qs8_gemm_config *gemm, void *workspace, size_t m, size_t n, size_t c, size_t taps, const int8_t *a,
                    size_t lda, const int8_t *const *ind, const struct kiln_qs8_channel *ch, int32_t zero_out, int8_t *out,
                    size_t c_row_stride, size_t c_col_stride) {
  const size_t k = c * taps;
  uint8_t *space = aligned64(workspace);
  size_t np = 0;  // columns done by the packed kernel; the rest are gathered for an ordinary GEMM
  if (packed(gemm, workspace, m, n) && (taps == 1 || c % 4 == 0)) {
    const size_t nb_max = PANELS * gemm->packed.nr;
    np = packed_columns(gemm, n);
    for (size_t j0 = 0; j0 < np; j0 += nb_max) {
      packed_block(gemm, space, m, np - j0 < nb_max ? np - j0 : nb_max, c, taps, ind + j0 * taps, a, lda, ch, zero_out,
                   out + j0 * c_col_stride, c_row_stride, c_col_stride);
    }
    if (np == n) return;
  }
  // Few rows (a generator's last layer): the in-place kernel, saving the gather. Many rows and a
  // few columns (small maps): the gather is small next to the rows, and the tile or matrix-vector
  // kernel is faster.
  if (gemm->igemm && m < gemm->packed.mr && n > 1) {
    gemm->igemm(m, n - np, c, taps, a, lda, ind + np * taps, ch, zero_out, out + np * c_col_stride, c_row_stride, c_col_stride);
    return;
  }
  int8_t *cols = (int8_t *)space;
  for (size_t j = np; j < n; j++) {
    for (size_t t = 0; t < taps; t++) memcpy(cols + (j - np) * k + t * c, ind[j * taps + t], c);
  }
  kiln_qs8_gemm(gemm, np ? 0 : cols + round_up(n * k, 64), m, n - np, k, a, lda, cols, k, ch, zero_out, out + np * c_col_stride,
                c_row_stride, c_col_stride);
}

size_t kiln_qs8_narrow_packed_bytes(const struct kiln_qs8_gemm_config *gemm, size_t m, size_t k) {
  return gemm->narrow.gemm ? round_up(m, gemm->narrow.mr) * round_up(k, 4) : 0;
}

void kiln_qs8_narrow_pack(const struct kiln_qs8_gemm_config *gemm, size_t m, size_t k, const int8_t *w, int8_t *packed) {
  // Row by row, 4 bytes at a time (not a byte at a time: this runs at plan time over layers of
  // up to millions of weights), into a zeroed panel: rows past m and bytes past k stay 0.
  const size_t mr = gemm->narrow.mr, kq = (k + 3) / 4, whole = k / 4, step = mr * 4;
  memset(packed, 0, kiln_qs8_narrow_packed_bytes(gemm, m, k));
  for (size_t i = 0; i < m; i++) {
    int8_t *dst = packed + i / mr * kq * step + i % mr * 4;
    const int8_t *src = w + i * k;
    for (size_t q = 0; q < whole; q++) memcpy(dst + q * step, src + 4 * q, 4);
    if (whole < kq) memcpy(dst + whole * step, src + 4 * whole, k - 4 * whole);
  }
}

void kiln_qs8_narrow_igemm(const struct kiln_qs8_gemm_config *gemm, void *workspace, size_t m, size_t n, size_t c, size_t taps,
                           const int8_t *a, const int8_t *const *ind, const struct kiln_qs8_channel *ch, int32_t zero_out,
                           int8_t *out, size_t c_row_stride, size_t c_col_stride) {
  const size_t k = c * taps;
  int8_t *cols = (int8_t *)aligned64(workspace);
  assert(n <= KILN_QS8_NARROW_N && gemm->narrow.gemm);
  for (size_t j = 0; j < n; j++) {
    for (size_t t = 0; t < taps; t++) memcpy(cols + j * k + t * c, ind[j * taps + t], c);
  }
  gemm->narrow.gemm(m, n, k, a, cols, k, ch, zero_out, out, c_row_stride, c_col_stride);
}
