/* Calibration loops for the profiler: each iteration runs one instruction pattern whose cycle count
 * the core's optimization guide gives (see ../README.md, "Calibration"). Built with -DLOOP=name;
 * `loops N` runs N iterations, so that profiles of N and N + K iterations give one iteration's
 * instructions and estimated cycles. */
#include <stdlib.h>

#define R2(x) x x
#define R4(x) R2(x) R2(x)
#if defined(__aarch64__)
/* 8 FMLAs, each accumulating into v0: a chain through the accumulator. */
#define fmla_chain R4("fmla v0.4s, v1.4s, v2.4s\n\t" "fmla v0.4s, v3.4s, v4.4s\n\t")
/* 16 FMLAs into 8 accumulators, two each. */
#define fmla_stream R2("fmla v0.4s, v16.4s, v17.4s\n\tfmla v1.4s, v16.4s, v17.4s\n\t" \
                       "fmla v2.4s, v16.4s, v17.4s\n\tfmla v3.4s, v16.4s, v17.4s\n\t" \
                       "fmla v4.4s, v16.4s, v17.4s\n\tfmla v5.4s, v16.4s, v17.4s\n\t" \
                       "fmla v6.4s, v16.4s, v17.4s\n\tfmla v7.4s, v16.4s, v17.4s\n\t")
/* 8 SMLAL / SMLAL2 into 4 accumulators, two each: the int8 kernels' widening multiply-add. */
#define smlal_stream R2("smlal v0.8h, v16.8b, v17.8b\n\tsmlal2 v1.8h, v16.16b, v17.16b\n\t" \
                        "smlal v2.8h, v16.8b, v17.8b\n\tsmlal2 v3.8h, v16.16b, v17.16b\n\t")
/* 16 SDOTs into 8 accumulators, two each. */
#define sdot_stream R2("sdot v0.4s, v16.16b, v17.16b\n\tsdot v1.4s, v16.16b, v17.16b\n\t" \
                       "sdot v2.4s, v16.16b, v17.16b\n\tsdot v3.4s, v16.16b, v17.16b\n\t" \
                       "sdot v4.4s, v16.16b, v17.16b\n\tsdot v5.4s, v16.16b, v17.16b\n\t" \
                       "sdot v6.4s, v16.16b, v17.16b\n\tsdot v7.4s, v16.16b, v17.16b\n\t")
#define CLOBBER "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7"
#else
/* 8 VFMADD231PS, each accumulating into ymm0: a chain. */
#define fma_chain R4("vfmadd231ps %%ymm1, %%ymm2, %%ymm0\n\t" "vfmadd231ps %%ymm3, %%ymm4, %%ymm0\n\t")
/* 20 VFMADD231PS into 10 accumulators, two each. */
#define fma_stream R2("vfmadd231ps %%ymm14, %%ymm15, %%ymm0\n\tvfmadd231ps %%ymm14, %%ymm15, %%ymm1\n\t" \
                      "vfmadd231ps %%ymm14, %%ymm15, %%ymm2\n\tvfmadd231ps %%ymm14, %%ymm15, %%ymm3\n\t" \
                      "vfmadd231ps %%ymm14, %%ymm15, %%ymm4\n\tvfmadd231ps %%ymm14, %%ymm15, %%ymm5\n\t" \
                      "vfmadd231ps %%ymm14, %%ymm15, %%ymm6\n\tvfmadd231ps %%ymm14, %%ymm15, %%ymm7\n\t" \
                      "vfmadd231ps %%ymm14, %%ymm15, %%ymm8\n\tvfmadd231ps %%ymm14, %%ymm15, %%ymm9\n\t")
/* 8 VPMADDUBSW with independent results: the AVX2 int8 kernels' multiply. */
#define pmaddubsw_stream R4("vpmaddubsw %%ymm14, %%ymm15, %%ymm0\n\tvpmaddubsw %%ymm14, %%ymm15, %%ymm1\n\t")
#define CLOBBER "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9"
#endif

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 1000;
  for (long i = 0; i < n; i++) __asm__ volatile(LOOP ::: CLOBBER);
  return 0;
}
