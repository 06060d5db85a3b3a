import Foundation
import KilnRuntime

/// Adversarial training of a DCGAN (non-saturating loss, one D step per G step) with an
/// exponential moving average of the generator's weights.
///
/// Every random draw derives from (seed, step): the data order of an epoch from (seed, epoch), the
/// noise and fake labels of a step from (seed, step). A run resumed from a checkpoint therefore
/// continues exactly as the uninterrupted run would have.
public final class GANTrainer {
    public let config: GANConfig
    public let dataset: Dataset
    public let g: Generator<Float>
    public let d: Discriminator<Float>
    /// The EMA of g's parameters; its BatchNorm statistics are set by `recalibratedEMA()`.
    public let ema: Generator<Float>
    /// Threads the layers, Adam and the EMA may use.
    public let threads: Int
    var adamG: Adam
    var adamD: Adam
    public internal(set) var step = 0
    private var order: EpochOrder

    public struct Stats: Sendable {
        public var lossD, lossG: Double
        /// Mean D(x) and D(G(z)) as probabilities (before the D update).
        public var dReal, dFake: Double
    }

    /// `threads`: what the layers, Adam and the EMA may use (the weights do not depend on it).
    public init(config: GANConfig, dataset: Dataset, threads: Int = 1) throws {
        self.threads = threads
        guard config.batchSize >= 2 else { throw DatasetError("--batch-size must be at least 2 (BatchNorm needs a batch).") }
        guard config.batchSize <= dataset.count else {
            throw DatasetError("the batch size \(config.batchSize) is larger than the dataset (\(dataset.count) images); use --batch-size \(dataset.count) or less.")
        }
        guard !config.conditional || !dataset.labels.isEmpty else {
            throw DatasetError("--conditional needs class labels, and \(dataset.name) has none (put the images in one subfolder per class).")
        }
        guard [dataset.channels, dataset.height, dataset.width] == config.imageShape else {
            throw DatasetError("\(config.architecture) makes \(config.imageShape) images but \(dataset.name) has \([dataset.channels, dataset.height, dataset.width]).")
        }
        self.config = config
        order = EpochOrder(seed: config.seed, count: dataset.count, batchSize: config.batchSize)
        self.dataset = dataset
        var rng = TrainRNG(seed: mix(config.seed, 0x494E4954))  // "INIT"
        g = Generator(config: config, threads: threads, rng: &rng)
        d = Discriminator(config: config, threads: threads, rng: &rng)
        ema = Generator(config: config, threads: threads, rng: &rng)
        for (e, p) in zip(ema.parameters, g.parameters) { e.value = p.value }
        adamG = Adam(learningRate: config.learningRateG, beta1: config.beta1, beta2: config.beta2)
        adamD = Adam(learningRate: config.learningRateD, beta1: config.beta1, beta2: config.beta2)
    }

    public var stepsPerEpoch: Int { dataset.count / config.batchSize }
    public var epoch: Int { step / stepsPerEpoch }

    /// One D update and one G update on the next batch.
    public func trainStep() -> Stats {
        let bs = config.batchSize
        let indices = order.batch(step: step)
        let real: Tensor<Float> = dataset.batch(indices)
        let realLabels = config.conditional ? indices.map { dataset.labels[$0] } : []
        var rng = TrainRNG(seed: mix(config.seed, UInt64(step)))
        let z = Tensor<Float>(shape: [bs, config.latentDim], values: (0 ..< bs * config.latentDim).map { _ in Float(rng.normal()) })
        let fakeLabels = config.conditional ? (0 ..< bs).map { _ in rng.below(config.classNames.count) } : []

        // D: maximize log D(x) + log(1 - D(G(z))).
        for p in d.parameters { p.zeroGrad() }
        let realOut = d.forward(real, labels: realLabels, training: true)
        let (lossReal, gradReal) = Loss.bceWithLogits(realOut, target: Float(1 - config.labelSmoothing))
        d.backwardParameters(gradReal)
        let fake = g.forward(z, labels: fakeLabels, training: true)
        let fakeOut = d.forward(fake, labels: fakeLabels, training: true)
        let (lossFake, gradFake) = Loss.bceWithLogits(fakeOut, target: 0)
        d.backwardParameters(gradFake)
        adamD.update(d.parameters, threads: threads)

        // G: maximize log D(G(z)) (the non-saturating loss), through the updated D.
        for p in g.parameters { p.zeroGrad() }
        let out = d.forward(fake, labels: fakeLabels, training: true)
        let (lossG, gradG) = Loss.bceWithLogits(out, target: 1)
        g.backward(d.backward(gradG))
        adamG.update(g.parameters, threads: threads)

        let decay = Float(min(config.emaDecay, Double(1 + step) / Double(10 + step)))
        for (e, p) in zip(ema.parameters, g.parameters) {
            forEachRange(p.value.count, threads: threads, grain: elementwiseGrain, reading: p.value, writing: &e.value) { range, w, avg in
                for i in range { avg[i] = decay * avg[i] + (1 - decay) * w[i] }
            }
        }
        step += 1
        func meanSigmoid(_ t: Tensor<Float>) -> Double { t.values.reduce(0) { $0 + 1 / (1 + Foundation.exp(-Double($1))) } / Double(t.count) }
        return Stats(lossD: lossReal + lossFake, lossG: lossG, dReal: meanSigmoid(realOut), dFake: meanSigmoid(fakeOut))
    }

    /// Sets the EMA generator's BatchNorm statistics from 16 batches of 256 of its own samples
    /// (cumulative averages; the EMA weights never had statistics of their own).
    public func recalibrateEMA() {
        let bns = ema.body.layers.compactMap { $0 as? BatchNorm2dLayer<Float> }
        var rng = TrainRNG(seed: mix(config.seed, 0x4243_414C))  // "BCAL"
        for k in 0 ..< 16 {
            for bn in bns { bn.momentum = 1 / Float(k + 1) }
            let z = Tensor<Float>(shape: [256, config.latentDim], values: (0 ..< 256 * config.latentDim).map { _ in Float(rng.normal()) })
            let labels = config.conditional ? (0 ..< 256).map { $0 % config.classNames.count } : []
            _ = ema.forward(z, labels: labels, training: true)
        }
        for bn in bns { bn.momentum = 0.1 }
    }
}

/// A 64-bit seed for stream `b` of run seed `a`.
func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
    var s = SplitMix64(state: a ^ (b &* 0xD1B5_4A32_D192_ED03))
    return s.next()
}
