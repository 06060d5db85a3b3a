// The polynomials and the rounding margin of the vector tanh paths (private to the family); the
// scheme is described in f32-vtanh-avx512.c.
#ifndef KILN_F32_VTANH_POLY_H
#define KILN_F32_VTANH_POLY_H

enum { MARGIN = 1 << 10 };

static const double small_q[10] = {
    -0.333333333333216,      0.13333333331892283,   -0.05396825334961731,   0.021869475302544544, -0.008863071875437297,
    0.0035908669466093992,   -0.0014495553149680292, 0.0005696401980069904, -0.00019665292584729224, 4.266935922347682e-05,
};

// e^r = sum of r^j / j! for j <= 12 (Horner from 1/12!).
static const double inverse_factorials[12] = {1.0,
                                              1.0,
                                              1.0 / 2,
                                              1.0 / 6,
                                              1.0 / 24,
                                              1.0 / 120,
                                              1.0 / 720,
                                              1.0 / 5040,
                                              1.0 / 40320,
                                              1.0 / 362880,
                                              1.0 / 3628800,
                                              1.0 / 39916800};

#endif
