// Packing of int8 columns into "c4" panels for the packed kernels: panel[q][s][t] = b[s][4q + t]
// in ceil(nv / 16) vectors of 16 columns (64 bytes per group q), signed for the kernels that
// multiply signed activations (ARMv8.2 SDOT by element, AVX2 VPSIGNB + VPMADDUBSW; 0 past k), or
// made unsigned, b + 128, for VEX VPDPBUSD (AVX-VNNI; 128 past k, where the weights are 0). The
// slots of absent columns past the last group of 4 are not written (the kernels compute and discard
// their lanes).
// Four columns' 16-byte loads are transposed as 4 x 4 matrices of 32-bit groups in portable vector
// code (clang and GCC vector extensions: TRN1/TRN2 on AArch64, unpacks on x86).
#pragma STDC FP_CONTRACT OFF
#include "kiln/qs8-gemm.h"

#include <assert.h>
#include <string.h>

typedef int32_t v4i __attribute__((vector_size(16), aligned(1)));

/// 16 bytes of a column run from p0 (zeros past c, and for an absent column).
static inline v4i load_run(const int8_t *run, size_t p0, size_t c) {
  v4i v = {0, 0, 0, 0};
  if (!run) return v;
  if (c - p0 >= 16) {
    memcpy(&v, run + p0, 16);
  } else {
    memcpy(&v, run + p0, c - p0);
  }
  return v;
}

/// The packing, every byte XORed with `flip` (0, or 0x80 in each byte: b + 128 as u8).
static inline void pack(size_t c, size_t taps, size_t nv, const int8_t *const *ind, uint8_t *panel, int32_t flip) {
  assert(nv >= 1 && nv <= 24 && (taps == 1 || c % 4 == 0));
  const size_t cq = (c + 3) / 4, stride = 64 * ((nv + 15) / 16);
  for (size_t s0 = 0; s0 < nv; s0 += 4) {
    uint8_t *const base = panel + s0 / 16 * 64 + s0 % 16 * 4;
    for (size_t t = 0; t < taps; t++) {
      for (size_t p0 = 0; p0 < c; p0 += 16) {
        v4i r[4];
        for (size_t j = 0; j < 4; j++) r[j] = load_run(s0 + j < nv ? ind[(s0 + j) * taps + t] : 0, p0, c) ^ flip;
        const v4i lo01 = __builtin_shufflevector(r[0], r[1], 0, 4, 1, 5), hi01 = __builtin_shufflevector(r[0], r[1], 2, 6, 3, 7);
        const v4i lo23 = __builtin_shufflevector(r[2], r[3], 0, 4, 1, 5), hi23 = __builtin_shufflevector(r[2], r[3], 2, 6, 3, 7);
        const v4i g[4] = {__builtin_shufflevector(lo01, lo23, 0, 1, 4, 5), __builtin_shufflevector(lo01, lo23, 2, 3, 6, 7),
                          __builtin_shufflevector(hi01, hi23, 0, 1, 4, 5), __builtin_shufflevector(hi01, hi23, 2, 3, 6, 7)};
        const size_t q0 = t * cq + p0 / 4, groups = cq - p0 / 4 < 4 ? cq - p0 / 4 : 4;
        for (size_t q = 0; q < groups; q++) memcpy(base + (q0 + q) * stride, &g[q], 16);
      }
    }
  }
}

void kiln_qs8_pack_c4(size_t c, size_t taps, size_t nv, const int8_t *const *ind, uint8_t *panel) { pack(c, taps, nv, ind, panel, 0); }

void kiln_qs8_pack_c4_u8(size_t c, size_t taps, size_t nv, const int8_t *const *ind, uint8_t *panel) {
  pack(c, taps, nv, ind, panel, (int32_t)0x80808080u);
}
