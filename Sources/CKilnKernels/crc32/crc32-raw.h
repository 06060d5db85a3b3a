// CRC-32 internals shared by the table path and the folding paths. "Raw" functions take and
// return the register without the initial and final inversion.
#ifndef KILN_CRC32_INTERNAL_H
#define KILN_CRC32_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

uint32_t kiln_crc32_raw_slice8(uint32_t c, const void *data, size_t size);

#if defined(__x86_64__)
/// Needs PCLMULQDQ and SSE4.1. Folds 64-byte blocks, finishes with the table path.
uint32_t kiln_crc32_raw_pclmul(uint32_t c, const void *data, size_t size);
#endif
#if defined(__aarch64__)
/// Needs the ARMv8 CRC32 instructions (CRC32X/W/H/B: this polynomial, reflected).
uint32_t kiln_crc32_raw_armv8(uint32_t c, const void *data, size_t size);
#endif

#endif
