/// Everything that defines a pix2pix training run. Stored (as JSON) in every checkpoint, so a
/// resumed run continues with the same settings and a checkpoint of another run is refused.
public struct Pix2PixConfig: Codable, Equatable, Sendable {
    public var architecture = "pix2pix32"
    /// Channels of the U-Net's first block (blocks have w, 2w, 4w, 4w, 4w).
    public var generatorWidth: Int
    /// Channels of the PatchGAN's first layer (layers have w, 2w, 1).
    public var discriminatorWidth: Int
    public var batchSize: Int
    public var epochs: Int
    public var learningRateG, learningRateD: Double
    public var beta1, beta2: Double
    /// Weight of the L1 distance to the real image in G's loss (lambda; 100 in the paper).
    public var l1Weight: Double
    /// Dropout probability in the two innermost up blocks (training only; the exported model has none).
    public var dropout: Double
    public var seed: UInt64
    /// Dataset name and image shape [C, H, W] of sketches and images (filled in from the data).
    public var dataset: String
    public var imageShape: [Int]

    /// The pix2pix recipe's settings (Isola et al. 2017), or those given.
    public init(generatorWidth: Int = 32, discriminatorWidth: Int = 64, batchSize: Int = 64, epochs: Int = 2,
                learningRateG: Double = 2e-4, learningRateD: Double = 2e-4, beta1: Double = 0.5, beta2: Double = 0.999,
                l1Weight: Double = 100, dropout: Double = 0.5, seed: UInt64 = 1, dataset: String = "", imageShape: [Int] = [1, 32, 32]) {
        (self.generatorWidth, self.discriminatorWidth, self.batchSize, self.epochs) = (generatorWidth, discriminatorWidth, batchSize, epochs)
        (self.learningRateG, self.learningRateD, self.beta1, self.beta2) = (learningRateG, learningRateD, beta1, beta2)
        (self.l1Weight, self.dropout, self.seed, self.dataset, self.imageShape) = (l1Weight, dropout, seed, dataset, imageShape)
    }

    /// The settings a resumed run must share with its checkpoint: all but the number of epochs and
    /// the learning rates.
    public func compatible(with other: Pix2PixConfig) -> Bool {
        func fixed(_ c: Pix2PixConfig) -> Pix2PixConfig {
            var c = c
            (c.epochs, c.learningRateG, c.learningRateD) = (0, 0, 0)
            return c
        }
        return fixed(self) == fixed(other)
    }
}
