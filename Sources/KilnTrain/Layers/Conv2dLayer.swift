/// 2-D convolution by patch rows + GEMM (square kernel, stride and padding; groups 1), the
/// geometry of the runtime's Conv2d. Weight [M, C, K, K], N(0, 0.02) at init; optional bias [M], 0
/// at init. With the image channels-last, P = patchRows(x) [N*OH*OW, K*K*C] (taps in (ky, kx, c)
/// order) and Wp the weight in that order [M, K*K*C]:
///   forward:  y = Wp P^T + b
///   backward: dWp = dy P;  db = sum(dy);  dx = addPatchRows(dy^T Wp)
/// Stride-1 layers with few output channels run as a `FlippedConvolution` where that is cheaper.
public final class Conv2dLayer<T: TrainScalar>: Layer {
    public let weight: Parameter<T>
    public let bias: Parameter<T>?
    public let shape: ConvShape
    private var rows: [T] = []
    private var drows: [T] = []
    private var packedWeight: [T] = []
    private var inputShape: [Int] = []
    private let flipped: FlippedConvolution<T>?
    /// Whether the last forward went through `flipped` (the backward goes the same way).
    private var forwardWasFlipped = false

    /// Threads its GEMMs and copies use (the results do not depend on it).
    public let threads: Int

    public init(name: String, inChannels: Int, outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
                bias: Bool, threads: Int = 1, rng: inout TrainRNG) {
        self.threads = threads
        shape = ConvShape(inChannels: inChannels, outChannels: outChannels, kernel: kernel, stride: stride, padding: padding)
        weight = .normal(name + ".weight", shape: [outChannels, inChannels, kernel, kernel], rng: &rng)
        self.bias = .zeroBias(name + ".bias", count: outChannels, present: bias)
        flipped = FlippedConvolution(shape, bias: bias, threads: threads)
    }

    public var parameters: [Parameter<T>] { [weight] + (bias.map { [$0] } ?? []) }

    @_specialize(where T == Float)
    public func forward(_ x: Tensor<T>, training: Bool) -> Tensor<T> {
        let s = shape
        precondition(x.shape.count == 4 && x.shape[1] == s.inChannels, "Conv2d expects [N, \(s.inChannels), H, W], got \(x.shape)")
        let (n, h, w) = (x.shape[0], x.shape[2], x.shape[3])
        let (oh, ow) = s.convOutput(h, w)
        let width = n * oh * ow
        inputShape = x.shape
        forwardWasFlipped = flipped?.isCheaper(h: h, w: w) ?? false
        if forwardWasFlipped, let flipped { return flipped.forward(x, weight: weight, bias: bias) }
        let xh = transposed(x.values, count: n, rows: s.inChannels, cols: h * w, threads: threads)  // channels last
        s.patchRows(xh, into: &rows, n: n, h: h, w: w, threads: threads)
        packWeight()
        var out: [T] = []
        resizeUninitialized(&out, to: s.outChannels * width)
        T.gemm(transposeA: false, transposeB: true, m: s.outChannels, n: width, k: s.patchWidth,
               a: packedWeight, lda: s.patchWidth, b: rows, ldb: s.patchWidth, c: &out, ldc: width, accumulate: false, threads: threads)
        if let bias { addBias(&out, bias.value, width: width) }
        return Tensor(shape: [n, s.outChannels, oh, ow], values: batchMajor(out, n: n, c: s.outChannels, plane: oh * ow, threads: threads))
    }

    @_specialize(where T == Float)
    public func backward(_ dy: Tensor<T>) -> Tensor<T> {
        if forwardWasFlipped, let flipped { return flipped.backward(dy, weight: weight, bias: bias) }
        let s = shape
        let d = parameterGradients(dy)
        let (n, h, w) = (inputShape[0], inputShape[2], inputShape[3])
        let width = n * dy.shape[2] * dy.shape[3]
        resizeUninitialized(&drows, to: width * s.patchWidth)
        T.gemm(transposeA: true, transposeB: false, m: width, n: s.patchWidth, k: s.outChannels,
               a: d, lda: width, b: packedWeight, ldb: s.patchWidth, c: &drows, ldc: s.patchWidth, accumulate: false, threads: threads)
        let dxh = s.addPatchRows(drows, n: n, h: h, w: w, threads: threads)
        return Tensor(shape: inputShape, values: transposed(dxh, count: n, rows: h * w, cols: s.inChannels, threads: threads))
    }

    /// dW and db without dx (no rows of dL/d(input), no scatter).
    @_specialize(where T == Float)
    public func backwardParameters(_ dy: Tensor<T>) {
        if forwardWasFlipped, let flipped { _ = flipped.backward(dy, weight: weight, bias: bias); return }
        _ = parameterGradients(dy)
    }

    /// Adds dW (dy P, reordered to [M, C, K, K]) and db = sum(dy); returns dy channel-major [M, N*OH*OW].
    @_specialize(where T == Float)
    private func parameterGradients(_ dy: Tensor<T>) -> [T] {
        let s = shape
        let (n, plane) = (dy.shape[0], dy.shape[2] * dy.shape[3])
        let width = n * plane
        let d = channelMajor(dy.values, n: n, c: s.outChannels, plane: plane, threads: threads)
        if let bias { addChannelSums(d, n: 1, channels: s.outChannels, plane: width, into: &bias.grad, threads: threads) }
        var dw: [T] = []
        resizeUninitialized(&dw, to: s.outChannels * s.patchWidth)
        T.gemm(transposeA: false, transposeB: false, m: s.outChannels, n: s.patchWidth, k: width,
               a: d, lda: width, b: rows, ldb: s.patchWidth, c: &dw, ldc: s.patchWidth, accumulate: false, threads: threads)
        s.reorderTaps(dw, into: &weight.grad, fromPatchOrder: true, accumulate: true, threads: threads)
        return d
    }

    /// packedWeight [M, K*K*C] = the weight with its taps in (ky, kx, c) order.
    private func packWeight() {
        resizeUninitialized(&packedWeight, to: weight.value.count)
        shape.reorderTaps(weight.value, into: &packedWeight, fromPatchOrder: false, accumulate: false, threads: threads)
    }
}

/// x[r, :] += bias[r] for a [rows, width] matrix.
@_specialize(where T == Float)
func addBias<T: TrainScalar>(_ x: inout [T], _ bias: [T], width: Int) {
    for r in bias.indices {
        let b = bias[r]
        for j in r * width ..< (r + 1) * width { x[j] += b }
    }
}
