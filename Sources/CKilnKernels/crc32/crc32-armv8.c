// CRC-32 with the ARMv8 CRC32 instructions (CRC32X: eight bytes per instruction, this
// polynomial in the reflected order), then the last bytes with CRC32B.
#include "crc32-raw.h"

#if defined(__aarch64__)
#include <arm_acle.h>
#include <string.h>

__attribute__((target("+crc")))
uint32_t kiln_crc32_raw_armv8(uint32_t c, const void *data, size_t size) {
  const uint8_t *p = (const uint8_t *)data;
  while (size >= 8) {
    uint64_t v;
    memcpy(&v, p, 8);  // little-endian hosts only
    c = __crc32d(c, v);
    p += 8;
    size -= 8;
  }
  while (size--) c = __crc32b(c, *p++);
  return c;
}
#endif
