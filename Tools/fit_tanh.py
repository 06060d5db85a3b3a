#!/usr/bin/env python3
"""Fits the polynomial of the vector tanh (Sources/CKilnKernels/f32-vtanh/f32-vtanh-avx512.c).

For 0 <= a < 0.625: tanh a ~ a + a s Q(s), s = a^2, Q of degree 9, by least squares on 400
Chebyshev nodes in s, weighted for relative error, in 40-digit arithmetic (mpmath); prints the
coefficients rounded to double and the largest relative error of the rounded polynomial on 3,001
points. Needs mpmath (pip install mpmath); the build does not run this.
"""
import mpmath as mp

THRESHOLD, DEGREE, NODES = 0.625, 9, 400
mp.mp.dps = 40


def fit():
    top = mp.mpf(THRESHOLD) ** 2
    rows, rhs = mp.matrix(NODES, DEGREE + 1), mp.matrix(NODES, 1)
    for i in range(NODES):
        s = top * (1 - mp.cos(mp.pi * (i + 0.5) / NODES)) / 2
        a = mp.sqrt(s)
        q = (mp.tanh(a) / a - 1) / s
        weight = s * a / mp.tanh(a)  # error in Q times this = relative error of tanh
        for j in range(DEGREE + 1):
            rows[i, j] = weight * s ** j
        rhs[i] = weight * q
    solution = mp.qr_solve(rows, rhs)[0]
    return [float(solution[j]) for j in range(DEGREE + 1)]


def worst(coefficients):
    err = mp.mpf(0)
    for i in range(1, 3002):
        a = mp.mpf(THRESHOLD) * i / 3001
        s = a * a
        q = mp.mpf(0)
        for c in reversed(coefficients):
            q = q * s + c
        err = max(err, abs((a + a * s * q) / mp.tanh(a) - 1))
    return err


if __name__ == "__main__":
    c = fit()
    print("coefficients:", ", ".join(repr(x) for x in c))
    print("largest relative error:", mp.nstr(worst(c), 3))
