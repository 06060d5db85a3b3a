/// 2-D convolution by im2col + GEMM (square kernel, stride and padding; groups 1), the geometry of
/// the runtime's Conv2d. Weight [M, C, K, K], N(0, 0.02) at init; optional bias [M], 0 at init.
///   forward:  cols = im2col(x) [C*K*K, N*OH*OW];  y = W cols + b
///   backward: dW += dy cols^T;  db += sum(dy);  dx = col2im(W^T dy)
/// Stride-1 layers with few output channels run as a `FlippedConvolution` where that is cheaper.
public final class Conv2dLayer<T: TrainScalar>: Layer {
    public let weight: Parameter<T>
    public let bias: Parameter<T>?
    public let shape: ConvShape
    private var cols: [T] = []
    private var dcols: [T] = []
    private var inputShape: [Int] = []
    private let flipped: FlippedConvolution<T>?
    /// Whether the last forward went through `flipped` (the backward goes the same way).
    private var forwardWasFlipped = false

    /// Threads its GEMMs use (the results do not depend on it).
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
        let rows = s.inChannels * s.kernel * s.kernel, width = n * oh * ow
        inputShape = x.shape
        forwardWasFlipped = flipped?.isCheaper(h: h, w: w) ?? false
        if forwardWasFlipped, let flipped { return flipped.forward(x, weight: weight, bias: bias) }
        s.im2col(x.values, into: &cols, channels: s.inChannels, n: n, h: h, w: w, oh: oh, ow: ow, threads: threads)
        var out: [T] = []
        resizeUninitialized(&out, to: s.outChannels * width)
        T.gemm(transposeA: false, transposeB: false, m: s.outChannels, n: width, k: rows,
               a: weight.value, lda: rows, b: cols, ldb: width, c: &out, ldc: width, accumulate: false, threads: threads)
        if let bias { addBias(&out, bias.value, width: width) }
        return Tensor(shape: [n, s.outChannels, oh, ow], values: batchMajor(out, n: n, c: s.outChannels, plane: oh * ow))
    }

    @_specialize(where T == Float)
    public func backward(_ dy: Tensor<T>) -> Tensor<T> {
        if forwardWasFlipped, let flipped { return flipped.backward(dy, weight: weight, bias: bias) }
        let s = shape
        let d = parameterGradients(dy)
        let rows = s.inChannels * s.kernel * s.kernel, width = dy.shape[0] * dy.shape[2] * dy.shape[3]
        resizeUninitialized(&dcols, to: rows * width)
        T.gemm(transposeA: true, transposeB: false, m: rows, n: width, k: s.outChannels,
               a: weight.value, lda: rows, b: d, ldb: width, c: &dcols, ldc: width, accumulate: false, threads: threads)
        let dx = s.col2im(dcols, channels: s.inChannels, n: dy.shape[0], h: inputShape[2], w: inputShape[3], oh: dy.shape[2],
                          ow: dy.shape[3], threads: threads)
        return Tensor(shape: inputShape, values: dx)
    }

    /// dW and db without dx (no column matrix of dL/d(input), no col2im).
    @_specialize(where T == Float)
    public func backwardParameters(_ dy: Tensor<T>) {
        if forwardWasFlipped, let flipped { _ = flipped.backward(dy, weight: weight, bias: bias); return }
        _ = parameterGradients(dy)
    }

    /// Adds dW = dy cols^T and db = sum(dy); returns dy channel-major [M, N*OH*OW].
    @_specialize(where T == Float)
    private func parameterGradients(_ dy: Tensor<T>) -> [T] {
        let s = shape
        let (n, plane) = (dy.shape[0], dy.shape[2] * dy.shape[3])
        let rows = s.inChannels * s.kernel * s.kernel, width = n * plane
        let d = channelMajor(dy.values, n: n, c: s.outChannels, plane: plane)
        if let bias { sumRows(d, width: width, into: &bias.grad) }
        T.gemm(transposeA: false, transposeB: true, m: s.outChannels, n: rows, k: width,
               a: d, lda: width, b: cols, ldb: width, c: &weight.grad, ldc: rows, accumulate: true, threads: threads)
        return d
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

/// into[r] += sum of row r of a [rows, width] matrix.
@_specialize(where T == Float)
func sumRows<T: TrainScalar>(_ x: [T], width: Int, into: inout [T]) {
    for r in into.indices {
        var s: T = 0
        for j in r * width ..< (r + 1) * width { s += x[j] }
        into[r] += s
    }
}
