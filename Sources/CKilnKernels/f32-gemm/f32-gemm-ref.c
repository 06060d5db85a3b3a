// The scalar reference GEMM: obviously correct, slow. The packed kernels are tested against it.
#pragma STDC FP_CONTRACT OFF
#include "kiln/f32-gemm.h"

void kiln_f32_gemm_ref(int transpose_a, int transpose_b, size_t m, size_t n, size_t k, const float *a, size_t lda,
                       const float *b, size_t ldb, float *c, size_t ldc, int accumulate) {
  for (size_t i = 0; i < m; i++) {
    for (size_t j = 0; j < n; j++) {
      float acc = accumulate ? c[i * ldc + j] : 0.0f;
      for (size_t p = 0; p < k; p++) {
        float x = transpose_a ? a[p * lda + i] : a[i * lda + p];
        float y = transpose_b ? b[j * ldb + p] : b[p * ldb + j];
        acc += x * y;
      }
      c[i * ldc + j] = acc;
    }
  }
}
