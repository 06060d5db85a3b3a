// 256-entry int8 table lookup with AVX-512 VBMI: the table in four registers, 64 bytes at a time
// looked up in both halves with VPERMI2B (7 index bits each) and the half picked by the index's top
// bit. y = table[x + 128], as the reference. CPUs with AVX-512 VNNI but no VBMI (Cascade Lake) use
// the reference.
#pragma STDC FP_CONTRACT OFF
#include "kiln/cpu-features.h"
#include "kiln/qs8-lut.h"

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx512f,avx512bw,avx512vbmi")))
static void lut_vbmi(size_t n, const int8_t *x, const int8_t *table, int8_t *y) {
  const __m512i t0 = _mm512_loadu_si512(table), t1 = _mm512_loadu_si512(table + 64);
  const __m512i t2 = _mm512_loadu_si512(table + 128), t3 = _mm512_loadu_si512(table + 192);
  const __m512i flip = _mm512_set1_epi8((char)0x80);
  for (size_t i = 0; i < n; i += 64) {
    const __mmask64 m = n - i >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << (n - i)) - 1);
    const __m512i idx = _mm512_xor_si512(_mm512_maskz_loadu_epi8(m, x + i), flip);  // x + 128 as u8
    const __m512i lo = _mm512_permutex2var_epi8(t0, idx, t1), hi = _mm512_permutex2var_epi8(t2, idx, t3);
    _mm512_mask_storeu_epi8(y + i, m, _mm512_mask_blend_epi8(_mm512_movepi8_mask(idx), lo, hi));
  }
}

void kiln_qs8_lut_avx512(size_t n, const int8_t *x, const int8_t *table, int8_t *y) {
  (kiln_cpu_features() & KILN_CPU_AVX512VBMI ? lut_vbmi : kiln_qs8_lut_ref)(n, x, table, y);
}
#endif
