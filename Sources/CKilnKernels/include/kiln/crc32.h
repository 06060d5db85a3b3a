// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320; the one zlib.crc32 computes), over every
// region and tensor of a .kiln file.
#ifndef KILN_CRC32_H
#define KILN_CRC32_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Continues a CRC-32 over `size` bytes. Start with crc = 0; the result of one call is the `crc`
/// of the next call over the following bytes. kiln_crc32(0, "123456789", 9) == 0xCBF43926.
/// Uses PCLMULQDQ folding on x86-64 and the CRC32 instructions on AArch64 when the CPU has them.
uint32_t kiln_crc32(uint32_t crc, const void *data, size_t size);

/// The same CRC by the portable table path (slicing-by-8): the reference for the others.
uint32_t kiln_crc32_portable(uint32_t crc, const void *data, size_t size);

#ifdef __cplusplus
}
#endif
#endif
