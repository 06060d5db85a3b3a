/// A convolution's input as one row per output pixel (the transpose of im2col's columns, from a
/// channels-last copy of the image): row (i, oy, ox) holds the taps in (ky, kx, c) order, so each
/// kernel row's taps are one contiguous run of the image (up to K*C values) instead of K*K*C
/// separate runs of at most OW. Conv2dLayer's GEMMs read it in place of im2col's columns.
extension ConvShape {
    /// Taps per row: K*K*C.
    var patchWidth: Int { kernel * kernel * inChannels }

    /// Writes the rows [N*OH*OW, K*K*C] of the channels-last image xh [N, H, W, C] into `rows`
    /// (resized when its count differs); taps outside the image are 0.
    @_specialize(where T == Float)
    func patchRows<T: TrainScalar>(_ xh: [T], into rows: inout [T], n: Int, h: Int, w: Int, threads: Int) {
        let (oh, ow) = convOutput(h, w)
        let (c, k, width) = (inChannels, kernel, patchWidth)
        resizeUninitialized(&rows, to: n * oh * ow * width)
        forEachImage(n, threads: threads, reading: xh, writing: &rows) { i, x, out in
            forEachRun(i: i, h: h, w: w, oh: oh, ow: ow) { row, ky, kx0, pixel, count in
                let dst = out + row * width + ky * k * c
                dst.update(repeating: 0, count: k * c)
                if count > 0 { (dst + kx0 * c).update(from: x + (i * h * w + pixel) * c, count: count * c) }
            }
        }
    }

    /// The adjoint of `patchRows`: dxh [N, H, W, C] = the sum of every row entry read from each
    /// pixel, added in (oy, ox, ky, kx) order per image (0 where no tap reads it).
    @_specialize(where T == Float)
    func addPatchRows<T: TrainScalar>(_ rows: [T], n: Int, h: Int, w: Int, threads: Int) -> [T] {
        let (oh, ow) = convOutput(h, w)
        let (c, k, width) = (inChannels, kernel, patchWidth)
        var dxh = [T](repeating: 0, count: n * h * w * c)
        forEachImage(n, threads: threads, reading: rows, writing: &dxh) { i, r, out in
            forEachRun(i: i, h: h, w: w, oh: oh, ow: ow) { row, ky, kx0, pixel, count in
                let (src, dst) = (r + row * width + (ky * k + kx0) * c, out + (i * h * w + pixel) * c)
                for t in 0 ..< count * c { dst[t] += src[t] }
            }
        }
        return dxh
    }

    /// Copies (or, with `accumulate`, adds) a weight [outChannels, inChannels, K, K] into the patch
    /// rows' tap order, [outChannels, K*K*inChannels] with taps in (ky, kx, c) order; with
    /// `fromPatchOrder`, back. Up to `threads` threads take whole output channels.
    @_specialize(where T == Float)
    func reorderTaps<T: TrainScalar>(_ source: [T], into destination: inout [T], fromPatchOrder: Bool, accumulate: Bool, threads: Int) {
        let (c, taps) = (inChannels, kernel * kernel)
        forEachRange(outChannels, threads: threads, reading: source, writing: &destination) { outputs, src, dst in
            for o in outputs {
                for ch in 0 ..< c {
                    for t in 0 ..< taps {
                        let (weight, patch) = ((o * c + ch) * taps + t, (o * taps + t) * c + ch)
                        let (from, to) = fromPatchOrder ? (patch, weight) : (weight, patch)
                        dst[to] = accumulate ? dst[to] + src[from] : src[from]
                    }
                }
            }
        }
    }

    /// For each output pixel (oy, ox) of image i and kernel row ky: body(row, ky, kx0, pixel,
    /// count): row = (i*OH + oy)*OW + ox; taps kx0 ..< kx0 + count of that kernel row fall inside
    /// the image and read pixels pixel ..< pixel + count of image i's plane (pixel = iy*W + ix);
    /// count is 0 when the kernel row is outside the image.
    @inline(__always)
    private func forEachRun(i: Int, h: Int, w: Int, oh: Int, ow: Int, _ body: (Int, Int, Int, Int, Int) -> Void) {
        for oy in 0 ..< oh {
            for ox in 0 ..< ow {
                let row = (i * oh + oy) * ow + ox
                let x0 = ox * stride - padding
                let kx0 = max(0, -x0), kx1 = min(kernel, w - x0)
                for ky in 0 ..< kernel {
                    let iy = oy * stride - padding + ky
                    if iy < 0 || iy >= h || kx0 >= kx1 { body(row, ky, 0, 0, 0); continue }
                    body(row, ky, kx0, iy * w + x0 + kx0, kx1 - kx0)
                }
            }
        }
    }
}
