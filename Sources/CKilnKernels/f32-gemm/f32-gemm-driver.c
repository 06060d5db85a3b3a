// The packed GEMM driver (Goto / BLIS loop order): for each NC-wide column block of B and each
// KC-deep slice, pack B into NR-wide panels; for each MC-tall row block of A, pack A into MR-tall
// panels; then run the micro-kernel over every MR x NR tile. Panels are zero-padded, so the
// micro-kernels never see partial tiles of input, only partial tiles of C (mr_valid, nr_valid).
#pragma STDC FP_CONTRACT OFF
#include "kiln/f32-gemm.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { KC = KILN_F32_GEMM_KC, MC_TILES = 12, NC_TILES = 64 };

size_t kiln_f32_gemm_workspace_size(const struct kiln_f32_gemm_ukernel *uk) {
  size_t floats = KC * uk->nr * NC_TILES + uk->mr * MC_TILES * KC;
  return (floats * sizeof(float) + 63) / 64 * 64;
}

// Per-thread packing workspace, grown on demand and kept for the thread's lifetime.
static _Thread_local void *thread_workspace;
static _Thread_local size_t thread_workspace_size;

void *kiln_f32_gemm_thread_workspace(const struct kiln_f32_gemm_ukernel *uk) {
  size_t size = kiln_f32_gemm_workspace_size(uk);
  if (size > thread_workspace_size) {
    free(thread_workspace);
    thread_workspace = aligned_alloc(64, size);
    thread_workspace_size = thread_workspace ? size : 0;
  }
  return thread_workspace;
}

static size_t min_size(size_t a, size_t b) { return a < b ? a : b; }

// Four floats as one vector of the baseline instruction set (SSE2, NEON), loaded and stored
// unaligned.
typedef float v4f __attribute__((vector_size(16), aligned(4)));

// dst[p][r] = src[r * ld + p] for r < rows, p < kc, in rows of `width` floats, zero for
// rows <= r < width: one panel of a matrix read across its rows. By 4 x 4 blocks transposed in
// registers, so each read is four consecutive floats of one row.
static void pack_transposed(const float *src, size_t ld, size_t rows, size_t kc, size_t width, float *dst) {
  assert(rows <= width);
  size_t r = 0;
  for (; r + 4 <= rows; r += 4) {
    const float *s0 = src + r * ld, *s1 = s0 + ld, *s2 = s1 + ld, *s3 = s2 + ld;
    size_t p = 0;
    for (; p + 4 <= kc; p += 4) {
      const v4f x0 = *(const v4f *)(s0 + p), x1 = *(const v4f *)(s1 + p);
      const v4f x2 = *(const v4f *)(s2 + p), x3 = *(const v4f *)(s3 + p);
      const v4f lo01 = __builtin_shufflevector(x0, x1, 0, 4, 1, 5), hi01 = __builtin_shufflevector(x0, x1, 2, 6, 3, 7);
      const v4f lo23 = __builtin_shufflevector(x2, x3, 0, 4, 1, 5), hi23 = __builtin_shufflevector(x2, x3, 2, 6, 3, 7);
      float *d = dst + p * width + r;
      *(v4f *)d = __builtin_shufflevector(lo01, lo23, 0, 1, 4, 5);
      *(v4f *)(d + width) = __builtin_shufflevector(lo01, lo23, 2, 3, 6, 7);
      *(v4f *)(d + 2 * width) = __builtin_shufflevector(hi01, hi23, 0, 1, 4, 5);
      *(v4f *)(d + 3 * width) = __builtin_shufflevector(hi01, hi23, 2, 3, 6, 7);
    }
    for (; p < kc; p++) {
      float *d = dst + p * width + r;
      d[0] = s0[p], d[1] = s1[p], d[2] = s2[p], d[3] = s3[p];
    }
  }
  for (; r < rows; r++) {
    for (size_t p = 0; p < kc; p++) dst[p * width + r] = src[r * ld + p];
  }
  if (rows < width) {
    for (size_t p = 0; p < kc; p++) memset(dst + p * width + rows, 0, (width - rows) * sizeof(float));
  }
}

// Ap[panel][p][r] = op(A)[i0 + panel * mr + r][p0 + p], zero beyond mc rows.
static void pack_a(int ta, const float *a, size_t lda, size_t i0, size_t p0, size_t mc, size_t kc, size_t mr, float *ap) {
  for (size_t ir = 0; ir < mc; ir += mr, ap += kc * mr) {
    size_t rows = min_size(mr, mc - ir);
    if (!ta) {
      pack_transposed(a + (i0 + ir) * lda + p0, lda, rows, kc, mr, ap);
      continue;
    }
    for (size_t p = 0; p < kc; p++) {
      float *dst = ap + p * mr;
      for (size_t r = 0; r < rows; r++) dst[r] = a[(p0 + p) * lda + i0 + ir + r];
      for (size_t r = rows; r < mr; r++) dst[r] = 0.0f;
    }
  }
}

// Bp[panel][p][j] = op(B)[p0 + p][j0 + panel * nr + j], zero beyond nc columns. B not transposed:
// 16 rows at a time, panel by panel (each panel gets 16 runs of nr floats in a row, each read
// stream moves on by one panel's width); transposed, panel by panel by 4 x 4 blocks.
static void pack_b(int tb, const float *b, size_t ldb, size_t p0, size_t j0, size_t kc, size_t nc, size_t nr, float *bp) {
  if (!tb) {
    for (size_t pb = 0; pb < kc; pb += 16) {
      const size_t pe = min_size(kc, pb + 16);
      float *panel = bp;
      for (size_t jr = 0; jr < nc; jr += nr, panel += kc * nr) {
        const size_t cols = min_size(nr, nc - jr);
        for (size_t p = pb; p < pe; p++) {
          memcpy(panel + p * nr, b + (p0 + p) * ldb + j0 + jr, cols * sizeof(float));
          if (cols < nr) memset(panel + p * nr + cols, 0, (nr - cols) * sizeof(float));
        }
      }
    }
    return;
  }
  for (size_t jr = 0; jr < nc; jr += nr, bp += kc * nr) {
    pack_transposed(b + (j0 + jr) * ldb + p0, ldb, min_size(nr, nc - jr), kc, nr, bp);
  }
}

size_t kiln_f32_gemm_narrow_tail(const struct kiln_f32_gemm_ukernel *uk, size_t n, int packed) {
  const size_t tail = n % uk->nr;
  return packed && uk->narrow && n > uk->nr && tail <= uk->narrow_max ? tail : 0;
}

size_t kiln_f32_gemm_columns_computed(const struct kiln_f32_gemm_ukernel *uk, size_t n) {
  if (uk->narrow && n <= uk->narrow_max) return n;
  return kiln_f32_gemm_narrow_tail(uk, n, 1) ? n : (n + uk->nr - 1) / uk->nr * uk->nr;
}

/// The driver; A comes either from `a` (packed here, per block) or from `packed_a` (all of A packed
/// by kiln_f32_gemm_pack_a, of which rows row0 ..< row0 + m are used; row0 a multiple of mr).
static void gemm(const struct kiln_f32_gemm_ukernel *uk, void *workspace, int ta, int tb, size_t m, size_t n, size_t k,
                 const float *a, size_t lda, const float *packed_a, size_t packed_rows, size_t row0, const float *b, size_t ldb,
                 float *c, size_t ldc, int accumulate) {
  assert(uk != NULL && uk->mr > 0 && uk->nr > 0 && workspace != NULL && ((uintptr_t)workspace & 63) == 0);
  assert(ldc >= n && ldb >= (tb ? k : n) && (packed_a || lda >= (ta ? m : k)) && row0 % uk->mr == 0);
  if (m == 0 || n == 0) return;
  if (k == 0) {
    if (!accumulate) for (size_t i = 0; i < m; i++) memset(c + i * ldc, 0, n * sizeof(float));
    return;
  }
  const size_t mr = uk->mr, nr = uk->nr, mc_max = mr * MC_TILES, nc_max = nr * NC_TILES;
  const size_t mp = (packed_rows + mr - 1) / mr * mr;  // rows of a packed KC block
  if (packed_a && uk->narrow && n <= uk->narrow_max) {  // a few columns: no B packing, no padded columns
    for (size_t pc = 0; pc < k; pc += KC) {
      const size_t kc = min_size(KC, k - pc);
      uk->narrow(m, n, kc, packed_a + pc * mp + row0 * kc, tb ? b + pc : b + pc * ldb, tb ? 1 : ldb, tb ? ldb : 1, c, ldc,
                 accumulate || pc > 0);
    }
    return;
  }
  if (n == 1 && packed_a && uk->gemv) {  // matrix-vector: no B packing, no padded columns
    for (size_t pc = 0; pc < k; pc += KC) {
      const size_t kc = min_size(KC, k - pc);
      uk->gemv(m, kc, packed_a + pc * mp + row0 * kc, tb ? b + pc : b + pc * ldb, tb ? 1 : ldb, c, ldc, accumulate || pc > 0);
    }
    return;
  }
  assert(uk->fn != NULL);  // a narrow-only entry serves packed A with n <= narrow_max alone
  // The last columns by the narrow form, right after the tiles of each block of A (still in cache).
  const size_t tail = kiln_f32_gemm_narrow_tail(uk, n, packed_a != NULL), j0 = n - tail;
  n = j0;
  float *bp = workspace;
  float *ap = bp + KC * nc_max;
  for (size_t jc = 0; jc < n; jc += nc_max) {
    size_t nc = min_size(nc_max, n - jc);
    for (size_t pc = 0; pc < k; pc += KC) {
      size_t kc = min_size(KC, k - pc);
      int acc = accumulate || pc > 0;
      pack_b(tb, b, ldb, pc, jc, kc, nc, nr, bp);
      for (size_t ic = 0; ic < m; ic += mc_max) {
        size_t mc = min_size(mc_max, m - ic);
        const float *panel = ap;
        if (packed_a) {
          panel = packed_a + pc * mp + (row0 + ic) * kc;
        } else {
          pack_a(ta, a, lda, ic, pc, mc, kc, mr, ap);
        }
        for (size_t jr = 0; jr < nc; jr += nr) {
          for (size_t ir = 0; ir < mc; ir += mr) {
            uk->fn(kc, panel + ir * kc, bp + jr * kc, c + (ic + ir) * ldc + jc + jr, ldc, min_size(mr, mc - ir),
                   min_size(nr, nc - jr), acc);
          }
        }
        if (tail && jc + nc == n) {
          uk->narrow(mc, tail, kc, panel, tb ? b + j0 * ldb + pc : b + pc * ldb + j0, tb ? 1 : ldb, tb ? ldb : 1, c + ic * ldc + j0, ldc, acc);
        }
      }
    }
  }
}

void kiln_f32_gemm(const struct kiln_f32_gemm_ukernel *uk, void *workspace, int ta, int tb, size_t m, size_t n,
                   size_t k, const float *a, size_t lda, const float *b, size_t ldb, float *c, size_t ldc, int accumulate) {
  gemm(uk, workspace, ta, tb, m, n, k, a, lda, NULL, m, 0, b, ldb, c, ldc, accumulate);
}

size_t kiln_f32_gemm_packed_a_size(const struct kiln_f32_gemm_ukernel *uk, size_t m, size_t k) {
  return (m + uk->mr - 1) / uk->mr * uk->mr * k * sizeof(float);
}

void kiln_f32_gemm_pack_a(const struct kiln_f32_gemm_ukernel *uk, int ta, size_t m, size_t k, const float *a, size_t lda, float *packed) {
  const size_t mp = (m + uk->mr - 1) / uk->mr * uk->mr;
  for (size_t pc = 0; pc < k; pc += KC) pack_a(ta, a, lda, 0, pc, m, min_size(KC, k - pc), uk->mr, packed + pc * mp);
}

void kiln_f32_gemm_prepacked(const struct kiln_f32_gemm_ukernel *uk, void *workspace, const float *packed_a, size_t packed_rows,
                             size_t row0, int tb, size_t m, size_t n, size_t k, const float *b, size_t ldb, float *c, size_t ldc,
                             int accumulate) {
  gemm(uk, workspace, 0, tb, m, n, k, NULL, 0, packed_a, packed_rows, row0, b, ldb, c, ldc, accumulate);
}
