/// Everything that defines a GAN training run. Stored (as JSON) in every checkpoint, so a resumed
/// run continues with the same settings and a checkpoint of another architecture is refused.
public struct GANConfig: Codable, Equatable, Sendable {
    public var architecture: String
    public var conditional: Bool
    public var latentDim: Int
    /// Width of the generator's last hidden layer (layers are 2w, w).
    public var generatorWidth: Int
    /// Width of the discriminator's first layer (layers are w, 2w).
    public var discriminatorWidth: Int
    public var batchSize: Int
    public var epochs: Int
    public var learningRateG, learningRateD: Double
    public var beta1, beta2: Double
    /// Target for real images is 1 - labelSmoothing (0.1 gives the common 0.9).
    public var labelSmoothing: Double
    /// EMA decay per step of the exported generator's weights (warmed up as min(decay, (1 + t) /
    /// (10 + t))). The default 0.966 halves a step's weight in 20 steps (1,280 images at batch 64).
    public var emaDecay: Double
    public var seed: UInt64
    /// Dataset name, image shape and classes (filled in from the data).
    public var dataset: String
    public var imageShape: [Int]
    public var classNames: [String]

    /// The DCGAN recipe's settings, or those given.
    public init(architecture: String = "dcgan28", conditional: Bool = false, latentDim: Int = 100, generatorWidth: Int = 128,
                discriminatorWidth: Int = 64, batchSize: Int = 64, epochs: Int = 2, learningRateG: Double = 2e-4,
                learningRateD: Double = 2e-4, beta1: Double = 0.5, beta2: Double = 0.999, labelSmoothing: Double = 0,
                emaDecay: Double = 0.966, seed: UInt64 = 1, dataset: String = "", imageShape: [Int] = [1, 28, 28],
                classNames: [String] = []) {
        (self.architecture, self.conditional, self.latentDim) = (architecture, conditional, latentDim)
        (self.generatorWidth, self.discriminatorWidth, self.batchSize, self.epochs) = (generatorWidth, discriminatorWidth, batchSize, epochs)
        (self.learningRateG, self.learningRateD, self.beta1, self.beta2) = (learningRateG, learningRateD, beta1, beta2)
        (self.labelSmoothing, self.emaDecay, self.seed) = (labelSmoothing, emaDecay, seed)
        (self.dataset, self.imageShape, self.classNames) = (dataset, imageShape, classNames)
    }

    /// The settings a resumed run must share with its checkpoint: all but the number of epochs,
    /// the learning rates and label smoothing, which may change between runs (to continue a
    /// diverged run more gently, say).
    public func compatible(with other: GANConfig) -> Bool {
        func fixed(_ c: GANConfig) -> GANConfig {
            var c = c
            (c.epochs, c.learningRateG, c.learningRateD, c.labelSmoothing) = (0, 0, 0, 0)
            return c
        }
        return fixed(self) == fixed(other)
    }
}
