/// Sine and an angle solver defined, like the latent sampler's logarithm, by a fixed sequence of
/// correctly rounded IEEE double operations, so slerp gives the same latent bits on every platform
/// (libm's sin and acos may differ in the last bit between systems).

/// pi rounded to double.
let kilnPi = Double(bitPattern: 0x4009_21FB_5444_2D18)

/// sin(x) for |x| <= pi: folded onto [0, pi/2] (sin(pi - x) = sin(x), sin(-x) = -sin(x)), then the
/// Taylor series to x^25 by Horner in x^2 (truncation below 1e-19 on [0, pi/2]).
func kilnSin(_ x: Double) -> Double {
    precondition(abs(x) <= kilnPi, "kilnSin takes |x| <= pi")
    let sign: Double = x < 0 ? -1 : 1
    var a = abs(x)
    if a > kilnPi / 2 { a = kilnPi - a }
    let a2 = a * a
    var s = 1.0
    var k = 25.0
    while k > 1 {  // s = 1 - a^2/(2*3) (1 - a^2/(4*5) (1 - ...))
        s = 1 - a2 / ((k - 1) * k) * s
        k -= 2
    }
    return sign * a * s
}

/// The angle in [0, pi] whose half-angle tangent is q / p (p, q >= 0, not both 0): the angle
/// between unit vectors u and v when p = |u + v| and q = |u - v|. Found by 64 steps of bisection on
/// sin(t/2) p - cos(t/2) q, which increases on [0, pi]; well conditioned at every angle.
func kilnAngle(sumNorm p: Double, differenceNorm q: Double) -> Double {
    precondition(p >= 0 && q >= 0 && p + q > 0)
    var lo = 0.0, hi = kilnPi
    for _ in 0 ..< 64 {
        let mid = (lo + hi) / 2
        let g = kilnSin(mid / 2) * p - kilnSin(kilnPi / 2 - mid / 2) * q
        if g < 0 { lo = mid } else { hi = mid }
    }
    return (lo + hi) / 2
}
