// int8 (qs8) kernel paths: one per instruction set, each the configurations of every int8
// operation. Dispatch picks the fastest path the CPU supports, KILN_KERNELS picks one by name,
// and the tests run every path the CPU supports; all give the same bytes.
#ifndef KILN_QS8_PATH_H
#define KILN_QS8_PATH_H

#include <stddef.h>
#include <stdint.h>

#include "qs8-gemm.h"
#include "qs8-lut.h"
#include "qs8-scatter.h"
#include "qs8-vcvt.h"

#ifdef __cplusplus
extern "C" {
#endif

/// One kernel path: what KILN_KERNELS names.
struct kiln_qs8_path {
  const char *name;                          // "scalar", "sse41", "avx2", "avx512vnni", "neon", "neondot"
  uint32_t required_features;                // kiln_cpu_feature bits the CPU must have
  const struct kiln_qs8_gemm_config *gemm;   // GEMM, dense and convolution layers
  const struct kiln_qs8_vcvt_config *vcvt;   // QuantizeLinear, DequantizeLinear
  kiln_qs8_lut_fn *lut;                      // QLookup
  kiln_qs8_tile_scatter_fn *tile_scatter;    // grouped convolution units' output; NULL: the reference
};

/// Every path compiled into this build, fastest first; the last is "scalar".
size_t kiln_qs8_path_count(void);
const struct kiln_qs8_path *kiln_qs8_path_at(size_t index);
/// The fastest path this CPU supports.
const struct kiln_qs8_path *kiln_qs8_path_best(void);
/// The path called `name`, or NULL when this build has none of that name.
const struct kiln_qs8_path *kiln_qs8_path_named(const char *name);

#ifdef __cplusplus
}
#endif
#endif
