/// Element-wise activations: ReLU, LeakyReLU(alpha), Tanh, Sigmoid. Backward uses the cached
/// input (ReLU, LeakyReLU) or output (Tanh: 1 - y^2, Sigmoid: y (1 - y)). Up to `threads` threads
/// take contiguous ranges of a large tensor (element-wise: the same values for any thread count).
public final class ActivationLayer<T: TrainScalar>: Layer {
    public enum Kind: Equatable, Sendable {
        case relu
        case leakyReLU(Double)
        case tanh
        case sigmoid
    }

    public let kind: Kind
    public let threads: Int
    private var cache: [T] = []

    public init(_ kind: Kind, threads: Int = 1) { (self.kind, self.threads) = (kind, threads) }

    /// One pass from x into a fresh output; the comparisons select between values already loaded
    /// rather than branch, so the loops vectorize (a NaN passes through, as it does in PyTorch).
    @_specialize(where T == Float)
    public func forward(_ x: Tensor<T>, training: Bool) -> Tensor<T> {
        var y: [T] = []
        resizeUninitialized(&y, to: x.count)
        let kind = self.kind
        forEachRange(x.count, threads: threads, grain: elementwiseGrain, reading: x.values, writing: &y) { range, xs, ys in
            switch kind {
            case .relu: for i in range { ys[i] = xs[i] < 0 ? 0 : xs[i] }
            case let .leakyReLU(a): let a = T(a); for i in range { ys[i] = xs[i] < 0 ? xs[i] * a : xs[i] }
            case .tanh: for i in range { ys[i] = T.tanh(xs[i]) }
            case .sigmoid: for i in range { ys[i] = 1 / (1 + T.exp(-xs[i])) }
            }
        }
        cache = (kind == .tanh || kind == .sigmoid) ? y : x.values
        return Tensor(shape: x.shape, values: y)
    }

    @_specialize(where T == Float)
    public func backward(_ dy: Tensor<T>) -> Tensor<T> {
        var dx: [T] = []
        resizeUninitialized(&dx, to: dy.count)
        let kind = self.kind
        cache.withUnsafeBufferPointer { cached in
            let c = SendablePointer(cached.baseAddress!)
            forEachRange(dy.count, threads: threads, grain: elementwiseGrain, reading: dy.values, writing: &dx) { range, d, dx in
                switch kind {
                case .relu: for i in range { let g = d[i]; dx[i] = c.base[i] < 0 ? 0 : g }
                case let .leakyReLU(a): let a = T(a); for i in range { let g = d[i]; dx[i] = c.base[i] < 0 ? g * a : g }
                case .tanh: for i in range { dx[i] = d[i] * (1 - c.base[i] * c.base[i]) }
                case .sigmoid: for i in range { dx[i] = d[i] * (c.base[i] * (1 - c.base[i])) }
                }
            }
        }
        return Tensor(shape: dy.shape, values: dx)
    }
}
