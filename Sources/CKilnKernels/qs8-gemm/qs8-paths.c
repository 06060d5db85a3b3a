// The int8 kernel paths, fastest first: dispatch picks the first the CPU supports, KILN_KERNELS
// picks one by name, and the tests run every entry the CPU supports against the references.
#pragma STDC FP_CONTRACT OFF
#include "kiln_kernels.h"

#include <string.h>

void kiln_qs8_tile_2x2_c(size_t, const int8_t *const *, const int8_t *const *, int32_t *);
void kiln_qs8_tile_4x2_sse41(size_t, const int8_t *const *, const int8_t *const *, int32_t *);
void kiln_qs8_tile_4x4_avx512vnni(size_t, const int8_t *const *, const int8_t *const *, int32_t *);
void kiln_qs8_gemv_16_avx512vnni(size_t, size_t, const int8_t *, size_t, const int8_t *, const struct kiln_qs8_channel *, int32_t, int8_t *,
                                 size_t);
void kiln_qs8_tile_4x2_avx2(size_t, const int8_t *const *, const int8_t *const *, int32_t *);
void kiln_qs8_tile_4x2_neon(size_t, const int8_t *const *, const int8_t *const *, int32_t *);
void kiln_qs8_tile_4x4_neondot(size_t, const int8_t *const *, const int8_t *const *, int32_t *);
void kiln_qs8_gemm_16xn_neondot(size_t, size_t, size_t, const int8_t *, const int8_t *, size_t, const struct kiln_qs8_channel *, int32_t,
                                int8_t *, size_t, size_t);
void kiln_qs8_quantize_sse41(size_t, const float *, float, int32_t, int8_t *);
void kiln_qs8_dequantize_sse41(size_t, const int8_t *, float, int32_t, float *);
void kiln_qs8_quantize_neon(size_t, const float *, float, int32_t, int8_t *);
void kiln_qs8_dequantize_neon(size_t, const int8_t *, float, int32_t, float *);
void kiln_qs8_lut_avx512(size_t, const int8_t *, const int8_t *, int8_t *);
void kiln_qs8_lut_neon(size_t, const int8_t *, const int8_t *, int8_t *);
void kiln_qs8_requant_avx512(size_t, const int32_t *, const struct kiln_qs8_channel *, int32_t, int8_t *, size_t);
void kiln_qs8_igemm_4x4_avx512vnni(size_t, size_t, size_t, size_t, const int8_t *, size_t, const int8_t *const *,
                                   const struct kiln_qs8_channel *, int32_t, int8_t *, size_t, size_t);
void kiln_qs8_gemm_64xn_avx512vnni(size_t, size_t, size_t, const int8_t *, const int8_t *, size_t, const struct kiln_qs8_channel *,
                                   int32_t, int8_t *, size_t, size_t);
void kiln_qs8_tile_scatter_avx512(const int8_t *, size_t, size_t, size_t, size_t, int8_t *const *, size_t, size_t);
void kiln_qs8_pack_c4_avx512vnni(size_t, size_t, size_t, const int8_t *const *, uint8_t *);
void kiln_qs8_gemm_8x32c4_avx512vnni(size_t, size_t, size_t, const int8_t *, size_t, const uint8_t *, const struct kiln_qs8_channel *,
                                     int32_t, int8_t *, size_t, size_t);

static const struct kiln_qs8_path paths[] = {
#if defined(__x86_64__)
    {"avx512vnni", KILN_CPU_AVX512VNNI | KILN_CPU_AVX2 | KILN_CPU_SSE41, 4, 4, kiln_qs8_tile_4x4_avx512vnni, kiln_qs8_quantize_sse41, kiln_qs8_dequantize_sse41, kiln_qs8_lut_avx512, kiln_qs8_requant_avx512, kiln_qs8_gemv_16_avx512vnni,
     128, 8, 32, kiln_qs8_pack_c4_avx512vnni, kiln_qs8_gemm_8x32c4_avx512vnni,
     kiln_qs8_tile_scatter_avx512, kiln_qs8_igemm_4x4_avx512vnni, 64, kiln_qs8_gemm_64xn_avx512vnni},
    // AVX2 has no faster conversion or lookup than SSE4.1 here; only its GEMM tile differs.
    {"avx2", KILN_CPU_AVX2 | KILN_CPU_SSE41, 4, 2, kiln_qs8_tile_4x2_avx2, kiln_qs8_quantize_sse41, kiln_qs8_dequantize_sse41, kiln_qs8_lut_ref, kiln_qs8_requant_ref},
    {"sse41", KILN_CPU_SSE41, 4, 2, kiln_qs8_tile_4x2_sse41, kiln_qs8_quantize_sse41, kiln_qs8_dequantize_sse41, kiln_qs8_lut_ref, kiln_qs8_requant_ref},
#endif
#if defined(__aarch64__)
    {"neondot", KILN_CPU_NEON | KILN_CPU_NEONDOT, 4, 4, kiln_qs8_tile_4x4_neondot, kiln_qs8_quantize_neon, kiln_qs8_dequantize_neon, kiln_qs8_lut_neon, kiln_qs8_requant_ref,
     .narrow_mr = 16, .narrow_gemm = kiln_qs8_gemm_16xn_neondot},
    {"neon", KILN_CPU_NEON, 4, 2, kiln_qs8_tile_4x2_neon, kiln_qs8_quantize_neon, kiln_qs8_dequantize_neon, kiln_qs8_lut_neon, kiln_qs8_requant_ref},
#endif
    {"scalar", 0, 2, 2, kiln_qs8_tile_2x2_c, kiln_qs8_quantize_ref, kiln_qs8_dequantize_ref, kiln_qs8_lut_ref, kiln_qs8_requant_ref},
};
enum { COUNT = sizeof(paths) / sizeof(paths[0]) };

size_t kiln_qs8_path_count(void) { return COUNT; }
const struct kiln_qs8_path *kiln_qs8_path_at(size_t i) { return i < COUNT ? &paths[i] : 0; }

const struct kiln_qs8_path *kiln_qs8_path_named(const char *name) {
  for (size_t i = 0; i < COUNT; i++) {
    if (strcmp(paths[i].name, name) == 0) return &paths[i];
  }
  return 0;
}

const struct kiln_qs8_path *kiln_qs8_path_best(void) {
  const uint32_t have = kiln_cpu_features();
  for (size_t i = 0; i < COUNT; i++) {
    if ((paths[i].required_features & have) == paths[i].required_features) return &paths[i];
  }
  return &paths[COUNT - 1];
}
