// The first pass of the int8 convolutions: the input to NHWC order at the start of the scratch
// memory, blocks of 16 pixels of each sample's plane split between threads, so that a tap's
// channels are C contiguous bytes. Blocks of 16 channels x 16 pixels go through a byte transpose
// in registers (x86-64: four rounds of SSE2 unpacks; AArch64: four rounds of NEON TRN1 / TRN2 on
// 8-, 16-, 32- and 64-bit elements); the edges copy byte by byte.
// Either way every byte lands in the same place (the int8 conformance suite covers both).
#include "kiln/qs8-conv.h"

#include "qs8-unit.h"

#if defined(__SSE2__)
#include <emmintrin.h>

/// dst[j * ds + i] = src[i * ss + j] for i, j < 16.
static void transpose16(const int8_t *src, size_t ss, int8_t *dst, size_t ds) {
  __m128i a[16], b[16], c[16];
  for (int i = 0; i < 16; i++) a[i] = _mm_loadu_si128((const __m128i *)(src + i * ss));
  for (int i = 0; i < 16; i += 2) {  // b[i]: rows i, i+1 byte-interleaved, columns 0-7; b[i+1]: 8-15
    b[i] = _mm_unpacklo_epi8(a[i], a[i + 1]);
    b[i + 1] = _mm_unpackhi_epi8(a[i], a[i + 1]);
  }
  for (int q = 0; q < 16; q += 4) {  // c[q + k]: rows q..q+3, columns 4k..4k+3 (one 32-bit lane each)
    c[q] = _mm_unpacklo_epi16(b[q], b[q + 2]);
    c[q + 1] = _mm_unpackhi_epi16(b[q], b[q + 2]);
    c[q + 2] = _mm_unpacklo_epi16(b[q + 1], b[q + 3]);
    c[q + 3] = _mm_unpackhi_epi16(b[q + 1], b[q + 3]);
  }
  for (int k = 0; k < 4; k++) {
    // rows 0-7 and 8-15 of columns 4k..4k+3, two columns per register (one 64-bit lane each)
    const __m128i lo0 = _mm_unpacklo_epi32(c[k], c[4 + k]), hi0 = _mm_unpackhi_epi32(c[k], c[4 + k]);
    const __m128i lo1 = _mm_unpacklo_epi32(c[8 + k], c[12 + k]), hi1 = _mm_unpackhi_epi32(c[8 + k], c[12 + k]);
    _mm_storeu_si128((__m128i *)(dst + (4 * k) * ds), _mm_unpacklo_epi64(lo0, lo1));
    _mm_storeu_si128((__m128i *)(dst + (4 * k + 1) * ds), _mm_unpackhi_epi64(lo0, lo1));
    _mm_storeu_si128((__m128i *)(dst + (4 * k + 2) * ds), _mm_unpacklo_epi64(hi0, hi1));
    _mm_storeu_si128((__m128i *)(dst + (4 * k + 3) * ds), _mm_unpackhi_epi64(hi0, hi1));
  }
}
#define KILN_TRANSPOSE16 1
#elif defined(__aarch64__)
#include <arm_neon.h>

/// Registers i and i + E (i & E == 0) exchange their odd and even E-byte elements (BITS = 8 E):
/// after the rounds E = 1, 2, 4, 8, register j holds column j.
#define KILN_TRN_ROUND(E, BITS, LANES)                                                                    \
  for (int i = 0; i < 16; i++) {                                                                    \
    if (i & (E)) continue;                                                                          \
    const int##BITS##x##LANES##_t x = vreinterpretq_s##BITS##_s8(r[i]), y = vreinterpretq_s##BITS##_s8(r[i + (E)]); \
    r[i] = vreinterpretq_s8_s##BITS(vtrn1q_s##BITS(x, y));                                          \
    r[i + (E)] = vreinterpretq_s8_s##BITS(vtrn2q_s##BITS(x, y));                                    \
  }

/// dst[j * ds + i] = src[i * ss + j] for i, j < 16.
static void transpose16(const int8_t *src, size_t ss, int8_t *dst, size_t ds) {
  int8x16_t r[16];
  for (int i = 0; i < 16; i++) r[i] = vld1q_s8(src + i * ss);
  for (int i = 0; i < 16; i += 2) {  // E = 1: bytes need no reinterpretation
    const int8x16_t x = r[i], y = r[i + 1];
    r[i] = vtrn1q_s8(x, y);
    r[i + 1] = vtrn2q_s8(x, y);
  }
  KILN_TRN_ROUND(2, 16, 8)
  KILN_TRN_ROUND(4, 32, 4)
  KILN_TRN_ROUND(8, 64, 2)
  for (int j = 0; j < 16; j++) vst1q_s8(dst + j * ds, r[j]);
}
#undef KILN_TRN_ROUND
#define KILN_TRANSPOSE16 1
#endif

size_t kiln_qs8_nhwc_bytes(const struct kiln_qs8_layer *l) { return (l->batch * l->c * l->h * l->w + 63) / 64 * 64; }

void kiln_qs8_to_nhwc_task(void *context, size_t thread, size_t threads) {
  const struct kiln_qs8_layer *l = context;
  // Each sample is a [c][hw] matrix turned into [hw][c]; units are (sample, block of 16 pixels of
  // the flattened plane), so small maps (7 x 7) still go through the 16 x 16 transposes.
  const size_t hw = l->h * l->w, blocks = (hw + 15) / 16;
  for (size_t u = thread; u < l->batch * blocks; u += threads) {
    const size_t n = u / blocks, x0 = u % blocks * 16, x1 = x0 + 16 < hw ? x0 + 16 : hw;
    const int8_t *src = l->x + n * l->c * hw;
    int8_t *dst = l->scratch + n * hw * l->c;
    size_t c0 = 0;
#if defined(KILN_TRANSPOSE16)
    if (x1 - x0 == 16) {
      for (; c0 + 16 <= l->c; c0 += 16) transpose16(src + c0 * hw + x0, hw, dst + x0 * l->c + c0, l->c);
    }
#endif
    for (size_t x = x0; x < x1; x++) {
      for (size_t c = c0; c < l->c; c++) dst[x * l->c + c] = src[c * hw + x];
    }
  }
}
