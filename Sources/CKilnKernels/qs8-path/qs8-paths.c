// The int8 kernel paths, fastest first: per instruction set, the configuration of each int8
// operation. Dispatch picks the first path the CPU supports, KILN_KERNELS picks one by name, and
// the tests run every path the CPU supports against the references.
#pragma STDC FP_CONTRACT OFF
#include "kiln/qs8-path.h"

#include <string.h>

#include "../cpu/kernel-list.h"

// ---- GEMM (every route gives the same bytes; see struct kiln_qs8_gemm_config) ----

static const struct kiln_qs8_gemm_config gemm_scalar = {
    .mr = 2, .nr = 2, .tile = kiln_qs8_tile_2x2_c, .requant = kiln_qs8_requant_ref,
};
#if defined(__x86_64__)
static const struct kiln_qs8_gemm_config gemm_sse41 = {
    .mr = 4, .nr = 2, .tile = kiln_qs8_tile_4x2_sse41, .requant = kiln_qs8_requant_ref,
};
static const struct kiln_qs8_gemm_config gemm_avx2 = {
    .mr = 4, .nr = 2, .tile = kiln_qs8_tile_4x2_avx2, .requant = kiln_qs8_requant_avx2, .gemv = kiln_qs8_gemv_8_avx2,
    .packed = {.mr = 4, .nr = 16, .k_align = 4, .pack = kiln_qs8_pack_c4, .gemm = kiln_qs8_gemm_4x16c4_avx2},
};
static const struct kiln_qs8_gemm_config gemm_avxvnni = {
    .mr = 4, .nr = 2, .tile = kiln_qs8_tile_4x2_avxvnni, .sum_offset = 128, .requant = kiln_qs8_requant_avx2,
    .gemv = kiln_qs8_gemv_8_avxvnni,
    .packed = {.mr = 4, .nr = 16, .k_align = 4, .pack = kiln_qs8_pack_c4_u8, .gemm = kiln_qs8_gemm_4x16c4_avxvnni},
};
static const struct kiln_qs8_gemm_config gemm_avx512vnni = {
    .mr = 4, .nr = 4, .tile = kiln_qs8_tile_4x4_avx512vnni, .sum_offset = 128, .requant = kiln_qs8_requant_avx512,
    .gemv = kiln_qs8_gemv_16_avx512vnni,
    .packed = {.mr = 8, .nr = 32, .k_align = 4, .pack = kiln_qs8_pack_c4_avx512vnni, .gemm = kiln_qs8_gemm_8x32c4_avx512vnni},
    .igemm = kiln_qs8_igemm_4x4_avx512vnni,
    .narrow = {.mr = 64, .gemm = kiln_qs8_gemm_64xn_avx512vnni},
};
#endif
#if defined(__aarch64__)
static const struct kiln_qs8_gemm_config gemm_neon = {
    .mr = 4, .nr = 2, .tile = kiln_qs8_tile_4x2_neon, .requant = kiln_qs8_requant_neon, .gemv = kiln_qs8_gemv_4_neon,
    .packed = {.mr = 4, .nr = 8, .k_align = 16, .pack = kiln_qs8_pack_c16_neon, .gemm = kiln_qs8_gemm_4x8c16_neon},
};
static const struct kiln_qs8_gemm_config gemm_neondot = {
    .mr = 4, .nr = 4, .tile = kiln_qs8_tile_4x4_neondot, .requant = kiln_qs8_requant_neon,
    .packed = {.mr = 4, .nr = 16, .k_align = 4, .pack = kiln_qs8_pack_c4, .gemm = kiln_qs8_gemm_4x16c4_neondot},
    .narrow = {.mr = 16, .gemm = kiln_qs8_gemm_16xn_neondot},
};
#endif

// ---- QuantizeLinear and DequantizeLinear ----

static const struct kiln_qs8_vcvt_config vcvt_scalar = {.quantize = kiln_qs8_quantize_ref, .dequantize = kiln_qs8_dequantize_ref};
#if defined(__x86_64__)
static const struct kiln_qs8_vcvt_config vcvt_sse41 = {.quantize = kiln_qs8_quantize_sse41, .dequantize = kiln_qs8_dequantize_sse41};
#endif
#if defined(__aarch64__)
static const struct kiln_qs8_vcvt_config vcvt_neon = {.quantize = kiln_qs8_quantize_neon, .dequantize = kiln_qs8_dequantize_neon};
#endif

// ---- The paths: AVX2 and AVX-512 have no faster conversion than SSE4.1, and only AVX-512 a
// faster lookup and scatter than the references ----

static const struct kiln_qs8_path paths[] = {
#if defined(__x86_64__)
    {.name = "avx512vnni", .required_features = KILN_CPU_AVX512VNNI | KILN_CPU_AVX2 | KILN_CPU_SSE41, .gemm = &gemm_avx512vnni,
     .vcvt = &vcvt_sse41, .lut = kiln_qs8_lut_avx512, .tile_scatter = kiln_qs8_tile_scatter_avx512},
    {.name = "avxvnni", .required_features = KILN_CPU_AVXVNNI | KILN_CPU_AVX2 | KILN_CPU_SSE41, .gemm = &gemm_avxvnni,
     .vcvt = &vcvt_sse41, .lut = kiln_qs8_lut_ref},
    {.name = "avx2", .required_features = KILN_CPU_AVX2 | KILN_CPU_SSE41, .gemm = &gemm_avx2, .vcvt = &vcvt_sse41,
     .lut = kiln_qs8_lut_ref},
    {.name = "sse41", .required_features = KILN_CPU_SSE41, .gemm = &gemm_sse41, .vcvt = &vcvt_sse41, .lut = kiln_qs8_lut_ref},
#endif
#if defined(__aarch64__)
    {.name = "neondot", .required_features = KILN_CPU_NEON | KILN_CPU_NEONDOT, .gemm = &gemm_neondot, .vcvt = &vcvt_neon,
     .lut = kiln_qs8_lut_neon},
    {.name = "neon", .required_features = KILN_CPU_NEON, .gemm = &gemm_neon, .vcvt = &vcvt_neon, .lut = kiln_qs8_lut_neon},
#endif
    {.name = "scalar", .gemm = &gemm_scalar, .vcvt = &vcvt_scalar, .lut = kiln_qs8_lut_ref},
};
KILN_KERNEL_LIST(kiln_qs8_path, struct kiln_qs8_path, paths)

const struct kiln_qs8_path *kiln_qs8_path_named(const char *name) {
  for (size_t i = 0; i < kiln_qs8_path_count(); i++) {
    if (strcmp(paths[i].name, name) == 0) return &paths[i];
  }
  return 0;
}
