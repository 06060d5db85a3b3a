// The scatter of grouped conv units with AVX-512 BW masked stores, 32 columns at a time: step 1
// copies them, step 2 (a stride-2 transposed conv's phase row) widens them to 16 bits and
// stores only the even bytes, so the odd bytes between (another phase's, perhaps another
// thread's) are never written. Other steps use the reference. The same bytes as
// kiln_qs8_tile_scatter_ref.
#include "kiln_kernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx512f,avx512bw,avx512vl")))
void kiln_qs8_tile_scatter_avx512(const int8_t *tile, size_t rows, size_t j_count, size_t runs, size_t run, int8_t *const *dst,
                                  size_t m_stride, size_t step) {
  if (step > 2) {
    kiln_qs8_tile_scatter_ref(tile, rows, j_count, runs, run, dst, m_stride, step);
    return;
  }
  for (size_t r = 0; r < runs; r++) {
    for (size_t i = 0; i < rows; i++) {
      const int8_t *src = tile + i * j_count + r * run;
      int8_t *d = dst[r] + i * m_stride;
      for (size_t t = 0; t < run; t += 32) {
        const size_t left = run - t < 32 ? run - t : 32;
        const __mmask32 in = left == 32 ? 0xFFFFFFFFu : (1u << left) - 1;
        const __m256i bytes = _mm256_maskz_loadu_epi8(in, src + t);
        if (step == 1) {
          _mm256_mask_storeu_epi8(d + t, in, bytes);
        } else {
          const __mmask64 even = 0x5555555555555555ull & (left == 32 ? ~0ull : (1ull << (2 * left)) - 1);
          _mm512_mask_storeu_epi8(d + 2 * t, even, _mm512_cvtepu8_epi16(bytes));
        }
      }
    }
  }
}
#endif
