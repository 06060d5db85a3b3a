// CKilnKernels: the C half of the Kiln runtime, one header per kernel family (kiln/*.h). libc and
// pthreads only; nothing allocates after plan time. Every family has a scalar reference, and
// every faster path gives its bytes (int8) or rounds as stated (f32).
#ifndef KILN_KERNELS_H
#define KILN_KERNELS_H

#include "kiln/cpu-features.h"
#include "kiln/crc32.h"
#include "kiln/sha256.h"
#include "kiln/thread-pool.h"
#include "kiln/peak.h"

#include "kiln/conv-span.h"
#include "kiln/f16-convert.h"
#include "kiln/f32-gemm.h"
#include "kiln/f32-im2col.h"
#include "kiln/f32-conv-direct.h"
#include "kiln/f32-conv-s1.h"
#include "kiln/f32-instance-norm.h"
#include "kiln/f32-col2im.h"
#include "kiln/f32-epilogue.h"
#include "kiln/f32-vtanh.h"

#include "kiln/qs8-requant.h"
#include "kiln/qs8-vcvt.h"
#include "kiln/qs8-lut.h"
#include "kiln/qs8-scatter.h"
#include "kiln/qs8-gemm.h"
#include "kiln/qs8-path.h"
#include "kiln/qs8-conv.h"
#include "kiln/qs8-elementwise.h"

#endif
