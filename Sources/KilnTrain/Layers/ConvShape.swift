/// Channels, square kernel, stride and padding of a convolution layer; the im2col / col2im of
/// ConvTranspose2d (`Im2col`; its forward is a convolution's backward-data) and the patch rows of
/// Conv2d (PatchRows.swift).
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
    /// the image is [n, channels, h, w], the grid oh x ow, cols [channels*K*K, n*oh*ow], written
    /// whole into `cols` (resized when its count differs). Up to `threads` threads take whole
    /// images; the values do not depend on it.
    @_specialize(where T == Float)
    func im2col<T: TrainScalar>(_ image: [T], into cols: inout [T], channels: Int, n: Int, h: Int, w: Int, oh: Int, ow: Int,
                                threads: Int) {
        let map = indexMap(channels: channels, h: h, w: w, oh: oh, ow: ow)
        let width = n * oh * ow
        resizeUninitialized(&cols, to: map.rows * width)
        forEachImage(n, threads: threads, reading: image, writing: &cols) { i, x, out in
            T.im2col(map, x + i * channels * h * w, out + i * oh * ow, rowStride: width)
        }
    }

    /// The adjoint of `im2col`: image[i, c, iy, ix] = the sum of cols[(c, ky, kx)][(i, oy, ox)]
    /// over the taps that read it, added in (ky, kx) order (0 where none does).
    @_specialize(where T == Float)
    func col2im<T: TrainScalar>(_ cols: [T], channels: Int, n: Int, h: Int, w: Int, oh: Int, ow: Int, threads: Int) -> [T] {
        let map = indexMap(channels: channels, h: h, w: w, oh: oh, ow: ow)
        var image: [T] = []
        resizeUninitialized(&image, to: n * channels * h * w)
        forEachImage(n, threads: threads, reading: cols, writing: &image) { i, d, out in
            T.col2im(map, d + i * oh * ow, out + i * channels * h * w, rowStride: n * oh * ow)
        }
        return image
    }

    private func indexMap(channels: Int, h: Int, w: Int, oh: Int, ow: Int) -> Im2col {
        Im2col(channels: channels, h: h, w: w, kh: kernel, kw: kernel, sh: stride, sw: stride, dh: 1, dw: 1,
               padTop: padding, padLeft: padding, oh: oh, ow: ow)
    }
}
