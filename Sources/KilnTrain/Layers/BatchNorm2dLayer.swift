/// Batch normalization over axis 1 of [N, C, ...] (2-D and 1-D alike). Training: normalizes with
/// the batch's mean and biased variance and updates the running statistics (momentum 0.1,
/// unbiased variance, as PyTorch); inference: uses the running statistics. scale 1, bias 0 at init.
/// Up to `threads` threads take whole channels, each summed in the same order as on one, so the
/// values do not depend on the thread count; the normalized input is kept for backward in storage
/// reused from step to step.
public final class BatchNorm2dLayer<T: TrainScalar>: Layer {
    public let scale, bias: Parameter<T>
    public let runningMean, runningVar: Parameter<T>
    public let epsilon: T
    /// Weight of the newest batch in the running statistics (0.1; `recalibrate` uses 1/(k+1)).
    public var momentum: T = 0.1
    private var xhat: [T] = []
    private var invStd: [T] = []
    private var shape: [Int] = []

    public let threads: Int

    public init(name: String, channels: Int, epsilon: T = 1e-5, threads: Int = 1) {
        self.threads = threads
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
        let (momentum, epsilon) = (self.momentum, self.epsilon)
        shape = x.shape
        var y: [T] = []
        resizeUninitialized(&y, to: x.count)
        resizeUninitialized(&xhat, to: training ? x.count : 0)
        resizeUninitialized(&invStd, to: c)
        // Inference keeps no normalized input: h goes to y's element, then y overwrites it.
        withChannels { p in
            withPointers(x.values, &y, &xhat, alias: !training) { xs, ys, hs in
                forEachRange(c, threads: threads) { channels in
                    for ch in channels {
                        var mean: T, variance: T
                        if training {
                            let runs = Runs(first: ch * inner, count: n, length: inner, stride: c * inner)
                            let x = xs.base
                            mean = runs.sum({ x.load8($0) }, { x[$0] }) / count
                            let q = runs.sum({ let d = x.load8($0) - mean; return d * d }, { let d = x[$0] - mean; return d * d })
                            variance = q / count
                            p.runningMean[ch] = (1 - momentum) * p.runningMean[ch] + momentum * mean
                            let unbiased = count > 1 ? q / (count - 1) : variance
                            p.runningVar[ch] = (1 - momentum) * p.runningVar[ch] + momentum * unbiased
                        } else {
                            (mean, variance) = (p.runningMean[ch], p.runningVar[ch])
                        }
                        let r = 1 / (variance + epsilon).squareRoot()
                        p.invStd[ch] = r
                        let (g, b) = (p.scale[ch], p.bias[ch])
                        for i in 0 ..< n {
                            let base = (i * c + ch) * inner
                            for j in base ..< base + inner {
                                let h = (xs.base[j] - mean) * r
                                hs.base[j] = h
                                ys.base[j] = h * g + b
                            }
                        }
                    }
                }
            }
        }
        return Tensor(shape: x.shape, values: y)
    }

    /// dx = g * inv / count * (count * dy - sum(dy) - xhat * sum(dy * xhat)), per channel.
    @_specialize(where T == Float)
    public func backward(_ dy: Tensor<T>) -> Tensor<T> {
        precondition(!xhat.isEmpty, "BatchNorm2d backward needs a training-mode forward")
        let (n, c) = (shape[0], shape[1])
        let inner = dy.count / (n * c), count = T(n * inner)
        var dx: [T] = []
        resizeUninitialized(&dx, to: dy.count)
        withChannels { p in
            withPointers(dy.values, &dx, &xhat, alias: false) { ds, out, hs in
                forEachRange(c, threads: threads) { channels in
                    for ch in channels {
                        let runs = Runs(first: ch * inner, count: n, length: inner, stride: c * inner)
                        let (d, h) = (ds.base, UnsafePointer(hs.base))
                        let sumDy = runs.sum({ d.load8($0) }, { d[$0] })
                        let sumDyXhat = runs.sum({ d.load8($0) * h.load8($0) }, { d[$0] * h[$0] })
                        p.scaleGrad[ch] += sumDyXhat
                        p.biasGrad[ch] += sumDy
                        let f = p.scale[ch] * p.invStd[ch] / count
                        for i in 0 ..< n {
                            let base = (i * c + ch) * inner
                            for j in base ..< base + inner { out.base[j] = f * (count * ds.base[j] - sumDy - hs.base[j] * sumDyXhat) }
                        }
                    }
                }
            }
        }
        return Tensor(shape: dy.shape, values: dx)
    }

    /// The per-channel arrays, for threads that each touch only their own channels' elements.
    private struct Channels: @unchecked Sendable {
        let scale, bias, runningMean, runningVar, invStd, scaleGrad, biasGrad: UnsafeMutablePointer<T>
    }

    private func withChannels(_ body: (Channels) -> Void) {
        scale.value.withUnsafeMutableBufferPointer { g in
            bias.value.withUnsafeMutableBufferPointer { b in
                runningMean.value.withUnsafeMutableBufferPointer { rm in
                    runningVar.value.withUnsafeMutableBufferPointer { rv in
                        invStd.withUnsafeMutableBufferPointer { inv in
                            scale.grad.withUnsafeMutableBufferPointer { dg in
                                bias.grad.withUnsafeMutableBufferPointer { db in
                                    body(Channels(scale: g.baseAddress!, bias: b.baseAddress!, runningMean: rm.baseAddress!,
                                                  runningVar: rv.baseAddress!, invStd: inv.baseAddress!, scaleGrad: dg.baseAddress!,
                                                  biasGrad: db.baseAddress!))
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
