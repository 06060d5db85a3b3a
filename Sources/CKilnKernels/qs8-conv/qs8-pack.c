// Plan-time preparation of int8 layers: per-channel parameters with the zero-point correction
// folded into the bias, and the phase kernels of a transposed convolution.
#include "kiln_kernels.h"

#include <string.h>

#include "qs8-conv.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#elif defined(__ARM_NEON)
#include <arm_neon.h>
#endif

/// Sum of w[0..<k]; sets *has_min when one of them is -128. SSE2: PSADBW on the bytes biased by
/// 128; NEON: pairwise widening adds. The scalar loop does the tail (and everything elsewhere).
static int32_t row_sum(const int8_t *w, size_t k, int *has_min) {
  int32_t sum = 0;
  size_t p = 0;
#if defined(__SSE2__)
  const __m128i bias = _mm_set1_epi8((char)0x80), zero = _mm_setzero_si128();
  __m128i acc = zero, min_seen = zero;
  for (; p + 16 <= k; p += 16) {
    const __m128i v = _mm_loadu_si128((const __m128i *)(w + p));
    acc = _mm_add_epi64(acc, _mm_sad_epu8(_mm_xor_si128(v, bias), zero));  // sum of (w + 128)
    min_seen = _mm_or_si128(min_seen, _mm_cmpeq_epi8(v, bias));
  }
  sum = (int32_t)(_mm_cvtsi128_si64(acc) + _mm_cvtsi128_si64(_mm_unpackhi_epi64(acc, acc)) - 128 * (int64_t)p);
  *has_min = _mm_movemask_epi8(min_seen) != 0;
#elif defined(__ARM_NEON)
  int32x4_t acc = vdupq_n_s32(0);
  uint8x16_t min_seen = vdupq_n_u8(0);
  for (; p + 16 <= k; p += 16) {
    const int8x16_t v = vld1q_s8(w + p);
    acc = vpadalq_s16(acc, vpaddlq_s8(v));
    min_seen = vorrq_u8(min_seen, vceqq_s8(v, vdupq_n_s8(-128)));
  }
  sum = vaddvq_s32(acc);
  *has_min = vmaxvq_u8(min_seen) != 0;
#else
  *has_min = 0;
#endif
  for (; p < k; p++) {
    sum += w[p];
    *has_min |= w[p] == -128;
  }
  return sum;
}

int kiln_qs8_make_channels(size_t m, size_t k, const int8_t *w, const int32_t *bias, const int32_t *requant,
                           int32_t x_zero, struct kiln_qs8_channel *out) {
  for (size_t i = 0; i < m; i++) {
    int has_min;
    const int32_t sum = row_sum(w + i * k, k, &has_min);  // |sum| <= 127 * k <= 127 * KILN_QS8_MAX_K
    if (has_min) return -2;
    const int64_t corrected = (int64_t)bias[i] - (int64_t)x_zero * sum;
    if (corrected > (1 << 30) || corrected < -(1 << 30)) return -1;
    out[i] = (struct kiln_qs8_channel){(int32_t)corrected, requant[3 * i], requant[3 * i + 1], requant[3 * i + 2], sum};
  }
  return 0;
}

int kiln_qs8_conv2d_pack(const struct kiln_qs8_layer *l, const int8_t *w, const int32_t *bias, const int32_t *requant,
                         int8_t *packed, struct kiln_qs8_channel *channels, int8_t *work) {
  // rows[m][ky][kx][c] = w[m][c][sy.first + ky][sx.first + kx] over the taps the layer runs: the
  // packed weights, or the work memory the narrow panels are made from.
  const int narrow = kiln_qs8_conv2d_narrow(l);
  int8_t *rows = narrow ? work : packed;
  const struct kiln_span sy = kiln_conv_span(l->kh, l->oh, l->h, l->sh, l->dh, l->pad_top);
  const struct kiln_span sx = kiln_conv_span(l->kw, l->ow, l->w, l->sw, l->dw, l->pad_left);
  const size_t taps = sy.count * sx.count, k = l->c * taps;
  for (size_t m = 0; m < l->m; m++) {
    for (size_t ky = 0; ky < sy.count; ky++) {
      for (size_t kx = 0; kx < sx.count; kx++) {
        const int8_t *src = w + (m * l->c * l->kh + sy.first + ky) * l->kw + sx.first + kx;  // channel 0
        int8_t *dst = rows + m * k + (ky * sx.count + kx) * l->c;
        for (size_t c = 0; c < l->c; c++) dst[c] = src[c * l->kh * l->kw];
      }
    }
  }
  if (narrow) kiln_qs8_narrow_pack(l->path, l->m, k, rows, packed);
  return kiln_qs8_make_channels(l->m, k, rows, bias, requant, l->x_zero, channels);
}

int kiln_qs8_deconv2d_dense(const struct kiln_qs8_layer *l) {
  return l->h == 1 && l->w == 1 && l->sh == 1 && l->sw == 1 && l->pad_top == 0 && l->pad_left == 0 && l->oh == l->kh && l->ow == l->kw;
}

size_t kiln_qs8_deconv2d_channel_count(const struct kiln_qs8_layer *l) {
  return kiln_qs8_deconv2d_dense(l) ? l->m * l->kh * l->kw : l->sh * l->sw * l->m;
}

/// Bytes of the phase kernels as [m][k] matrices (the dense layer's one [m * kh * kw][c] included).
static size_t rows_size(const struct kiln_qs8_layer *l) {
  size_t total = 0;
  for (size_t ph = 0; ph < l->sh * l->sw; ph++) total += l->m * kiln_qs8_phase_of(l, ph).k;
  return total;
}

size_t kiln_qs8_deconv2d_packed_size(const struct kiln_qs8_layer *l) {
  if (!kiln_qs8_deconv2d_narrow(l)) return rows_size(l);
  if (kiln_qs8_deconv2d_dense(l)) return kiln_qs8_narrow_packed_bytes(l->path, l->m * l->kh * l->kw, l->c);
  size_t total = 0;
  for (size_t ph = 0; ph < l->sh * l->sw; ph++) total += kiln_qs8_narrow_packed_bytes(l->path, l->m, kiln_qs8_phase_of(l, ph).k);
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
    if (narrow) kiln_qs8_narrow_pack(l->path, l->m * taps_all, l->c, rows, packed);
    phase_weights[0] = packed;
    phase_channels[0] = channels;
    return 0;
  }
  int8_t *out = packed;
  for (size_t ph = 0; ph < l->sh * l->sw; ph++) {
    const size_t k = l->c * tys[ph / l->sw].count * txs[ph % l->sw].count;
    const int status = kiln_qs8_make_channels(l->m, k, base[ph], bias, requant, l->x_zero, channels);
    if (status != 0) return status;
    if (narrow) kiln_qs8_narrow_pack(l->path, l->m, k, base[ph], out);
    phase_weights[ph] = narrow ? out : base[ph];
    out += narrow ? kiln_qs8_narrow_packed_bytes(l->path, l->m, k) : l->m * k;
    phase_channels[ph] = channels;
    channels += l->m;
  }
  return 0;
}
