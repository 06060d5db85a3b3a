// CRC-32 by carry-less multiplication (PCLMULQDQ): four 128-bit lanes fold 64 bytes per step,
// then fold into one lane, whose 16 bytes and the tail go through the table path.
//
// Why folding is exact: in the reflected bit order a 128-bit lane (lo, hi) is the polynomial
// A = H x^64 + L with H = lo, L = hi. Moving A forward by D bits, A x^D = H x^(D+64) + L x^D is
// congruent mod P to H k1 + L k2 with k1 = x^(D+64) mod P and k2 = x^D mod P (degree < 32), a
// product of degree < 96 that fits the lane. A CRC only depends on its input modulo P at each
// position, so replacing A by that product leaves the CRC unchanged. PCLMULQDQ on reflected
// operands yields the product times x (bit k of the result is the coefficient of x^(126-k), the
// lane's bit k that of x^(127-k)), so the constants are stored divided by x: x^(D+63), x^(D-1).
#include "crc32-raw.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include <pthread.h>
#include <string.h>

static uint64_t k512[2], k128[2];  // {x^(D+63) mod P, x^(D-1) mod P}, reflected
static pthread_once_t constants_once = PTHREAD_ONCE_INIT;

/// x^n mod P for P = x^32 + 0x04C11DB7, in the normal bit order.
static uint64_t xpow_mod(unsigned n) {
  uint64_t r = 1;
  while (n--) {
    r <<= 1;
    if (r & (1ull << 32)) r ^= 0x104C11DB7ull;
  }
  return r;
}

/// A polynomial of degree <= 63 as a reflected 64-bit word: bit i holds the coefficient of x^(63-i).
static uint64_t reflect64(uint64_t poly) {
  uint64_t r = 0;
  for (int i = 0; i < 64; i++) r |= ((poly >> i) & 1) << (63 - i);
  return r;
}

static void make_constants(void) {
  k512[0] = reflect64(xpow_mod(512 + 63));
  k512[1] = reflect64(xpow_mod(512 - 1));
  k128[0] = reflect64(xpow_mod(128 + 63));
  k128[1] = reflect64(xpow_mod(128 - 1));
}

__attribute__((target("pclmul,sse4.1")))
static inline __m128i fold(__m128i a, __m128i k, __m128i next) {
  const __m128i hk = _mm_clmulepi64_si128(a, k, 0x00);  // lo(a) * k[0]
  const __m128i lk = _mm_clmulepi64_si128(a, k, 0x11);  // hi(a) * k[1]
  return _mm_xor_si128(_mm_xor_si128(hk, lk), next);
}

__attribute__((target("pclmul,sse4.1")))
uint32_t kiln_crc32_raw_pclmul(uint32_t c, const void *data, size_t size) {
  const uint8_t *p = (const uint8_t *)data;
  if (size < 128) return kiln_crc32_raw_slice8(c, p, size);
  pthread_once(&constants_once, make_constants);
  const __m128i k4 = _mm_loadu_si128((const __m128i *)k512), k1 = _mm_loadu_si128((const __m128i *)k128);
  // The register enters as the first four message bytes, XORed in.
  __m128i x0 = _mm_xor_si128(_mm_loadu_si128((const __m128i *)p), _mm_cvtsi32_si128((int)c));
  __m128i x1 = _mm_loadu_si128((const __m128i *)(p + 16));
  __m128i x2 = _mm_loadu_si128((const __m128i *)(p + 32));
  __m128i x3 = _mm_loadu_si128((const __m128i *)(p + 48));
  p += 64;
  size -= 64;
  while (size >= 64) {
    x0 = fold(x0, k4, _mm_loadu_si128((const __m128i *)p));
    x1 = fold(x1, k4, _mm_loadu_si128((const __m128i *)(p + 16)));
    x2 = fold(x2, k4, _mm_loadu_si128((const __m128i *)(p + 32)));
    x3 = fold(x3, k4, _mm_loadu_si128((const __m128i *)(p + 48)));
    p += 64;
    size -= 64;
  }
  __m128i x = fold(fold(fold(x0, k1, x1), k1, x2), k1, x3);
  while (size >= 16) {
    x = fold(x, k1, _mm_loadu_si128((const __m128i *)p));
    p += 16;
    size -= 16;
  }
  uint8_t lane[16];
  _mm_storeu_si128((__m128i *)lane, x);
  return kiln_crc32_raw_slice8(kiln_crc32_raw_slice8(0, lane, 16), p, size);
}
#endif
