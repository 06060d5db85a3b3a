// f32 instance normalization, for the float runtime's planned InstanceNorm2d: the statistics in
// binary64 with interleaved partial sums (the loops vectorize), the output with the reference's
// formula.
#ifndef KILN_F32_INSTANCE_NORM_H
#define KILN_F32_INSTANCE_NORM_H
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// y[j] = (float)(((double)x[j] - mean) * inv * scale + bias) for j < count, where mean is the
/// sum of the x[j] over count and inv = 1 / sqrt(v / count + epsilon), v the sum of
/// ((double)x[j] - mean)^2. Each sum: element j into partial sum j mod 8, then the partial sums
/// added in order 0 ..< 8, all in binary64. y may be x.
void kiln_f32_instance_norm(const float *x, size_t count, double epsilon, float scale, float bias, float *y);

#ifdef __cplusplus
}
#endif
#endif
