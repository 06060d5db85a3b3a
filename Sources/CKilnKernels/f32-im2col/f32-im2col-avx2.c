// im2col with AVX2: the runs of column stride 1 and 2 eight outputs at a time (stride 2: two
// masked loads, then the even lanes by VSHUFPS and VPERMPD; masks keep every load inside the run's
// pixels), zeros by masked stores; other strides as the reference. The same bytes.
#pragma STDC FP_CONTRACT OFF
#include "f32-im2col-runs.h"

#if defined(__x86_64__)
#include <immintrin.h>

// Lanes 0 ..< n of 8 (all for n >= 8, none for n <= 0), as a VMASKMOV mask.
__attribute__((target("avx2"))) static inline __m256i lanes_below(ptrdiff_t n) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(n > 8 ? 8 : n < 0 ? 0 : n)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

// out[j] = in[j * sw] for j < n (sw 1 or 2).
__attribute__((target("avx2"))) static void run(float *out, const float *in, size_t n, size_t sw) {
  for (size_t j = 0; j < n; j += 8) {
    const ptrdiff_t left = (ptrdiff_t)(n - j);
    __m256 v;
    if (sw == 1) {
      v = left >= 8 ? _mm256_loadu_ps(in + j) : _mm256_maskload_ps(in + j, lanes_below(left));
    } else {  // pixels 2j ..< 2j + 2 left - 1 are read
      const float *p = in + 2 * j;
      const __m256 a = left >= 8 ? _mm256_loadu_ps(p) : _mm256_maskload_ps(p, lanes_below(2 * left - 1));
      const __m256 b = left > 8 ? _mm256_loadu_ps(p + 8) : _mm256_maskload_ps(p + 8, lanes_below(2 * left - 9));
      // a0 a2 b0 b2 | a4 a6 b4 b6 -> a0 a2 a4 a6 b0 b2 b4 b6
      v = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(_mm256_shuffle_ps(a, b, 0x88)), 0xD8));
    }
    if (left >= 8) {
      _mm256_storeu_ps(out + j, v);
    } else {
      _mm256_maskstore_ps(out + j, lanes_below(left), v);
    }
  }
}

__attribute__((target("avx2"))) static void zero(float *out, size_t n) {
  size_t j = 0;
  for (; j + 8 <= n; j += 8) _mm256_storeu_ps(out + j, _mm256_setzero_ps());
  if (j < n) _mm256_maskstore_ps(out + j, lanes_below((ptrdiff_t)(n - j)), _mm256_setzero_ps());
}

__attribute__((target("avx2"))) void kiln_f32_im2col_avx2(const struct kiln_f32_im2col *g, size_t c0, size_t c1, const float *image,
                                                          float *cols, size_t row_stride) {
  if (g->sw > 2) {
    kiln_f32_im2col_ref(g, c0, c1, image, cols, row_stride);
    return;
  }
  kiln_im2col_walk(g, c0, c1, image, cols, row_stride, run, zero);
}
#endif
