/// The PatchGAN discriminator of `pix2pix32`, w = discriminatorWidth: the sketch and the image
/// side by side as channels [N, 2C, 32, 32] -> Conv(2C -> w, k4 s2 p1) LReLU -> Conv(w -> 2w, k4
/// s2 p1) BN LReLU -> Conv(2w -> 1, k4 s1 p1) -> [N, 1, 7, 7]: one logit per overlapping 22x22
/// patch, each judging whether its patch of the image is real for its patch of the sketch.
public final class PatchDiscriminator<T: TrainScalar> {
    public let body: Sequential<T>

    /// `threads`: what its layers' GEMMs may use (the results do not depend on it).
    public init(config: Pix2PixConfig, threads: Int = 1, rng: inout TrainRNG) {
        let (w, c) = (config.discriminatorWidth, config.imageShape[0])
        body = Sequential<T>([
            Conv2dLayer(name: "d.conv1", inChannels: 2 * c, outChannels: w, kernel: 4, stride: 2, padding: 1, bias: true, threads: threads, rng: &rng),
            ActivationLayer(.leakyReLU(0.2), threads: threads),
            Conv2dLayer(name: "d.conv2", inChannels: w, outChannels: 2 * w, kernel: 4, stride: 2, padding: 1, bias: false, threads: threads, rng: &rng),
            BatchNorm2dLayer(name: "d.bn2", channels: 2 * w, threads: threads),
            ActivationLayer(.leakyReLU(0.2), threads: threads),
            Conv2dLayer(name: "d.conv3", inChannels: 2 * w, outChannels: 1, kernel: 4, stride: 1, padding: 1, bias: true, threads: threads, rng: &rng),
        ])
    }

    public var parameters: [Parameter<T>] { body.parameters }
    public var buffers: [Parameter<T>] { body.buffers }

    /// Patch logits for (sketch, image) pairs.
    @_specialize(where T == Float)
    public func forward(sketch: Tensor<T>, image: Tensor<T>, training: Bool) -> Tensor<T> {
        body.forward(concatChannels(sketch, image), training: training)
    }

    /// Backpropagates dL/d(logits); returns dL/d(image) (the generator's gradient).
    @_specialize(where T == Float)
    public func backward(_ dy: Tensor<T>) -> Tensor<T> {
        let dx = body.backward(dy)
        return splitChannels(dx, first: dx.shape[1] / 2).1
    }

    /// Backpropagates into the parameters only (D's own step: its inputs are data).
    @_specialize(where T == Float)
    public func backwardParameters(_ dy: Tensor<T>) { body.backwardParameters(dy) }
}
