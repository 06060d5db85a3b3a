// col2im of a transposed convolution with AArch64 NEON, for column strides 1 and 2 and input rows
// of at least 4 values (others go to the reference): the AVX2 path's structure in 4-lane
// registers. Each output row is made 4 columns of each phase at a time (two for stride 2,
// interleaved by ZIP1 / ZIP2 into 8 output columns). A register starts at the bias; every tap
// (ky, kx) landing on the row adds its cols. A tap that covers the 4 lanes is one load and one
// add. A partial run (at the ends of a phase) is loaded as the 4 values of its input row that
// contain it, moved to its lanes by TBL and added under a lane mask: nothing outside the input row
// is read, and the other lanes keep their bits (adding 0 instead could turn -0 into +0). Each
// phase's taps on each chunk are tables made once per call. Per pixel: the bias, then its taps in
// (ky, kx) order, as the reference; the same bytes.
#pragma STDC FP_CONTRACT OFF
#include "f32-col2im-taps.h"

#if defined(__aarch64__)
#include <arm_neon.h>
#include <assert.h>

static inline ptrdiff_t max_p(ptrdiff_t a, ptrdiff_t b) { return a > b ? a : b; }
static inline ptrdiff_t min_p(ptrdiff_t a, ptrdiff_t b) { return a < b ? a : b; }

struct chunk_tap {  // a tap kx on 4 columns of one phase: lane t adds window[index of t] where mask[t] is all-ones
  ptrdiff_t offset;   // the window: 4 values of the tap's input row from here (relative to the row of ky)
  uint8_t index[16];  // TBL bytes: lane t takes window bytes index[4t ..< 4t + 4]
  uint32_t mask[4];
};

// The taps of each phase rx on each 4-column chunk of it, kx ascending: list (chunk, rx) has
// count[chunk * 2 + rx] entries from entry (chunk * 2 + rx) * kw; partial[chunk * 2 + rx] is 1 when
// one of them covers fewer than 4 lanes. Needs w >= 4.
static void chunk_tables(const struct kiln_f32_col2im *g, const struct column_tap *ct, size_t chunks, struct chunk_tap *entries, size_t *count,
                         size_t *partial) {
  for (size_t chunk = 0; chunk < chunks; chunk++) {
    const ptrdiff_t j0 = (ptrdiff_t)chunk * 4;
    for (size_t rx = 0; rx < 2; rx++) {
      size_t n = 0, some_partial = 0;
      struct chunk_tap *list = entries + (chunk * 2 + rx) * g->kw;
      for (size_t kx = 0; kx < g->kw; kx++) {
        const struct column_tap c = ct[kx];
        const ptrdiff_t lo = max_p(c.lo, j0), hi = min_p(c.hi, j0 + 4);
        if (c.rx != rx || lo >= hi) continue;
        // lane t is input column j0 + t - q; the run lo ..< hi lies in the row's columns 0 ..< w
        const ptrdiff_t start = min_p(lo - c.q, (ptrdiff_t)g->w - 4);
        struct chunk_tap *t = &list[n++];
        t->offset = (ptrdiff_t)(kx * g->row_stride) + start;
        for (ptrdiff_t lane = 0; lane < 4; lane++) {
          const int in = j0 + lane >= lo && j0 + lane < hi;
          t->mask[lane] = in ? UINT32_MAX : 0;
          for (ptrdiff_t byte = 0; byte < 4; byte++) t->index[4 * lane + byte] = in ? (uint8_t)(4 * (j0 + lane - c.q - start) + byte) : 0xFF;
        }
        some_partial |= hi - lo < 4;
      }
      count[chunk * 2 + rx] = n;
      partial[chunk * 2 + rx] = some_partial;
    }
  }
}

size_t kiln_f32_col2im_rows_neon_scratch_bytes(const struct kiln_f32_col2im *g) {
  if (g->sw > 2 || g->w < 4) return kiln_f32_col2im_rows_ref_scratch_bytes(g);
  const size_t chunks = (kiln_col2im_phase_width(g) + 3) / 4;
  return g->kw * sizeof(struct column_tap) + g->kh * sizeof(struct row_tap) + chunks * 2 * (g->kw * sizeof(struct chunk_tap) + 2 * sizeof(size_t)) +
         g->oh * (g->kh + 1) * sizeof(size_t);
}

/// acc plus the taps of list that land on the 4 lanes; `partial`: some cover fewer lanes.
static inline float32x4_t add_taps(float32x4_t acc, const float *row, const struct chunk_tap *list, size_t n, size_t partial) {
  if (!partial) {
    for (size_t i = 0; i < n; i++) acc = vaddq_f32(acc, vld1q_f32(row + list[i].offset));
    return acc;
  }
  for (size_t i = 0; i < n; i++) {
    const uint8x16_t window = vreinterpretq_u8_f32(vld1q_f32(row + list[i].offset));
    const float32x4_t taps = vreinterpretq_f32_u8(vqtbl1q_u8(window, vld1q_u8(list[i].index)));
    acc = vbslq_f32(vld1q_u32(list[i].mask), vaddq_f32(acc, taps), acc);
  }
  return acc;
}

/// Lanes 0 ..< min(n, 4) of v to y.
static inline void store_lanes(float *y, ptrdiff_t n, float32x4_t v) {
  if (n >= 4) {
    vst1q_f32(y, v);
    return;
  }
  float lanes[4];
  vst1q_f32(lanes, v);
  for (ptrdiff_t lane = 0; lane < n; lane++) y[lane] = lanes[lane];
}

void kiln_f32_col2im_rows_neon(const struct kiln_f32_col2im *g, const float *cols, const float *bias, float *y, void *scratch,
                               const struct kiln_f32_epilogue *epilogue, size_t first_channel) {
  assert(g->sh > 0 && g->sw > 0 && g->dh > 0 && g->dw > 0);
  if (g->sw > 2 || g->w < 4) {
    kiln_f32_col2im_rows_ref(g, cols, bias, y, scratch, epilogue, first_channel);
    return;
  }
  const ptrdiff_t ow = (ptrdiff_t)g->ow, pw = (ptrdiff_t)kiln_col2im_phase_width(g);
  const size_t chunks = (size_t)(pw + 3) / 4;
  struct column_tap *ct = scratch;
  struct row_tap *rt = (struct row_tap *)(ct + g->kw);
  struct chunk_tap *entries = (struct chunk_tap *)(rt + g->kh);
  size_t *count = (size_t *)(entries + chunks * 2 * g->kw);
  size_t *partial = count + chunks * 2, *rows = partial + chunks * 2;
  kiln_col2im_tables(g, ct, rt);
  chunk_tables(g, ct, chunks, entries, count, partial);
  kiln_col2im_row_lists(g, rt, rows);
  for (size_t m = 0; m < g->m; m++) {
    const float32x4_t b = vdupq_n_f32(bias ? bias[m] : 0.0f);
    const float *channel = cols + m * g->channel_stride;
    for (size_t oy = 0; oy < g->oh; oy++) {
      float *row = y + (m * g->oh + oy) * g->ow;
      const size_t *list = rows + oy * (g->kh + 1);
      for (size_t chunk = 0; chunk < chunks; chunk++) {  // phase columns 4 chunk ..< 4 (chunk + 1)
        const ptrdiff_t j0 = (ptrdiff_t)chunk * 4;
        const struct chunk_tap *list0 = entries + chunk * 2 * g->kw, *list1 = list0 + g->kw;
        const size_t n0 = count[chunk * 2], n1 = count[chunk * 2 + 1], p0 = partial[chunk * 2], p1 = partial[chunk * 2 + 1];
        float32x4_t phase0 = b, phase1 = b;
        for (size_t i = 1; i <= list[0]; i++) {  // kernel rows landing here, ky ascending
          phase0 = add_taps(phase0, channel + list[i], list0, n0, p0);
          phase1 = add_taps(phase1, channel + list[i], list1, n1, p1);
        }
        if (g->sw == 1) {
          store_lanes(row + j0, ow - j0, phase0);
        } else {  // output columns 2*j0 + (0 ..< 8): phase 0 and phase 1 alternate
          store_lanes(row + 2 * j0, ow - 2 * j0, vzip1q_f32(phase0, phase1));
          if (ow > 2 * j0 + 4) store_lanes(row + 2 * j0 + 4, ow - 2 * j0 - 4, vzip2q_f32(phase0, phase1));
        }
      }
    }
    if (epilogue) kiln_f32_epilogue(epilogue, first_channel + m, 1, g->oh * g->ow, y + m * g->oh * g->ow);
  }
}
#endif
