// AVX2 + FMA micro-kernels of the stride-1 direct convolution: MR output channels by 16 columns
// in 2 * MR YMM accumulators (6x16: 12, 4x16: 8); per tap two unaligned loads of the padded input
// row, then per channel one broadcast of its packed weight and two fused multiply-adds. 3x3
// kernels get a body with the taps unrolled.
#pragma STDC FP_CONTRACT OFF
#include "kiln/f32-conv-s1.h"

#if defined(__x86_64__)
#include <immintrin.h>

#include "f32-conv-s1-plane.h"

// kiln_f32_epilogue's bias and activation on 8 lanes (ReLU as max(x, 0), which maps NaN and -0
// to +0 as x > 0 ? x : 0 does; LeakyReLU by a mask of x >= 0).
__attribute__((target("avx2,fma"))) static inline __m256 finish(const struct kiln_f32_epilogue *e, __m256 bias, __m256 v) {
  if (e->bias) v = _mm256_add_ps(v, bias);
  if (e->activation == KILN_F32_RELU) return _mm256_max_ps(v, _mm256_setzero_ps());
  if (e->activation == KILN_F32_LEAKY_RELU) {
    const __m256 negative = _mm256_mul_ps(v, _mm256_set1_ps(e->alpha));
    return _mm256_blendv_ps(negative, v, _mm256_cmp_ps(v, _mm256_setzero_ps(), _CMP_GE_OQ));
  }
  return v;
}

// X(r) for every output channel r of the tile.
#define ROWS4(X) X(0) X(1) X(2) X(3)
#define ROWS6(X) ROWS4(X) X(4) X(5)

#define ZERO(r) __m256 c##r##0 = _mm256_setzero_ps(), c##r##1 = _mm256_setzero_ps();
#define FMA(r)                                                    \
  {                                                               \
    const __m256 a = _mm256_broadcast_ss(wp + r);                 \
    c##r##0 = _mm256_fmadd_ps(a, b0, c##r##0);                    \
    c##r##1 = _mm256_fmadd_ps(a, b1, c##r##1);                    \
  }
#define STORE(r)                                                  \
  if (r < mr_valid) {                                             \
    if (e) {                                                      \
      const __m256 b = _mm256_set1_ps(e->bias ? e->bias[m0 + r] : 0.0f); \
      c##r##0 = finish(e, b, c##r##0);                            \
      c##r##1 = finish(e, b, c##r##1);                            \
    }                                                             \
    if (nr_valid == 16) {                                         \
      _mm256_storeu_ps(y + r * y_plane, c##r##0);                 \
      _mm256_storeu_ps(y + r * y_plane + 8, c##r##1);             \
    } else {                                                      \
      _mm256_maskstore_ps(y + r * y_plane, mask0, c##r##0);          \
      _mm256_maskstore_ps(y + r * y_plane + 8, mask1, c##r##1);      \
    }                                                             \
  }

// Per kernel row, input channel and kernel column, in that order: one fused multiply-add per
// output.
#define TAPS(MR, KH, KW)                                                                       \
  for (size_t ky = 0; ky < (KH); ky++, xp += rstep) {                                          \
    const float *row = xp;                                                                     \
    for (size_t c = 0; c < g->channels_in; c++, row += pw) {                                   \
      for (size_t kx = 0; kx < (KW); kx++, wp += (MR)) {                                       \
        const __m256 b0 = _mm256_loadu_ps(row + kx * dw), b1 = _mm256_loadu_ps(row + kx * dw + 8); \
        ROWS##MR(FMA)                                                                          \
      }                                                                                        \
    }                                                                                          \
  }

#define UKERNEL(MR)                                                                                                  \
  __attribute__((target("avx2,fma"))) void kiln_f32_conv_s1_ukernel_##MR##x16_avx2_fma(                              \
      const struct kiln_f32_conv_s1 *g, const float *wp, const float *xp, float *y, size_t y_plane, size_t mr_valid, \
      size_t nr_valid, const struct kiln_f32_epilogue *e, size_t m0) {                                               \
    const size_t pw = kiln_f32_conv_s1_pw(g), rstep = g->dh * g->channels_in * pw, dw = g->dw;   \
    ROWS##MR(ZERO)                                                                                                   \
    if (g->kh == 3 && g->kw == 3) {                                                                                  \
      TAPS(MR, 3, 3)                                                                                                 \
    } else {                                                                                                         \
      TAPS(MR, g->kh, g->kw)                                                                                         \
    }                                                                                                                \
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);                                                  \
    const __m256i mask0 = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)nr_valid), lane);                                   \
    const __m256i mask1 = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)nr_valid - 8), lane);                               \
    ROWS##MR(STORE)                                                                                                  \
  }
UKERNEL(6)
UKERNEL(4)
#endif
