// f32 GEMM: the packed (BLIS-style) driver and its micro-kernels, used by the runtime's float
// layers (weights packed at plan time) and by the trainer (both operands packed per call).
//
// C[m x n] = op(A)[m x k] * op(B)[k x n], or C += ... when `accumulate` is non-zero. Row-major;
// op(A)[i][p] is a[i * lda + p], or a[p * lda + i] when `transpose_a`; likewise B. Every element
// of C is one sum over p in increasing order in blocks of KILN_F32_GEMM_KC, so splitting m or n
// between threads does not change any result.
#ifndef KILN_F32_GEMM_H
#define KILN_F32_GEMM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define KILN_F32_GEMM_KC 256

/// A micro-kernel: C[0:mr_valid, 0:nr_valid] (+)= Ap * Bp, where Ap holds kc groups of `mr`
/// floats (A's rows, zero-padded) and Bp kc groups of `nr` floats (B's columns, zero-padded).
typedef void kiln_f32_gemm_ukernel_fn(size_t kc, const float *ap, const float *bp, float *c, size_t ldc, size_t mr_valid,
                                      size_t nr_valid, int accumulate);

/// Its matrix-vector form: c[i * ldc] (+)= sum over p < kc of Ap[i][p] * x[p * incx] for i < m, with
/// Ap one KC slice of panels packed for the micro-kernel; the same rounding as the micro-kernel.
typedef void kiln_f32_gemv_fn(size_t m, size_t kc, const float *ap, const float *x, size_t incx, float *c, size_t ldc,
                              int accumulate);

/// Its narrow form, for a few columns: C[i][j] (+)= sum over p < kc of Ap[i][p] * B[p][j] for i < m,
/// j < n, B[p][j] at b[p * b_row + j * b_col]; rows in lanes, columns broadcast. The same rounding
/// as the micro-kernel (per element one chain of fused multiply-adds over p, then C + slice).
typedef void kiln_f32_gemm_narrow_fn(size_t m, size_t n, size_t kc, const float *ap, const float *b, size_t b_row, size_t b_col,
                                     float *c, size_t ldc, int accumulate);

kiln_f32_gemm_ukernel_fn kiln_f32_gemm_ukernel_4x8_c;  // portable C, separate multiply and add
kiln_f32_gemv_fn kiln_f32_gemv_4_c;
#if defined(__x86_64__)
kiln_f32_gemm_ukernel_fn kiln_f32_gemm_ukernel_8x32_avx512;
kiln_f32_gemm_ukernel_fn kiln_f32_gemm_ukernel_16x16_avx512;
kiln_f32_gemm_narrow_fn kiln_f32_gemm_narrow_16xn_avx512;  // over the 16x16 kernel's panels, n <= 8
kiln_f32_gemm_narrow_fn kiln_f32_gemm_narrow_64xn_avx512;  // over its own 64-row panels, n <= 4
kiln_f32_gemm_ukernel_fn kiln_f32_gemm_ukernel_6x16_avx2_fma;
kiln_f32_gemv_fn kiln_f32_gemv_6_fma;
#endif
#if defined(__aarch64__)
kiln_f32_gemm_ukernel_fn kiln_f32_gemm_ukernel_8x8_neon;
kiln_f32_gemm_narrow_fn kiln_f32_gemm_narrow_8xn_neon;  // over the 8x8 kernel's panels, n <= 4 (and so n = 1)
#endif

struct kiln_f32_gemm_ukernel {
  const char *name;               // "6x16-avx2-fma": tile and instruction set
  uint32_t required_features;     // kiln_cpu_feature bits the CPU must have
  size_t mr, nr;                  // tile rows and columns
  kiln_f32_gemm_ukernel_fn *fn;   // NULL: a narrow-only entry, for packed A and n <= narrow_max alone
  kiln_f32_gemv_fn *gemv;         // NULL, or used by the driver when n = 1 and A is packed
  kiln_f32_gemm_narrow_fn *narrow;  // NULL, or used by the driver when n <= narrow_max and A is packed
  size_t narrow_max;
};

/// Every micro-kernel compiled into this build, fastest first (the tests run each one the CPU
/// supports): entries 0 ..< kiln_f32_gemm_ukernel_count().
size_t kiln_f32_gemm_ukernel_count(void);
const struct kiln_f32_gemm_ukernel *kiln_f32_gemm_ukernel_at(size_t index);

/// The fastest micro-kernel this CPU supports (one with a tile: a narrow-only entry follows a
/// tiled one that needs the same features).
const struct kiln_f32_gemm_ukernel *kiln_f32_gemm_ukernel_best(void);
/// For A packed at plan time for n-column GEMMs: a supported narrow-only entry when n is at most its
/// narrow_max (64xn-avx512 for 1-4 columns); else the fused micro-kernel that computes fewest
/// columns for n (ties: the faster one): whole tiles, or with A packed, tiles and a tail of at most
/// narrow_max columns by the narrow form; e.g. 16x16-avx512 for a 4x4 feature map, and for a 7x7
/// one (3 tiles and 1 column, where 8x32 computes 64). All fused kernels give the same bytes, so
/// this choice never changes a result. The C kernel where no fused one is supported.
const struct kiln_f32_gemm_ukernel *kiln_f32_gemm_best_for_columns(size_t n);
/// The last columns of an n-column GEMM that the driver gives to uk's narrow form (0: none):
/// n mod nr when A is packed, uk has a narrow form, n > nr and n mod nr <= narrow_max.
size_t kiln_f32_gemm_narrow_tail(const struct kiln_f32_gemm_ukernel *uk, size_t n, int packed);
/// Columns uk computes for an n-column GEMM with A packed: n by its narrow form (n <= narrow_max,
/// or whole tiles and a narrow tail), otherwise n rounded up to whole tiles.
size_t kiln_f32_gemm_columns_computed(const struct kiln_f32_gemm_ukernel *uk, size_t n);

/// Bytes of packing workspace `kiln_f32_gemm` needs with micro-kernel `uk` (any m, n, k).
size_t kiln_f32_gemm_workspace_size(const struct kiln_f32_gemm_ukernel *uk);

/// This thread's workspace for `uk`, allocated on the first call and kept for the thread's life;
/// NULL if it cannot be allocated. For the trainer; the runtime plans its workspace in its arena.
void *kiln_f32_gemm_thread_workspace(const struct kiln_f32_gemm_ukernel *uk);

/// GEMM through the packed driver with micro-kernel `uk` and a 64-byte-aligned `workspace` of
/// kiln_f32_gemm_workspace_size(uk) bytes. Allocates nothing.
void kiln_f32_gemm(const struct kiln_f32_gemm_ukernel *uk, void *workspace, int transpose_a, int transpose_b, size_t m,
                   size_t n, size_t k, const float *a, size_t lda, const float *b, size_t ldb, float *c, size_t ldc,
                   int accumulate);

/// Bytes of A [m x k] packed once for micro-kernel `uk` (weights, at plan time).
size_t kiln_f32_gemm_packed_a_size(const struct kiln_f32_gemm_ukernel *uk, size_t m, size_t k);
/// Packs op(A) [m x k] into `packed` (kiln_f32_gemm_packed_a_size bytes) in the order the driver reads it.
void kiln_f32_gemm_pack_a(const struct kiln_f32_gemm_ukernel *uk, int transpose_a, size_t m, size_t k, const float *a, size_t lda,
                          float *packed);
/// kiln_f32_gemm with A packed beforehand: rows row0 ..< row0 + m (row0 a multiple of uk->mr) of
/// the packed_rows-row matrix. The same results as kiln_f32_gemm with that A.
void kiln_f32_gemm_prepacked(const struct kiln_f32_gemm_ukernel *uk, void *workspace, const float *packed_a, size_t packed_rows,
                             size_t row0, int transpose_b, size_t m, size_t n, size_t k, const float *b, size_t ldb, float *c,
                             size_t ldc, int accumulate);

/// One GEMM for a thread pool (kiln_pool_run): thread t of T computes its share of whole tiles
/// of C with workspace + t * workspace_stride. The same bytes for every T.
struct kiln_f32_gemm_job {
  const struct kiln_f32_gemm_ukernel *uk;
  void *workspace;
  size_t workspace_stride;  // >= kiln_f32_gemm_workspace_size(uk), a multiple of 64
  int transpose_a, transpose_b;
  size_t m, n, k;
  const float *packed_a;    // A packed by kiln_f32_gemm_pack_a, or NULL to use a / lda
  const float *a;
  size_t lda;
  const float *b;
  size_t ldb;
  float *c;
  size_t ldc;
  int accumulate;
};
void kiln_f32_gemm_task(void *job, size_t thread, size_t threads);

/// The reference: for each C element, one float sum over p = 0..k-1 of separately rounded products.
void kiln_f32_gemm_ref(int transpose_a, int transpose_b, size_t m, size_t n, size_t k, const float *a, size_t lda,
                       const float *b, size_t ldb, float *c, size_t ldc, int accumulate);

#ifdef __cplusplus
}
#endif
#endif
