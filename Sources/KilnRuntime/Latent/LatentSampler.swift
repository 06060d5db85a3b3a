/// The latent sampler, version 1: seed -> z, bit-exact on every platform (`Formats/SPEC.md`,
/// "Latent sampler"). It uses only integer operations and correctly rounded IEEE-754 double
/// operations (+, -, *, /, sqrt) in a fixed order, and no libm function.
public struct LatentSampler: Sendable {
    public enum Distribution: String, Sendable, CaseIterable {
        /// Standard normal N(0, 1), Marsaglia's polar method.
        case normal
        /// Uniform on [-1, 1).
        case uniform
    }

    public static let version: Int64 = 1

    public let dimension: Int
    public let distribution: Distribution

    public init(dimension: Int, distribution: Distribution) {
        self.dimension = dimension
        self.distribution = distribution
    }

    /// Writes the latent vector of `seed` (`dimension` floats) to `out`.
    public func sample(seed: UInt64, into out: UnsafeMutablePointer<Float>) {
        var rng = SplitMix64(state: seed)
        switch distribution {
        case .uniform:
            for i in 0 ..< dimension { out[i] = Float(2 * rng.nextUnit() - 1) }
        case .normal:
            var i = 0
            while i < dimension {
                let (a, b) = rng.nextNormalPair()
                out[i] = Float(a)
                if i + 1 < dimension { out[i + 1] = Float(b) }
                i += 2
            }
        }
    }

    /// The latent vector of `seed` as an array.
    public func sample(seed: UInt64) -> [Float] {
        [Float](unsafeUninitializedCapacity: dimension) { buf, n in
            sample(seed: seed, into: buf.baseAddress!)
            n = dimension
        }
    }
}

extension SplitMix64 {
    /// Two independent N(0, 1) values: draw u, v uniform on [-1, 1) until 0 < s = u*u + v*v < 1,
    /// then f = sqrt(-2 * log(s) / s) and the pair (u * f, v * f).
    public mutating func nextNormalPair() -> (Double, Double) {
        while true {
            let u = 2 * nextUnit() - 1
            let v = 2 * nextUnit() - 1
            let uu = u * u
            let vv = v * v
            let s = uu + vv
            if s >= 1 || s == 0 { continue }
            let f = (-2 * kilnLog(s) / s).squareRoot()
            return (u * f, v * f)
        }
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): a 64-bit counter through a mixing function.
public struct SplitMix64: Sendable {
    public var state: UInt64

    public init(state: UInt64) { self.state = state }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A double on [0, 1): the top 53 bits times 2^-53 (exact).
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1p-53
    }
}

/// Natural logarithm of a positive normal double, defined by this exact sequence of correctly
/// rounded operations (so every platform gets the same bits): x = m * 2^e with m in
/// [sqrt(1/2), sqrt(2)], t = (m - 1) / (m + 1), log(m) = 2 * atanh(t) = 2t(1 + t^2/3 + ... + t^20/21)
/// evaluated by Horner from 1/21 down, and log(x) = e * ln2 + 2t * q. Accurate to a few ulps.
func kilnLog(_ x: Double) -> Double {
    let bits = x.bitPattern
    var e = Int64((bits >> 52) & 0x7FF) - 1023
    var m = Double(bitPattern: (bits & 0x000F_FFFF_FFFF_FFFF) | 0x3FF0_0000_0000_0000)
    if m > Double(bitPattern: 0x3FF6_A09E_667F_3BCD) {  // sqrt(2), rounded
        m = m / 2
        e += 1
    }
    let t = (m - 1) / (m + 1)
    let t2 = t * t
    var q = 1.0 / 21.0
    var k = 19.0
    while k >= 1 {
        let p = q * t2
        q = p + 1.0 / k
        k -= 2
    }
    let ln2 = Double(bitPattern: 0x3FE6_2E42_FEFA_39EF)
    let a = Double(e) * ln2
    let b = (2 * t) * q
    return a + b
}
