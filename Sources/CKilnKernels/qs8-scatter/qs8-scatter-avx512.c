// The scatter of grouped conv units with AVX-512 BW masked stores, 16 columns at a time through
// kiln_qs8_store16_avx512 (the packed GEMM's store): step 1 copies them, step 2 (a stride-2
// transposed conv's phase row) widens them to 16 bits and stores only the even bytes, so the odd
// bytes between (another phase's, perhaps another thread's) are never written. The same bytes as
// kiln_qs8_tile_scatter_ref.
#include "kiln/qs8-scatter.h"

#if defined(__x86_64__)
#include "../qs8-requant/qs8-requant-avx512.h"

__attribute__((target("avx512f,avx512bw,avx512vl")))
void kiln_qs8_tile_scatter_avx512(const int8_t *tile, size_t rows, size_t j_count, size_t runs, size_t run, int8_t *const *dst,
                                  size_t m_stride, size_t step) {
  for (size_t r = 0; r < runs; r++) {
    for (size_t i = 0; i < rows; i++) {
      const int8_t *src = tile + i * j_count + r * run;
      int8_t *d = dst[r] + i * m_stride;
      for (size_t t = 0; t < run; t += 16) {
        const __mmask16 in = run - t >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (run - t)) - 1);
        kiln_qs8_store16_avx512(_mm_maskz_loadu_epi8(in, src + t), in, d + t * step, step);
      }
    }
  }
}
#endif
