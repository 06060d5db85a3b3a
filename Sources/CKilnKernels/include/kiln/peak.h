// Peak throughput probes, for the "share of peak" that kiln bench reports.
#ifndef KILN_PEAK_H
#define KILN_PEAK_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Runs `iterations` of a register-only loop of the instruction the int8 (int8 != 0) or f32 GEMM
/// is built on and returns how many multiply-accumulates it did (0 when this CPU has no probe);
/// time it to get the core's peak MAC rate. `sink` keeps the work observable.
size_t kiln_peak_probe_macs(int int8, size_t iterations, uint64_t *sink);

#ifdef __cplusplus
}
#endif
#endif
