/// 2-D transposed convolution by GEMM + col2im (square kernel, stride and padding; no output
/// padding; groups 1), the geometry of the runtime's ConvTranspose2d. Weight [C, M, K, K] (PyTorch
/// layout), N(0, 0.02) at init; optional bias [M].
///   forward:  cols = W^T x  [M*K*K, N*H*W];  y = col2im(cols) + b   (conv's backward-data)
///   backward: dcols = im2col(dy);  dW += x dcols^T;  db += sum(dy);  dx = W dcols
/// Backward is the convolution of dy by the same weight (read as a Conv2d weight [C, M, K, K]);
/// with at least 8 output channels it runs as Conv2dLayer does, on dy's patch rows P [N*H*W,
/// K*K*M] (runs of K*M values instead of columns of at most W): dWp = x P, dx = P Wp^T, Wp the
/// weight with its taps in (ky, kx, m) order.
/// On a 1 x 1 input without padding (a generator's first layer) the layer is a dense one, and
/// the GEMMs run on the batch-major tensors with no im2col, col2im or layout copies:
///   forward: y [N, M*K*K] = x [N, C] W [C, M*K*K];  backward: dW += x^T dy;  dx = dy W^T
/// (the same products summed in the same order over C, and over N and M*K*K in backward).
public final class ConvTranspose2dLayer<T: TrainScalar>: Layer {
    public let weight: Parameter<T>
    public let bias: Parameter<T>?
    public let shape: ConvShape
    private var input: [T] = []  // channel-major [C, N*H*W]; batch-major [N, C] on a 1 x 1 input
    private var cols: [T] = []  // forward's W^T x, then backward's im2col(dy) or patch rows: storage kept between steps
    private var packedWeight: [T] = []  // Wp [C, K*K*M] for backward's patch rows
    private var inputShape: [Int] = []

    /// Threads its GEMMs use (the results do not depend on it).
    public let threads: Int

    public init(name: String, inChannels: Int, outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
                bias: Bool, threads: Int = 1, rng: inout TrainRNG) {
        self.threads = threads
        shape = ConvShape(inChannels: inChannels, outChannels: outChannels, kernel: kernel, stride: stride, padding: padding)
        weight = .normal(name + ".weight", shape: [inChannels, outChannels, kernel, kernel], rng: &rng)
        self.bias = .zeroBias(name + ".bias", count: outChannels, present: bias)
    }

    /// A layer with zero weights that its owner sets (`FlippedConvolution`).
    init(shape: ConvShape, bias: Bool, threads: Int) {
        self.threads = threads
        self.shape = shape
        let k = shape.kernel
        weight = Parameter(name: "weight", shape: [shape.inChannels, shape.outChannels, k, k],
                           value: [T](repeating: 0, count: shape.inChannels * shape.outChannels * k * k))
        self.bias = .zeroBias("bias", count: shape.outChannels, present: bias)
    }

    public var parameters: [Parameter<T>] { [weight] + (bias.map { [$0] } ?? []) }

    /// Whether the last forward's input was 1 x 1 with no padding (the dense form above).
    private var isDense: Bool { inputShape[2] == 1 && inputShape[3] == 1 && shape.padding == 0 }

    @_specialize(where T == Float)
    public func forward(_ x: Tensor<T>, training: Bool) -> Tensor<T> {
        let s = shape
        precondition(x.shape.count == 4 && x.shape[1] == s.inChannels, "ConvTranspose2d expects [N, \(s.inChannels), H, W], got \(x.shape)")
        let (n, h, w) = (x.shape[0], x.shape[2], x.shape[3])
        let (oh, ow) = s.transposedOutput(h, w)
        let rows = s.outChannels * s.kernel * s.kernel, width = n * h * w
        inputShape = x.shape
        var y: [T] = []
        if isDense {
            input = x.values
            resizeUninitialized(&y, to: n * rows)
            T.gemm(transposeA: false, transposeB: false, m: n, n: rows, k: s.inChannels,
                   a: input, lda: s.inChannels, b: weight.value, ldb: rows, c: &y, ldc: rows, accumulate: false, threads: threads)
        } else {
            input = channelMajor(x.values, n: n, c: s.inChannels, plane: h * w, threads: threads)
            resizeUninitialized(&cols, to: rows * width)
            T.gemm(transposeA: true, transposeB: false, m: rows, n: width, k: s.inChannels,
                   a: weight.value, lda: rows, b: input, ldb: width, c: &cols, ldc: width, accumulate: false, threads: threads)
            y = s.col2im(cols, channels: s.outChannels, n: n, h: oh, w: ow, oh: h, ow: w, threads: threads)
        }
        if let bias {
            for i in 0 ..< n {
                for m in 0 ..< s.outChannels {
                    let b = bias.value[m], base = (i * s.outChannels + m) * oh * ow
                    for j in base ..< base + oh * ow { y[j] += b }
                }
            }
        }
        return Tensor(shape: [n, s.outChannels, oh, ow], values: y)
    }

    @_specialize(where T == Float)
    public func backward(_ dy: Tensor<T>) -> Tensor<T> { gradients(dy, input: true)! }

    /// dW and db without dx (a generator's first layer, whose input is the latent z).
    @_specialize(where T == Float)
    public func backwardParameters(_ dy: Tensor<T>) { _ = gradients(dy, input: false) }

    /// Adds dW and db; returns dx when `input` asks for it.
    @_specialize(where T == Float)
    private func gradients(_ dy: Tensor<T>, input needsInput: Bool) -> Tensor<T>? {
        let s = shape
        let (n, h, w) = (inputShape[0], inputShape[2], inputShape[3])
        let rows = s.outChannels * s.kernel * s.kernel, width = n * h * w
        if let bias {
            addChannelSums(dy.values, n: n, channels: s.outChannels, plane: dy.shape[2] * dy.shape[3], into: &bias.grad, threads: threads)
        }
        if !isDense && s.outChannels >= 8 { return patchRowsBackward(dy, input: needsInput) }
        if isDense {
            T.gemm(transposeA: true, transposeB: false, m: s.inChannels, n: rows, k: n,
                   a: input, lda: s.inChannels, b: dy.values, ldb: rows, c: &weight.grad, ldc: rows, accumulate: true, threads: threads)
        } else {
            s.im2col(dy.values, into: &cols, channels: s.outChannels, n: n, h: dy.shape[2], w: dy.shape[3], oh: h, ow: w, threads: threads)
            T.gemm(transposeA: false, transposeB: true, m: s.inChannels, n: rows, k: width,
                   a: input, lda: width, b: cols, ldb: width, c: &weight.grad, ldc: rows, accumulate: true, threads: threads)
        }
        guard needsInput else { return nil }
        var dx: [T] = []
        resizeUninitialized(&dx, to: s.inChannels * width)
        if isDense {
            T.gemm(transposeA: false, transposeB: true, m: n, n: s.inChannels, k: rows,
                   a: dy.values, lda: rows, b: weight.value, ldb: rows, c: &dx, ldc: s.inChannels, accumulate: false, threads: threads)
            return Tensor(shape: inputShape, values: dx)
        }
        T.gemm(transposeA: false, transposeB: false, m: s.inChannels, n: width, k: rows,
               a: weight.value, lda: rows, b: cols, ldb: width, c: &dx, ldc: width, accumulate: false, threads: threads)
        return Tensor(shape: inputShape, values: batchMajor(dx, n: n, c: s.inChannels, plane: h * w, threads: threads))
    }

    /// Backward on dy's patch rows (see the type's comment): dW, and dx when `input` asks for it.
    @_specialize(where T == Float)
    private func patchRowsBackward(_ dy: Tensor<T>, input needsInput: Bool) -> Tensor<T>? {
        let (n, h, w) = (inputShape[0], inputShape[2], inputShape[3])
        let (oh, ow) = (dy.shape[2], dy.shape[3])
        let conv = ConvShape(inChannels: shape.outChannels, outChannels: shape.inChannels, kernel: shape.kernel,
                             stride: shape.stride, padding: shape.padding)
        let (c, taps, width) = (shape.inChannels, conv.patchWidth, n * h * w)
        let dyh = transposed(dy.values, count: n, rows: shape.outChannels, cols: oh * ow, threads: threads)  // channels last
        conv.patchRows(dyh, into: &cols, n: n, h: oh, w: ow, threads: threads)
        var dwp: [T] = []
        resizeUninitialized(&dwp, to: c * taps)
        T.gemm(transposeA: false, transposeB: false, m: c, n: taps, k: width,
               a: input, lda: width, b: cols, ldb: taps, c: &dwp, ldc: taps, accumulate: false, threads: threads)
        conv.reorderTaps(dwp, into: &weight.grad, fromPatchOrder: true, accumulate: true, threads: threads)
        guard needsInput else { return nil }
        resizeUninitialized(&packedWeight, to: weight.value.count)
        conv.reorderTaps(weight.value, into: &packedWeight, fromPatchOrder: false, accumulate: false, threads: threads)
        var dxh: [T] = []
        resizeUninitialized(&dxh, to: width * c)
        T.gemm(transposeA: false, transposeB: true, m: width, n: c, k: taps,
               a: cols, lda: taps, b: packedWeight, ldb: taps, c: &dxh, ldc: c, accumulate: false, threads: threads)
        return Tensor(shape: inputShape, values: transposed(dxh, count: n, rows: h * w, cols: c, threads: threads))
    }
}
