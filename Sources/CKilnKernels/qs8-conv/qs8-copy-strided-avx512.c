// dst[t * step] = src[t] for t < n with AVX-512 BW: for step 2 (the phase rows of a stride-2
// transposed conv) 32 bytes at a time, widened to 16 bits and stored with a mask of the even
// bytes, so the odd bytes between them (another phase's) are never written; other steps byte by
// byte. The same bytes as the loop in kiln_qs8_tile_scatter.
#include "kiln_kernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx512f,avx512bw,avx512vl")))
void kiln_qs8_copy_strided_avx512(size_t n, const int8_t *src, int8_t *dst, size_t step) {
  if (step != 2) {
    for (size_t t = 0; t < n; t++) dst[t * step] = src[t];
    return;
  }
  for (size_t t = 0; t < n; t += 32) {
    const size_t left = n - t < 32 ? n - t : 32;
    const __mmask32 in = left == 32 ? 0xFFFFFFFFu : (1u << left) - 1;
    const __mmask64 even = 0x5555555555555555ull & (left == 32 ? ~0ull : (1ull << (2 * left)) - 1);
    _mm512_mask_storeu_epi8(dst + 2 * t, even, _mm512_cvtepu8_epi16(_mm256_maskz_loadu_epi8(in, src + t)));
  }
}
#endif
