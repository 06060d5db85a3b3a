// f16 -> f32 with F16C (VCVTPH2PS, 8 at a time), x86-64. Exact, like the reference.
#pragma STDC FP_CONTRACT OFF
#include "kiln/f16-convert.h"

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx,f16c")))
void kiln_f16_to_f32_f16c(const uint16_t *src, float *dst, size_t n) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(dst + i, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(src + i))));
  if (i < n) {
    uint16_t tail[8] = {0};
    float out[8];
    for (size_t j = 0; j < n - i; j++) tail[j] = src[i + j];
    _mm256_storeu_ps(out, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)tail)));
    for (size_t j = 0; j < n - i; j++) dst[i + j] = out[j];
  }
}
#endif
