/// Inverted dropout: in training, zero each value with probability p and scale the rest by
/// 1 / (1 - p); identity at inference (so it exports as nothing).
public final class DropoutLayer<T: TrainScalar>: Layer {
    /// Probability of zeroing a value (0 turns dropout off, as BatchNorm recalibration needs).
    public var p: Double
    private var mask: [T] = []
    private var rng: TrainRNG

    public init(p: Double, seed: UInt64) {
        self.p = p
        rng = TrainRNG(seed: seed)
    }

    /// Restarts the mask stream (the trainer does so every step, from the run's seed and the step,
    /// so a resumed run draws the masks the uninterrupted one would have).
    public func reseed(_ seed: UInt64) { rng = TrainRNG(seed: seed) }

    @_specialize(where T == Float)
    public func forward(_ x: Tensor<T>, training: Bool) -> Tensor<T> {
        guard training, p > 0 else { mask = []; return x }
        let keep = T(1 / (1 - p))
        mask = (0 ..< x.count).map { _ in rng.uniform() < p ? 0 : keep }
        return Tensor(shape: x.shape, values: zip(x.values, mask).map { $0 * $1 })
    }

    @_specialize(where T == Float)
    public func backward(_ dy: Tensor<T>) -> Tensor<T> {
        guard !mask.isEmpty else { return dy }
        return Tensor(shape: dy.shape, values: zip(dy.values, mask).map { $0 * $1 })
    }
}
