/// A dense training tensor: row-major values with a shape, batch first for activations.
public struct Tensor<T: TrainScalar>: Sendable {
    public var shape: [Int]
    public var values: [T]

    public init(shape: [Int], values: [T]) {
        precondition(shape.reduce(1, *) == values.count, "shape \(shape) does not match \(values.count) values")
        self.shape = shape
        self.values = values
    }

    public init(zeros shape: [Int]) {
        self.init(shape: shape, values: [T](repeating: 0, count: shape.reduce(1, *)))
    }

    public var count: Int { values.count }
    /// Elements per sample (everything after the batch dimension).
    public var perSample: Int { values.count / max(shape[0], 1) }

    public func reshaped(_ shape: [Int]) -> Tensor {
        Tensor(shape: shape, values: values)
    }
}

/// A trainable parameter: value, gradient and Adam's moment estimates.
public final class Parameter<T: TrainScalar> {
    public let name: String
    public var shape: [Int]
    public var value: [T]
    public var grad: [T]
    var m: [T]
    var v: [T]

    public init(name: String, shape: [Int], value: [T]) {
        precondition(shape.reduce(1, *) == value.count)
        self.name = name
        self.shape = shape
        self.value = value
        grad = [T](repeating: 0, count: value.count)
        m = grad
        v = grad
    }

    /// A weight of `shape` drawn from N(0, 0.02), the DCGAN initialization.
    static func normal(_ name: String, shape: [Int], rng: inout TrainRNG) -> Parameter {
        Parameter(name: name, shape: shape, value: (0 ..< shape.reduce(1, *)).map { _ in T(rng.normal() * 0.02) })
    }

    /// A zero bias of `count` elements, or nil when the layer has none.
    static func zeroBias(_ name: String, count: Int, present: Bool) -> Parameter? {
        present ? Parameter(name: name, shape: [count], value: [T](repeating: 0, count: count)) : nil
    }

    public func zeroGrad() {
        grad.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
    }
}

/// Something with a forward and a backward pass. `forward` caches what `backward` needs;
/// `backward` takes dL/d(output), accumulates parameter gradients and returns dL/d(input).
public protocol Layer<T>: AnyObject {
    associatedtype T: TrainScalar
    func forward(_ x: Tensor<T>, training: Bool) -> Tensor<T>
    func backward(_ dy: Tensor<T>) -> Tensor<T>
    /// `backward` for a layer whose input needs no gradient (a discriminator's first layer when it
    /// trains on data): the same parameter gradients; layers that can skip dL/d(input) do.
    func backwardParameters(_ dy: Tensor<T>)
    var parameters: [Parameter<T>] { get }
    /// Non-trained state saved with the model (BatchNorm's running statistics).
    var buffers: [Parameter<T>] { get }
}

extension Layer {
    public func backwardParameters(_ dy: Tensor<T>) { _ = backward(dy) }
    public var parameters: [Parameter<T>] { [] }
    public var buffers: [Parameter<T>] { [] }
}
