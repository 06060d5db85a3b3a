/// int8 quantization of one activation tensor: real = (q - zeroPoint) * scale, q in -128 ... 127.
/// The range always contains 0, so 0 (padding, ReLU's floor) is exact.
struct Affine: Equatable {
    /// Positive, an exact f32 value (stored as the `scale` attribute).
    let scale: Float
    let zeroPoint: Int32

    /// The affine map whose 256 levels span [lo, hi] widened to contain 0; nil when that range is
    /// empty (the value was 0 on every calibration sample).
    init?(lo: Double, hi: Double) {
        let (a, b) = (min(lo, 0), max(hi, 0))
        guard b > a, (b - a).isFinite else { return nil }
        let s = Float((b - a) / 255)
        guard s > 0, s.isNormal else { return nil }
        scale = s
        zeroPoint = Int32(max(-128, min(127, (-128 - a / Double(s)).rounded(.toNearestOrEven))))
    }

    init(scale: Float, zeroPoint: Int32) {
        (self.scale, self.zeroPoint) = (scale, zeroPoint)
    }

    /// The real value of level q.
    func real(_ q: Int) -> Double { Double(q - Int(zeroPoint)) * Double(scale) }

    /// The level nearest to x (ties to even), clamped.
    func level(_ x: Double) -> Int8 {
        Int8(max(-128, min(127, (x / Double(scale)).rounded(.toNearestOrEven) + Double(zeroPoint))))
    }

    /// The 256-entry table of y = f(x) from this quantization of x to `output`'s: entry i is
    /// for level i - 128.
    func table(to output: Affine, _ f: (Double) -> Double) -> [Int8] {
        (0 ..< 256).map { output.level(f(real($0 - 128))) }
    }
}

/// A real multiplier as the integer pair of Formats/SPEC.md: r ~ M * 2^-shift, M in [2^30, 2^31)
/// (fewer bits only when the shift would exceed 62).
struct FixedMultiplier: Equatable {
    let multiplier: Int32
    let shift: Int32

    /// nil when r is not positive and finite, or r >= 2^30 (no shift >= 1 can express it).
    init?(_ r: Double) {
        guard r > 0, r.isFinite, r < 0x1p30 else { return nil }
        // r = f * 2^e with f in [0.5, 1)
        let e = Int(r.exponent) + 1, f = r.significand / 2
        var m = (f * 0x1p31).rounded(.toNearestOrEven), s = 31 - e
        if m == 0x1p31 { m = 0x1p30; s -= 1 }
        if s > 62 { m = (r * 0x1p62).rounded(.toNearestOrEven); s = 62 }
        guard s >= 1 else { return nil }
        (multiplier, shift) = (Int32(m), Int32(s))
    }

    /// The multiplier for r at this shift (the negative branch of LeakyReLU shares the shift);
    /// nil when it does not fit in int32.
    func companion(_ r: Double) -> Int32? {
        let m = (r * Double(sign: .plus, exponent: Int(shift), significand: 1)).rounded(.toNearestOrEven)
        return abs(m) < 0x1p31 ? Int32(m) : nil
    }
}
