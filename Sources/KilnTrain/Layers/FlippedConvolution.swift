/// A stride-1 convolution computed as the transposed convolution of its flipped weight, for layers
/// with few output channels (PatchGAN's last layer: 128 -> 1): its columns are M*K*K rows over the
/// input pixels instead of Conv2dLayer's patch rows, C*K*K values per output pixel.
///
/// With W'[c, m, K-1-ky, K-1-kx] = W[m, c, ky, kx] and padding K-1-p, ConvTranspose2d(W') maps an
/// h x w image to (h-1) - 2(K-1-p) + K = h + 2p - K + 1 rows, the convolution's, and output pixel
/// oy reads input row oy + (K-1-p) - (K-1-ky) = oy - p + ky: the convolution's sum, in another
/// order. Gradients flow back through the same map.
final class FlippedConvolution<T: TrainScalar> {
    private let transposed: ConvTranspose2dLayer<T>
    private let shape: ConvShape

    /// Nil when the convolution is not stride 1 or its padding is larger than K - 1.
    init?(_ shape: ConvShape, bias: Bool, threads: Int) {
        guard shape.stride == 1, shape.padding <= shape.kernel - 1 else { return nil }
        self.shape = shape
        transposed = ConvTranspose2dLayer(
            shape: ConvShape(inChannels: shape.inChannels, outChannels: shape.outChannels, kernel: shape.kernel, stride: 1,
                             padding: shape.kernel - 1 - shape.padding),
            bias: bias, threads: threads)
    }

    /// Whether this form does less work on an h x w input than patch rows + GEMM: each way costs
    /// its multiply-adds plus 8 per column (or patch-row) entry (written, packed, read again by the backward pass;
    /// the constant is rough, the two sides differ by 10x or more where it matters).
    func isCheaper(h: Int, w: Int) -> Bool {
        let s = shape, taps = s.kernel * s.kernel
        let (oh, ow) = s.convOutput(h, w)
        let direct = s.inChannels * taps * oh * ow * (s.outChannels + 8)
        let flipped = s.outChannels * taps * h * w * (s.inChannels + 8)
        return flipped < direct
    }

    @_specialize(where T == Float)
    func forward(_ x: Tensor<T>, weight: Parameter<T>, bias: Parameter<T>?) -> Tensor<T> {
        let w = transposed.weight
        weight.value.withUnsafeBufferPointer { src in
            w.value.withUnsafeMutableBufferPointer { dst in forEachTap { tap, flippedTap in dst[flippedTap] = src[tap] } }
        }
        if let bias, let b = transposed.bias { b.value = bias.value }
        return transposed.forward(x, training: true)
    }

    /// Adds the gradients into `weight` and `bias`; returns dL/dx.
    @_specialize(where T == Float)
    func backward(_ dy: Tensor<T>, weight: Parameter<T>, bias: Parameter<T>?) -> Tensor<T> {
        let w = transposed.weight
        w.zeroGrad()
        transposed.bias?.zeroGrad()
        let dx = transposed.backward(dy)
        w.grad.withUnsafeBufferPointer { src in
            weight.grad.withUnsafeMutableBufferPointer { dst in forEachTap { tap, flippedTap in dst[tap] += src[flippedTap] } }
        }
        if let bias, let b = transposed.bias { for o in 0 ..< shape.outChannels { bias.grad[o] += b.grad[o] } }
        return dx
    }

    /// body(index of W[m, c, ky, kx], index of W'[c, m, K-1-ky, K-1-kx]) for every tap.
    private func forEachTap(_ body: (Int, Int) -> Void) {
        let (m, c, k) = (shape.outChannels, shape.inChannels, shape.kernel)
        for o in 0 ..< m {
            for i in 0 ..< c {
                for ky in 0 ..< k {
                    for kx in 0 ..< k { body(((o * c + i) * k + ky) * k + kx, ((i * m + o) * k + k - 1 - ky) * k + k - 1 - kx) }
                }
            }
        }
    }
}
