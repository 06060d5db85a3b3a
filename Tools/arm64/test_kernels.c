// A C test driver for CKilnKernels, built for AArch64 by run.sh and run under qemu: every f32 GEMM
// micro-kernel the CPU supports against the scalar reference (the same sizes and error bound as
// Tests/KilnKernelsTests/GemmTests.swift) and its narrow form against its tiles (bit-exact), every
// f16 -> f32 path against the reference on all 65,536 inputs (bit-exact), every f32 tanh path
// against the reference (bit-exact; the inputs of Tests/KilnKernelsTests/TanhTests.swift, fewer of
// them), every im2col and col2im rows path against its reference (bit-exact, awkward widths and
// the shapes of Col2imTests.swift), the CRC-32 check value, and the int8 conformance suite
// (Tests/CKilnConformance) on every int8 path the CPU supports with 1, 2 and 3 threads: no output
// may differ from the scalar reference, and every digest must equal the one the x86 run committed
// (the file given as the first argument). Prints "N passed, M failed".
#include "kiln_conformance.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t state = 5;
static float next_float(void) {  // SplitMix64 -> [-1, 1)
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return (float)((double)(z >> 11) * 0x1p-53 * 2 - 1);
}

static int passed, failed;

static void check_gemm(const struct kiln_f32_gemm_ukernel *uk, int ta, int tb, size_t m, size_t n, size_t k, int acc) {
  const size_t pad = 3, lda = (ta ? m : k) + pad, ldb = (tb ? k : n) + pad, ldc = n + pad;
  float *a = malloc(sizeof(float) * (ta ? k : m) * lda), *b = malloc(sizeof(float) * (tb ? n : k) * ldb);
  float *c0 = malloc(sizeof(float) * m * ldc), *want = malloc(sizeof(float) * m * ldc), *got = malloc(sizeof(float) * m * ldc);
  for (size_t i = 0; i < (ta ? k : m) * lda; i++) a[i] = next_float();
  for (size_t i = 0; i < (tb ? n : k) * ldb; i++) b[i] = next_float();
  for (size_t i = 0; i < m * ldc; i++) c0[i] = next_float();
  memcpy(want, c0, sizeof(float) * m * ldc);
  memcpy(got, c0, sizeof(float) * m * ldc);
  kiln_f32_gemm_ref(ta, tb, m, n, k, a, lda, b, ldb, want, ldc, acc);
  kiln_f32_gemm(uk, kiln_f32_gemm_thread_workspace(uk), ta, tb, m, n, k, a, lda, b, ldb, got, ldc, acc);
  const double u = 0x1p-24, gamma = (k + 1) * u / (1 - (k + 1) * u);
  int ok = 1;
  for (size_t i = 0; i < m && ok; i++) {
    for (size_t j = 0; j < ldc && ok; j++) {
      size_t idx = i * ldc + j;
      if (j >= n) { ok = got[idx] == c0[idx]; continue; }
      double mag = acc ? fabs(c0[idx]) : 0;
      for (size_t p = 0; p < k; p++) mag += fabs(ta ? a[p * lda + i] : a[i * lda + p]) * fabs(tb ? b[j * ldb + p] : b[p * ldb + j]);
      ok = fabs((double)got[idx] - want[idx]) <= 2 * gamma * mag + 1e-38;
    }
  }
  if (ok) passed++; else { failed++; printf("FAIL %s m%zu n%zu k%zu ta%d tb%d acc%d\n", uk->name, m, n, k, ta, tb, acc); }
  free(a); free(b); free(c0); free(want); free(got);
}

/// With KILN_EXHAUSTIVE set: each tanh path but the reference on all 2^32 inputs (about 25 minutes
/// per CPU under qemu).
static void check_tanh_exhaustively(uint32_t have) {
  enum { B = 1 << 16 };
  static float x[B], want[B], got[B];
  for (size_t i = 0; i < kiln_f32_vtanh_kernel_count(); i++) {
    const struct kiln_f32_vtanh_kernel *k = kiln_f32_vtanh_kernel_at(i);
    if ((k->required_features & have) != k->required_features || k->fn == kiln_f32_vtanh_ref) continue;
    uint64_t bad = 0;
    for (uint64_t base = 0; base < (1ull << 32); base += B) {
      for (uint32_t j = 0; j < B; j++) { uint32_t u = (uint32_t)(base + j); memcpy(&x[j], &u, 4); }
      kiln_f32_vtanh_ref(x, want, B);
      k->fn(x, got, B);
      for (size_t j = 0; j < B; j++) bad += memcmp(&got[j], &want[j], 4) != 0;
    }
    if (bad == 0) passed++; else failed++;
    printf("f32 tanh %s on all 2^32 inputs: %llu differ from the reference\n", k->name, (unsigned long long)bad);
  }
}

/// Each tanh path against the reference: every 4093rd bit pattern (both signs, NaNs, infinities,
/// subnormals), every 61st float in [0.125, 4), the 300 floats either side of the formulas'
/// threshold, the clamp and the subnormal cut-off; also in place, and at lengths 0 ... 17 without
/// writing past n.
static void check_tanh(uint32_t have) {
  size_t n = 0, cap = (1u << 21) + 8 * 1200;
  float *x = malloc(sizeof(float) * cap), *want = malloc(sizeof(float) * cap), *got = malloc(sizeof(float) * cap);
  for (uint64_t b = 0; b < (1ull << 32); b += 4093) { uint32_t u = (uint32_t)b; memcpy(&x[n++], &u, 4); }
  for (float v = 0.125f; v < 4.0f; ) { x[n++] = v; uint32_t u; memcpy(&u, &v, 4); u += 61; memcpy(&v, &u, 4); }
  const float centres[] = {0.625f, 20.0f, 0x1p-100f, 0.0f};
  for (int c = 0; c < 4; c++) {
    float up = centres[c], down = centres[c];
    for (int i = 0; i < 300; i++, up = nextafterf(up, INFINITY), down = nextafterf(down, -INFINITY)) {
      x[n++] = up, x[n++] = -up, x[n++] = down, x[n++] = -down;
    }
  }
  kiln_f32_vtanh_ref(x, want, n);
  for (size_t i = 0; i < kiln_f32_vtanh_kernel_count(); i++) {
    const struct kiln_f32_vtanh_kernel *k = kiln_f32_vtanh_kernel_at(i);
    if ((k->required_features & have) != k->required_features) continue;
    k->fn(x, got, n);
    int ok = memcmp(got, want, sizeof(float) * n) == 0;
    memcpy(got, x, sizeof(float) * n);
    k->fn(got, got, n);
    ok = ok && memcmp(got, want, sizeof(float) * n) == 0;
    for (size_t len = 0; len <= 17; len++) {
      float tail[18];
      for (size_t j = 0; j <= len; j++) tail[j] = 7.0f;
      k->fn(x + 5000, tail, len);
      ok = ok && memcmp(tail, want + 5000, sizeof(float) * len) == 0 && tail[len] == 7.0f;
    }
    if (ok) passed++; else failed++;
    printf("f32 tanh %s: %s\n", k->name, ok ? "bit-identical to the reference" : "FAILED");
  }
  free(x); free(want); free(got);
  if (getenv("KILN_EXHAUSTIVE")) check_tanh_exhaustively(have);
}

/// Every im2col path against the reference: widths around 4 and 8 lanes, strides 1-3 (3 goes to
/// the reference), kernels 1-5, padding, dilation, a first grid row past 0; bit-exact, and every
/// value of cols written (it starts filled with the bytes 0x7F).
static void check_im2col(uint32_t have) {
  for (size_t i = 0; i < kiln_f32_im2col_kernel_count(); i++) {
    const struct kiln_f32_im2col_kernel *k = kiln_f32_im2col_kernel_at(i);
    if ((k->required_features & have) != k->required_features || k->fn == kiln_f32_im2col_ref) continue;  // not against itself
    size_t cases = 0, bad = 0;
    static const size_t widths[] = {1, 3, 4, 5, 7, 8, 9, 17};
    for (size_t wi = 0; wi < 8; wi++) for (size_t sw = 1; sw <= 3; sw++) for (size_t kw = 1; kw <= 5; kw += 2)
    for (size_t pad = 0; pad <= 2; pad++) for (size_t d = 1; d <= 2; d++) {
      struct kiln_f32_im2col g = {.h = 5, .w = widths[wi], .kh = 3, .kw = kw + (sw == 2 && d == 1), .sh = 2, .sw = sw, .dh = 1, .dw = d,
                                  .pad_top = 1, .pad_left = pad};
      const ptrdiff_t ow = ((ptrdiff_t)g.w + 2 * (ptrdiff_t)pad - (ptrdiff_t)(d * (g.kw - 1)) - 1) / (ptrdiff_t)sw + 1;
      if (ow <= 0) continue;
      g.ow = (size_t)ow;
      g.oh = (g.h + 2 - (g.kh - 1) - 1) / g.sh + 1;
      g.row0 = pad % 2;  // a band of grid rows that starts past the first
      g.oh -= g.row0;
      const size_t channels = 3, rows = channels * g.kh * g.kw, stride = g.oh * g.ow + 2;
      float *image = malloc(sizeof(float) * channels * g.h * g.w), *want = malloc(sizeof(float) * rows * stride),
            *got = malloc(sizeof(float) * rows * stride);
      for (size_t t = 0; t < channels * g.h * g.w; t++) image[t] = next_float();
      memset(want, 0x7F, sizeof(float) * rows * stride);
      memset(got, 0x7F, sizeof(float) * rows * stride);
      kiln_f32_im2col_ref(&g, 1, channels, image, want, stride);
      k->fn(&g, 1, channels, image, got, stride);
      bad += memcmp(want, got, sizeof(float) * rows * stride) != 0;
      cases++;
      free(image); free(want); free(got);
    }
    if (bad) failed++; else passed++;
    printf("f32 im2col %s: %s (%zu shapes)\n", k->name, bad ? "FAILED" : "bit-identical to the reference", cases);
  }
}

/// Each col2im rows path against the reference, bit for bit, with and without bias: the DCGAN
/// layer shapes, 1 ... 9 phase columns at column strides 1 and 2 (around one 4-lane chunk, with
/// odd output widths), stride 3, dilation, odd kernels; NaN past the output must stay.
static void check_col2im(uint32_t have) {
  // m, h, w, kh, kw, sh, sw, dh, dw, pad, output padding
  static const size_t cases[][11] = {
      {5, 4, 4, 4, 4, 2, 2, 1, 1, 1, 0}, {2, 8, 8, 4, 4, 2, 2, 1, 1, 1, 0}, {2, 2, 1, 3, 3, 1, 1, 1, 1, 1, 0},
      {2, 3, 2, 3, 3, 1, 1, 1, 1, 1, 0}, {2, 2, 3, 4, 4, 2, 2, 1, 1, 1, 0}, {2, 2, 5, 4, 4, 2, 2, 1, 1, 1, 1},
      {2, 3, 6, 3, 3, 1, 1, 1, 1, 1, 0}, {2, 2, 7, 4, 4, 2, 2, 1, 1, 1, 0}, {2, 2, 9, 4, 4, 2, 2, 1, 1, 1, 1},
      {3, 7, 7, 5, 5, 2, 2, 1, 1, 2, 1}, {2, 5, 5, 3, 3, 1, 1, 2, 2, 2, 0}, {4, 2, 2, 7, 7, 3, 3, 1, 1, 0, 0},
      {1, 3, 33, 5, 5, 1, 1, 1, 1, 2, 0}, {3, 1, 1, 4, 4, 1, 1, 1, 1, 0, 0}};
  for (size_t i = 0; i < kiln_f32_col2im_kernel_count(); i++) {
    const struct kiln_f32_col2im_kernel *k = kiln_f32_col2im_kernel_at(i);
    if ((k->required_features & have) != k->required_features || k->fn == kiln_f32_col2im_rows_ref) continue;  // not against itself
    int ok = 1;
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
      const size_t *v = cases[c], m = v[0], h = v[1], w = v[2], kh = v[3], kw = v[4], pad = v[9];
      const size_t oh = (h - 1) * v[5] + v[7] * (kh - 1) + 1 + v[10] - 2 * pad, ow = (w - 1) * v[6] + v[8] * (kw - 1) + 1 + v[10] - 2 * pad;
      const struct kiln_f32_col2im g = {m, oh, ow, h, w, kh, kw, v[5], v[6], v[7], v[8], pad, pad, h * w, kh * kw * h * w, kw * h * w};
      const size_t n = m * oh * ow, ncols = m * kh * kw * h * w;
      float *cols = malloc(sizeof(float) * ncols), *bias = malloc(sizeof(float) * m);
      float *want = malloc(sizeof(float) * (n + 1)), *got = malloc(sizeof(float) * (n + 1));
      void *scratch = malloc(kiln_f32_col2im_scratch_bytes(&g));
      for (size_t j = 0; j < ncols; j++) cols[j] = next_float();
      for (size_t j = 0; j < m; j++) bias[j] = next_float();
      for (int with_bias = 0; with_bias < 2; with_bias++) {
        for (size_t j = 0; j <= n; j++) want[j] = got[j] = NAN;
        kiln_f32_col2im_rows_ref(&g, cols, with_bias ? bias : NULL, want, scratch, NULL, 0);
        k->fn(&g, cols, with_bias ? bias : NULL, got, scratch, NULL, 0);
        if (memcmp(got, want, sizeof(float) * n) != 0 || got[n] == got[n]) ok = 0;
      }
      free(cols); free(bias); free(want); free(got); free(scratch);
    }
    if (ok) passed++; else failed++;
    printf("f32 col2im %s: %s\n", k->name, ok ? "bit-identical to the reference" : "FAILED");
  }
}

/// A kernel's narrow form (A packed, at most narrow_max columns, and the last n mod nr <= narrow_max
/// columns past whole tiles) against its tiles (A not packed): the same bytes, at every such n, m
/// across groups of panels, k across KC slices, both B layouts, C wider than n.
static void check_narrow(const struct kiln_f32_gemm_ukernel *uk) {
  const size_t mr = uk->mr, nr = uk->nr, most = uk->narrow_max;
  size_t columns[16], count = 0;
  for (size_t n = 1; n <= most; n++) columns[count++] = n;
  columns[count++] = nr + 1, columns[count++] = 3 * nr + 1, columns[count++] = 2 * nr + most, columns[count++] = nr + most + 1;
  const size_t ms[] = {1, mr - 1, mr + 3, 2 * mr, 4 * mr + 5, 9 * mr + 1}, ks[] = {1, 9, KILN_F32_GEMM_KC + 3};
  int ok = 1;
  for (size_t ci = 0; ci < count; ci++) for (size_t mi = 0; mi < 6; mi++) for (size_t ki = 0; ki < 3; ki++) for (int tb = 0; tb < 2; tb++) {
    const size_t n = columns[ci], m = ms[mi], k = ks[ki], ldc = n + 2, ldb = tb ? k : n;
    float *a = malloc(sizeof(float) * m * k), *b = malloc(sizeof(float) * k * n), *tiled = malloc(sizeof(float) * m * ldc);
    float *narrow = malloc(sizeof(float) * m * ldc), *packed = malloc(kiln_f32_gemm_packed_a_size(uk, m, k));
    for (size_t i = 0; i < m * k; i++) a[i] = next_float();
    for (size_t i = 0; i < k * n; i++) b[i] = next_float();
    for (size_t i = 0; i < m * ldc; i++) tiled[i] = narrow[i] = next_float();
    kiln_f32_gemm(uk, kiln_f32_gemm_thread_workspace(uk), 0, tb, m, n, k, a, k, b, ldb, tiled, ldc, (int)(k % 2));
    kiln_f32_gemm_pack_a(uk, 0, m, k, a, k, packed);
    kiln_f32_gemm_prepacked(uk, kiln_f32_gemm_thread_workspace(uk), packed, m, 0, tb, m, n, k, b, ldb, narrow, ldc, (int)(k % 2));
    if (memcmp(tiled, narrow, sizeof(float) * m * ldc) != 0) { ok = 0; printf("FAIL %s narrow n%zu m%zu k%zu tb%d\n", uk->name, n, m, k, tb); }
    free(a); free(b); free(tiled); free(narrow); free(packed);
  }
  if (ok) passed++; else failed++;
  printf("f32 GEMM %s narrow form: %s\n", uk->name, ok ? "bit-identical to its tiles" : "FAILED");
}

/// The committed digest of `group` in `file` as 64 hex digits, or "" when absent.
static const char *committed(const char *file, const char *group) {
  static char hex[65];
  char line[256];
  hex[0] = 0;
  FILE *f = fopen(file, "r");
  if (!f) return hex;
  while (fgets(line, sizeof line, f)) {
    char name[64], digest[65];
    if (line[0] != '#' && sscanf(line, "%63s %64s", name, digest) == 2 && strcmp(name, group) == 0) strcpy(hex, digest);
  }
  fclose(f);
  return hex;
}

static void check_int8(const char *digests, uint32_t have) {
  for (size_t i = 0; i < kiln_qs8_path_count(); i++) {
    const struct kiln_qs8_path *path = kiln_qs8_path_at(i);
    if ((path->required_features & have) != path->required_features) { printf("skip int8 %s (CPU lacks it)\n", path->name); continue; }
    int before = failed;
    for (size_t threads = 1; threads <= 3; threads++) {
      for (size_t g = 0; g < kiln_conformance_count(); g++) {
        struct kiln_conformance_result r;
        char hex[65];
        if (kiln_conformance_run(g, path, threads, &r) != 0) { failed++; printf("FAIL int8 %s: out of memory\n", path->name); continue; }
        for (int b = 0; b < 32; b++) sprintf(hex + 2 * b, "%02x", r.digest[b]);
        const int ok = r.mismatches == 0 && strcmp(hex, committed(digests, r.name)) == 0;
        if (ok) passed++; else { failed++; printf("FAIL int8 %s x%zu %s: %zu mismatches, digest %s\n", path->name, threads, r.name, r.mismatches, hex); }
      }
    }
    printf("int8 %s: %s\n", path->name, failed == before ? "bit-identical to the reference and to the committed x86 digests, threads 1-3" : "FAILED");
  }
}

int main(int argc, char **argv) {
  uint32_t have = kiln_cpu_features();
  printf("CPU features: 0x%x\n", have);
  const char *digits = "123456789";
  if (kiln_crc32(0, digits, 9) == 0xCBF43926u) passed++; else { failed++; puts("FAIL crc32 check value"); }
  {  // the CRC32-instruction path (when the CPU has it) against the table path
    static uint8_t bytes[4096];
    uint32_t s = 1;
    for (size_t i = 0; i < sizeof bytes; i++) { s = s * 1103515245u + 12345u; bytes[i] = (uint8_t)(s >> 16); }
    int ok = 1;
    for (size_t start = 0; start < 9; start++) {
      for (size_t n = 0; start + n <= sizeof bytes; n += n < 300 ? 1 : 97) {
        if (kiln_crc32(7, bytes + start, n) != kiln_crc32_portable(7, bytes + start, n)) ok = 0;
      }
    }
    if (ok) passed++; else { failed++; puts("FAIL crc32 fast path differs from the table path"); }
    printf("crc32 %s path: %s\n", (have & KILN_CPU_CRC32) ? "crc32x" : "table", ok ? "equals the table path" : "FAILED");
  }
  for (size_t u = 0; u < kiln_f32_gemm_ukernel_count(); u++) {
    const struct kiln_f32_gemm_ukernel *uk = kiln_f32_gemm_ukernel_at(u);
    if ((uk->required_features & have) != uk->required_features) { printf("skip %s (CPU lacks it)\n", uk->name); continue; }
    int before = failed;
    size_t ms[] = {1, uk->mr - 1, uk->mr, uk->mr + 1, 2 * uk->mr * 12 + 5}, ns[] = {1, uk->nr - 1, uk->nr, uk->nr + 1, 3 * uk->nr + 7};
    size_t ks[] = {1, 7, KILN_F32_GEMM_KC + 3};
    for (int i = 0; i < 5; i++) for (int j = 0; j < 5; j++) for (int l = 0; l < 3; l++) for (int t = 0; t < 4; t++) {
      if (ms[i] == 0 || ns[j] == 0) continue;
      check_gemm(uk, t & 1, t >> 1, ms[i], ns[j], ks[l], (int)((ms[i] + ns[j] + ks[l]) % 2 == 0));
    }
    check_gemm(uk, 0, 0, 9, uk->nr * 64 + 13, 40, 1);
    printf("f32 GEMM %s: %s\n", uk->name, failed == before ? "all sizes within the bound" : "FAILED");
    if (uk->narrow) check_narrow(uk);
  }
  static uint16_t halfs[65536];
  static float want[65536], got[65536];
  for (uint32_t h = 0; h < 65536; h++) halfs[h] = (uint16_t)h;
  kiln_f16_to_f32_ref(halfs, want, 65536);
  for (size_t i = 0; i < kiln_f16_to_f32_kernel_count(); i++) {
    const struct kiln_f16_to_f32_kernel *k = kiln_f16_to_f32_kernel_at(i);
    if ((k->required_features & have) != k->required_features) continue;
    memset(got, 0, sizeof got);
    k->fn(halfs, got, 65536);
    int same = memcmp(got, want, sizeof want) == 0;
    if (same) passed++; else failed++;
    printf("f16 -> f32 %s: %s\n", k->name, same ? "bit-identical to the reference on all 65,536 inputs" : "FAILED");
  }
  check_tanh(have);
  check_im2col(have);
  check_col2im(have);
  if (argc > 1) check_int8(argv[1], have); else { failed++; puts("FAIL no digest file given"); }
  printf("%d passed, %d failed\n", passed, failed);
  return failed != 0;
}
