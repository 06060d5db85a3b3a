/// Layers applied in order; Reshape steps are expressed with `ReshapeLayer`.
public final class Sequential<T: TrainScalar>: Layer {
    public let layers: [any Layer<T>]

    public init(_ layers: [any Layer<T>]) { self.layers = layers }

    @_specialize(where T == Float)
    public func forward(_ x: Tensor<T>, training: Bool) -> Tensor<T> {
        layers.reduce(x) { $1.forward($0, training: training) }
    }

    @_specialize(where T == Float)
    public func backward(_ dy: Tensor<T>) -> Tensor<T> {
        layers.reversed().reduce(dy) { $1.backward($0) }
    }

    /// The layers before the first one with parameters (a Reshape, say) need no gradient at all.
    @_specialize(where T == Float)
    public func backwardParameters(_ dy: Tensor<T>) {
        guard let first = layers.firstIndex(where: { !$0.parameters.isEmpty }) else { return }
        layers[first].backwardParameters(layers[(first + 1)...].reversed().reduce(dy) { $1.backward($0) })
    }

    public var parameters: [Parameter<T>] { layers.flatMap { $0.parameters } }
    public var buffers: [Parameter<T>] { layers.flatMap { $0.buffers } }
}

/// Gives each sample a new shape (the batch dimension stays).
public final class ReshapeLayer<T: TrainScalar>: Layer {
    public let perSample: [Int]
    private var inputShape: [Int] = []

    public init(_ perSample: [Int]) { self.perSample = perSample }

    @_specialize(where T == Float)
    public func forward(_ x: Tensor<T>, training: Bool) -> Tensor<T> {
        inputShape = x.shape
        return x.reshaped([x.shape[0]] + perSample)
    }

    @_specialize(where T == Float)
    public func backward(_ dy: Tensor<T>) -> Tensor<T> { dy.reshaped(inputShape) }
}
