// SHA-256 (FIPS 180-4), for the digests of conformance outputs and of generated files.
#ifndef KILN_SHA256_H
#define KILN_SHA256_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The SHA-256 digest of `size` bytes.
void kiln_sha256(const void *data, size_t size, uint8_t digest[32]);

#ifdef __cplusplus
}
#endif
#endif
