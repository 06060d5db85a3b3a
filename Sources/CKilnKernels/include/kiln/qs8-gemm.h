// int8 (qs8) GEMM with requantization: one driver, and the micro-kernels each instruction set
// gives it. Every route gives the same bytes as the reference, for every input.
#ifndef KILN_QS8_GEMM_H
#define KILN_QS8_GEMM_H

#include <stddef.h>
#include <stdint.h>

#include "qs8-requant.h"

#ifdef __cplusplus
extern "C" {
#endif

/// The largest reduction length the int8 GEMM accepts: with |a| <= 127 (weights never -128),
/// |b| <= 128 and |bias| <= 2^30, every partial sum fits in int32.
#define KILN_QS8_MAX_K 32768
/// The most columns a narrow GEMM takes (kiln_qs8_narrow_gemm_fn).
#define KILN_QS8_NARROW_N 8

/// A micro-kernel: acc[r * nr + s] = sum over p < k of a[r][p] * b[s][p] (plus the config's
/// sum_offset times the row's weight sum), for the `mr` rows a[0..mr-1] and the `nr` columns
/// b[0..nr-1] (each k contiguous int8, any alignment).
typedef void kiln_qs8_tile_fn(size_t k, const int8_t *const *a, const int8_t *const *b, int32_t *acc);

/// A matrix-vector kernel for one column (a dense layer at batch 1), requantized:
/// c[i * cs] = kiln_qs8_requantize(ch[i].bias + sum over p < k of a[i * lda + p] * b[p], &ch[i], zero_out)
/// for i < m.
typedef void kiln_qs8_gemv_fn(size_t m, size_t k, const int8_t *a, size_t lda, const int8_t *b, const struct kiln_qs8_channel *ch,
                              int32_t zero_out, int8_t *c, size_t cs);

/// Packs nv <= packed.nr * 3 / 2 columns into a panel of packed.k_align-padded columns, where
/// column b_s is the concatenation of `taps` runs of c bytes, run t at ind[s * taps + t] (k = taps *
/// c; c a multiple of 4 when taps > 1). Two layouts: "c4" (k_align 4), ceil(nv / 16) 16-column
/// vectors per group q of 4 bytes of k, panel[q][s][u] = b_s[4q + u] (+ 128 as u8 where the kernel
/// takes unsigned activations, VNNI), past k 0 (128 from kiln_qs8_pack_c4_u8; the weights there
/// are 0); "c16" (k_align 16), column s's k bytes at s * round_up(k, 16).
typedef void kiln_qs8_pack_fn(size_t c, size_t taps, size_t nv, const int8_t *const *ind, uint8_t *panel);
/// Rows a + r * lda (r < mv <= packed.mr) times a packed panel's nv <= packed.nr * 3 / 2 columns:
/// c[r * c_row_stride + s * cs] = kiln_qs8_requantize(ch[r].bias + sum, &ch[r], zero_out).
typedef void kiln_qs8_packed_gemm_fn(size_t k, size_t mv, size_t nv, const int8_t *a, size_t lda, const uint8_t *panel,
                                     const struct kiln_qs8_channel *ch, int32_t zero_out, int8_t *c, size_t c_row_stride, size_t cs);
/// An indirect GEMM kernel reading patches in place (see kiln_qs8_igemm), for what the packed
/// kernel does not take: out[i * c_row_stride + j * cs] = kiln_qs8_requantize(ch[i].bias + sum, ...).
typedef void kiln_qs8_igemm_fn(size_t m, size_t n, size_t c, size_t taps, const int8_t *a, size_t lda, const int8_t *const *ind,
                               const struct kiln_qs8_channel *ch, int32_t zero_out, int8_t *out, size_t c_row_stride, size_t cs);
/// The GEMM for n <= KILN_QS8_NARROW_N columns (a dense layer at a small batch, a conv on a tiny
/// map) on weights packed by kiln_qs8_narrow_pack: rows 0 ..< m of the packed matrix (rows from i0, a
/// multiple of narrow.mr, start kiln_qs8_narrow_packed_bytes(gemm, i0, k) bytes in) times
/// columns b + j * ldb (k bytes each): c[i * c_row_stride + j * cs] =
/// kiln_qs8_requantize(ch[i].bias + sum, &ch[i], zero_out).
typedef void kiln_qs8_narrow_gemm_fn(size_t m, size_t n, size_t k, const int8_t *packed, const int8_t *b, size_t ldb,
                                     const struct kiln_qs8_channel *ch, int32_t zero_out, int8_t *c, size_t c_row_stride, size_t cs);

kiln_qs8_tile_fn kiln_qs8_tile_2x2_c;
kiln_qs8_pack_fn kiln_qs8_pack_c4;     // signed c4 panels of nv <= 24 columns (qs8-pack-c4.c)
kiln_qs8_pack_fn kiln_qs8_pack_c4_u8;  // the same made unsigned (+ 128), for VEX VPDPBUSD
#if defined(__x86_64__)
kiln_qs8_tile_fn kiln_qs8_tile_4x2_sse41;
kiln_qs8_tile_fn kiln_qs8_tile_4x2_avx2;
kiln_qs8_gemv_fn kiln_qs8_gemv_8_avx2;
kiln_qs8_packed_gemm_fn kiln_qs8_gemm_4x16c4_avx2;
kiln_qs8_tile_fn kiln_qs8_tile_4x2_avxvnni;
kiln_qs8_packed_gemm_fn kiln_qs8_gemm_4x16c4_avxvnni;
kiln_qs8_gemv_fn kiln_qs8_gemv_8_avxvnni;
kiln_qs8_tile_fn kiln_qs8_tile_4x4_avx512vnni;
kiln_qs8_gemv_fn kiln_qs8_gemv_16_avx512vnni;
kiln_qs8_pack_fn kiln_qs8_pack_c4_avx512vnni;
kiln_qs8_packed_gemm_fn kiln_qs8_gemm_8x32c4_avx512vnni;
kiln_qs8_igemm_fn kiln_qs8_igemm_4x4_avx512vnni;
kiln_qs8_narrow_gemm_fn kiln_qs8_gemm_64xn_avx512vnni;
#endif
#if defined(__aarch64__)
kiln_qs8_tile_fn kiln_qs8_tile_4x2_neon;
kiln_qs8_gemv_fn kiln_qs8_gemv_4_neon;
kiln_qs8_pack_fn kiln_qs8_pack_c16_neon;
kiln_qs8_packed_gemm_fn kiln_qs8_gemm_4x8c16_neon;
kiln_qs8_tile_fn kiln_qs8_tile_4x4_neondot;
kiln_qs8_packed_gemm_fn kiln_qs8_gemm_4x16c4_neondot;
kiln_qs8_narrow_gemm_fn kiln_qs8_gemm_16xn_neondot;
#endif

/// What one instruction set gives the GEMM driver. Every config has the tile route; the others
/// are 0 / NULL where the instruction set has no kernel for them, and the driver then does
/// without. Whichever route runs, the bytes are the same.
struct kiln_qs8_gemm_config {
  // The tile route: an mr x nr micro-kernel sums products, then each row of up to 256 sums is
  // requantized (requant adds the bias). Tile sums carry sum_offset * weight_sum: 128 where the
  // kernel makes activations unsigned (+128).
  size_t mr, nr;
  kiln_qs8_tile_fn *tile;
  int32_t sum_offset;
  kiln_qs8_requant_fn *requant;
  // One column (n = 1), requantized.
  kiln_qs8_gemv_fn *gemv;
  // Packed columns, used for m >= packed.mr and n > packed.nr / 4 when the caller gives
  // workspace: rows in blocks of packed.mr, columns in panels of packed.nr (<= 32), or one panel
  // of up to 3/2 of that when that is all there is; each column's k padded to packed.k_align.
  struct kiln_qs8_packed_config {
    size_t mr, nr, k_align;
    kiln_qs8_pack_fn *pack;
    kiln_qs8_packed_gemm_fn *gemm;
  } packed;
  // Indirect columns read in place, for fewer rows than packed.mr (a generator's last layer).
  kiln_qs8_igemm_fn *igemm;
  // At most KILN_QS8_NARROW_N columns, on weights packed at plan time in panels of narrow.mr rows.
  struct kiln_qs8_narrow_config {
    size_t mr;
    kiln_qs8_narrow_gemm_fn *gemm;
  } narrow;
};

/// Bytes of workspace kiln_qs8_gemm can use with `gemm` for reductions of length k (0 when the
/// config has no packed-column kernel): two panels of packed.nr columns of k padded to
/// packed.k_align bytes, plus 64 for alignment.
size_t kiln_qs8_gemm_workspace_bytes(const struct kiln_qs8_gemm_config *gemm, size_t k);
/// c[i * c_row_stride + j * c_col_stride] = kiln_qs8_requantize(ch[i].bias + sum_p a[i*lda+p] * b[j*ldb+p],
/// &ch[i], zero_out) for i < m, j < n, with `gemm`'s kernels. Requires k <= KILN_QS8_MAX_K,
/// a in [-127, 127], |ch[i].bias| <= 2^30 (checked by the runtime at plan time) and ch[i].weight_sum
/// the sum of row i's k weights (kiln_qs8_make_channels sets it). `workspace`
/// (kiln_qs8_gemm_workspace_bytes, any alignment) lets the config pack columns; NULL uses the
/// tile. Either way the same bytes. Allocates nothing.
void kiln_qs8_gemm(const struct kiln_qs8_gemm_config *gemm, void *workspace, size_t m, size_t n, size_t k, const int8_t *a,
                   size_t lda, const int8_t *b, size_t ldb, const struct kiln_qs8_channel *ch, int32_t zero_out, int8_t *c,
                   size_t c_row_stride, size_t c_col_stride);
/// Bytes of workspace kiln_qs8_igemm needs for n columns of `taps` runs of c bytes.
size_t kiln_qs8_igemm_workspace_bytes(const struct kiln_qs8_gemm_config *gemm, size_t n, size_t c, size_t taps);
/// kiln_qs8_gemm with columns given through an indirection table, as a convolution's patches are:
/// column j is the concatenation of `taps` runs of c bytes, run t at ind[j * taps + t] (k = taps *
/// c), so patches need not be copied into place first. Configs with a packed-column kernel gather
/// while packing (when taps == 1 or c is a multiple of 4); otherwise the columns are gathered into
/// the workspace (kiln_qs8_igemm_workspace_bytes, any alignment). The same bytes as kiln_qs8_gemm.
void kiln_qs8_igemm(const struct kiln_qs8_gemm_config *gemm, void *workspace, size_t m, size_t n, size_t c, size_t taps,
                    const int8_t *a, size_t lda, const int8_t *const *ind, const struct kiln_qs8_channel *ch, int32_t zero_out,
                    int8_t *out, size_t c_row_stride, size_t c_col_stride);
/// Bytes of weights [m][k] packed for the config's narrow GEMM (0 when it has none).
size_t kiln_qs8_narrow_packed_bytes(const struct kiln_qs8_gemm_config *gemm, size_t m, size_t k);
/// Packs w [m][k] into `packed` (kiln_qs8_narrow_packed_bytes bytes) for the narrow GEMM:
/// panels of narrow.mr rows, four bytes of k at a time, packed[panel][q][r][t] =
/// w[narrow.mr * panel + r][4q + t], 0 past m and past k.
void kiln_qs8_narrow_pack(const struct kiln_qs8_gemm_config *gemm, size_t m, size_t k, const int8_t *w, int8_t *packed);
/// kiln_qs8_igemm for n <= KILN_QS8_NARROW_N columns on weights packed by kiln_qs8_narrow_pack (a as
/// in kiln_qs8_narrow_gemm_fn): the columns are gathered into the workspace
/// (kiln_qs8_igemm_workspace_bytes), then the narrow GEMM.
void kiln_qs8_narrow_igemm(const struct kiln_qs8_gemm_config *gemm, void *workspace, size_t m, size_t n, size_t c, size_t taps,
                           const int8_t *a, const int8_t *const *ind, const struct kiln_qs8_channel *ch, int32_t zero_out,
                           int8_t *out, size_t c_row_stride, size_t c_col_stride);
/// Fills out[i] = {bias[i] - x_zero * s, requant[3i], requant[3i+1], requant[3i+2], s} with
/// s = sum_p w[i*k + p], for the i < m rows of a GEMM's weights w [m][k]. Returns 0, -1 when a
/// corrected bias leaves +-2^30, or -2 when a weight is -128 (the layer cannot run either way).
int kiln_qs8_make_channels(size_t m, size_t k, const int8_t *w, const int32_t *bias, const int32_t *requant, int32_t x_zero,
                           struct kiln_qs8_channel *out);
/// The reference: the same as kiln_qs8_gemm, as three plain loops.
void kiln_qs8_gemm_ref(size_t m, size_t n, size_t k, const int8_t *a, size_t lda, const int8_t *b, size_t ldb,
                       const struct kiln_qs8_channel *ch, int32_t zero_out, int8_t *c, size_t c_row_stride, size_t c_col_stride);

#ifdef __cplusplus
}
#endif
#endif
