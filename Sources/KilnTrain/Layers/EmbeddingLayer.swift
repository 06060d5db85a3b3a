/// Class embedding: row `label` of a [classes, dim] table, N(0, 1) at init. Labels are set with
/// `labels` before `forward` (whose input is ignored: it only carries the batch size).
public final class EmbeddingLayer<T: TrainScalar>: Layer {
    public let table: Parameter<T>
    public let classes, dim: Int
    public var labels: [Int] = []

    public init(name: String, classes: Int, dim: Int, rng: inout TrainRNG) {
        (self.classes, self.dim) = (classes, dim)
        table = Parameter(name: name + ".weight", shape: [classes, dim], value: (0 ..< classes * dim).map { _ in T(rng.normal()) })
    }

    public var parameters: [Parameter<T>] { [table] }

    @_specialize(where T == Float)
    public func forward(_ x: Tensor<T>, training: Bool) -> Tensor<T> {
        precondition(labels.count == x.shape[0], "Embedding: set one label per sample before forward")
        var y = [T](repeating: 0, count: labels.count * dim)
        for (i, l) in labels.enumerated() { for j in 0 ..< dim { y[i * dim + j] = table.value[l * dim + j] } }
        return Tensor(shape: [labels.count, dim], values: y)
    }

    @_specialize(where T == Float)
    public func backward(_ dy: Tensor<T>) -> Tensor<T> {
        for (i, l) in labels.enumerated() { for j in 0 ..< dim { table.grad[l * dim + j] += dy.values[i * dim + j] } }
        return Tensor(zeros: [labels.count, 0])
    }
}
