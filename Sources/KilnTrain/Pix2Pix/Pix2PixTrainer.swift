import Foundation
import KilnRuntime

/// pix2pix training (Isola et al. 2017): G translates sketches into images, D judges patches of
/// (sketch, image) pairs; G's loss is the non-saturating adversarial loss plus l1Weight times the
/// L1 distance to the real image, D's loss is halved (as in the paper, to slow D down).
///
/// Every random draw derives from (seed, step): the data order of an epoch from (seed, epoch), the
/// dropout masks of a step from (seed, step). A run resumed from a checkpoint therefore continues
/// exactly as the uninterrupted run would have.
public final class Pix2PixTrainer {
    public let config: Pix2PixConfig
    public let data: PairedDataset
    public let g: UNetGenerator<Float>
    public let d: PatchDiscriminator<Float>
    /// Threads the layers, Adam and the EMA may use.
    public let threads: Int
    var adamG: Adam
    var adamD: Adam
    public internal(set) var step = 0
    private var order: EpochOrder

    public struct Stats: Sendable {
        /// D's loss (both halves, before halving), G's adversarial loss and G's L1 distance.
        public var lossD, lossG, l1: Double
        /// Mean D(x, y) and D(x, G(x)) as probabilities (before the D update).
        public var dReal, dFake: Double
    }

    /// `threads`: what the layers, Adam and the EMA may use (the weights do not depend on it).
    public init(config: Pix2PixConfig, data: PairedDataset, threads: Int = 1) throws {
        self.threads = threads
        guard config.batchSize >= 2 else { throw DatasetError("--batch-size must be at least 2 (BatchNorm needs a batch).") }
        guard config.batchSize <= data.count else {
            throw DatasetError("the batch size \(config.batchSize) is larger than the dataset (\(data.count) pairs); use --batch-size \(data.count) or less.")
        }
        let shape = [data.images.channels, data.images.height, data.images.width]
        guard shape == config.imageShape else {
            throw DatasetError("\(config.architecture) translates \(config.imageShape) images but \(data.name) has \(shape).")
        }
        self.config = config
        order = EpochOrder(seed: config.seed, count: data.count, batchSize: config.batchSize)
        self.data = data
        var rng = TrainRNG(seed: mix(config.seed, 0x494E4954))  // "INIT"
        g = UNetGenerator(config: config, threads: threads, rng: &rng)
        d = PatchDiscriminator(config: config, threads: threads, rng: &rng)
        adamG = Adam(learningRate: config.learningRateG, beta1: config.beta1, beta2: config.beta2)
        adamD = Adam(learningRate: config.learningRateD, beta1: config.beta1, beta2: config.beta2)
    }

    public var stepsPerEpoch: Int { data.count / config.batchSize }
    public var epoch: Int { step / stepsPerEpoch }

    /// One D update and one G update on the next batch of pairs.
    public func trainStep() -> Stats {
        let indices = order.batch(step: step)
        let sketch: Tensor<Float> = data.sketches.batch(indices), real: Tensor<Float> = data.images.batch(indices)
        for (k, layer) in dropouts.enumerated() { layer.reseed(mix(mix(config.seed, UInt64(step)), 0x44524F50 &+ UInt64(k))) }  // "DROP"

        // D: maximize log D(x, y) + log(1 - D(x, G(x))), halved.
        for p in d.parameters { p.zeroGrad() }
        let realOut = d.forward(sketch: sketch, image: real, training: true)
        let (lossReal, gradReal) = Loss.bceWithLogits(realOut, target: 1)
        d.backwardParameters(Self.scaled(gradReal, 0.5))
        let fake = g.forward(sketch, training: true)
        let fakeOut = d.forward(sketch: sketch, image: fake, training: true)
        let (lossFake, gradFake) = Loss.bceWithLogits(fakeOut, target: 0)
        d.backwardParameters(Self.scaled(gradFake, 0.5))
        adamD.update(d.parameters, threads: threads)

        // G: maximize log D(x, G(x)) and minimize l1Weight * |G(x) - y|, through the updated D.
        for p in g.parameters { p.zeroGrad() }
        let out = d.forward(sketch: sketch, image: fake, training: true)
        let (lossG, gradG) = Loss.bceWithLogits(out, target: 1)
        var dImage = d.backward(gradG)
        let (l1, gradL1) = Loss.l1(fake, real)
        let lambda = Float(config.l1Weight)
        for i in dImage.values.indices { dImage.values[i] += lambda * gradL1.values[i] }
        g.backward(dImage)
        adamG.update(g.parameters, threads: threads)

        step += 1
        func meanSigmoid(_ t: Tensor<Float>) -> Double { t.values.reduce(0) { $0 + 1 / (1 + Foundation.exp(-Double($1))) } / Double(t.count) }
        return Stats(lossD: lossReal + lossFake, lossG: lossG, l1: l1, dReal: meanSigmoid(realOut), dFake: meanSigmoid(fakeOut))
    }

    private var dropouts: [DropoutLayer<Float>] { g.up.flatMap { $0.layers.compactMap { $0 as? DropoutLayer<Float> } } }

    private static func scaled(_ t: Tensor<Float>, _ s: Float) -> Tensor<Float> {
        Tensor(shape: t.shape, values: t.values.map { $0 * s })
    }

    /// Sets G's BatchNorm statistics for inference: 16 batches of 256 training sketches (fewer if
    /// the data is smaller) through G with batch statistics and dropout off, cumulative averages.
    /// (Training statistics were gathered with dropout on, which the exported model does not have.)
    public func recalibrate() {
        let bns = g.batchNorms
        let rate = config.dropout
        for layer in dropouts { layer.p = 0 }
        var rng = TrainRNG(seed: mix(config.seed, 0x4243_414C))  // "BCAL"
        let permutation = rng.permutation(data.count)
        let n = min(256, data.count)
        for k in 0 ..< min(16, data.count / n) {
            for bn in bns { bn.momentum = 1 / Float(k + 1) }
            _ = g.forward(data.sketches.batch(permutation[k * n ..< (k + 1) * n]), training: true)
        }
        for bn in bns { bn.momentum = 0.1 }
        for layer in dropouts { layer.p = rate }
    }
}
