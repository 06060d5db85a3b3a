/// Everything that defines a GAN training run. Stored (as JSON) in every checkpoint, so a resumed
/// run continues with the same settings and a checkpoint of another architecture is refused.
public struct GANConfig: Codable, Equatable, Sendable {
    public var architecture = "dcgan28"
    public var conditional = false
    public var latentDim = 100
    /// Width of the generator's last hidden layer (layers are 2w, w).
    public var generatorWidth = 128
    /// Width of the discriminator's first layer (layers are w, 2w).
    public var discriminatorWidth = 64
    public var batchSize = 64
    public var epochs = 2
    public var learningRateG = 2e-4
    public var learningRateD = 2e-4
    public var beta1 = 0.5
    public var beta2 = 0.999
    /// Target for real images is 1 - labelSmoothing (0.1 gives the common 0.9).
    public var labelSmoothing = 0.0
    /// EMA decay of the exported generator's weights (warmed up as min(decay, (1 + t) / (10 + t))).
    public var emaDecay = 0.999
    public var seed: UInt64 = 1
    /// Dataset name, image shape and classes (filled in from the data).
    public var dataset = ""
    public var imageShape = [1, 28, 28]
    public var classNames: [String] = []

    public init() {}

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
