/// Fully connected: y = x W^T + b. Input [N, K] (any shape with K elements per sample is
/// flattened), weight [M, K] (PyTorch Linear layout), N(0, 0.02) at init; optional bias [M].
public final class DenseLayer<T: TrainScalar>: Layer {
    public let weight: Parameter<T>
    public let bias: Parameter<T>?
    public let inFeatures, outFeatures: Int
    private var input: [T] = []
    private var inputShape: [Int] = []

    /// Threads its GEMMs use (the results do not depend on it).
    public let threads: Int

    public init(name: String, inFeatures: Int, outFeatures: Int, bias: Bool = true, threads: Int = 1, rng: inout TrainRNG) {
        self.threads = threads
        (self.inFeatures, self.outFeatures) = (inFeatures, outFeatures)
        weight = .normal(name + ".weight", shape: [outFeatures, inFeatures], rng: &rng)
        self.bias = .zeroBias(name + ".bias", count: outFeatures, present: bias)
    }

    public var parameters: [Parameter<T>] { [weight] + (bias.map { [$0] } ?? []) }

    @_specialize(where T == Float)
    public func forward(_ x: Tensor<T>, training: Bool) -> Tensor<T> {
        let n = x.shape[0]
        precondition(x.perSample == inFeatures, "Dense expects \(inFeatures) features, got \(x.shape)")
        input = x.values
        inputShape = x.shape
        var y = [T](repeating: 0, count: n * outFeatures)
        if let bias { for i in 0 ..< n { for m in 0 ..< outFeatures { y[i * outFeatures + m] = bias.value[m] } } }
        T.gemm(transposeA: false, transposeB: true, m: n, n: outFeatures, k: inFeatures,
               a: x.values, lda: inFeatures, b: weight.value, ldb: inFeatures, c: &y, ldc: outFeatures, accumulate: bias != nil, threads: threads)
        return Tensor(shape: [n, outFeatures], values: y)
    }

    @_specialize(where T == Float)
    public func backward(_ dy: Tensor<T>) -> Tensor<T> {
        let n = dy.shape[0]
        T.gemm(transposeA: true, transposeB: false, m: outFeatures, n: inFeatures, k: n,
               a: dy.values, lda: outFeatures, b: input, ldb: inFeatures, c: &weight.grad, ldc: inFeatures, accumulate: true, threads: threads)
        if let bias { for i in 0 ..< n { for m in 0 ..< outFeatures { bias.grad[m] += dy.values[i * outFeatures + m] } } }
        var dx = [T](repeating: 0, count: n * inFeatures)
        T.gemm(transposeA: false, transposeB: false, m: n, n: inFeatures, k: outFeatures,
               a: dy.values, lda: outFeatures, b: weight.value, ldb: inFeatures, c: &dx, ldc: inFeatures, accumulate: false, threads: threads)
        return Tensor(shape: inputShape, values: dx)
    }
}
