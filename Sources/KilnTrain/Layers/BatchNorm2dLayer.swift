/// Batch normalization over axis 1 of [N, C, ...] (2-D and 1-D alike). Training: normalizes with
/// the batch's mean and biased variance and updates the running statistics (momentum 0.1,
/// unbiased variance, as PyTorch); inference: uses the running statistics. scale 1, bias 0 at init.
public final class BatchNorm2dLayer<T: TrainScalar>: Layer {
    public let scale, bias: Parameter<T>
    public let runningMean, runningVar: Parameter<T>
    public let epsilon: T
    /// Weight of the newest batch in the running statistics (0.1; `recalibrate` uses 1/(k+1)).
    public var momentum: T = 0.1
    private var xhat: [T] = []
    private var invStd: [T] = []
    private var shape: [Int] = []

    public init(name: String, channels: Int, epsilon: T = 1e-5) {
        scale = Parameter(name: name + ".weight", shape: [channels], value: [T](repeating: 1, count: channels))
        bias = Parameter(name: name + ".bias", shape: [channels], value: [T](repeating: 0, count: channels))
        runningMean = Parameter(name: name + ".running_mean", shape: [channels], value: [T](repeating: 0, count: channels))
        runningVar = Parameter(name: name + ".running_var", shape: [channels], value: [T](repeating: 1, count: channels))
        self.epsilon = epsilon
    }

    public var parameters: [Parameter<T>] { [scale, bias] }
    public var buffers: [Parameter<T>] { [runningMean, runningVar] }

    @_specialize(where T == Float)
    public func forward(_ x: Tensor<T>, training: Bool) -> Tensor<T> {
        let (n, c) = (x.shape[0], x.shape[1])
        let inner = x.count / (n * c), count = T(n * inner)
        shape = x.shape
        var y = x.values
        var normalized = [T](repeating: 0, count: training ? x.count : 0)
        var inv = [T](repeating: 0, count: c)
        x.values.withUnsafeBufferPointer { xs in
            y.withUnsafeMutableBufferPointer { ys in
                normalized.withUnsafeMutableBufferPointer { hs in
                    for ch in 0 ..< c {
                        var mean: T, variance: T
                        if training {
                            var s: T = 0
                            for i in 0 ..< n { let b = (i * c + ch) * inner; for j in b ..< b + inner { s += xs[j] } }
                            mean = s / count
                            var q: T = 0
                            for i in 0 ..< n { let b = (i * c + ch) * inner; for j in b ..< b + inner { let d = xs[j] - mean; q += d * d } }
                            variance = q / count
                            runningMean.value[ch] = (1 - momentum) * runningMean.value[ch] + momentum * mean
                            let unbiased = count > 1 ? q / (count - 1) : variance
                            runningVar.value[ch] = (1 - momentum) * runningVar.value[ch] + momentum * unbiased
                        } else {
                            (mean, variance) = (runningMean.value[ch], runningVar.value[ch])
                        }
                        let r = 1 / (variance + epsilon).squareRoot()
                        inv[ch] = r
                        let g = scale.value[ch], b = bias.value[ch]
                        for i in 0 ..< n {
                            let base = (i * c + ch) * inner
                            for j in base ..< base + inner {
                                let h = (xs[j] - mean) * r
                                if training { hs[j] = h }
                                ys[j] = h * g + b
                            }
                        }
                    }
                }
            }
        }
        xhat = normalized
        invStd = inv
        return Tensor(shape: x.shape, values: y)
    }

    /// dx = g * inv / count * (count * dy - sum(dy) - xhat * sum(dy * xhat)), per channel.
    @_specialize(where T == Float)
    public func backward(_ dy: Tensor<T>) -> Tensor<T> {
        precondition(!xhat.isEmpty, "BatchNorm2d backward needs a training-mode forward")
        let (n, c) = (shape[0], shape[1])
        let inner = dy.count / (n * c), count = T(n * inner)
        var dx = [T](repeating: 0, count: dy.count)
        dy.values.withUnsafeBufferPointer { ds in
            xhat.withUnsafeBufferPointer { hs in
                dx.withUnsafeMutableBufferPointer { out in
                    for ch in 0 ..< c {
                        var sumDy: T = 0, sumDyXhat: T = 0
                        for i in 0 ..< n {
                            let base = (i * c + ch) * inner
                            for j in base ..< base + inner { sumDy += ds[j]; sumDyXhat += ds[j] * hs[j] }
                        }
                        scale.grad[ch] += sumDyXhat
                        bias.grad[ch] += sumDy
                        let f = scale.value[ch] * invStd[ch] / count
                        for i in 0 ..< n {
                            let base = (i * c + ch) * inner
                            for j in base ..< base + inner { out[j] = f * (count * ds[j] - sumDy - hs[j] * sumDyXhat) }
                        }
                    }
                }
            }
        }
        return Tensor(shape: dy.shape, values: dx)
    }
}
