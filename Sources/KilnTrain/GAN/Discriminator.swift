/// The DCGAN discriminator for 28x28 images: x [N, C, 28, 28] (plus, if conditional, one extra
/// plane: a learned 28x28 embedding of the class) -> Conv(C' -> w, k4 s2 p1) LeakyReLU 0.2 ->
/// Conv(w -> 2w, k4 s2 p1) BN LeakyReLU 0.2 -> Conv(2w -> 1, k7) -> one logit per image.
public final class Discriminator<T: TrainScalar> {
    public let embedding: EmbeddingLayer<T>?
    public let body: Sequential<T>
    let imageShape: [Int]

    /// `threads`: what its layers' GEMMs may use (the results do not depend on it).
    public init(config: GANConfig, threads: Int = 1, rng: inout TrainRNG) {
        let (w, c) = (config.discriminatorWidth, config.imageShape[0])
        imageShape = config.imageShape
        let plane = config.imageShape[1] * config.imageShape[2]
        embedding = config.conditional ? EmbeddingLayer(name: "d.embed", classes: config.classNames.count, dim: plane, rng: &rng) : nil
        body = Sequential<T>([
            Conv2dLayer(name: "d.conv1", inChannels: c + (config.conditional ? 1 : 0), outChannels: w, kernel: 4, stride: 2, padding: 1, bias: true, threads: threads, rng: &rng),
            ActivationLayer(.leakyReLU(0.2), threads: threads),
            Conv2dLayer(name: "d.conv2", inChannels: w, outChannels: 2 * w, kernel: 4, stride: 2, padding: 1, bias: false, threads: threads, rng: &rng),
            BatchNorm2dLayer(name: "d.bn2", channels: 2 * w, threads: threads),
            ActivationLayer(.leakyReLU(0.2), threads: threads),
            Conv2dLayer(name: "d.conv3", inChannels: 2 * w, outChannels: 1, kernel: 7, bias: true, threads: threads, rng: &rng),
        ])
    }

    public var parameters: [Parameter<T>] { (embedding?.parameters ?? []) + body.parameters }
    public var buffers: [Parameter<T>] { body.buffers }

    public func forward(_ x: Tensor<T>, labels: [Int], training: Bool) -> Tensor<T> {
        guard let embedding else { return body.forward(x, training: training) }
        embedding.labels = labels
        let planes = embedding.forward(x, training: training)
        let n = x.shape[0], per = x.perSample, plane = planes.perSample
        var v = [T](repeating: 0, count: n * (per + plane))
        for i in 0 ..< n {
            for j in 0 ..< per { v[i * (per + plane) + j] = x.values[i * per + j] }
            for j in 0 ..< plane { v[i * (per + plane) + per + j] = planes.values[i * plane + j] }
        }
        return body.forward(Tensor(shape: [n, imageShape[0] + 1, imageShape[1], imageShape[2]], values: v), training: training)
    }

    /// Backpropagates dL/d(logits); returns dL/d(images) (the generator's gradient).
    public func backward(_ dy: Tensor<T>) -> Tensor<T> {
        let dx = body.backward(dy)
        guard let embedding else { return dx }
        let (images, planes) = splitFeatures(dx.reshaped([dx.shape[0], dx.perSample]), first: imageShape.reduce(1, *))
        _ = embedding.backward(planes)
        return images.reshaped([dx.shape[0]] + imageShape)
    }

    /// Backpropagates into the parameters only (D's own step: its inputs are data); the
    /// conditional D still needs dL/d(input) for its label embedding.
    public func backwardParameters(_ dy: Tensor<T>) {
        if embedding == nil { body.backwardParameters(dy) } else { _ = backward(dy) }
    }
}
