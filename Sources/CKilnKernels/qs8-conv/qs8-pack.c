// Plan-time preparation of int8 layers: per-channel parameters with the zero-point correction
// folded into the bias, and the phase kernels of a transposed convolution.
#include "kiln_kernels.h"

int kiln_qs8_make_channels(size_t m, size_t k, const int8_t *w, const int32_t *bias, const int32_t *requant,
                           int32_t x_zero, struct kiln_qs8_channel *out) {
  for (size_t i = 0; i < m; i++) {
    int32_t sum = 0;  // |sum| <= 127 * k <= 127 * KILN_QS8_MAX_K (the runtime checks k first)
    int8_t low = 0;
    for (size_t p = 0; p < k; p++) sum += w[i * k + p];
    for (size_t p = 0; p < k; p++) low = w[i * k + p] < low ? w[i * k + p] : low;
    if (low == -128) return -2;
    const int64_t corrected = (int64_t)bias[i] - (int64_t)x_zero * sum;
    if (corrected > (1 << 30) || corrected < -(1 << 30)) return -1;
    out[i] = (struct kiln_qs8_channel){(int32_t)corrected, requant[3 * i], requant[3 * i + 1], requant[3 * i + 2]};
  }
  return 0;
}

int kiln_qs8_conv2d_pack(const struct kiln_qs8_layer *l, const int8_t *w, const int32_t *bias, const int32_t *requant,
                         int8_t *packed, struct kiln_qs8_channel *channels) {
  // packed[m][ky][kx][c] = w[m][c][ky][kx]
  const size_t taps = l->kh * l->kw, k = l->c * taps;
  for (size_t m = 0; m < l->m; m++) {
    for (size_t t = 0; t < taps; t++) {
      for (size_t c = 0; c < l->c; c++) packed[m * k + t * l->c + c] = w[m * k + c * taps + t];
    }
  }
  return kiln_qs8_make_channels(l->m, k, packed, bias, requant, l->x_zero, channels);
}

static size_t taps(size_t r, size_t k, size_t s) { return r < k ? (k - r + s - 1) / s : 0; }

size_t kiln_qs8_deconv2d_packed_size(const struct kiln_qs8_layer *l) {
  size_t total = 0;
  for (size_t ry = 0; ry < l->sh; ry++) {
    for (size_t rx = 0; rx < l->sw; rx++) total += l->m * l->c * taps(ry, l->kh, l->sh) * taps(rx, l->kw, l->sw);
  }
  return total;
}

int kiln_qs8_deconv2d_pack(const struct kiln_qs8_layer *l, const int8_t *w, const int32_t *bias, const int32_t *requant,
                           int8_t *packed, struct kiln_qs8_channel *channels, const int8_t **phase_weights,
                           const struct kiln_qs8_channel **phase_channels) {
  // Phase (ry, rx) holds w'[m][a][b][c] = w[c][m][ry + a*sh][rx + b*sw].
  int8_t *base[64 * 64];
  size_t tys[64], txs[64];
  if (l->sh > 64 || l->sw > 64) return -1;
  int8_t *p = packed;
  for (size_t ry = 0; ry < l->sh; ry++) tys[ry] = taps(ry, l->kh, l->sh);
  for (size_t rx = 0; rx < l->sw; rx++) txs[rx] = taps(rx, l->kw, l->sw);
  for (size_t ry = 0; ry < l->sh; ry++) {
    for (size_t rx = 0; rx < l->sw; rx++) {
      base[ry * l->sw + rx] = p;
      p += l->m * l->c * tys[ry] * txs[rx];
    }
  }
  // Where each tap (ky, kx) goes: its phase's kernels, offset (a*tx + b)*C, and the stride of m.
  // Then one sequential pass over w (no division per byte).
  const size_t taps_all = l->kh * l->kw;
  if (taps_all > 64 * 64) return -1;
  int8_t *tap_base[64 * 64];
  size_t tap_stride[64 * 64];
  for (size_t ky = 0; ky < l->kh; ky++) {
    for (size_t kx = 0; kx < l->kw; kx++) {
      const size_t ry = ky % l->sh, rx = kx % l->sw;
      tap_base[ky * l->kw + kx] = base[ry * l->sw + rx] + ((ky / l->sh) * txs[rx] + kx / l->sw) * l->c;
      tap_stride[ky * l->kw + kx] = tys[ry] * txs[rx] * l->c;
    }
  }
  // Channels in blocks of 8 (fastest of 2 to 64 measured for DCGAN-64 layer 2: 1.3 ms for 2 MB).
  for (size_t c0 = 0; c0 < l->c; c0 += 8) {
    const size_t c1 = c0 + 8 < l->c ? c0 + 8 : l->c;
    for (size_t m = 0; m < l->m; m++) {
      for (size_t t = 0; t < taps_all; t++) {
        int8_t *dst = tap_base[t] + m * tap_stride[t];
        const int8_t *src = w + m * taps_all + t;
        for (size_t c = c0; c < c1; c++) dst[c] = src[c * l->m * taps_all];
      }
    }
  }
  for (size_t ry = 0; ry < l->sh; ry++) {
    for (size_t rx = 0; rx < l->sw; rx++) {
      const size_t k = l->c * tys[ry] * txs[rx];
      const int status = kiln_qs8_make_channels(l->m, k, base[ry * l->sw + rx], bias, requant, l->x_zero, channels);
      if (status != 0) return status;
      phase_weights[ry * l->sw + rx] = base[ry * l->sw + rx];
      phase_channels[ry * l->sw + rx] = channels;
      channels += l->m;
    }
  }
  return 0;
}
