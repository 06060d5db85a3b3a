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

    @_specialize(where T == Float)
    public func forward(_ x: Tensor<T>, training: Bool) -> Tensor<T> {
        var y = x.values
        y.withUnsafeMutableBufferPointer { y in
            switch kind {
            case .relu: for i in y.indices where y[i] < 0 { y[i] = 0 }
            case let .leakyReLU(a): let a = T(a); for i in y.indices where y[i] < 0 { y[i] *= a }
            case .tanh: for i in y.indices { y[i] = T.tanh(y[i]) }
            case .sigmoid: for i in y.indices { y[i] = 1 / (1 + T.exp(-y[i])) }
            }
        }
        cache = (kind == .tanh || kind == .sigmoid) ? y : x.values
        return Tensor(shape: x.shape, values: y)
    }

    @_specialize(where T == Float)
    public func backward(_ dy: Tensor<T>) -> Tensor<T> {
        var dx = dy.values
        cache.withUnsafeBufferPointer { c in
            dx.withUnsafeMutableBufferPointer { dx in
                switch kind {
                case .relu: for i in dx.indices where c[i] < 0 { dx[i] = 0 }
                case let .leakyReLU(a): let a = T(a); for i in dx.indices where c[i] < 0 { dx[i] *= a }
                case .tanh: for i in dx.indices { dx[i] *= 1 - c[i] * c[i] }
                case .sigmoid: for i in dx.indices { dx[i] *= c[i] * (1 - c[i]) }
                }
            }
        }
        return Tensor(shape: dy.shape, values: dx)
    }
}
