// Peak-throughput probes: independent chains of the instruction each path's inner loop is built
// on (VPDPBUSD or VPMADDWD for int8 on x86, SDOT or SMLAL on ARM, 512- or 256-bit FMA for f32), with no loads, so the
// result is what the core can issue. Used to report a model's MAC rate as a share of peak.
#pragma STDC FP_CONTRACT OFF
#include "kiln/cpu-features.h"
#include "kiln/peak.h"

#if defined(__x86_64__)
#include <immintrin.h>

// Each VPMADDWD reads its own previous result, so nothing can be hoisted; 12 chains cover its latency.
__attribute__((target("avx2"))) static uint64_t qs8_avx2(size_t n) {
  __m256i a[12];
  for (int k = 0; k < 12; k++) a[k] = _mm256_set1_epi16((short)(k + 1));
  const __m256i y = _mm256_set1_epi16(-2);
  for (size_t i = 0; i < n; i++) {
    for (int k = 0; k < 12; k++) a[k] = _mm256_madd_epi16(a[k], y);
    __asm__ volatile("" : "+x"(a[0]), "+x"(a[1]), "+x"(a[2]), "+x"(a[3]), "+x"(a[4]), "+x"(a[5]));
    __asm__ volatile("" : "+x"(a[6]), "+x"(a[7]), "+x"(a[8]), "+x"(a[9]), "+x"(a[10]), "+x"(a[11]));
  }
  return (uint64_t)(uint32_t)_mm256_extract_epi32(a[0], 0);
}

// The same with VPDPBUSD (64 products each), for the avx512vnni path.
__attribute__((target("avx512f,avx512bw,avx512vnni"))) static uint64_t qs8_vnni(size_t n) {
  __m512i a[12];
  for (int k = 0; k < 12; k++) a[k] = _mm512_set1_epi32(k + 1);
  const __m512i x = _mm512_set1_epi8(3);
  for (size_t i = 0; i < n; i++) {
    for (int k = 0; k < 12; k++) a[k] = _mm512_dpbusd_epi32(a[k], x, a[k]);
    __asm__ volatile("" : "+v"(a[0]), "+v"(a[1]), "+v"(a[2]), "+v"(a[3]), "+v"(a[4]), "+v"(a[5]));
    __asm__ volatile("" : "+v"(a[6]), "+v"(a[7]), "+v"(a[8]), "+v"(a[9]), "+v"(a[10]), "+v"(a[11]));
  }
  return (uint64_t)(uint32_t)_mm512_reduce_add_epi32(a[0]);
}

// The same with 512-bit FMAs, for the AVX-512 f32 micro-kernels (16 products each).
__attribute__((target("avx512f"))) static uint64_t f32_avx512(size_t n) {
  __m512 a[12];
  for (int k = 0; k < 12; k++) a[k] = _mm512_set1_ps(1);
  const __m512 x = _mm512_set1_ps(0.999f), y = _mm512_set1_ps(1e-3f);
  for (size_t i = 0; i < n; i++) {
    for (int k = 0; k < 12; k++) a[k] = _mm512_fmadd_ps(a[k], x, y);
    __asm__ volatile("" : "+v"(a[0]), "+v"(a[1]), "+v"(a[2]), "+v"(a[3]), "+v"(a[4]), "+v"(a[5]));
    __asm__ volatile("" : "+v"(a[6]), "+v"(a[7]), "+v"(a[8]), "+v"(a[9]), "+v"(a[10]), "+v"(a[11]));
  }
  return (uint64_t)_mm512_reduce_add_ps(a[0]);
}

__attribute__((target("avx2,fma"))) static uint64_t f32_fma(size_t n) {
  __m256 a0 = _mm256_set1_ps(1), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0;
  const __m256 x = _mm256_set1_ps(0.999f), y = _mm256_set1_ps(1e-3f);
  for (size_t i = 0; i < n; i++) {
    a0 = _mm256_fmadd_ps(a0, x, y); a1 = _mm256_fmadd_ps(a1, x, y); a2 = _mm256_fmadd_ps(a2, x, y); a3 = _mm256_fmadd_ps(a3, x, y); a4 = _mm256_fmadd_ps(a4, x, y);
    a5 = _mm256_fmadd_ps(a5, x, y); a6 = _mm256_fmadd_ps(a6, x, y); a7 = _mm256_fmadd_ps(a7, x, y); a8 = _mm256_fmadd_ps(a8, x, y); a9 = _mm256_fmadd_ps(a9, x, y);
    __asm__ volatile("" : "+x"(a0), "+x"(a1), "+x"(a2), "+x"(a3), "+x"(a4), "+x"(a5), "+x"(a6), "+x"(a7), "+x"(a8), "+x"(a9));
  }
  float out[8];
  _mm256_storeu_ps(out, _mm256_add_ps(_mm256_add_ps(a0, a9), a5));
  return (uint64_t)out[0];
}
#endif

#if defined(__aarch64__)
#include <arm_neon.h>
static uint64_t f32_neon(size_t n) {
  float32x4_t a[8];
  for (int k = 0; k < 8; k++) a[k] = vdupq_n_f32(1);
  const float32x4_t x = vdupq_n_f32(0.999f), y = vdupq_n_f32(1e-3f);
  for (size_t i = 0; i < n; i++) {
    for (int k = 0; k < 8; k++) a[k] = vfmaq_f32(y, a[k], x);
    __asm__ volatile("" : "+w"(a[0]), "+w"(a[1]), "+w"(a[2]), "+w"(a[3]), "+w"(a[4]), "+w"(a[5]), "+w"(a[6]), "+w"(a[7]));
  }
  return (uint64_t)vgetq_lane_f32(a[0], 0);
}
// SMLAL chains that read their own accumulator as the next multiplicand: 8 products each.
static uint64_t qs8_neon(size_t n) {
  int16x8_t a[8];
  for (int k = 0; k < 8; k++) a[k] = vdupq_n_s16((int16_t)(k + 1));
  const int8x8_t y = vdup_n_s8(-2);
  for (size_t i = 0; i < n; i++) {
    for (int k = 0; k < 8; k++) a[k] = vmlal_s8(a[k], vget_low_s8(vreinterpretq_s8_s16(a[k])), y);
    __asm__ volatile("" : "+w"(a[0]), "+w"(a[1]), "+w"(a[2]), "+w"(a[3]), "+w"(a[4]), "+w"(a[5]), "+w"(a[6]), "+w"(a[7]));
  }
  return (uint64_t)vgetq_lane_s16(a[0], 0);
}
#endif

/// Multiply-accumulates per iteration of each probe, and the probe itself.
static size_t probe(int int8, uint64_t (**fn)(size_t)) {
#if defined(__x86_64__)
  const uint32_t f = kiln_cpu_features();
  if (int8 && (f & KILN_CPU_AVX512VNNI)) { *fn = qs8_vnni; return 12 * 64; } // 12 VPDPBUSD x 64 products
  if (int8 && (f & KILN_CPU_AVX2)) { *fn = qs8_avx2; return 12 * 16; }      // 12 VPMADDWD x 16 products
  if (!int8 && (f & KILN_CPU_AVX512F)) { *fn = f32_avx512; return 12 * 16; }              // 12 VFMADD x 16 products
  if (!int8 && (f & KILN_CPU_AVX2) && (f & KILN_CPU_FMA)) { *fn = f32_fma; return 10 * 8; }
#elif defined(__aarch64__)
  if (int8) { *fn = qs8_neon; return 8 * 8; }                               // 8 SMLAL x 8 products
  *fn = f32_neon; return 8 * 4;
#endif
  (void)int8;
  *fn = 0;
  return 0;
}

size_t kiln_peak_probe_macs(int int8, size_t iterations, uint64_t *sink) {
  uint64_t (*fn)(size_t);
  const size_t per = probe(int8, &fn);
  if (!fn) return 0;
  *sink += fn(iterations);
  return per * iterations;
}
