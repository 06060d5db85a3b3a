// im2col with AVX-512 F: the runs of column stride 1 and 2 sixteen outputs at a time (stride 2:
// two masked loads and one VPERMT2PS picking the even lanes; masks keep every load inside the
// run's pixels), zeros by masked stores; other strides as the reference. The same bytes.
#pragma STDC FP_CONTRACT OFF
#include "f32-im2col-runs.h"

#if defined(__x86_64__)
#include <immintrin.h>

static inline __mmask16 lanes_below(ptrdiff_t n) { return n >= 16 ? 0xFFFF : n <= 0 ? 0 : (__mmask16)((1u << n) - 1); }

// out[j] = in[j * sw] for j < n (sw 1 or 2).
__attribute__((target("avx512f"))) static void run(float *out, const float *in, size_t n, size_t sw) {
  const __m512i even = _mm512_set_epi32(30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0);
  for (size_t j = 0; j < n; j += 16) {
    const ptrdiff_t left = (ptrdiff_t)(n - j);
    __m512 v;
    if (sw == 1) {
      v = _mm512_maskz_loadu_ps(lanes_below(left), in + j);
    } else {  // pixels 2j ..< 2j + 2 left - 1 are read
      const float *p = in + 2 * j;
      v = _mm512_permutex2var_ps(_mm512_maskz_loadu_ps(lanes_below(2 * left - 1), p), even,
                                 _mm512_maskz_loadu_ps(lanes_below(2 * left - 17), p + 16));
    }
    _mm512_mask_storeu_ps(out + j, lanes_below(left), v);
  }
}

__attribute__((target("avx512f"))) static void zero(float *out, size_t n) {
  for (size_t j = 0; j < n; j += 16) _mm512_mask_storeu_ps(out + j, lanes_below((ptrdiff_t)(n - j)), _mm512_setzero_ps());
}

__attribute__((target("avx512f"))) void kiln_f32_im2col_avx512(const struct kiln_f32_im2col *g, size_t c0, size_t c1, const float *image,
                                                               float *cols, size_t row_stride) {
  if (g->sw > 2) {
    kiln_f32_im2col_ref(g, c0, c1, image, cols, row_stride);
    return;
  }
  kiln_im2col_walk(g, c0, c1, image, cols, row_stride, run, zero);
}
#endif
