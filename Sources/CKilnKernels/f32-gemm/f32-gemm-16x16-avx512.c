// 16x16 micro-kernel for AVX-512F (x86-64): 16 ZMM accumulators, per step one 16-float load of B
// and sixteen broadcasts of A. For layers whose GEMM has at most 16 columns (a 4x4 or smaller
// feature map), where 8x32 would compute half its tile on padding. Rounds as 8x32 does. A is
// prefetched 64 steps (4 KB) ahead: such layers stream their weights from memory.
#pragma STDC FP_CONTRACT OFF
#include "kiln/f32-gemm.h"

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx512f")))
void kiln_f32_gemm_ukernel_16x16_avx512(size_t kc, const float *ap, const float *bp, float *c, size_t ldc,
                                         size_t mr_valid, size_t nr_valid, int accumulate) {
  __m512 acc[16];
  for (int r = 0; r < 16; r++) acc[r] = _mm512_setzero_ps();
  for (size_t p = 0; p < kc; p++) {
    const __m512 b = _mm512_loadu_ps(bp);
    _mm_prefetch((const char *)(ap + 16 * 64), _MM_HINT_T0);  // A streams from memory on narrow layers
    for (int r = 0; r < 16; r++) acc[r] = _mm512_fmadd_ps(_mm512_set1_ps(ap[r]), b, acc[r]);
    ap += 16;
    bp += 16;
  }
  const __mmask16 cols = (__mmask16)((1u << nr_valid) - 1);
  for (size_t r = 0; r < mr_valid; r++) {
    float *cr = c + r * ldc;
    __m512 v = acc[r];
    if (accumulate) v = _mm512_add_ps(_mm512_maskz_loadu_ps(cols, cr), v);
    _mm512_mask_storeu_ps(cr, cols, v);
  }
}
#endif
