/// The pix2pix U-Net for 32x32 images (`pix2pix32`), w = generatorWidth:
///
///     down  e1 Conv(C -> w)    LReLU          32 -> 16      (every Conv k4 s2 p1, every ConvT
///           e2 Conv(w -> 2w)   BN LReLU       16 -> 8        k4 s2 p1; LReLU slope 0.2;
///           e3 Conv(2w -> 4w)  BN LReLU        8 -> 4        no biases before BN)
///           e4 Conv(4w -> 4w)  BN LReLU        4 -> 2
///           e5 Conv(4w -> 4w)  ReLU            2 -> 1       (the bottleneck)
///     up    u5 ConvT(4w -> 4w) BN Dropout ReLU 1 -> 2, ++ e4
///           u4 ConvT(8w -> 4w) BN Dropout ReLU 2 -> 4, ++ e3
///           u3 ConvT(8w -> 2w) BN ReLU         4 -> 8, ++ e2
///           u2 ConvT(4w -> w)  BN ReLU         8 -> 16, ++ e1
///           u1 ConvT(2w -> C)  Tanh           16 -> 32
///
/// `++` is concatenation along the channels. Dropout (training only) is the noise source, as in
/// the paper; the exported generator is deterministic.
public final class UNetGenerator<T: TrainScalar> {
    public let down: [Sequential<T>]
    /// Innermost first (u5 ... u1).
    public let up: [Sequential<T>]

    /// `threads`: what its layers' GEMMs may use (the results do not depend on it).
    public init(config: Pix2PixConfig, threads: Int = 1, rng: inout TrainRNG) {
        let (w, c) = (config.generatorWidth, config.imageShape[0])
        func conv(_ name: String, _ i: Int, _ o: Int, bias: Bool, rng: inout TrainRNG) -> Conv2dLayer<T> {
            Conv2dLayer(name: name, inChannels: i, outChannels: o, kernel: 4, stride: 2, padding: 1, bias: bias, threads: threads, rng: &rng)
        }
        func convT(_ name: String, _ i: Int, _ o: Int, bias: Bool, rng: inout TrainRNG) -> ConvTranspose2dLayer<T> {
            ConvTranspose2dLayer(name: name, inChannels: i, outChannels: o, kernel: 4, stride: 2, padding: 1, bias: bias, threads: threads, rng: &rng)
        }
        let lrelu = ActivationLayer<T>.Kind.leakyReLU(0.2)
        var blocks: [Sequential<T>] = [Sequential([conv("g.e1", c, w, bias: true, rng: &rng), ActivationLayer(lrelu, threads: threads)])]
        for (k, (i, o)) in [(w, 2 * w), (2 * w, 4 * w), (4 * w, 4 * w)].enumerated() {
            blocks.append(Sequential([conv("g.e\(k + 2)", i, o, bias: false, rng: &rng), BatchNorm2dLayer(name: "g.e\(k + 2).bn", channels: o), ActivationLayer(lrelu, threads: threads)]))
        }
        blocks.append(Sequential([conv("g.e5", 4 * w, 4 * w, bias: true, rng: &rng), ActivationLayer(.relu, threads: threads)]))
        down = blocks
        var ups: [Sequential<T>] = []
        for (k, (i, o)) in [(4 * w, 4 * w), (8 * w, 4 * w), (8 * w, 2 * w), (4 * w, w)].enumerated() {
            let name = "g.u\(5 - k)"
            var layers: [any Layer<T>] = [convT(name, i, o, bias: false, rng: &rng), BatchNorm2dLayer(name: name + ".bn", channels: o, threads: threads)]
            if k < 2 { layers.append(DropoutLayer(p: config.dropout, seed: 0)) }
            layers.append(ActivationLayer(.relu, threads: threads))
            ups.append(Sequential(layers))
        }
        ups.append(Sequential([convT("g.u1", 2 * w, c, bias: true, rng: &rng), ActivationLayer(.tanh, threads: threads)]))
        up = ups
    }

    public var parameters: [Parameter<T>] { (down + up).flatMap(\.parameters) }
    public var buffers: [Parameter<T>] { (down + up).flatMap(\.buffers) }
    public var batchNorms: [BatchNorm2dLayer<T>] { (down + up).flatMap { $0.layers.compactMap { $0 as? BatchNorm2dLayer<T> } } }

    /// The skip that joins up block `k`'s output (innermost first): e4 for u5, ..., e1 for u2.
    func skip(ofUp k: Int) -> Int? { k < up.count - 1 ? down.count - 2 - k : nil }

    @_specialize(where T == Float)
    public func forward(_ x: Tensor<T>, training: Bool) -> Tensor<T> {
        var skips: [Tensor<T>] = []
        var h = x
        for block in down {
            h = block.forward(h, training: training)
            skips.append(h)
        }
        for (k, block) in up.enumerated() {
            h = block.forward(h, training: training)
            if let j = skip(ofUp: k) { h = concatChannels(h, skips[j]) }
        }
        return h
    }

    /// Backpropagates dL/d(output) into the parameters' gradients.
    @_specialize(where T == Float)
    public func backward(_ dy: Tensor<T>) {
        var skipGrads = [Tensor<T>?](repeating: nil, count: down.count)
        var d = dy
        for k in up.indices.reversed() {
            if let j = skip(ofUp: k) {
                let (dh, ds) = splitChannels(d, first: d.shape[1] - skipChannels(j))
                skipGrads[j] = ds
                d = dh
            }
            d = up[k].backward(d)
        }
        for j in down.indices.reversed() {
            if let s = skipGrads[j] {
                d.values.withUnsafeMutableBufferPointer { dv in for i in dv.indices { dv[i] += s.values[i] } }
            }
            d = down[j].backward(d)
        }
    }

    private func skipChannels(_ j: Int) -> Int {
        down[j].layers.compactMap { $0 as? Conv2dLayer<T> }[0].shape.outChannels
    }
}
