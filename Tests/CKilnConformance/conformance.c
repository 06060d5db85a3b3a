// The int8 conformance suite (see kiln_conformance.h). Sizes cover 1, below / at / above each
// SIMD width (8 for SSE4.1, 16 for AVX2 and NEON), odd channel counts, k = 1 and k = 7.
#pragma STDC FP_CONTRACT OFF
#include "kiln_conformance.h"

#include <stdlib.h>
#include <string.h>

static uint64_t state;
static uint64_t next(void) {  // SplitMix64
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
static int32_t uniform(int32_t lo, int32_t hi) { return lo + (int32_t)(next() % (uint64_t)(hi - lo + 1)); }
static void fill(int8_t *p, size_t n, int lo) { for (size_t i = 0; i < n; i++) p[i] = (int8_t)uniform(lo, 127); }

/// Output bytes of all cases of a group, hashed at the end.
struct sink { uint8_t *bytes; size_t size, capacity; };
static int append(struct sink *s, const void *p, size_t n) {
  if (s->size + n > s->capacity) {
    size_t c = s->capacity ? s->capacity * 2 : 1 << 16;
    while (c < s->size + n) c *= 2;
    uint8_t *b = realloc(s->bytes, c);
    if (!b) return -1;
    s->bytes = b;
    s->capacity = c;
  }
  memcpy(s->bytes + s->size, p, n);
  s->size += n;
  return 0;
}

/// The typical size of a sum of k products of uniform int8 values: 5420 * sqrt(k).
static double typical(size_t k) {
  size_t r = 1;
  while ((r + 1) * (r + 1) <= k) r++;
  return 5420.0 * (double)r;
}

/// Random requantization for an accumulator of about `magnitude`: outputs spread over int8 with
/// some saturation; every tenth channel is ReLU-like (negative multiplier 0), every seventh has
/// a negative multiplier of its own sign; some channels use shift 62 or 1.
static void random_requant(int32_t *rq, size_t m, double magnitude) {
  int bits = 0;
  while ((double)(1ull << bits) < magnitude && bits < 30) bits++;
  for (size_t i = 0; i < m; i++) {
    const int32_t mp = uniform(1 << 30, 0x7fffffff);
    rq[3 * i] = mp;
    rq[3 * i + 1] = i % 10 == 3 ? 0 : i % 7 == 2 ? -uniform(1 << 28, 1 << 30) : uniform(1 << 27, 0x7fffffff);
    rq[3 * i + 2] = i % 11 == 5 ? 62 : i % 13 == 6 ? 1 : 31 + bits - 6 + uniform(-1, 1);  // and the extreme shifts
  }
}

/// Outputs of a GEMM written `step` bytes apart that differ from want, and bytes between them
/// that are not the 0x5A they were filled with.
static size_t mismatches(const int8_t *want, const int8_t *got, size_t count, size_t step) {
  size_t bad = 0;
  for (size_t i = 0; i < count * step; i++) bad += got[i] != (i % step ? 0x5A : want[i / step]);
  return bad;
}

static size_t gemm_group(const struct kiln_qs8_path *path, size_t threads, struct sink *s, size_t *bad) {
  // m and n around the tiles (2x2 ... 4x4) and the packed kernels' 8-row blocks and 16-, 32- and
  // 48-column panels; k around the 4-byte groups and 64-byte vectors.
  static const size_t ms[] = {1, 2, 3, 4, 5, 7, 8, 9, 12, 17, 33}, ns[] = {1, 2, 3, 4, 5, 9, 15, 16, 17, 31, 32, 33, 41, 48, 65},
                      ks[] = {1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 32, 33, 63, 64, 65, 100, 257, 1030};
  size_t cases = 0;
  (void)threads;  // the GEMM itself is single-threaded; layers split it
  for (size_t a = 0; a < sizeof ms / sizeof *ms; a++) {
    for (size_t b = 0; b < sizeof ns / sizeof *ns; b++) {
      for (size_t c = 0; c < sizeof ks / sizeof *ks; c++) {
        const size_t m = ms[a], n = ns[b], k = ks[c], lda = k + 3, ldb = k + 5;
        int8_t *A = malloc(m * lda), *B = malloc(n * ldb), *want = malloc(m * n), *got = malloc(m * n);
        struct kiln_qs8_channel *ch = malloc(m * sizeof *ch);
        int32_t *rq = malloc(m * 3 * sizeof *rq);
        void *workspace = malloc(kiln_qs8_gemm_workspace_bytes(path->gemm, k) + 1);
        int8_t *wide = malloc(2 * m * n);
        if (!A || !B || !want || !got || !ch || !rq || !workspace || !wide) return 0;
        fill(A, m * lda, -127);
        fill(B, n * ldb, -128);
        random_requant(rq, m, typical(k));
        for (size_t i = 0; i < m; i++) {
          // The last case of each shape uses extreme biases; the rest small ones.
          const int32_t limit = (1 << 30) - (int32_t)(k * 16256);
          int32_t sum = 0;
          for (size_t p = 0; p < k; p++) sum += A[i * lda + p];
          ch[i] = (struct kiln_qs8_channel){c == 0 ? (i % 2 ? limit : -limit) : uniform(-(1 << 20), 1 << 20), rq[3 * i], rq[3 * i + 1], rq[3 * i + 2], sum};
        }
        const int32_t zero = uniform(-128, 127);
        kiln_qs8_gemm_ref(m, n, k, A, lda, B, ldb, ch, zero, want, n, 1);
        // Without workspace (the tile), then with it (the packed kernel where the path has one).
        kiln_qs8_gemm(path->gemm, 0, m, n, k, A, lda, B, ldb, ch, zero, got, n, 1);
        *bad += mismatches(want, got, m * n, 1);
        memset(got, 0, m * n);
        kiln_qs8_gemm(path->gemm, workspace, m, n, k, A, lda, B, ldb, ch, zero, got, n, 1);
        *bad += mismatches(want, got, m * n, 1);
        // Columns two bytes apart (a transposed conv's phase row): the bytes between stay unwritten.
        memset(wide, 0x5A, 2 * m * n);
        kiln_qs8_gemm(path->gemm, workspace, m, n, k, A, lda, B, ldb, ch, zero, wide, 2 * n, 2);
        *bad += mismatches(want, wide, m * n, 2);
        // The indirect form with each column in `taps` runs (packed while gathering when runs are
        // whole groups of 4 bytes, gathered first otherwise).
        for (size_t taps = 1; taps <= 4; taps++) {
          if (k % taps) continue;
          const size_t run = k / taps;
          const int8_t **ind = malloc(n * taps * sizeof *ind);
          void *iws = malloc(kiln_qs8_igemm_workspace_bytes(path->gemm, n, run, taps));
          if (!ind || !iws) return 0;
          for (size_t j = 0; j < n * taps; j++) ind[j] = B + j / taps * ldb + j % taps * run;
          memset(got, 0, m * n);
          kiln_qs8_igemm(path->gemm, iws, m, n, run, taps, A, lda, ind, ch, zero, got, n, 1);
          *bad += mismatches(want, got, m * n, 1);
          memset(wide, 0x5A, 2 * m * n);
          kiln_qs8_igemm(path->gemm, iws, m, n, run, taps, A, lda, ind, ch, zero, wide, 2 * n, 2);
          *bad += mismatches(want, wide, m * n, 2);
          free(ind);
          free(iws);
        }
        if (append(s, got, m * n)) return 0;
        free(A); free(B); free(want); free(got); free(ch); free(rq); free(workspace); free(wide);
        cases++;
      }
    }
  }
  return cases;
}

static size_t quantize_group(const struct kiln_qs8_path *path, struct sink *s, size_t *bad) {
  static const float scales[] = {1.0f, 0.5f, 3.0f, 0.0078125f, 0.0123f, 100.0f};
  size_t cases = 0;
  float x[67];
  int8_t want[67], got[67];
  for (size_t si = 0; si < sizeof scales / sizeof *scales; si++) {
    for (size_t n = 1; n <= 67; n += 11) {
      for (size_t i = 0; i < n; i++) {
        // Ties (k + 0.5), specials, and values from tiny to far outside the range.
        switch (next() % 6) {
        case 0: x[i] = (float)uniform(-300, 300) + 0.5f; break;
        case 1: { static const float sp[] = {0.0f, -0.0f, 1e30f, -1e30f, __builtin_inff(), -__builtin_inff(), __builtin_nanf("")}; x[i] = sp[next() % 7]; break; }
        default: x[i] = (float)((double)(int64_t)(next() >> 11) * 0x1p-53 * 600 - 300) / scales[si]; break;
        }
      }
      const float inv = 1.0f / scales[si];
      const int32_t zero = uniform(-128, 127);
      kiln_qs8_quantize_ref(n, x, inv, zero, want);
      path->vcvt->quantize(n, x, inv, zero, got);
      for (size_t i = 0; i < n; i++) *bad += want[i] != got[i];
      if (append(s, got, n)) return 0;
      cases++;
    }
  }
  return cases;
}

static size_t dequantize_group(const struct kiln_qs8_path *path, struct sink *s, size_t *bad) {
  static const float scales[] = {1.0f, 0.0078125f, 0.0123f, 3.7e-5f};
  int8_t x[256 + 13];
  float want[256 + 13], got[256 + 13];
  for (int i = 0; i < 256 + 13; i++) x[i] = (int8_t)(i < 256 ? i - 128 : uniform(-128, 127));
  size_t cases = 0;
  for (size_t si = 0; si < sizeof scales / sizeof *scales; si++) {
    for (size_t n = 1; n <= 256 + 13; n += n < 20 ? 1 : 61) {
      const int32_t zero = uniform(-128, 127);
      kiln_qs8_dequantize_ref(n, x, scales[si], zero, want);
      path->vcvt->dequantize(n, x, scales[si], zero, got);
      *bad += memcmp(want, got, n * sizeof(float)) != 0;
      if (append(s, got, n * sizeof(float))) return 0;
      cases++;
    }
  }
  return cases;
}

static size_t lut_group(const struct kiln_qs8_path *path, struct sink *s, size_t *bad) {
  int8_t table[256], x[300], want[300], got[300];
  size_t cases = 0;
  for (size_t n = 1; n <= 300; n += n < 40 ? 1 : 37) {
    fill(table, 256, -128);
    fill(x, n, -128);
    if (n >= 256) for (int i = 0; i < 256; i++) x[i] = (int8_t)(i - 128);
    kiln_qs8_lut_ref(n, x, table, want);
    path->lut(n, x, table, got);
    for (size_t i = 0; i < n; i++) *bad += want[i] != got[i];
    if (append(s, got, n)) return 0;
    cases++;
  }
  return cases;
}

/// Conv geometries: {batch, c, h, w, m, kh, kw, sh, sw, dh, dw, pad_top, pad_left, pad_bottom, pad_right, output_padding}.
static const size_t convs[][16] = {
    {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0},  {2, 3, 7, 9, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 0},
    {1, 5, 9, 8, 7, 7, 7, 1, 1, 1, 1, 3, 3, 3, 3, 0},  {1, 16, 8, 8, 17, 4, 4, 2, 2, 1, 1, 1, 1, 1, 1, 0},
    {3, 17, 5, 6, 3, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0}, {1, 4, 11, 13, 6, 3, 5, 2, 3, 2, 1, 2, 0, 1, 2, 0},
    {1, 33, 4, 4, 9, 2, 2, 1, 1, 1, 1, 0, 0, 1, 1, 0}, {1, 8, 16, 16, 4, 4, 4, 2, 2, 1, 1, 1, 1, 1, 1, 0},
    // Grouped samples (maps under a chunk): one group split by channels, and groups of 3 over 7.
    {5, 9, 4, 4, 33, 4, 4, 1, 1, 1, 1, 0, 0, 0, 0, 0}, {7, 6, 8, 10, 5, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 0},
    // The NHWC pass's 16 x 16 transpose blocks with channel and pixel tails (20 channels, 33 wide).
    {2, 20, 5, 33, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 0},
    // Kernel rows and columns that read only padding, left out: a U-Net's 2x2 -> 1x1 (taps 1-2 of
    // 0-3 kept), the middle tap of a dilated 3x3 on a 3x3 map, and a 1x1 map whose outputs all
    // read padding (tap 0 kept).
    {1, 16, 2, 2, 9, 4, 4, 2, 2, 1, 1, 1, 1, 1, 1, 0}, {2, 5, 3, 3, 6, 3, 3, 1, 1, 3, 3, 3, 3, 3, 3, 0},
    {1, 3, 1, 1, 4, 1, 1, 2, 2, 1, 1, 1, 1, 1, 1, 0},
    // The narrow kernel (batch x pixels <= 8): 6 pixels, k = 45, m = 130 (2 panels of 64 + 2); 2
    // samples x 4 pixels with m = 70; 9 pixels (one past it).
    {1, 5, 3, 5, 130, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 0}, {2, 7, 4, 4, 70, 4, 4, 2, 2, 1, 1, 1, 1, 1, 1, 0},
    {1, 5, 5, 5, 70, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 0},
};
static const size_t deconvs[][16] = {
    {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0},  {1, 8, 1, 1, 16, 4, 4, 1, 1, 1, 1, 0, 0, 0, 0, 0},
    {2, 16, 4, 4, 8, 4, 4, 2, 2, 1, 1, 1, 1, 1, 1, 0}, {1, 7, 7, 7, 5, 5, 5, 2, 2, 1, 1, 2, 2, 2, 2, 1},
    {1, 3, 5, 6, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 0},  {1, 5, 3, 4, 3, 1, 1, 2, 2, 1, 1, 0, 0, 0, 0, 1},
    {1, 4, 3, 3, 2, 7, 7, 3, 3, 1, 1, 3, 3, 3, 3, 2},  {1, 9, 5, 5, 17, 4, 4, 2, 2, 1, 1, 1, 1, 1, 1, 0},
    {1, 2, 4, 3, 3, 2, 3, 3, 2, 1, 1, 0, 1, 0, 1, 1},
    // Grouped (sample, row) pairs: one phase, one group split by channels; four phases over 5 samples.
    {4, 8, 1, 1, 16, 2, 2, 1, 1, 1, 1, 0, 0, 0, 0, 0}, {5, 6, 3, 3, 7, 4, 4, 2, 2, 1, 1, 1, 1, 1, 1, 0},
    // 16 x 16 NHWC blocks only.
    {1, 32, 4, 16, 3, 4, 4, 2, 2, 1, 1, 1, 1, 1, 1, 0},
    // A generator's first layer as a dense layer (1x1 input, stride 1, no padding; rows 1 and 9
    // above are too): 7x7 taps, c not a multiple of 4, three samples.
    {3, 10, 1, 1, 5, 7, 7, 1, 1, 1, 1, 0, 0, 0, 0, 0},
    // Phase taps that read only padding, left out: a U-Net's 1x1 -> 2x2 (1 of each phase's 2x2
    // kept) and 2x2 -> 4x4 (all kept), and a 2x3 map under a 5x5 kernel, stride 3, padding 4.
    {1, 8, 1, 1, 9, 4, 4, 2, 2, 1, 1, 1, 1, 1, 1, 0}, {2, 8, 2, 2, 5, 4, 4, 2, 2, 1, 1, 1, 1, 1, 1, 0},
    {1, 6, 2, 3, 5, 5, 5, 3, 3, 1, 1, 4, 4, 4, 4, 2},
    // The narrow kernel: phases of 2x3 pixels with m = 70 and k tails; a dense layer at batch 2
    // with m x taps = 7 x 9 rows.
    {1, 5, 2, 3, 70, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1}, {2, 6, 1, 1, 7, 3, 3, 1, 1, 1, 1, 0, 0, 0, 0, 0},
};

static size_t conv_group(int transposed, const struct kiln_qs8_path *path, size_t threads, struct sink *s, size_t *bad) {
  const size_t count = transposed ? sizeof deconvs / sizeof *deconvs : sizeof convs / sizeof *convs;
  size_t cases = 0;
  for (size_t t = 0; t < count; t++) {
    const size_t *g = transposed ? deconvs[t] : convs[t];
    struct kiln_qs8_layer l = {0};
    l.path = path;
    l.batch = g[0]; l.c = g[1]; l.h = g[2]; l.w = g[3]; l.m = g[4]; l.kh = g[5]; l.kw = g[6];
    l.sh = g[7]; l.sw = g[8]; l.dh = g[9]; l.dw = g[10]; l.pad_top = g[11]; l.pad_left = g[12];
    const size_t span_h = l.dh * (l.kh - 1) + 1, span_w = l.dw * (l.kw - 1) + 1;
    if (transposed) {
      l.oh = (l.h - 1) * l.sh + span_h + g[15] - g[11] - g[13];
      l.ow = (l.w - 1) * l.sw + span_w + g[15] - g[12] - g[14];
    } else {
      l.oh = (l.h + g[11] + g[13] - span_h) / l.sh + 1;
      l.ow = (l.w + g[12] + g[14] - span_w) / l.sw + 1;
    }
    l.x_zero = uniform(-128, 127);
    l.y_zero = uniform(-128, 127);
    const size_t nw = l.m * l.c * l.kh * l.kw, nx = l.batch * l.c * l.h * l.w, ny = l.batch * l.m * l.oh * l.ow;
    int8_t *w = malloc(nw), *x = malloc(nx), *want = malloc(ny), *got = malloc(ny);
    int32_t *bias = malloc(l.m * 4), *rq = malloc(l.m * 12);
    struct kiln_qs8_channel *ch = malloc((transposed ? kiln_qs8_deconv2d_channel_count(&l) : l.m) * sizeof *ch);
    const int8_t *pw[9];
    const struct kiln_qs8_channel *pc[9];
    int8_t *packed = malloc((transposed ? kiln_qs8_deconv2d_packed_size(&l) : kiln_qs8_conv2d_packed_size(&l)) + 1);
    if (!w || !x || !want || !got || !bias || !rq || !ch || !packed) return 0;
    fill(w, nw, -127);
    fill(x, nx, -128);
    for (size_t i = 0; i < l.m; i++) bias[i] = uniform(-(1 << 16), 1 << 16);
    random_requant(rq, l.m, typical(l.c * l.kh * l.kw));
    l.x = x;
    l.y = want;
    kiln_qs8_conv_ref(transposed, &l, w, bias, rq);
    size_t scratch;
    int8_t *work = malloc((transposed ? kiln_qs8_deconv2d_pack_work_bytes(&l) : kiln_qs8_conv2d_pack_work_bytes(&l)) + 1);
    if (!work) return 0;
    if (transposed) {
      if (kiln_qs8_deconv2d_pack(&l, w, bias, rq, packed, ch, pw, pc, work) != 0) return 0;
      l.phase_weights = pw;
      l.phase_channels = pc;
      scratch = kiln_qs8_deconv2d_scratch_bytes(&l, threads);
    } else {
      if (kiln_qs8_conv2d_pack(&l, w, bias, rq, packed, ch, work) != 0) return 0;
      l.weights = packed;
      l.channels = ch;
      scratch = kiln_qs8_conv2d_scratch_bytes(&l, threads);
    }
    l.scratch = malloc(scratch + 1);
    if (!l.scratch) return 0;
    l.y = got;
    memset(got, 0x55, ny);
    // Two passes, as the runtime runs them: every thread's NHWC rows, then every thread's outputs.
    for (size_t i = 0; i < threads; i++) kiln_qs8_to_nhwc_task(&l, i, threads);
    for (size_t i = 0; i < threads; i++) (transposed ? kiln_qs8_deconv2d_task : kiln_qs8_conv2d_task)(&l, i, threads);
    for (size_t i = 0; i < ny; i++) *bad += want[i] != got[i];
    if (append(s, got, ny)) return 0;
    free(w); free(x); free(want); free(got); free(bias); free(rq); free(ch); free(packed); free(work); free(l.scratch);
    cases++;
  }
  return cases;
}

static size_t dense_group(const struct kiln_qs8_path *path, size_t threads, struct sink *s, size_t *bad) {
  // {batch, c, m}: batches up to KILN_QS8_NARROW_N also through the narrow kernel where the path
  // has one (k and m tails: 257 = 64 groups + 1, 37 = 2 blocks + 5 rows; 8 and 9 columns; 130 rows
  // = 2 panels of 64 + 2, split between threads).
  static const size_t shapes[][3] = {{1, 1, 1}, {1, 100, 12544}, {16, 100, 37}, {3, 17, 33}, {5, 257, 9}, {2, 64, 16}, {1, 257, 37},
                                     {1, 6, 16}, {8, 45, 130}, {9, 45, 130}, {7, 3, 200}};
  size_t cases = 0;
  for (size_t t = 0; t < sizeof shapes / sizeof *shapes; t++) {
    struct kiln_qs8_layer l = {0};
    l.path = path;
    l.batch = shapes[t][0]; l.c = shapes[t][1]; l.m = shapes[t][2];
    l.h = l.w = l.oh = l.ow = l.kh = l.kw = l.sh = l.sw = l.dh = l.dw = 1;
    l.x_zero = uniform(-128, 127);
    l.y_zero = uniform(-128, 127);
    int8_t *w = malloc(l.m * l.c), *x = malloc(l.batch * l.c), *want = malloc(l.batch * l.m), *got = malloc(l.batch * l.m);
    int32_t *bias = malloc(l.m * 4), *rq = malloc(l.m * 12);
    struct kiln_qs8_channel *ch = malloc(l.m * sizeof *ch);
    if (!w || !x || !want || !got || !bias || !rq || !ch) return 0;
    fill(w, l.m * l.c, -127);
    fill(x, l.batch * l.c, -128);
    for (size_t i = 0; i < l.m; i++) bias[i] = uniform(-(1 << 16), 1 << 16);
    random_requant(rq, l.m, typical(l.c));
    l.x = x;
    l.y = want;
    kiln_qs8_conv_ref(0, &l, w, bias, rq);  // a 1x1 conv on a 1x1 image: y [batch][m]
    if (kiln_qs8_make_channels(l.m, l.c, w, bias, rq, l.x_zero, ch) != 0) return 0;
    l.weights = w;
    l.channels = ch;
    int8_t *packed = malloc(kiln_qs8_narrow_packed_bytes(path->gemm, l.m, l.c) + 1);
    if (!packed) return 0;
    if (l.batch <= KILN_QS8_NARROW_N && kiln_qs8_narrow_packed_bytes(path->gemm, l.m, l.c) > 0) {
      kiln_qs8_narrow_pack(path->gemm, l.m, l.c, w, packed);
      l.packed_weights = packed;
    }
    l.y = got;
    for (size_t i = 0; i < threads; i++) kiln_qs8_dense_task(&l, i, threads);
    for (size_t i = 0; i < l.batch * l.m; i++) *bad += want[i] != got[i];
    if (append(s, got, l.batch * l.m)) return 0;
    free(w); free(x); free(want); free(got); free(bias); free(rq); free(ch); free(packed);
    cases++;
  }
  return cases;
}

static const char *const names[] = {"gemm", "quantize", "dequantize", "lut", "conv2d", "deconv2d", "dense"};

size_t kiln_conformance_count(void) { return sizeof names / sizeof *names; }

int kiln_conformance_run(size_t index, const struct kiln_qs8_path *path, size_t threads, struct kiln_conformance_result *out) {
  struct sink s = {0};
  state = 0x4B494C4E00000000ull + index;  // "KILN" + group: the same inputs for every path
  size_t bad = 0, cases = 0;
  switch (index) {
  case 0: cases = gemm_group(path, threads, &s, &bad); break;
  case 1: cases = quantize_group(path, &s, &bad); break;
  case 2: cases = dequantize_group(path, &s, &bad); break;
  case 3: cases = lut_group(path, &s, &bad); break;
  case 4: cases = conv_group(0, path, threads, &s, &bad); break;
  case 5: cases = conv_group(1, path, threads, &s, &bad); break;
  case 6: cases = dense_group(path, threads, &s, &bad); break;
  default: return -1;
  }
  if (cases == 0) { free(s.bytes); return -1; }
  out->name = names[index];
  out->cases = cases;
  out->mismatches = bad;
  kiln_sha256(s.bytes, s.size, out->digest);
  free(s.bytes);
  return 0;
}
