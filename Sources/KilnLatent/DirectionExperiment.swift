import KilnRuntime
import KilnEval

/// The DCGAN paper's latent arithmetic, measured: a direction from class Y to class X is
/// mean(z of seeds judged X) - mean(z of the first half of the seeds judged Y); it is added to the
/// other half of the Y seeds (held out), and the share of those the classifier then judges X is
/// compared with the same for random directions of the same norm.
public struct DirectionExperiment {
    public struct Result: Sendable {
        /// Seeds used for the means (X, Y) and held-out Y seeds.
        public let fromSeeds, toSeeds, heldOut: [UInt64]
        public let direction: [Float]
        public let norm: Double
        /// Share of held-out Y seeds judged X after adding the direction.
        public let flipped: Double
        /// Share judged X after adding each random direction, and their mean.
        public let randomFlipped: [Double]
        public var randomMean: Double { randomFlipped.reduce(0, +) / Double(randomFlipped.count) }
        /// Share still judged Y after adding the direction / a random one (mean).
        public let stayed, randomStayed: Double
    }

    /// Random baseline direction k: N(0, I) from seed 2^63 + k (far from the seeds searched from
    /// 0), scaled to `norm`.
    public static func randomDirection(_ k: Int, dimension: Int, norm: Double) -> [Float] {
        let g = LatentSampler(dimension: dimension, distribution: .normal).sample(seed: (1 << 63) + UInt64(k))
        let r = Latent.norm(g)
        return g.map { Float(Double($0) / r * norm) }
    }

    /// Runs the experiment on `classified` seeds (from `ClassJudge.classify`): those with
    /// confidence >= `minConfidence` count as examples of their class. `scale` multiplies the
    /// direction; `randomDirections` baselines are averaged.
    public static func run(judge: ClassJudge, classified: [ClassifiedSeed], from y: Int, to x: Int, minConfidence: Double,
                           scale: Double = 1, randomDirections: Int = 8) throws -> Result {
        let sampler = judge.generator.spec.sampler
        let names = judge.judge.classNames
        let confident = classified.filter { $0.confidence >= minConfidence }
        let xs = confident.filter { $0.classIndex == x }.map(\.seed), ys = confident.filter { $0.classIndex == y }.map(\.seed)
        guard xs.count >= ConceptBook.minimumSeeds, ys.count >= 2 * ConceptBook.minimumSeeds else {
            throw ConceptError("only \(xs.count) seeds judged \(names[x]) and \(ys.count) judged \(names[y]) with confidence >= \(minConfidence); need at least \(ConceptBook.minimumSeeds) and \(2 * ConceptBook.minimumSeeds). Search more seeds (--search) or lower --min-confidence.")
        }
        let (train, test) = (Array(ys.prefix(ys.count / 2)), Array(ys.dropFirst(ys.count / 2)))
        let d = Latent.add(Latent.mean(xs.map { sampler.sample(seed: $0) }), Latent.mean(train.map { sampler.sample(seed: $0) }), scale: -1)
        let direction = d.map { Float(Double($0) * scale) }
        let norm = Latent.norm(direction)
        let base = test.map { sampler.sample(seed: $0) }
        func shares(_ offset: [Float]) throws -> (toX: Double, stayY: Double) {
            let p = try judge.probabilities(latents: base.map { Latent.add($0, offset) })
            let k = names.count
            let labels = (0 ..< base.count).map { i in Judge.argmax(p[i * k ..< (i + 1) * k]) }
            return (Double(labels.filter { $0 == x }.count) / Double(base.count), Double(labels.filter { $0 == y }.count) / Double(base.count))
        }
        let moved = try shares(direction)
        var randomTo: [Double] = [], randomStay = 0.0
        for k in 0 ..< randomDirections {
            let s = try shares(randomDirection(k, dimension: sampler.dimension, norm: norm))
            randomTo.append(s.toX)
            randomStay += s.stayY / Double(randomDirections)
        }
        return Result(fromSeeds: train, toSeeds: xs, heldOut: test, direction: direction, norm: norm, flipped: moved.toX,
                      randomFlipped: randomTo, stayed: moved.stayY, randomStayed: randomStay)
    }
}
