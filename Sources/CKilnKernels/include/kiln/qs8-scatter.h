// int8 (qs8) scatter of a grouped convolution unit: small maps are computed as one GEMM over
// several samples or phase rows into a tile, which is then copied out to its places.
#ifndef KILN_QS8_SCATTER_H
#define KILN_QS8_SCATTER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Copies a [rows][j_count] GEMM tile out to `runs` places: run r, row i, column t (t < run,
/// j_count = runs * run) goes to dst[r][i * m_stride + t * step]. No other byte is written.
typedef void kiln_qs8_tile_scatter_fn(const int8_t *tile, size_t rows, size_t j_count, size_t runs, size_t run, int8_t *const *dst,
                                      size_t m_stride, size_t step);
/// The reference (memcpy, or a byte loop for step > 1).
kiln_qs8_tile_scatter_fn kiln_qs8_tile_scatter_ref;
#if defined(__x86_64__)
kiln_qs8_tile_scatter_fn kiln_qs8_tile_scatter_avx512;  // masked stores, step 1 and 2
#endif

#ifdef __cplusplus
}
#endif
#endif
