/// Element-wise activations: ReLU, LeakyReLU(alpha), Tanh, Sigmoid. Backward uses the cached
/// input (ReLU, LeakyReLU) or output (Tanh: 1 - y^2, Sigmoid: y (1 - y)).
public final class ActivationLayer<T: TrainScalar>: Layer {
    public enum Kind: Equatable, Sendable {
        case relu
        case leakyReLU(Double)
        case tanh
        case sigmoid
    }

    public let kind: Kind
    private var cache: [T] = []

    public init(_ kind: Kind) { self.kind = kind }

    /// One pass from x into a fresh output; the comparisons select between values already loaded
    /// rather than branch, so the loops vectorize (a NaN passes through, as it does in PyTorch).
    @_specialize(where T == Float)
    public func forward(_ x: Tensor<T>, training: Bool) -> Tensor<T> {
        var y: [T] = []
        resizeUninitialized(&y, to: x.count)
        x.values.withUnsafeBufferPointer { xs in
            y.withUnsafeMutableBufferPointer { ys in
                switch kind {
                case .relu: for i in xs.indices { ys[i] = xs[i] < 0 ? 0 : xs[i] }
                case let .leakyReLU(a): let a = T(a); for i in xs.indices { ys[i] = xs[i] < 0 ? xs[i] * a : xs[i] }
                case .tanh: for i in xs.indices { ys[i] = T.tanh(xs[i]) }
                case .sigmoid: for i in xs.indices { ys[i] = 1 / (1 + T.exp(-xs[i])) }
                }
            }
        }
        cache = (kind == .tanh || kind == .sigmoid) ? y : x.values
        return Tensor(shape: x.shape, values: y)
    }

    @_specialize(where T == Float)
    public func backward(_ dy: Tensor<T>) -> Tensor<T> {
        var dx: [T] = []
        resizeUninitialized(&dx, to: dy.count)
        cache.withUnsafeBufferPointer { c in
            dy.values.withUnsafeBufferPointer { d in
                dx.withUnsafeMutableBufferPointer { dx in
                    switch kind {
                    case .relu: for i in dx.indices { let g = d[i]; dx[i] = c[i] < 0 ? 0 : g }
                    case let .leakyReLU(a): let a = T(a); for i in dx.indices { let g = d[i]; dx[i] = c[i] < 0 ? g * a : g }
                    case .tanh: for i in dx.indices { dx[i] = d[i] * (1 - c[i] * c[i]) }
                    case .sigmoid: for i in dx.indices { dx[i] = d[i] * (c[i] * (1 - c[i])) }
                    }
                }
            }
        }
        return Tensor(shape: dy.shape, values: dx)
    }
}
