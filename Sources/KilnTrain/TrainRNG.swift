import KilnRuntime

/// The trainer's random numbers: SplitMix64 with the latent sampler's normal transform, so a run
/// is reproducible from its seed (and resumable: the whole state is `state` and `spare`).
public struct TrainRNG: Sendable {
    public var generator: SplitMix64
    /// The second value of the last normal pair, not yet used.
    public var spare: Double?

    public init(seed: UInt64) { generator = SplitMix64(state: seed) }

    public mutating func normal() -> Double {
        if let s = spare { spare = nil; return s }
        let (a, b) = generator.nextNormalPair()
        spare = b
        return a
    }

    public mutating func uniform() -> Double { generator.nextUnit() }

    /// A uniform integer in 0..<n (n > 0), by rejection so that it is exactly uniform.
    public mutating func below(_ n: Int) -> Int {
        precondition(n > 0)
        let bound = UInt64(n), limit = UInt64.max - UInt64.max % bound
        while true {
            let x = generator.next()
            if x < limit { return Int(x % bound) }
        }
    }

    /// A uniformly random permutation of 0..<n (Fisher-Yates).
    public mutating func permutation(_ n: Int) -> [Int] {
        var p = Array(0 ..< n)
        for i in stride(from: n - 1, to: 0, by: -1) { p.swapAt(i, below(i + 1)) }
        return p
    }
}
