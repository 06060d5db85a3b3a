// int8 (qs8) requantization: an int32 accumulator to an int8 output, the one definition every
// int8 kernel matches (Formats/SPEC.md, "Integer semantics").
#ifndef KILN_QS8_REQUANT_H
#define KILN_QS8_REQUANT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Per output row of an int8 GEMM: the int32 accumulator starts at `bias`; requantization uses
/// `multiplier_pos` when the accumulator is >= 0 and `multiplier_neg` otherwise, then `shift`.
struct kiln_qs8_channel {
  int32_t bias;            // includes -x_zero_point * sum(weights of the row)
  int32_t multiplier_pos;  // Q31-style multiplier for acc >= 0
  int32_t multiplier_neg;  // for acc < 0 (equal to multiplier_pos for a plain layer, 0 for ReLU)
  int32_t shift;           // 1 ... 62
  int32_t weight_sum;      // sum of the row's k weights (kernels that make activations unsigned use it)
};

/// Requantizes one accumulator: zero_out + ((acc * M + 2^(shift-1)) >> shift) in 64-bit
/// (>> floors), clamped to [-128, 127]; M is multiplier_pos for acc >= 0, multiplier_neg below.
static inline int8_t kiln_qs8_requantize(int32_t acc, const struct kiln_qs8_channel *ch, int32_t zero_out) {
  const int64_t m = acc >= 0 ? ch->multiplier_pos : ch->multiplier_neg;
  const int64_t scaled = ((int64_t)acc * m + ((int64_t)1 << (ch->shift - 1))) >> ch->shift;
  const int64_t q = (int64_t)zero_out + scaled;
  return (int8_t)(q < -128 ? -128 : q > 127 ? 127 : q);
}

/// One output row: c[j * cs] = kiln_qs8_requantize(ch->bias + acc[j], ch, zero_out) for j < n.
typedef void kiln_qs8_requant_fn(size_t n, const int32_t *acc, const struct kiln_qs8_channel *ch, int32_t zero_out, int8_t *c,
                                 size_t cs);

/// The reference.
kiln_qs8_requant_fn kiln_qs8_requant_ref;
#if defined(__x86_64__)
kiln_qs8_requant_fn kiln_qs8_requant_avx512;  // 16 accumulators at a time
kiln_qs8_requant_fn kiln_qs8_requant_avx2;    // 8 accumulators at a time
#endif
#if defined(__aarch64__)
kiln_qs8_requant_fn kiln_qs8_requant_neon;    // 16 accumulators at a time
#endif

#ifdef __cplusplus
}
#endif
#endif
