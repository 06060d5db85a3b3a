// CPU feature detection, done once: cpuid + xgetbv on x86-64, getauxval(AT_HWCAP) on AArch64.
#pragma STDC FP_CONTRACT OFF
#include "kiln/cpu-features.h"

#include <pthread.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

static uint32_t detect(void) {
  unsigned a, b, c, d;
  uint32_t f = 0;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
  if (c & bit_SSE4_1) f |= KILN_CPU_SSE41;
  if ((c & bit_SSE4_1) && (c & bit_PCLMUL)) f |= KILN_CPU_PCLMUL;
  int osxsave = (c & bit_OSXSAVE) != 0;
  int avx = (c & bit_AVX) != 0;
  int fma = (c & bit_FMA) != 0;
  int f16c = (c & bit_F16C) != 0;
  int ymm = 0, zmm = 0;
  if (osxsave) {
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    ymm = (lo & 6) == 6;        // XMM and YMM state saved by the OS
    zmm = (lo & 0xE6) == 0xE6;  // and the opmask and ZMM state
  }
  if (ymm && avx) {
    if (fma) f |= KILN_CPU_FMA;
    if (f16c) f |= KILN_CPU_F16C;
    if (__get_cpuid_count(7, 0, &a, &b, &c, &d)) {
      const unsigned subleaves = a;  // leaf 7's highest subleaf
      if (b & bit_AVX2) f |= KILN_CPU_AVX2;
      // leaf 7: EBX bit 16 AVX512F, bit 30 AVX512BW; ECX bit 1 AVX512_VBMI, bit 11 AVX512_VNNI
      if (zmm && (b & (1u << 16))) f |= KILN_CPU_AVX512F;
      if (zmm && (b & (1u << 16)) && (b & (1u << 30)) && (c & (1u << 11))) f |= KILN_CPU_AVX512VNNI;
      if (zmm && (b & (1u << 16)) && (b & (1u << 30)) && (c & (1u << 1))) f |= KILN_CPU_AVX512VBMI;
      // leaf 7 subleaf 1: EAX bit 4 AVX-VNNI (Alder Lake and later, Gracemont / N100, Zen 5)
      if ((f & KILN_CPU_AVX2) && subleaves >= 1 && __get_cpuid_count(7, 1, &a, &b, &c, &d) && (a & (1u << 4))) f |= KILN_CPU_AVXVNNI;
    }
  }
  return f;
}
#elif defined(__aarch64__) && defined(__linux__)
#include <sys/auxv.h>
#ifndef HWCAP_ASIMDDP
#define HWCAP_ASIMDDP (1 << 20)
#endif
#ifndef HWCAP_CRC32
#define HWCAP_CRC32 (1 << 7)
#endif
#ifndef HWCAP_ASIMDHP
#define HWCAP_ASIMDHP (1 << 10)
#endif
static uint32_t detect(void) {
  unsigned long hw = getauxval(AT_HWCAP);
  uint32_t f = KILN_CPU_NEON;
  if (hw & HWCAP_ASIMDDP) f |= KILN_CPU_NEONDOT;
  if (hw & HWCAP_ASIMDHP) f |= KILN_CPU_FP16;
  if (hw & HWCAP_CRC32) f |= KILN_CPU_CRC32;
  return f;
}
#else
static uint32_t detect(void) { return 0; }
#endif

static uint32_t features;
static pthread_once_t features_once = PTHREAD_ONCE_INIT;
static void detect_once(void) { features = detect(); }

uint32_t kiln_cpu_features(void) {
  pthread_once(&features_once, detect_once);
  return features;
}

size_t kiln_first_supported(const void *entries, size_t count, size_t size) {
  struct head {  // the first members of every kernel-path struct
    const char *name;
    uint32_t required_features;
  };
  const uint32_t have = kiln_cpu_features();
  for (size_t i = 0; i + 1 < count; i++) {
    const struct head *e = (const struct head *)((const char *)entries + i * size);
    if ((e->required_features & have) == e->required_features) return i;
  }
  return count - 1;
}
