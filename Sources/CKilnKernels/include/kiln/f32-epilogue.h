// f32 epilogue: bias, BatchNorm and activation fused into a float layer's output pass.
#ifndef KILN_F32_EPILOGUE_H
#define KILN_F32_EPILOGUE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum kiln_f32_activation { KILN_F32_LINEAR = 0, KILN_F32_RELU = 1, KILN_F32_LEAKY_RELU = 2, KILN_F32_TANH = 3 };

/// What follows the sums of a float convolution or dense layer: y = act(norm(x + bias)), each
/// step the formula of the separate op (Formats/SPEC.md), so fusing them keeps the bytes.
struct kiln_f32_epilogue {
  const float *bias;   // NULL, or per channel: x + bias[c] in float
  const double *norm;  // NULL, or BatchNorm: 4 rows of norm_stride doubles, per channel mean,
                       // 1 / sqrt(var + epsilon), scale, shift: (float)(((double)x - mean) * inv * scale + shift)
  size_t norm_stride;  // doubles from one row of norm to the next (the channel count)
  int activation;      // kiln_f32_activation: ReLU x > 0 ? x : 0; LeakyReLU x >= 0 ? x : alpha * x;
                       // Tanh (float)tanh((double)x)
  float alpha;         // LeakyReLU slope
};

/// In place on x [channels][inner], whose first row is channel `channel`.
typedef void kiln_f32_epilogue_fn(const struct kiln_f32_epilogue *e, size_t channel, size_t channels, size_t inner, float *x);

/// The reference.
kiln_f32_epilogue_fn kiln_f32_epilogue_ref;
#if defined(__x86_64__)
kiln_f32_epilogue_fn kiln_f32_epilogue_avx512;
kiln_f32_epilogue_fn kiln_f32_epilogue_avx2;
#endif

/// The same with the fastest path this CPU has; bit-identical to the reference.
void kiln_f32_epilogue(const struct kiln_f32_epilogue *e, size_t channel, size_t channels, size_t inner, float *x);

/// An epilogue path: name, required features, function (for the tests).
struct kiln_f32_epilogue_kernel {
  const char *name;
  uint32_t required_features;
  kiln_f32_epilogue_fn *fn;
};
/// Every path compiled into this build, fastest first: entries 0 ..< count.
size_t kiln_f32_epilogue_kernel_count(void);
const struct kiln_f32_epilogue_kernel *kiln_f32_epilogue_kernel_at(size_t index);
/// The path `kiln_f32_epilogue` uses: the first of the list this CPU supports.
const struct kiln_f32_epilogue_kernel *kiln_f32_epilogue_kernel_best(void);

#ifdef __cplusplus
}
#endif
#endif
