// Plan-time packing of an int8 ConvTranspose2d's weights into its phase kernels (see
// qs8-deconv2d.c), in the order their patches are pointed at; narrow panels when the layer runs
// on the narrow GEMM, and one [m * kh * kw][c] matrix when it runs as a dense layer.
#include "kiln/qs8-conv.h"

#include <string.h>

#include "qs8-phase.h"

/// Bytes of the phase kernels as [m][k] matrices (the dense layer's one [m * kh * kw][c] included).
static size_t rows_size(const struct kiln_qs8_layer *l) {
  size_t total = 0;
  for (size_t ph = 0; ph < l->sh * l->sw; ph++) total += l->m * kiln_qs8_phase_of(l, ph).k;
  return total;
}

size_t kiln_qs8_deconv2d_packed_size(const struct kiln_qs8_layer *l) {
  if (!kiln_qs8_deconv2d_narrow(l)) return rows_size(l);
  if (kiln_qs8_deconv2d_dense(l)) return kiln_qs8_narrow_packed_bytes(l->path->gemm, l->m * l->kh * l->kw, l->c);
  size_t total = 0;
  for (size_t ph = 0; ph < l->sh * l->sw; ph++) total += kiln_qs8_narrow_packed_bytes(l->path->gemm, l->m, kiln_qs8_phase_of(l, ph).k);
  return total;
}

size_t kiln_qs8_deconv2d_pack_work_bytes(const struct kiln_qs8_layer *l) { return kiln_qs8_deconv2d_narrow(l) ? rows_size(l) : 0; }

int kiln_qs8_deconv2d_pack(const struct kiln_qs8_layer *l, const int8_t *w, const int32_t *bias, const int32_t *requant,
                           int8_t *packed, struct kiln_qs8_channel *channels, const int8_t **phase_weights,
                           const struct kiln_qs8_channel **phase_channels, int8_t *work) {
  // Phase (ry, rx) holds w'[m][a][b][c] = w[c][m][ry + (ty.first + a) * sh][rx + (tx.first + b) * sw]:
  // in place, or in the work memory the narrow panels are made from.
  if (l->sh > 64 || l->sw > 64) return -1;
  const int narrow = kiln_qs8_deconv2d_narrow(l);
  int8_t *const rows = narrow ? work : packed;
  struct kiln_span tys[64], txs[64];  // a phase's taps depend on ry (rows) and rx (columns) only
  for (size_t ry = 0; ry < l->sh; ry++) tys[ry] = kiln_qs8_phase_of(l, ry * l->sw).ty;
  for (size_t rx = 0; rx < l->sw; rx++) txs[rx] = kiln_qs8_phase_of(l, rx).tx;
  int8_t *base[64 * 64];
  int8_t *p = rows;
  for (size_t ph = 0; ph < l->sh * l->sw; ph++) {
    base[ph] = p;
    p += l->m * l->c * tys[ph / l->sw].count * txs[ph % l->sw].count;
  }
  // Where each tap (ky, kx) goes: its phase's kernels, offset (a*tx + b)*C, and the stride of m;
  // NULL for a tap its phase leaves out. Then one sequential pass over w (no division per byte).
  const size_t taps_all = l->kh * l->kw;
  if (taps_all > 64 * 64) return -1;
  int8_t *tap_base[64 * 64];
  size_t tap_stride[64 * 64];
  for (size_t ky = 0; ky < l->kh; ky++) {
    for (size_t kx = 0; kx < l->kw; kx++) {
      const size_t ph = ky % l->sh * l->sw + kx % l->sw, a = ky / l->sh, b = kx / l->sw;
      const struct kiln_span ty = tys[ky % l->sh], tx = txs[kx % l->sw];
      const int kept = a >= ty.first && a < ty.first + ty.count && b >= tx.first && b < tx.first + tx.count;
      tap_base[ky * l->kw + kx] = kept ? base[ph] + ((a - ty.first) * tx.count + b - tx.first) * l->c : 0;
      tap_stride[ky * l->kw + kx] = l->c * ty.count * tx.count;
    }
  }
  // w is a C x (M*taps) matrix; row j = (m, t) of its transpose goes to tap_base[t] + m*tap_stride[t].
  // 64 x 64 tiles: 64 sequential reads of 64 bytes into an L1 buffer (the rows of w are often a
  // power of two apart, which a direct strided gather pays for in cache conflicts), then 64
  // sequential writes of up to 64 bytes (each destination line written whole, once).
  const size_t cols = l->m * taps_all;
  uint8_t tile[64][64];
  for (size_t c0 = 0; c0 < l->c; c0 += 64) {
    const size_t cn = l->c - c0 < 64 ? l->c - c0 : 64;
    for (size_t j0 = 0; j0 < cols; j0 += 64) {
      const size_t jn = cols - j0 < 64 ? cols - j0 : 64;
      for (size_t c = 0; c < cn; c++) memcpy(tile[c], w + (c0 + c) * cols + j0, jn);
      for (size_t j = 0; j < jn; j++) {
        const size_t m = (j0 + j) / taps_all, t = (j0 + j) % taps_all;
        if (!tap_base[t]) continue;
        int8_t *dst = tap_base[t] + m * tap_stride[t] + c0;
        for (size_t c = 0; c < cn; c++) dst[c] = (int8_t)tile[c][j];
      }
    }
  }
  if (kiln_qs8_deconv2d_dense(l)) {
    // One phase whose kernel [m][ky][kx][c] is also the dense layer's [m * kh * kw][c]: one channel
    // per (m, ky, kx) row, with that row's weight sum.
    for (size_t row = 0; row < l->m * taps_all; row++) {
      const size_t m = row / taps_all;
      const int status = kiln_qs8_make_channels(1, l->c, rows + row * l->c, bias + m, requant + 3 * m, l->x_zero, channels + row);
      if (status != 0) return status;
    }
    if (narrow) kiln_qs8_narrow_pack(l->path->gemm, l->m * taps_all, l->c, rows, packed);
    phase_weights[0] = packed;
    phase_channels[0] = channels;
    return 0;
  }
  int8_t *out = packed;
  for (size_t ph = 0; ph < l->sh * l->sw; ph++) {
    const size_t k = l->c * tys[ph / l->sw].count * txs[ph % l->sw].count;
    const int status = kiln_qs8_make_channels(l->m, k, base[ph], bias, requant, l->x_zero, channels);
    if (status != 0) return status;
    if (narrow) kiln_qs8_narrow_pack(l->path->gemm, l->m, k, base[ph], out);
    phase_weights[ph] = narrow ? out : base[ph];
    out += narrow ? kiln_qs8_narrow_packed_bytes(l->path->gemm, l->m, k) : l->m * k;
    phase_channels[ph] = channels;
    channels += l->m;
  }
  return 0;
}
