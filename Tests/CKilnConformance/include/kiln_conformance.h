// The int8 conformance suite: deterministic cases (a SplitMix64 stream), each run through one
// kernel path with a given thread count, compared with the scalar references byte for byte, and
// hashed with SHA-256. The Swift tests (x86) and Tools/arm64 (AArch64 under qemu) run the same
// suite and check the digests against Formats/conformance/qs8-kernels-v1.txt.
#ifndef KILN_CONFORMANCE_H
#define KILN_CONFORMANCE_H

#include "kiln_kernels.h"

struct kiln_conformance_result {
  const char *name;    // "gemm", "quantize", "dequantize", "lut", "conv2d", "deconv2d", "dense"
  size_t cases;        // how many shapes / parameter sets
  size_t mismatches;   // outputs that differ from the reference (must be 0)
  uint8_t digest[32];  // SHA-256 of every output byte of every case, in order
};

/// Number of case groups.
size_t kiln_conformance_count(void);
/// Runs group `index` with `path` on `threads` simulated threads (the task of each thread index
/// is called in turn, so the split is exercised deterministically). Returns 0, or -1 when out
/// of memory.
int kiln_conformance_run(size_t index, const struct kiln_qs8_path *path, size_t threads, struct kiln_conformance_result *out);

#endif
