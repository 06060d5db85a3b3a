// col2im of a transposed convolution with AVX2, for column strides 1 and 2 (others go to the
// reference): the AVX-512 path's structure in 8-lane registers. Each output row is made 8 columns
// of each phase at a time (two for stride 2, interleaved by unpack and a 128-bit permute into 16
// output columns). A register starts at the bias; every tap (ky, kx) landing on the row adds its
// cols with one masked load, an add and a blend (lanes outside the tap's run keep their value:
// adding 0 instead could turn -0 into +0); each phase's taps on each chunk, with their lane masks,
// are tables made once per call. Per pixel: the bias, then its taps in (ky, kx) order, as the
// reference; the same bytes.
#pragma STDC FP_CONTRACT OFF
#include "f32-col2im-taps.h"

#if defined(__x86_64__)
#include <assert.h>
#include <immintrin.h>

#define KILN_AVX2 __attribute__((target("avx2")))

static inline ptrdiff_t max_p(ptrdiff_t a, ptrdiff_t b) { return a > b ? a : b; }
static inline ptrdiff_t min_p(ptrdiff_t a, ptrdiff_t b) { return a < b ? a : b; }

struct chunk_tap {  // a tap kx on 8 columns of one phase: lane t adds cols row[offset + t] where mask[t] is -1
  ptrdiff_t offset;
  int32_t mask[8];
};

// The taps of each phase rx on each 8-column chunk of it, kx ascending: list (chunk, rx) has
// count[chunk * 2 + rx] entries from entry (chunk * 2 + rx) * kw.
static void chunk_tables(const struct kiln_f32_col2im *g, const struct column_tap *ct, size_t chunks, struct chunk_tap *entries, size_t *count) {
  for (size_t chunk = 0; chunk < chunks; chunk++) {
    const ptrdiff_t j0 = (ptrdiff_t)chunk * 8;
    for (size_t rx = 0; rx < 2; rx++) {
      size_t n = 0;
      struct chunk_tap *list = entries + (chunk * 2 + rx) * g->kw;
      for (size_t kx = 0; kx < g->kw; kx++) {
        const struct column_tap c = ct[kx];
        const ptrdiff_t lo = max_p(c.lo, j0), hi = min_p(c.hi, j0 + 8);
        if (c.rx != rx || lo >= hi) continue;
        struct chunk_tap *t = &list[n++];
        t->offset = (ptrdiff_t)(kx * g->row_stride) + j0 - c.q;
        for (ptrdiff_t lane = 0; lane < 8; lane++) t->mask[lane] = j0 + lane >= lo && j0 + lane < hi ? -1 : 0;
      }
      count[chunk * 2 + rx] = n;
    }
  }
}

size_t kiln_f32_col2im_rows_avx2_scratch_bytes(const struct kiln_f32_col2im *g) {
  if (g->sw > 2) return kiln_f32_col2im_rows_ref_scratch_bytes(g);
  const size_t chunks = (kiln_col2im_phase_width(g) + 7) / 8;
  return g->kw * sizeof(struct column_tap) + g->kh * sizeof(struct row_tap) + chunks * 2 * (g->kw * sizeof(struct chunk_tap) + sizeof(size_t)) +
         g->oh * (g->kh + 1) * sizeof(size_t);
}

/// Lanes below n (all-ones) as a mask.
KILN_AVX2 static inline __m256i lanes_below(ptrdiff_t n) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)min_p(max_p(n, 0), 8)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

KILN_AVX2 static inline __m256 add_tap(__m256 acc, const float *row, const struct chunk_tap *t) {
  const __m256i mask = _mm256_loadu_si256((const __m256i *)t->mask);
  const __m256 taps = _mm256_maskload_ps(row + t->offset, mask);
  return _mm256_blendv_ps(acc, _mm256_add_ps(acc, taps), _mm256_castsi256_ps(mask));
}

KILN_AVX2 static inline __m256 add_taps(__m256 acc, const float *row, const struct chunk_tap *list, size_t n) {
  switch (n) {  // the usual 1-3 taps per phase unrolled, in list (kx) order
  case 0: return acc;
  case 1: return add_tap(acc, row, &list[0]);
  case 2: return add_tap(add_tap(acc, row, &list[0]), row, &list[1]);
  case 3: return add_tap(add_tap(add_tap(acc, row, &list[0]), row, &list[1]), row, &list[2]);
  default:
    for (size_t i = 0; i < n; i++) acc = add_tap(acc, row, &list[i]);
    return acc;
  }
}

KILN_AVX2 void kiln_f32_col2im_rows_avx2(const struct kiln_f32_col2im *g, const float *cols, const float *bias, float *y, void *scratch,
                                         const struct kiln_f32_epilogue *epilogue, size_t first_channel) {
  assert(g->sh > 0 && g->sw > 0 && g->dh > 0 && g->dw > 0);
  if (g->sw > 2) {
    kiln_f32_col2im_rows_ref(g, cols, bias, y, scratch, epilogue, first_channel);
    return;
  }
  const ptrdiff_t ow = (ptrdiff_t)g->ow, pw = (ptrdiff_t)kiln_col2im_phase_width(g);
  const size_t chunks = (size_t)(pw + 7) / 8;
  struct column_tap *ct = scratch;
  struct row_tap *rt = (struct row_tap *)(ct + g->kw);
  struct chunk_tap *entries = (struct chunk_tap *)(rt + g->kh);
  size_t *count = (size_t *)(entries + chunks * 2 * g->kw);
  size_t *rows = count + chunks * 2;
  kiln_col2im_tables(g, ct, rt);
  chunk_tables(g, ct, chunks, entries, count);
  kiln_col2im_row_lists(g, rt, rows);
  for (size_t m = 0; m < g->m; m++) {
    const __m256 b = _mm256_set1_ps(bias ? bias[m] : 0.0f);
    const float *channel = cols + m * g->channel_stride;
    for (size_t oy = 0; oy < g->oh; oy++) {
      float *row = y + (m * g->oh + oy) * g->ow;
      const size_t *list = rows + oy * (g->kh + 1);
      for (size_t chunk = 0; chunk < chunks; chunk++) {  // phase columns 8 chunk ..< 8 (chunk + 1)
        const ptrdiff_t j0 = (ptrdiff_t)chunk * 8;
        const struct chunk_tap *list0 = entries + chunk * 2 * g->kw, *list1 = list0 + g->kw;
        const size_t n0 = count[chunk * 2], n1 = count[chunk * 2 + 1];
        __m256 phase0 = b, phase1 = b;
        for (size_t i = 1; i <= list[0]; i++) {  // kernel rows landing here, ky ascending
          phase0 = add_taps(phase0, channel + list[i], list0, n0);
          phase1 = add_taps(phase1, channel + list[i], list1, n1);
        }
        if (g->sw == 1) {
          _mm256_maskstore_ps(row + j0, lanes_below(ow - j0), phase0);
        } else {  // output columns 2*j0 + (0 ..< 16): phase 0 and phase 1 alternate
          const __m256 lo = _mm256_unpacklo_ps(phase0, phase1), hi = _mm256_unpackhi_ps(phase0, phase1);
          _mm256_maskstore_ps(row + 2 * j0, lanes_below(ow - 2 * j0), _mm256_permute2f128_ps(lo, hi, 0x20));
          if (ow > 2 * j0 + 8) _mm256_maskstore_ps(row + 2 * j0 + 8, lanes_below(ow - 2 * j0 - 8), _mm256_permute2f128_ps(lo, hi, 0x31));
        }
      }
    }
    if (epilogue) kiln_f32_epilogue(epilogue, first_channel + m, 1, g->oh * g->ow, y + m * g->oh * g->ow);
  }
}
#endif
