/// Channels, square kernel, stride and padding of a convolution layer, and the im2col machinery
/// that Conv2d and ConvTranspose2d share (ConvTranspose2d's forward is Conv2d's backward-data).
public struct ConvShape: Sendable {
    public let inChannels, outChannels, kernel, stride, padding: Int

    /// Output size of the convolution over an h x w image.
    func convOutput(_ h: Int, _ w: Int) -> (Int, Int) {
        ((h + 2 * padding - kernel) / stride + 1, (w + 2 * padding - kernel) / stride + 1)
    }

    /// Output size of the transposed convolution over an h x w image (no output padding).
    func transposedOutput(_ h: Int, _ w: Int) -> (Int, Int) {
        ((h - 1) * stride - 2 * padding + kernel, (w - 1) * stride - 2 * padding + kernel)
    }

    /// cols[(c, ky, kx)][(i, oy, ox)] = image[i, c, oy*s - p + ky, ox*s - p + kx], 0 outside;
    /// the image is [n, channels, h, w], the grid oh x ow, cols [channels*K*K, n*oh*ow].
    @_specialize(where T == Float)
    func im2col<T: TrainScalar>(_ image: [T], channels: Int, n: Int, h: Int, w: Int, oh: Int, ow: Int) -> [T] {
        let plane = oh * ow, width = n * plane
        var cols = [T](repeating: 0, count: channels * kernel * kernel * width)
        cols.withUnsafeMutableBufferPointer { out in
            image.withUnsafeBufferPointer { x in
                forEachTap(channels: channels, n: n, h: h, w: w, oh: oh, ow: ow) { row, src, ix0, count in
                    for j in 0 ..< count { out[row + j] = x[src + ix0 + j * stride] }
                }
            }
        }
        return cols
    }

    /// The adjoint of `im2col`: image[i, c, iy, ix] += cols[(c, ky, kx)][(i, oy, ox)].
    @_specialize(where T == Float)
    func col2im<T: TrainScalar>(_ cols: [T], channels: Int, n: Int, h: Int, w: Int, oh: Int, ow: Int) -> [T] {
        var image = [T](repeating: 0, count: n * channels * h * w)
        image.withUnsafeMutableBufferPointer { out in
            cols.withUnsafeBufferPointer { d in
                forEachTap(channels: channels, n: n, h: h, w: w, oh: oh, ow: ow) { row, src, ix0, count in
                    for j in 0 ..< count { out[src + ix0 + j * stride] += d[row + j] }
                }
            }
        }
        return image
    }

    /// Calls `body(colsIndex, imageRowStart, firstX, count)` for every run of output columns ox
    /// whose input column ix = ox*s - p + kx is inside the image: cols[colsIndex + j] pairs with
    /// image[imageRowStart + firstX + j*s] for j in 0..<count.
    private func forEachTap(channels: Int, n: Int, h: Int, w: Int, oh: Int, ow: Int,
                            _ body: (Int, Int, Int, Int) -> Void) {
        let plane = oh * ow, width = n * plane
        for c in 0 ..< channels {
            for ky in 0 ..< kernel {
                for kx in 0 ..< kernel {
                    // ox range with 0 <= ox*s - p + kx < w
                    // (integer division truncates toward zero, so negative numerators are handled apart)
                    let lo = padding - kx, hi = w - 1 + padding - kx
                    let oxLo = lo <= 0 ? 0 : (lo + stride - 1) / stride
                    let oxHi = hi < 0 ? 0 : min(ow, hi / stride + 1)
                    guard oxLo < oxHi else { continue }
                    let row = ((c * kernel + ky) * kernel + kx) * width
                    for i in 0 ..< n {
                        for oy in 0 ..< oh {
                            let iy = oy * stride - padding + ky
                            guard iy >= 0, iy < h else { continue }
                            body(row + i * plane + oy * ow + oxLo, ((i * channels + c) * h + iy) * w,
                                 oxLo * stride - padding + kx, oxHi - oxLo)
                        }
                    }
                }
            }
        }
    }
}

/// [n, c, plane] <-> [c, n * plane]: the layout a batched GEMM wants and back.
func channelMajor<T>(_ x: [T], n: Int, c: Int, plane: Int) -> [T] {
    var out = x
    for i in 0 ..< n {
        for ch in 0 ..< c {
            let src = (i * c + ch) * plane, dst = (ch * n + i) * plane
            for j in 0 ..< plane { out[dst + j] = x[src + j] }
        }
    }
    return out
}

func batchMajor<T>(_ x: [T], n: Int, c: Int, plane: Int) -> [T] {
    var out = x
    for i in 0 ..< n {
        for ch in 0 ..< c {
            let src = (ch * n + i) * plane, dst = (i * c + ch) * plane
            for j in 0 ..< plane { out[dst + j] = x[src + j] }
        }
    }
    return out
}
