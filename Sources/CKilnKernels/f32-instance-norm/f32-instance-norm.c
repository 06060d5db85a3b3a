// Instance normalization of one plane: two binary64 passes for the statistics, one for the output.
// The fixed order of the partial sums makes the bytes independent of the instruction set; the
// AVX2 build of the same loops runs where the CPU has it.
#pragma STDC FP_CONTRACT OFF
#include "kiln/f32-instance-norm.h"

#include <math.h>

#include "kiln/cpu-features.h"

enum { LANES = 8 };

static inline __attribute__((always_inline)) void normalize(const float *x, size_t count, double epsilon, float scale, float bias,
                                                            float *y) {
  double s[LANES] = {0};
  const size_t whole = count / LANES * LANES;
  for (size_t j = 0; j < whole; j += LANES) {
    for (size_t l = 0; l < LANES; l++) s[l] += (double)x[j + l];
  }
  for (size_t j = whole; j < count; j++) s[j - whole] += (double)x[j];
  double sum = 0;
  for (size_t l = 0; l < LANES; l++) sum += s[l];
  const double mean = sum / (double)count;
  double q[LANES] = {0};
  for (size_t j = 0; j < whole; j += LANES) {
    for (size_t l = 0; l < LANES; l++) {
      const double d = (double)x[j + l] - mean;
      q[l] += d * d;
    }
  }
  for (size_t j = whole; j < count; j++) {
    const double d = (double)x[j] - mean;
    q[j - whole] += d * d;
  }
  double sq = 0;
  for (size_t l = 0; l < LANES; l++) sq += q[l];
  const double inv = 1 / sqrt(sq / (double)count + epsilon), sc = (double)scale, b = (double)bias;
  for (size_t j = 0; j < count; j++) y[j] = (float)(((double)x[j] - mean) * inv * sc + b);
}

#if defined(__x86_64__)
__attribute__((target("avx2"))) static void normalize_avx2(const float *x, size_t count, double epsilon, float scale, float bias,
                                                          float *y) {
  normalize(x, count, epsilon, scale, bias, y);
}
#endif

void kiln_f32_instance_norm(const float *x, size_t count, double epsilon, float scale, float bias, float *y) {
#if defined(__x86_64__)
  if (kiln_cpu_features() & KILN_CPU_AVX2) {
    normalize_avx2(x, count, epsilon, scale, bias, y);
    return;
  }
#endif
  normalize(x, count, epsilon, scale, bias, y);
}
