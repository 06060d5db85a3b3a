// CRC-32 (IEEE, reflected) by slicing-by-8: eight 256-entry tables, eight bytes per step.
// The tables are built once, on first use, under pthread_once. This is the portable path and the
// reference the folding paths (crc32-pclmul.c, crc32-armv8.c) are tested against.
#pragma STDC FP_CONTRACT OFF
#include "kiln/crc32.h"

#include "crc32-raw.h"

#include <pthread.h>
#include <string.h>

static uint32_t table[8][256];
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

static void build_tables(void) {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = (c & 1) ? (c >> 1) ^ 0xEDB88320u : c >> 1;
    table[0][i] = c;
  }
  for (uint32_t i = 0; i < 256; i++) {
    for (int t = 1; t < 8; t++) table[t][i] = (table[t - 1][i] >> 8) ^ table[0][table[t - 1][i] & 0xFF];
  }
}

uint32_t kiln_crc32_raw_slice8(uint32_t c, const void *data, size_t size) {
  pthread_once(&table_once, build_tables);
  const uint8_t *p = (const uint8_t *)data;
  while (size >= 8) {
    uint32_t lo, hi;
    memcpy(&lo, p, 4);  // little-endian hosts only (Kiln refuses to load on big-endian)
    memcpy(&hi, p + 4, 4);
    lo ^= c;
    c = table[7][lo & 0xFF] ^ table[6][(lo >> 8) & 0xFF] ^ table[5][(lo >> 16) & 0xFF] ^
        table[4][lo >> 24] ^ table[3][hi & 0xFF] ^ table[2][(hi >> 8) & 0xFF] ^
        table[1][(hi >> 16) & 0xFF] ^ table[0][hi >> 24];
    p += 8;
    size -= 8;
  }
  while (size--) c = table[0][(c ^ *p++) & 0xFF] ^ (c >> 8);
  return c;
}

uint32_t kiln_crc32_portable(uint32_t crc, const void *data, size_t size) {
  return ~kiln_crc32_raw_slice8(~crc, data, size);
}
