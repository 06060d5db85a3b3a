/// The DCGAN generator for 28x28 images (`dcgan28`): z [N, nz] (plus, if conditional, a class
/// embedding concatenated to it) -> [nz', 1, 1] -> ConvT(nz' -> 2w, k7) BN ReLU -> ConvT(2w -> w,
/// k4 s2 p1) BN ReLU -> ConvT(w -> C, k4 s2 p1) Tanh -> [N, C, 28, 28]. No biases before BN.
public final class Generator<T: TrainScalar> {
    public let embedding: EmbeddingLayer<T>?
    public let body: Sequential<T>
    public let latentDim: Int

    /// `threads`: what its layers' GEMMs may use (the results do not depend on it).
    public init(config: GANConfig, threads: Int = 1, rng: inout TrainRNG) {
        let (nz, w, c) = (config.latentDim, config.generatorWidth, config.imageShape[0])
        latentDim = nz
        let classes = config.classNames.count
        embedding = config.conditional ? EmbeddingLayer(name: "g.embed", classes: classes, dim: classes, rng: &rng) : nil
        let input = nz + (config.conditional ? classes : 0)
        body = Sequential<T>([
            ReshapeLayer([input, 1, 1]),
            ConvTranspose2dLayer(name: "g.convt1", inChannels: input, outChannels: 2 * w, kernel: 7, bias: false, threads: threads, rng: &rng),
            BatchNorm2dLayer(name: "g.bn1", channels: 2 * w, threads: threads),
            ActivationLayer(.relu, threads: threads),
            ConvTranspose2dLayer(name: "g.convt2", inChannels: 2 * w, outChannels: w, kernel: 4, stride: 2, padding: 1, bias: false, threads: threads, rng: &rng),
            BatchNorm2dLayer(name: "g.bn2", channels: w, threads: threads),
            ActivationLayer(.relu, threads: threads),
            ConvTranspose2dLayer(name: "g.convt3", inChannels: w, outChannels: c, kernel: 4, stride: 2, padding: 1, bias: true, threads: threads, rng: &rng),
            ActivationLayer(.tanh, threads: threads),
        ])
    }

    public var parameters: [Parameter<T>] { (embedding?.parameters ?? []) + body.parameters }
    public var buffers: [Parameter<T>] { body.buffers }

    @_specialize(where T == Float)
    public func forward(_ z: Tensor<T>, labels: [Int], training: Bool) -> Tensor<T> {
        guard let embedding else { return body.forward(z, training: training) }
        embedding.labels = labels
        return body.forward(concatFeatures(z, embedding.forward(z, training: training)), training: training)
    }

    /// Backpropagates dL/d(images) into the parameters' gradients.
    @_specialize(where T == Float)
    public func backward(_ dy: Tensor<T>) {
        guard let embedding else { return body.backwardParameters(dy) }  // z needs no gradient
        _ = embedding.backward(splitFeatures(body.backward(dy), first: latentDim).1)
    }
}

/// [N, a] ++ [N, b] -> [N, a + b].
@_specialize(where T == Float)
func concatFeatures<T: TrainScalar>(_ x: Tensor<T>, _ y: Tensor<T>) -> Tensor<T> {
    let (n, a, b) = (x.shape[0], x.perSample, y.perSample)
    var v = [T](repeating: 0, count: n * (a + b))
    for i in 0 ..< n {
        for j in 0 ..< a { v[i * (a + b) + j] = x.values[i * a + j] }
        for j in 0 ..< b { v[i * (a + b) + a + j] = y.values[i * b + j] }
    }
    return Tensor(shape: [n, a + b], values: v)
}

/// The inverse of `concatFeatures`, for gradients.
@_specialize(where T == Float)
func splitFeatures<T: TrainScalar>(_ x: Tensor<T>, first a: Int) -> (Tensor<T>, Tensor<T>) {
    let (n, total) = (x.shape[0], x.perSample)
    let b = total - a
    var l = [T](repeating: 0, count: n * a), r = [T](repeating: 0, count: n * b)
    for i in 0 ..< n {
        for j in 0 ..< a { l[i * a + j] = x.values[i * total + j] }
        for j in 0 ..< b { r[i * b + j] = x.values[i * total + a + j] }
    }
    return (Tensor(shape: [n, a], values: l), Tensor(shape: [n, b], values: r))
}
