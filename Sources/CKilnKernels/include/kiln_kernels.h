// CKilnKernels: the C half of the Kiln runtime. libc only; no allocation.
#ifndef KILN_KERNELS_H
#define KILN_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// ---- CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320; the one zlib.crc32 computes) ----

/// Continues a CRC-32 over `size` bytes. Start with crc = 0; the result of one call is the `crc`
/// of the next call over the following bytes. kiln_crc32(0, "123456789", 9) == 0xCBF43926.
/// Uses PCLMULQDQ folding on x86-64 and the CRC32 instructions on AArch64 when the CPU has them.
uint32_t kiln_crc32(uint32_t crc, const void *data, size_t size);

/// The same CRC by the portable table path (slicing-by-8): the reference for the others.
uint32_t kiln_crc32_portable(uint32_t crc, const void *data, size_t size);

// ---- SHA-256 (FIPS 180-4), for conformance hashes ----

/// The SHA-256 digest of `size` bytes.
void kiln_sha256(const void *data, size_t size, uint8_t digest[32]);

// ---- CPU features ----

/// Bit flags of the instruction-set extensions the running CPU and OS support.
enum kiln_cpu_feature {
  KILN_CPU_SSE41 = 1u << 0,   // x86: SSE4.1
  KILN_CPU_AVX2 = 1u << 1,    // x86: AVX2 with OS support for YMM state
  KILN_CPU_FMA = 1u << 2,     // x86: FMA3
  KILN_CPU_F16C = 1u << 3,    // x86: F16C
  KILN_CPU_AVX512VNNI = 1u << 4,  // x86: AVX-512 F, BW and VNNI with OS support for ZMM state
  KILN_CPU_AVX512F = 1u << 5,     // x86: AVX-512 F with OS support for ZMM state
  KILN_CPU_PCLMUL = 1u << 6,  // x86: PCLMULQDQ and SSE4.1
  KILN_CPU_AVX512VBMI = 1u << 7,  // x86: AVX-512 F, BW and VBMI (byte permutes) with OS support for ZMM state
  KILN_CPU_NEON = 1u << 8,    // ARM: Advanced SIMD (always on AArch64)
  KILN_CPU_NEONDOT = 1u << 9, // ARM: SDOT/UDOT (ARMv8.2 dot product)
  KILN_CPU_FP16 = 1u << 10,   // ARM: half-precision arithmetic
  KILN_CPU_CRC32 = 1u << 11,  // ARM: CRC32 instructions (ARMv8.0 optional, ARMv8.1 mandatory)
};

/// The features of this CPU, detected once (cpuid + xgetbv on x86, getauxval on Linux/AArch64).
uint32_t kiln_cpu_features(void);

/// For the lists of kernel paths (structs that begin with `const char *name; uint32_t
/// required_features;`, fastest first, the last needing nothing): the index of the first entry
/// this CPU supports. `size` is one entry's size.
size_t kiln_first_supported(const void *entries, size_t count, size_t size);

// ---- f32 GEMM (training) ----
//
// C[m x n] = op(A)[m x k] * op(B)[k x n], or C += ... when `accumulate` is non-zero. Row-major;
// op(A)[i][p] is a[i * lda + p], or a[p * lda + i] when `transpose_a`; likewise B. Every element
// of C is one sum over p in increasing order in blocks of KILN_F32_GEMM_KC, so splitting m or n
// between threads does not change any result.

#define KILN_F32_GEMM_KC 256

/// A micro-kernel: C[0:mr_valid, 0:nr_valid] (+)= Ap * Bp, where Ap holds kc groups of `mr`
/// floats (A's rows, zero-padded) and Bp kc groups of `nr` floats (B's columns, zero-padded).
typedef void (*kiln_f32_gemm_ukernel_fn)(size_t kc, const float *ap, const float *bp, float *c, size_t ldc,
                                         size_t mr_valid, size_t nr_valid, int accumulate);

/// Its matrix-vector form: c[i * ldc] (+)= sum over p < kc of Ap[i][p] * x[p * incx] for i < m, with
/// Ap one KC slice of panels packed for the micro-kernel; the same rounding as the micro-kernel.
typedef void (*kiln_f32_gemv_fn)(size_t m, size_t kc, const float *ap, const float *x, size_t incx, float *c, size_t ldc,
                                 int accumulate);

/// Its narrow form, for a few columns: C[i][j] (+)= sum over p < kc of Ap[i][p] * B[p][j] for i < m,
/// j < n, B[p][j] at b[p * b_row + j * b_col]; rows in lanes, columns broadcast. The same rounding
/// as the micro-kernel (per element one chain of fused multiply-adds over p, then C + slice).
typedef void (*kiln_f32_gemm_narrow_fn)(size_t m, size_t n, size_t kc, const float *ap, const float *b, size_t b_row, size_t b_col,
                                        float *c, size_t ldc, int accumulate);

struct kiln_f32_gemm_ukernel {
  const char *name;           // "6x16-avx2-fma": tile and instruction set
  uint32_t required_features; // kiln_cpu_feature bits the CPU must have
  size_t mr, nr;              // tile rows and columns
  kiln_f32_gemm_ukernel_fn fn;  // NULL: a narrow-only entry, for packed A and n <= narrow_max alone
  kiln_f32_gemv_fn gemv;      // NULL or used by the driver when n = 1 and A is packed (the AVX-512 entries:
                              // the plan packs such layers for the 64xn narrow form)
  kiln_f32_gemm_narrow_fn narrow;  // NULL, or used by the driver when n <= narrow_max and A is packed
  size_t narrow_max;
};

/// Every micro-kernel compiled into this build, fastest first (the tests run each one the CPU
/// supports): entries 0 ..< kiln_f32_gemm_ukernel_count().
size_t kiln_f32_gemm_ukernel_count(void);
const struct kiln_f32_gemm_ukernel *kiln_f32_gemm_ukernel_at(size_t index);

/// The fastest micro-kernel this CPU supports (one with a tile).
const struct kiln_f32_gemm_ukernel *kiln_f32_gemm_best(void);
/// For A packed at plan time for n-column GEMMs: a supported narrow-only entry when n is at most its
/// narrow_max (64xn-avx512 for 1-4 columns); else the fused micro-kernel that computes fewest columns for n (ties: the faster one):
/// whole tiles, or with A packed, tiles and a tail of at most narrow_max columns by the narrow form;
/// e.g. 16x16-avx512 for a 4x4 feature map, and for a 7x7 one (3 tiles and 1 column, where 8x32
/// computes 64). All fused kernels give the same bytes, so this choice never changes a result.
/// The C kernel where no fused one is supported.
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
/// NULL if it cannot be allocated. (The runtime plans its workspace in its arena instead.)
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

// ---- f32 col2im (transposed convolution) ----

struct kiln_f32_epilogue;

/// Geometry of a transposed convolution seen from its output: y [m][oh][ow] gathers the rows of
/// cols, tap (m, ky, kx) at m*channel_stride + ky*ky_stride + kx*row_stride floats (h*w values):
/// input pixel (iy, ix) of tap (ky, kx) lands on (iy*sh - pad_top + ky*dh, ix*sw - pad_left + kx*dw)
/// when that is inside y. Rows (m*kh + ky)*kw + kx: channel_stride = kh*kw*row_stride, ky_stride =
/// kw*row_stride; rows (ky*m + m)*kw + kx (a GEMM per kernel row): ky_stride = m*kw*row_stride,
/// channel_stride = kw*row_stride. Only the input rows of a tap that land inside y are read.
struct kiln_f32_col2im {
  size_t m, oh, ow, h, w, kh, kw, sh, sw, dh, dw, pad_top, pad_left, row_stride, channel_stride, ky_stride;
};

/// Bytes of scratch kiln_f32_col2im_rows needs (tables of taps and one row split into phases).
size_t kiln_f32_col2im_scratch_bytes(const struct kiln_f32_col2im *g);
/// y = bias[m] (0 when bias is NULL) plus every tap landing on each pixel, added in (ky, kx) order.
/// Each channel's plane then goes through `epilogue` (when not NULL; channel m of this call is
/// epilogue channel first_channel + m) while it is still in cache.
void kiln_f32_col2im_rows(const struct kiln_f32_col2im *g, const float *cols, const float *bias, float *y, void *scratch,
                          const struct kiln_f32_epilogue *epilogue, size_t first_channel);

/// A col2im rows path: name, required features, function (the same bytes as kiln_f32_col2im_rows,
/// for every geometry; the scratch is kiln_f32_col2im_scratch_bytes).
struct kiln_f32_col2im_kernel {
  const char *name;
  uint32_t required_features;
  void (*fn)(const struct kiln_f32_col2im *g, const float *cols, const float *bias, float *y, void *scratch,
             const struct kiln_f32_epilogue *epilogue, size_t first_channel);
};
size_t kiln_f32_col2im_kernel_count(void);
const struct kiln_f32_col2im_kernel *kiln_f32_col2im_kernel_at(size_t index);
/// The path kiln_f32_col2im_task uses: the first of the list this CPU supports.
const struct kiln_f32_col2im_kernel *kiln_f32_col2im_best(void);

/// The best rows path for a thread pool: thread t of T makes output channels [m t / T, m (t+1) / T)
/// with scratch + t * scratch_stride, each channel's plane through `epilogue` (when not NULL) as
/// soon as it is made. The same bytes for every T.
struct kiln_f32_col2im_job {
  struct kiln_f32_col2im g;
  const float *cols, *bias;
  const struct kiln_f32_epilogue *epilogue;
  float *y;
  void *scratch;
  size_t scratch_stride;  // >= kiln_f32_col2im_scratch_bytes(&g)
};
void kiln_f32_col2im_task(void *job, size_t thread, size_t threads);

// ---- f32 im2col (convolution) ----

/// Geometry of a convolution's input seen as columns: tap (c, ky, kx) at grid position (oy, ox)
/// reads pixel (c, oy*sh - pad_top + ky*dh, ox*sw - pad_left + kx*dw) of the h x w planes, 0 outside.
/// The taps of one axis of a convolution, [first, first + count): the smallest run holding every
/// tap t that some output o < out reads the input with (0 <= o * stride + t * dilation - pad < in).
/// The others read only padding for every output, so a layer may leave them out: the int8 layers
/// do (their sums are the same integers: each such tap adds w * (x_zero - x_zero)), and so does the
/// f32 Conv2d (its sums lose terms that were exact zeros). A 2x2 map's 4x4-tap stride-2 conv to
/// 1x1 keeps taps 1 and 2 of each axis. Never empty: when no tap lands, tap 0 is kept.
struct kiln_span {
  size_t first, count;
};
struct kiln_span kiln_conv_span(size_t taps, size_t out, size_t in, size_t stride, size_t dilation, size_t pad);

struct kiln_f32_im2col {
  size_t h, w, kh, kw, sh, sw, dh, dw, pad_top, pad_left, oh, ow;
};

/// The rows of channels c0 ..< c1 of cols [c*kh*kw + ky*kw + kx][oh*ow] (rows row_stride apart),
/// each written whole; the reference (Im2col.im2col's values).
void kiln_f32_im2col_ref(const struct kiln_f32_im2col *g, size_t c0, size_t c1, const float *image, float *cols, size_t row_stride);
/// The same with the fastest path this CPU has; the same bytes.
void kiln_f32_im2col(const struct kiln_f32_im2col *g, size_t c0, size_t c1, const float *image, float *cols, size_t row_stride);

/// An im2col path: name, required features, function (for the tests).
struct kiln_f32_im2col_kernel {
  const char *name;
  uint32_t required_features;
  void (*fn)(const struct kiln_f32_im2col *g, size_t c0, size_t c1, const float *image, float *cols, size_t row_stride);
};
size_t kiln_f32_im2col_kernel_count(void);
const struct kiln_f32_im2col_kernel *kiln_f32_im2col_kernel_at(size_t index);
/// The path `kiln_f32_im2col` uses: the first of the list this CPU supports.
const struct kiln_f32_im2col_kernel *kiln_f32_im2col_best(void);

// ---- f32 tanh ----
//
// The definition is (float)tanh((double)x) with the C library's tanh; every path gives its bytes.

/// tanh of n floats (x and y may be the same array), the definition value by value.
void kiln_f32_vtanh_ref(const float *x, float *y, size_t n);
/// The same with the fastest path this CPU has; bit-identical to the reference.
void kiln_f32_vtanh(const float *x, float *y, size_t n);

/// A tanh path: name, required features, function (for the tests).
struct kiln_f32_vtanh_kernel {
  const char *name;
  uint32_t required_features;
  void (*fn)(const float *x, float *y, size_t n);
};
size_t kiln_f32_vtanh_kernel_count(void);
const struct kiln_f32_vtanh_kernel *kiln_f32_vtanh_kernel_at(size_t index);
/// The path `kiln_f32_vtanh` uses: the first of the list this CPU supports.
const struct kiln_f32_vtanh_kernel *kiln_f32_vtanh_best(void);

// ---- f32 epilogue: bias, BatchNorm and activation fused into a layer's output pass ----

enum kiln_f32_activation { KILN_F32_LINEAR = 0, KILN_F32_RELU = 1, KILN_F32_LEAKY_RELU = 2, KILN_F32_TANH = 3 };

/// What follows the sums of a float convolution or dense layer: y = act(norm(x + bias)), each
/// step the formula of the separate op (Formats/SPEC.md), so fusing them keeps the bytes.
struct kiln_f32_epilogue {
  const float *bias;   // NULL, or per channel: x + bias[c] in float
  const double *norm;  // NULL, or BatchNorm: 4 rows of norm_stride doubles, per channel mean,
                       // 1 / sqrt(var + epsilon), scale, shift: (float)(((double)x - mean) * inv * scale + shift)
  size_t norm_stride;  // doubles from one row of norm to the next (the channel count)
  int activation;      // kiln_f32_activation: ReLU x > 0 ? x : 0; LeakyReLU x >= 0 ? x : alpha * x;
                       // Tanh (float)tanh((double)x)
  float alpha;         // LeakyReLU slope
};

/// In place on x [channels][inner], whose first row is channel `channel`; the reference.
void kiln_f32_epilogue_ref(const struct kiln_f32_epilogue *e, size_t channel, size_t channels, size_t inner, float *x);
/// The same with the fastest path this CPU has; bit-identical to the reference.
void kiln_f32_epilogue(const struct kiln_f32_epilogue *e, size_t channel, size_t channels, size_t inner, float *x);

/// An epilogue path: name, required features, function (for the tests).
struct kiln_f32_epilogue_kernel {
  const char *name;
  uint32_t required_features;
  void (*fn)(const struct kiln_f32_epilogue *e, size_t channel, size_t channels, size_t inner, float *x);
};
size_t kiln_f32_epilogue_kernel_count(void);
const struct kiln_f32_epilogue_kernel *kiln_f32_epilogue_kernel_at(size_t index);
/// The path `kiln_f32_epilogue` uses: the first of the list this CPU supports.
const struct kiln_f32_epilogue_kernel *kiln_f32_epilogue_best(void);

// ---- IEEE binary16 <-> binary32 ----
//
// f16 -> f32 is exact for every input (NaN payloads are kept, quiet bit set as the hardware does).
// f32 -> f16 rounds to nearest, ties to even; overflow gives infinity, NaN stays NaN.

/// Converts n halfs to floats with the scalar reference (bit manipulation).
void kiln_f16_to_f32_ref(const uint16_t *src, float *dst, size_t n);
/// The same with the fastest instructions this CPU has (F16C on x86-64, FCVTL on AArch64);
/// bit-identical to the reference.
void kiln_f16_to_f32(const uint16_t *src, float *dst, size_t n);
/// Converts n floats to halfs (round to nearest even), scalar reference.
void kiln_f32_to_f16_ref(const float *src, uint16_t *dst, size_t n);

/// A f16 -> f32 conversion path: name, required features, function (for the tests).
struct kiln_f16_to_f32_kernel {
  const char *name;
  uint32_t required_features;
  void (*fn)(const uint16_t *src, float *dst, size_t n);
};
size_t kiln_f16_to_f32_kernel_count(void);
const struct kiln_f16_to_f32_kernel *kiln_f16_to_f32_kernel_at(size_t index);
/// The path `kiln_f16_to_f32` uses: the first of the list this CPU supports.
const struct kiln_f16_to_f32_kernel *kiln_f16_to_f32_best(void);

// ---- int8 (qs8): GEMM with requantization, quantize / dequantize, 256-entry tables ----
//
// The integer semantics are defined in Formats/SPEC.md ("Integer semantics"); every path here
// gives the same bytes as the scalar reference, for every input.

/// Per output row of an int8 GEMM: the int32 accumulator starts at `bias`; requantization uses
/// `multiplier_pos` when the accumulator is >= 0 and `multiplier_neg` otherwise, then `shift`.
struct kiln_qs8_channel {
  int32_t bias;            // includes -x_zero_point * sum(weights of the row)
  int32_t multiplier_pos;  // Q31-style multiplier for acc >= 0
  int32_t multiplier_neg;  // for acc < 0 (equal to multiplier_pos for a plain layer, 0 for ReLU)
  int32_t shift;           // 1 ... 62
  int32_t weight_sum;      // sum of the row's k weights (kernels that make activations unsigned use it)
};

/// Requantizes one accumulator: zero_out + ((acc * M + 2^(shift-1)) >> shift) in 64-bit
/// (>> floors), clamped to [-128, 127]; M is multiplier_pos for acc >= 0, multiplier_neg below.
static inline int8_t kiln_qs8_requantize(int32_t acc, const struct kiln_qs8_channel *ch, int32_t zero_out) {
  const int64_t m = acc >= 0 ? ch->multiplier_pos : ch->multiplier_neg;
  const int64_t scaled = ((int64_t)acc * m + ((int64_t)1 << (ch->shift - 1))) >> ch->shift;
  const int64_t q = (int64_t)zero_out + scaled;
  return (int8_t)(q < -128 ? -128 : q > 127 ? 127 : q);
}

/// The largest reduction length the int8 GEMM accepts: with |a| <= 127 (weights never -128),
/// |b| <= 128 and |bias| <= 2^30, every partial sum fits in int32.
#define KILN_QS8_MAX_K 32768

/// A micro-kernel: acc[r * nr + s] = sum over p < k of a[r][p] * b[s][p] (plus the path's
/// sum_offset times the row's weight sum), for the `mr` rows a[0..mr-1] and the `nr` columns
/// b[0..nr-1] (each k contiguous int8, any alignment).
typedef void (*kiln_qs8_tile_fn)(size_t k, const int8_t *const *a, const int8_t *const *b, int32_t *acc);

/// A matrix-vector kernel for one column (a dense layer at batch 1), requantized:
/// c[i * cs] = kiln_qs8_requantize(ch[i].bias + sum over p < k of a[i * lda + p] * b[p], &ch[i], zero_out)
/// for i < m.
typedef void (*kiln_qs8_gemv_fn)(size_t m, size_t k, const int8_t *a, size_t lda, const int8_t *b,
                                 const struct kiln_qs8_channel *ch, int32_t zero_out, int8_t *c, size_t cs);

/// f32 -> int8: y = clamp(zero_point + round_half_even(fl32(x * inv_scale)), -128, 127); NaN -> zero_point.
typedef void (*kiln_qs8_quantize_fn)(size_t n, const float *x, float inv_scale, int32_t zero_point, int8_t *y);
/// int8 -> f32: y = fl32((float)(x - zero_point) * scale).
typedef void (*kiln_qs8_dequantize_fn)(size_t n, const int8_t *x, float scale, int32_t zero_point, float *y);
/// Table lookup: y = table[x + 128].
typedef void (*kiln_qs8_lut_fn)(size_t n, const int8_t *x, const int8_t *table, int8_t *y);
/// One output row: c[j * cs] = kiln_qs8_requantize(ch->bias + acc[j], ch, zero_out) for j < n.
typedef void (*kiln_qs8_requant_fn)(size_t n, const int32_t *acc, const struct kiln_qs8_channel *ch, int32_t zero_out, int8_t *c,
                                    size_t cs);

/// Packs nv <= packed_nr * 3 / 2 columns into a panel of ceil(nv / 16) 16-column vectors per
/// group q of 4 bytes of k: panel[q][s][u] = b_s[4q + u] + 128 as u8, 0 past k and for absent
/// columns, where column b_s is the concatenation of `taps` runs of c bytes, run t at
/// ind[s * taps + t] (k = taps * c; c a multiple of 4 when taps > 1).
typedef void (*kiln_qs8_pack_fn)(size_t c, size_t taps, size_t nv, const int8_t *const *ind, uint8_t *panel);
/// Rows a + r * lda (r < mv <= packed_mr) times a packed panel's nv <= packed_nr * 3 / 2 columns:
/// c[r * c_row_stride + s * cs] = kiln_qs8_requantize(ch[r].bias + sum, &ch[r], zero_out).
typedef void (*kiln_qs8_packed_gemm_fn)(size_t k, size_t mv, size_t nv, const int8_t *a, size_t lda, const uint8_t *panel,
                                        const struct kiln_qs8_channel *ch, int32_t zero_out, int8_t *c, size_t c_row_stride,
                                        size_t cs);
/// Copies a [rows][j_count] GEMM tile out to `runs` places: run r, row i, column t (t < run,
/// j_count = runs * run) goes to dst[r][i * m_stride + t * step]. No other byte is written.
typedef void (*kiln_qs8_tile_scatter_fn)(const int8_t *tile, size_t rows, size_t j_count, size_t runs, size_t run,
                                         int8_t *const *dst, size_t m_stride, size_t step);
/// An indirect GEMM kernel reading patches in place (see kiln_qs8_igemm), for what the packed
/// kernel does not take: out[i * c_row_stride + j * cs] = kiln_qs8_requantize(ch[i].bias + sum, ...).
typedef void (*kiln_qs8_igemm_fn)(size_t m, size_t n, size_t c, size_t taps, const int8_t *a, size_t lda, const int8_t *const *ind,
                                  const struct kiln_qs8_channel *ch, int32_t zero_out, int8_t *out, size_t c_row_stride, size_t cs);
/// The most columns a narrow GEMM takes (kiln_qs8_narrow_gemm_fn).
#define KILN_QS8_NARROW_N 8
/// The GEMM for n <= KILN_QS8_NARROW_N columns (a dense layer at a small batch, a conv on a tiny
/// map) on weights packed by kiln_qs8_narrow_pack: rows 0 ..< m of the packed matrix (rows from i0, a
/// multiple of narrow_mr, start kiln_qs8_narrow_packed_bytes(path, i0, k) bytes in) times
/// columns b + j * ldb (k bytes each): c[i * c_row_stride + j * cs] =
/// kiln_qs8_requantize(ch[i].bias + sum, &ch[i], zero_out).
typedef void (*kiln_qs8_narrow_gemm_fn)(size_t m, size_t n, size_t k, const int8_t *packed, const int8_t *b, size_t ldb,
                                        const struct kiln_qs8_channel *ch, int32_t zero_out, int8_t *c, size_t c_row_stride,
                                        size_t cs);
/// One kernel path (an instruction set): what KILN_KERNELS names.
struct kiln_qs8_path {
  const char *name;            // "scalar", "sse41", "avx2", "avx512vnni", "neon", "neondot"
  uint32_t required_features;  // kiln_cpu_feature bits the CPU must have
  size_t mr, nr;               // GEMM tile
  kiln_qs8_tile_fn tile;
  kiln_qs8_quantize_fn quantize;
  kiln_qs8_dequantize_fn dequantize;
  kiln_qs8_lut_fn lut;
  kiln_qs8_requant_fn requant;
  kiln_qs8_gemv_fn gemv;       // for n = 1, or NULL (the tile is used)
  int32_t sum_offset;  // tile sums carry sum_offset * weight_sum: 128 where activations are made unsigned (+128)
  // The packed-column GEMM (0 / NULL when the path has none), used for m >= packed_mr and
  // n > packed_nr / 4 when the caller gives workspace: rows in blocks of packed_mr, columns in
  // panels of packed_nr (<= 32), or one panel of up to 3/2 of that when that is all there is.
  size_t packed_mr, packed_nr;
  kiln_qs8_pack_fn pack;
  kiln_qs8_packed_gemm_fn packed_gemm;
  kiln_qs8_tile_scatter_fn tile_scatter;  // or NULL: kiln_qs8_tile_scatter_ref
  kiln_qs8_igemm_fn igemm;                // or NULL: columns gathered into the workspace for the tile
  // Layers whose GEMMs have at most KILN_QS8_NARROW_N columns, with weights packed at plan time
  // in panels of narrow_mr rows (0 / NULL: the tile or gemv on the weights as stored).
  size_t narrow_mr;
  kiln_qs8_narrow_gemm_fn narrow_gemm;
};

/// Every path compiled into this build, fastest first; the last is "scalar".
size_t kiln_qs8_path_count(void);
const struct kiln_qs8_path *kiln_qs8_path_at(size_t index);
/// The path called `name`, or NULL when this build has none of that name.
const struct kiln_qs8_path *kiln_qs8_path_named(const char *name);
/// The fastest path this CPU supports.
const struct kiln_qs8_path *kiln_qs8_path_best(void);

/// Bytes of workspace kiln_qs8_gemm can use with `path` for reductions of length k (0 when the
/// path has no packed-column kernel): two panels of packed_nr columns, plus 64 for alignment.
size_t kiln_qs8_gemm_workspace_bytes(const struct kiln_qs8_path *path, size_t k);
/// c[i * c_row_stride + j * c_col_stride] = kiln_qs8_requantize(ch[i].bias + sum_p a[i*lda+p] * b[j*ldb+p],
/// &ch[i], zero_out) for i < m, j < n, with `path`'s micro-kernel. Requires k <= KILN_QS8_MAX_K,
/// a in [-127, 127], |ch[i].bias| <= 2^30 (checked by the runtime at plan time) and ch[i].weight_sum
/// the sum of row i's k weights (kiln_qs8_make_channels sets it). `workspace`
/// (kiln_qs8_gemm_workspace_bytes, any alignment) lets the path pack columns; NULL uses the
/// tile. Either way the same bytes. Allocates nothing.
void kiln_qs8_gemm(const struct kiln_qs8_path *path, void *workspace, size_t m, size_t n, size_t k, const int8_t *a, size_t lda,
                   const int8_t *b, size_t ldb, const struct kiln_qs8_channel *ch, int32_t zero_out, int8_t *c,
                   size_t c_row_stride, size_t c_col_stride);
/// Bytes of weights [m][k] packed for the path's narrow_gemm (0 when it has none).
size_t kiln_qs8_narrow_packed_bytes(const struct kiln_qs8_path *path, size_t m, size_t k);
/// Packs w [m][k] into `packed` (kiln_qs8_narrow_packed_bytes bytes) for the path's narrow_gemm:
/// panels of narrow_mr rows, four bytes of k at a time, packed[panel][q][r][t] =
/// w[narrow_mr * panel + r][4q + t], 0 past m and past k.
void kiln_qs8_narrow_pack(const struct kiln_qs8_path *path, size_t m, size_t k, const int8_t *w, int8_t *packed);
/// kiln_qs8_igemm for n <= KILN_QS8_NARROW_N columns on weights packed by kiln_qs8_narrow_pack (a as in
/// kiln_qs8_narrow_gemm_fn): the columns are gathered into the workspace
/// (kiln_qs8_igemm_workspace_bytes), then the path's narrow_gemm.
void kiln_qs8_narrow_igemm(const struct kiln_qs8_path *path, void *workspace, size_t m, size_t n, size_t c, size_t taps,
                           const int8_t *a, const int8_t *const *ind, const struct kiln_qs8_channel *ch, int32_t zero_out,
                           int8_t *out, size_t c_row_stride, size_t c_col_stride);
/// Bytes of workspace kiln_qs8_igemm needs for n columns of `taps` runs of c bytes.
size_t kiln_qs8_igemm_workspace_bytes(const struct kiln_qs8_path *path, size_t n, size_t c, size_t taps);
/// kiln_qs8_gemm with columns given through an indirection table, as a convolution's patches are:
/// column j is the concatenation of `taps` runs of c bytes, run t at ind[j * taps + t] (k = taps *
/// c), so patches need not be copied into place first. Paths with a packed-column kernel gather
/// while packing (when taps == 1 or c is a multiple of 4); otherwise the columns are gathered into
/// the workspace (kiln_qs8_igemm_workspace_bytes, any alignment). The same bytes as kiln_qs8_gemm.
void kiln_qs8_igemm(const struct kiln_qs8_path *path, void *workspace, size_t m, size_t n, size_t c, size_t taps, const int8_t *a,
                    size_t lda, const int8_t *const *ind, const struct kiln_qs8_channel *ch, int32_t zero_out, int8_t *out,
                    size_t c_row_stride, size_t c_col_stride);
/// The reference: the same as kiln_qs8_gemm, as three plain loops.
void kiln_qs8_gemm_ref(size_t m, size_t n, size_t k, const int8_t *a, size_t lda, const int8_t *b, size_t ldb,
                       const struct kiln_qs8_channel *ch, int32_t zero_out, int8_t *c, size_t c_row_stride,
                       size_t c_col_stride);
/// Scalar references of the element-wise kernels.
void kiln_qs8_quantize_ref(size_t n, const float *x, float inv_scale, int32_t zero_point, int8_t *y);
void kiln_qs8_dequantize_ref(size_t n, const int8_t *x, float scale, int32_t zero_point, float *y);
void kiln_qs8_lut_ref(size_t n, const int8_t *x, const int8_t *table, int8_t *y);
void kiln_qs8_requant_ref(size_t n, const int32_t *acc, const struct kiln_qs8_channel *ch, int32_t zero_out, int8_t *c, size_t cs);

// ---- int8 convolution and dense layers (im2col / phase decomposition + kiln_qs8_gemm) ----
//
// Work is cut into units that write disjoint outputs; `kiln_qs8_*_task(op, thread, threads)`
// does units thread, thread + threads, ... so any thread count gives the same bytes.

/// One int8 layer, for one batch. Activations are NCHW, int8. Set up by the runtime at plan time.
struct kiln_qs8_layer {
  const struct kiln_qs8_path *path;
  size_t batch;
  size_t c, h, w;             // input channels and size
  size_t m, oh, ow;           // output channels and size
  size_t kh, kw, sh, sw, dh, dw, pad_top, pad_left;  // conv geometry (transposed: dh = dw = 1)
  int32_t x_zero, y_zero;     // zero points of input and output
  // Conv2d: weights packed [m][kh'][kw'][c] (kiln_qs8_conv2d_pack), channels [m].
  // ConvTranspose2d: per phase (ry, rx) in row-major order, weights [m][ty][tx][c] and channels [m]
  //   (phase_weights[p], phase_channels[p]), ty = number of taps ky = ry, ry + sh, ... < kh.
  // Either, when kiln_qs8_conv2d_narrow / kiln_qs8_deconv2d_narrow: each [m][k] matrix packed
  //   by kiln_qs8_narrow_pack instead.
  // Dense: weights [m][c] (h = w = oh = ow = 1), channels [m].
  const int8_t *weights;
  const struct kiln_qs8_channel *channels;
  const int8_t *const *phase_weights;
  const struct kiln_qs8_channel *const *phase_channels;
  const int8_t *x;            // [batch][c][h][w]
  int8_t *y;                  // [batch][m][oh][ow]
  int8_t *scratch;            // kiln_qs8_conv2d_scratch_bytes / kiln_qs8_deconv2d_scratch_bytes
  const int8_t *packed_weights;  // Dense at batch <= KILN_QS8_NARROW_N: weights by kiln_qs8_narrow_pack, or NULL
};

/// Fills out[i] = {bias[i] - x_zero * s, requant[3i], requant[3i+1], requant[3i+2], s} with
/// s = sum_p w[i*k + p], for i < m. Returns 0, -1 when a corrected bias leaves +-2^30, or -2 when
/// a weight is -128 (the layer cannot run either way).
int kiln_qs8_make_channels(size_t m, size_t k, const int8_t *w, const int32_t *bias, const int32_t *requant,
                           int32_t x_zero, struct kiln_qs8_channel *out);
/// Whether a Conv2d layer runs on the path's narrow GEMM: the whole batch's output pixels are at
/// most KILN_QS8_NARROW_N (a 2x2 or 1x1 map at batch 1), one GEMM, threads splitting the rows.
int kiln_qs8_conv2d_narrow(const struct kiln_qs8_layer *l);
/// Bytes of a Conv2d layer's packed weights: m * c * the taps it runs (those that read the input
/// for some output pixel; the rest read only padding and are left out, exactly), in narrow panels
/// when kiln_qs8_conv2d_narrow.
size_t kiln_qs8_conv2d_packed_size(const struct kiln_qs8_layer *l);
/// Plan-time work memory kiln_qs8_conv2d_pack / kiln_qs8_deconv2d_pack need (0: none, NULL will do).
size_t kiln_qs8_conv2d_pack_work_bytes(const struct kiln_qs8_layer *l);
size_t kiln_qs8_deconv2d_pack_work_bytes(const struct kiln_qs8_layer *l);
/// Packs w [m][c][kh][kw] into `packed` [m][kh'][kw'][c] (kiln_qs8_conv2d_packed_size bytes; kh'
/// and kw' the taps the layer runs; narrow panels of that when kiln_qs8_conv2d_narrow) and fills
/// `channels` (m entries, weight sums over those taps). Returns 0, or -1 / -2 as
/// kiln_qs8_make_channels.
int kiln_qs8_conv2d_pack(const struct kiln_qs8_layer *l, const int8_t *w, const int32_t *bias, const int32_t *requant,
                         int8_t *packed, struct kiln_qs8_channel *channels, int8_t *work);
/// Whether a transposed conv layer runs as a dense layer: a 1x1 input, stride 1, no padding and
/// a kh x kw output (a generator's first layer), where every output pixel has exactly one tap, so
/// output (m, oy, ox) is row (m, oy, ox) of a [m * kh * kw][c] matrix times the input's c values,
/// instead of a GEMM over kh * kw taps of which all but one read zero points.
int kiln_qs8_deconv2d_dense(const struct kiln_qs8_layer *l);
/// Channels kiln_qs8_deconv2d_pack fills: sh * sw * m, or m * kh * kw for a dense layer.
size_t kiln_qs8_deconv2d_channel_count(const struct kiln_qs8_layer *l);
/// Whether a transposed conv layer runs on the path's narrow GEMM: each phase's outputs over the
/// whole batch (or the batch, for a dense layer) are at most KILN_QS8_NARROW_N, one GEMM per phase.
int kiln_qs8_deconv2d_narrow(const struct kiln_qs8_layer *l);
/// Bytes of the phase kernels of a transposed conv layer (geometry, batch and path of `l` set).
size_t kiln_qs8_deconv2d_packed_size(const struct kiln_qs8_layer *l);
/// Splits w [c][m][kh][kw] into the sh * sw phase kernels in `packed` (packed_size bytes; narrow
/// panels when kiln_qs8_deconv2d_narrow) and their channels (kiln_qs8_deconv2d_channel_count
/// entries), and points phase_weights / phase_channels (sh * sw entries each) at them. `work`:
/// kiln_qs8_deconv2d_pack_work_bytes. Returns 0, or -1 / -2 as kiln_qs8_make_channels.
int kiln_qs8_deconv2d_pack(const struct kiln_qs8_layer *l, const int8_t *w, const int32_t *bias, const int32_t *requant,
                           int8_t *packed, struct kiln_qs8_channel *channels, const int8_t **phase_weights,
                           const struct kiln_qs8_channel **phase_channels, int8_t *work);

/// The reference scatter of grouped conv units (see kiln_qs8_tile_scatter_fn): memcpy / byte loop.
void kiln_qs8_tile_scatter_ref(const int8_t *tile, size_t rows, size_t j_count, size_t runs, size_t run, int8_t *const *dst,
                               size_t m_stride, size_t step);
/// Pixels per conv work unit.
#define KILN_QS8_CONV_CHUNK 64

/// Bytes of scratch a conv / transposed conv layer needs with `threads` threads: the input in
/// NHWC order (so a tap's channels are contiguous), then each thread's gathered patches.
size_t kiln_qs8_conv2d_scratch_bytes(const struct kiln_qs8_layer *layer, size_t threads);
size_t kiln_qs8_deconv2d_scratch_bytes(const struct kiln_qs8_layer *layer, size_t threads);
/// First pass of a conv / transposed conv: x [batch][c][h][w] -> NHWC at the start of scratch.
void kiln_qs8_to_nhwc_task(void *layer, size_t thread, size_t threads);
/// The work of thread `thread` of `threads` (call it for every thread 0 ..< threads), after the
/// first pass has finished for every thread.
void kiln_qs8_conv2d_task(void *layer, size_t thread, size_t threads);
void kiln_qs8_deconv2d_task(void *layer, size_t thread, size_t threads);
void kiln_qs8_dense_task(void *layer, size_t thread, size_t threads);
/// The reference, from the definition: `l` gives geometry, zero points, x and y (its weights and
/// channels are not used); w is the stored weight tensor ([m][c][kh][kw], or [c][m][kh][kw] when
/// transposed; Dense is a 1x1 conv on a 1x1 image), bias [m], requant [m][3].
void kiln_qs8_conv_ref(int transposed, const struct kiln_qs8_layer *l, const int8_t *w, const int32_t *bias,
                       const int32_t *requant);

// ---- Peak throughput probes (for "share of peak" in kiln bench) ----

/// Runs `iterations` of a register-only loop of the instruction the int8 (int8 != 0) or f32 GEMM
/// is built on and returns how many multiply-accumulates it did (0 when this CPU has no probe);
/// time it to get the core's peak MAC rate. `sink` keeps the work observable.
size_t kiln_peak_probe_macs(int int8, size_t iterations, uint64_t *sink);

// ---- int8 element-wise ops split between threads (contiguous ranges, multiples of 64) ----

enum kiln_qs8_elementwise_kind { KILN_QS8_QUANTIZE, KILN_QS8_DEQUANTIZE, KILN_QS8_LOOKUP };
struct kiln_qs8_elementwise {
  const struct kiln_qs8_path *path;
  enum kiln_qs8_elementwise_kind kind;
  size_t n;
  const void *x;        // f32 (quantize) or i8
  void *y;              // i8 or f32 (dequantize)
  const int8_t *table;  // lookup
  float scale;          // quantize: 1 / scale; dequantize: scale
  int32_t zero_point;
};
void kiln_qs8_elementwise_task(void *op, size_t thread, size_t threads);

// ---- A fixed pool of worker threads (made at plan time; running a task allocates nothing) ----

struct kiln_pool;
/// A pool that runs tasks on `threads` threads: the caller and threads - 1 workers. NULL on failure.
struct kiln_pool *kiln_pool_create(size_t threads);
void kiln_pool_destroy(struct kiln_pool *pool);
size_t kiln_pool_threads(const struct kiln_pool *pool);
/// Calls fn(context, t, threads) once for each t in 0 ..< threads, concurrently, and returns when
/// all have returned.
void kiln_pool_run(struct kiln_pool *pool, void (*fn)(void *context, size_t thread, size_t threads), void *context);

#ifdef __cplusplus
}
#endif
#endif
