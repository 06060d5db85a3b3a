// kiln_crc32: the fastest CRC-32 path this CPU has (all give the same value; tested).
#include "kiln/cpu-features.h"
#include "kiln/crc32.h"
#include "crc32-raw.h"

uint32_t kiln_crc32(uint32_t crc, const void *data, size_t size) {
  const uint32_t f = kiln_cpu_features();
#if defined(__x86_64__)
  if (f & KILN_CPU_PCLMUL) return ~kiln_crc32_raw_pclmul(~crc, data, size);
#elif defined(__aarch64__)
  if (f & KILN_CPU_CRC32) return ~kiln_crc32_raw_armv8(~crc, data, size);
#endif
  (void)f;
  return ~kiln_crc32_raw_slice8(~crc, data, size);
}
