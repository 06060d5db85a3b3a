/// The data order of a training run: each epoch a permutation of the examples drawn from (seed,
/// epoch), so a run resumed at any step reads the batches the uninterrupted run would have.
struct EpochOrder {
    let seed: UInt64
    let count, batchSize: Int
    private var cached: (epoch: Int, permutation: [Int]) = (-1, [])

    init(seed: UInt64, count: Int, batchSize: Int) { (self.seed, self.count, self.batchSize) = (seed, count, batchSize) }

    /// The example indices of training step `step` (steps per epoch: count / batchSize).
    mutating func batch(step: Int) -> ArraySlice<Int> {
        let perEpoch = count / batchSize, e = step / perEpoch
        if cached.epoch != e {
            var rng = TrainRNG(seed: mix(seed, 0x4550_4F43_4800_0000 | UInt64(e)))  // "EPOCH"
            cached = (e, rng.permutation(count))
        }
        let start = (step % perEpoch) * batchSize
        return cached.permutation[start ..< start + batchSize]
    }
}
