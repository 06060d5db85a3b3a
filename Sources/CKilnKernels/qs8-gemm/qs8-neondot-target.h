// Compiles the including file's dot-product kernels for ARMv8.2 + dotprod, before <arm_neon.h>:
// clang by a function attribute (KILN_DOTPROD on each function that uses SDOT), GCC, which takes
// no such attribute for arm_neon.h's intrinsics, by a pragma for the rest of the file. The
// kernels run only where getauxval reports ASIMDDP.
#ifndef KILN_QS8_NEONDOT_TARGET_H
#define KILN_QS8_NEONDOT_TARGET_H
#if defined(__aarch64__)
#if defined(__clang__)
#define KILN_DOTPROD __attribute__((target("dotprod")))
#else
#pragma GCC target("arch=armv8.2-a+dotprod")
#define KILN_DOTPROD
#endif
#endif
#endif
