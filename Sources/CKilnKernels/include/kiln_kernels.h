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
uint32_t kiln_crc32(uint32_t crc, const void *data, size_t size);

// ---- CPU features ----

/// Bit flags of the instruction-set extensions the running CPU and OS support.
enum kiln_cpu_feature {
  KILN_CPU_SSE41 = 1u << 0,   // x86: SSE4.1
  KILN_CPU_AVX2 = 1u << 1,    // x86: AVX2 with OS support for YMM state
  KILN_CPU_FMA = 1u << 2,     // x86: FMA3
  KILN_CPU_F16C = 1u << 3,    // x86: F16C
  KILN_CPU_NEON = 1u << 8,    // ARM: Advanced SIMD (always on AArch64)
  KILN_CPU_NEONDOT = 1u << 9, // ARM: SDOT/UDOT (ARMv8.2 dot product)
  KILN_CPU_FP16 = 1u << 10,   // ARM: half-precision arithmetic
};

/// The features of this CPU, detected once (cpuid + xgetbv on x86, getauxval on Linux/AArch64).
uint32_t kiln_cpu_features(void);

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

struct kiln_f32_gemm_ukernel {
  const char *name;           // "6x16-avx2-fma": tile and instruction set
  uint32_t required_features; // kiln_cpu_feature bits the CPU must have
  size_t mr, nr;              // tile rows and columns
  kiln_f32_gemm_ukernel_fn fn;
};

/// Every micro-kernel compiled into this build, fastest first (the tests run each one the CPU
/// supports): entries 0 ..< kiln_f32_gemm_ukernel_count().
size_t kiln_f32_gemm_ukernel_count(void);
const struct kiln_f32_gemm_ukernel *kiln_f32_gemm_ukernel_at(size_t index);

/// The fastest micro-kernel this CPU supports.
const struct kiln_f32_gemm_ukernel *kiln_f32_gemm_best(void);

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

/// The reference: for each C element, one float sum over p = 0..k-1 of separately rounded products.
void kiln_f32_gemm_ref(int transpose_a, int transpose_b, size_t m, size_t n, size_t k, const float *a, size_t lda,
                       const float *b, size_t ldb, float *c, size_t ldc, int accumulate);

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

#ifdef __cplusplus
}
#endif
#endif
