// col2im of a transposed convolution with AVX-512 F, for column strides 1 and 2 (others go to the
// reference): each output row is made 16 columns of each phase at a time in registers (two for
// stride 2, interleaved by VPERMT2PS into 32 output columns). A register starts at the bias; every
// tap (ky, kx) landing on the row adds its cols with one masked load and one masked add (lanes
// outside the tap's run keep their value: adding 0 instead could turn -0 into +0); the masks and
// offsets of each phase's taps on each chunk are tables made once per call. Per pixel: the bias,
// then its taps in (ky, kx) order (a pixel is in one phase, whose list is in kx order), as the
// reference; the same bytes.
#pragma STDC FP_CONTRACT OFF
#include "f32-col2im-taps.h"

#if defined(__x86_64__)
#include <assert.h>
#include <immintrin.h>

static inline ptrdiff_t max_p(ptrdiff_t a, ptrdiff_t b) { return a > b ? a : b; }
static inline ptrdiff_t min_p(ptrdiff_t a, ptrdiff_t b) { return a < b ? a : b; }
static inline __mmask16 lanes_below(ptrdiff_t n) { return n >= 16 ? 0xFFFF : n <= 0 ? 0 : (__mmask16)((1u << n) - 1); }

struct chunk_tap {  // a tap kx on 16 columns of one phase: lane t adds cols row[offset + t] when mask has bit t
  ptrdiff_t offset;
  __mmask16 mask;
};

// The taps of each phase rx on each 16-column chunk of it, kx ascending: list (chunk, rx) has
// count[chunk * 2 + rx] entries from entry (chunk * 2 + rx) * kw.
static void chunk_tables(const struct kiln_f32_col2im *g, const struct column_tap *ct, size_t chunks, struct chunk_tap *entries, size_t *count) {
  for (size_t chunk = 0; chunk < chunks; chunk++) {
    const ptrdiff_t j0 = (ptrdiff_t)chunk * 16;
    for (size_t rx = 0; rx < 2; rx++) {
      size_t n = 0;
      struct chunk_tap *list = entries + (chunk * 2 + rx) * g->kw;
      for (size_t kx = 0; kx < g->kw; kx++) {
        const struct column_tap c = ct[kx];
        const ptrdiff_t lo = max_p(c.lo, j0), hi = min_p(c.hi, j0 + 16);
        if (c.rx != rx || lo >= hi) continue;
        list[n++] = (struct chunk_tap){(ptrdiff_t)(kx * g->row_stride) + j0 - c.q, (__mmask16)(lanes_below(hi - j0) & ~lanes_below(lo - j0))};
      }
      count[chunk * 2 + rx] = n;
    }
  }
}

size_t kiln_f32_col2im_rows_avx512_scratch_bytes(const struct kiln_f32_col2im *g) {
  if (g->sw > 2) return kiln_f32_col2im_rows_ref_scratch_bytes(g);
  const size_t chunks = (kiln_col2im_phase_width(g) + 15) / 16;
  return g->kw * sizeof(struct column_tap) + g->kh * sizeof(struct row_tap) + chunks * 2 * (g->kw * sizeof(struct chunk_tap) + sizeof(size_t)) +
         g->oh * (g->kh + 1) * sizeof(size_t);
}

__attribute__((target("avx512f"))) static inline __m512 add_tap(__m512 acc, const float *row, struct chunk_tap t) {
  return _mm512_mask_add_ps(acc, t.mask, acc, _mm512_maskz_loadu_ps(t.mask, row + t.offset));
}

__attribute__((target("avx512f"))) static inline __m512 add_taps(__m512 acc, const float *row, const struct chunk_tap *list, size_t n) {
  switch (n) {  // the usual 1-3 taps per phase unrolled, in list (kx) order
  case 0: return acc;
  case 1: return add_tap(acc, row, list[0]);
  case 2: return add_tap(add_tap(acc, row, list[0]), row, list[1]);
  case 3: return add_tap(add_tap(add_tap(acc, row, list[0]), row, list[1]), row, list[2]);
  default:
    for (size_t i = 0; i < n; i++) acc = add_tap(acc, row, list[i]);
    return acc;
  }
}

__attribute__((target("avx512f"))) void kiln_f32_col2im_rows_avx512(const struct kiln_f32_col2im *g, const float *cols, const float *bias,
                                                                    float *y, void *scratch, const struct kiln_f32_epilogue *epilogue,
                                                                    size_t first_channel) {
  assert(g->sh > 0 && g->sw > 0 && g->dh > 0 && g->dw > 0);
  if (g->sw > 2) {
    kiln_f32_col2im_rows_ref(g, cols, bias, y, scratch, epilogue, first_channel);
    return;
  }
  const ptrdiff_t ow = (ptrdiff_t)g->ow, pw = (ptrdiff_t)kiln_col2im_phase_width(g);
  const size_t chunks = (size_t)(pw + 15) / 16;
  struct column_tap *ct = scratch;
  struct row_tap *rt = (struct row_tap *)(ct + g->kw);
  struct chunk_tap *entries = (struct chunk_tap *)(rt + g->kh);
  size_t *count = (size_t *)(entries + chunks * 2 * g->kw);
  size_t *rows = count + chunks * 2;
  kiln_col2im_tables(g, ct, rt);
  chunk_tables(g, ct, chunks, entries, count);
  kiln_col2im_row_lists(g, rt, rows);
  const __m512i low = _mm512_set_epi32(23, 7, 22, 6, 21, 5, 20, 4, 19, 3, 18, 2, 17, 1, 16, 0);
  const __m512i high = _mm512_set_epi32(31, 15, 30, 14, 29, 13, 28, 12, 27, 11, 26, 10, 25, 9, 24, 8);
  for (size_t m = 0; m < g->m; m++) {
    const __m512 b = _mm512_set1_ps(bias ? bias[m] : 0.0f);
    const float *channel = cols + m * g->channel_stride;
    for (size_t oy = 0; oy < g->oh; oy++) {
      float *row = y + (m * g->oh + oy) * g->ow;
      const size_t *list = rows + oy * (g->kh + 1);
      for (size_t chunk = 0; chunk < chunks; chunk++) {  // phase columns 16 chunk ..< 16 (chunk + 1)
        const ptrdiff_t j0 = (ptrdiff_t)chunk * 16;
        const struct chunk_tap *list0 = entries + chunk * 2 * g->kw, *list1 = list0 + g->kw;
        const size_t n0 = count[chunk * 2], n1 = count[chunk * 2 + 1];
        __m512 phase0 = b, phase1 = b;
        for (size_t i = 1; i <= list[0]; i++) {  // kernel rows landing here, ky ascending
          phase0 = add_taps(phase0, channel + list[i], list0, n0);
          phase1 = add_taps(phase1, channel + list[i], list1, n1);
        }
        if (g->sw == 1) {
          _mm512_mask_storeu_ps(row + j0, lanes_below(ow - j0), phase0);
        } else {  // output columns 2*j0 + (0 ..< 32): phase 0 and phase 1 alternate
          _mm512_mask_storeu_ps(row + 2 * j0, lanes_below(ow - 2 * j0), _mm512_permutex2var_ps(phase0, low, phase1));
          if (ow > 2 * j0 + 16) _mm512_mask_storeu_ps(row + 2 * j0 + 16, lanes_below(ow - 2 * j0 - 16), _mm512_permutex2var_ps(phase0, high, phase1));
        }
      }
    }
    if (epilogue) kiln_f32_epilogue(epilogue, first_channel + m, 1, g->oh * g->ow, y + m * g->oh * g->ow);
  }
}
#endif
