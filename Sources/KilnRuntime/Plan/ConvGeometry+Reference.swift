/// The reference convolutions (Conv2d, ConvTranspose2d): every output one Double sum, from the
/// bias, over the taps (ky, kx, c) in order.
extension ConvGeometry {
    /// y[n][m][oy][ox] from x (input 0), the weights (input 1) and the optional bias (input 2).
    func referenceSums(_ inputs: [UnsafeRawPointer?], _ output: UnsafeMutableRawPointer, transposed: Bool) {
        let x = inputs[0]!.assumingMemoryBound(to: Float.self)
        let w = inputs[1]!.assumingMemoryBound(to: Float.self)
        let b = hasBias ? inputs[2]!.assumingMemoryBound(to: Float.self) : nil
        let y = output.assumingMemoryBound(to: Float.self)
        for sample in 0 ..< n {
            for outChannel in 0 ..< m {
                for oy in 0 ..< oh {
                    for ox in 0 ..< ow {
                        var acc = Double(b?[outChannel] ?? 0)
                        for ky in 0 ..< kh {
                            guard let iy = source(oy, tap: ky, stride: sh, dilation: dh, pad: padTop, size: h, transposed: transposed) else { continue }
                            for kx in 0 ..< kw {
                                guard let ix = source(ox, tap: kx, stride: sw, dilation: dw, pad: padLeft, size: self.w, transposed: transposed) else {
                                    continue
                                }
                                // x[sample][c][iy][ix] and the tap's weight for c = 0, and their steps in c
                                let xi = (sample * c * h + iy) * self.w + ix, xs = h * self.w
                                let wi = (transposed ? outChannel : outChannel * c) * kh * kw + ky * kw + kx
                                let ws = (transposed ? m : 1) * kh * kw
                                for inChannel in 0 ..< c {
                                    acc += Double(x[xi + inChannel * xs]) * Double(w[wi + inChannel * ws])
                                }
                            }
                        }
                        y[((sample * m + outChannel) * oh + oy) * ow + ox] = Float(acc)
                    }
                }
            }
        }
    }

    /// The input position output position `o` reads through tap `k` along one axis, or nil when
    /// that tap reads padding: o * stride - pad + k * dilation for a convolution; for a transposed
    /// one, i with i * stride == o + pad - k * dilation.
    private func source(_ o: Int, tap k: Int, stride: Int, dilation: Int, pad: Int, size: Int, transposed: Bool) -> Int? {
        if !transposed {
            let i = o * stride - pad + k * dilation
            return i >= 0 && i < size ? i : nil
        }
        let t = o + pad - k * dilation
        return t >= 0 && t % stride == 0 && t / stride < size ? t / stride : nil
    }
}
