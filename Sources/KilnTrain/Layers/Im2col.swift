/// The im2col / col2im index map of the trainer's convolutions (the runtime's C im2col and col2im
/// give the same values; its tests check them against this).
///
/// For one image of `channels` planes of h x w, and a grid of oh x ow positions, tap (c, ky, kx)
/// at grid position (oy, ox) reads image pixel (c, oy*sh - padTop + ky*dh, ox*sw - padLeft + kx*dw).
/// The cols matrix has one row per tap, (c * kh + ky) * kw + kx, and one column per grid position
/// oy * ow + ox; rows are `rowStride` apart (so several images can sit side by side).
public struct Im2col: Sendable {
    public let channels, h, w: Int
    public let kh, kw, sh, sw, dh, dw: Int
    public let padTop, padLeft: Int
    public let oh, ow: Int

    public init(channels: Int, h: Int, w: Int, kh: Int, kw: Int, sh: Int, sw: Int, dh: Int, dw: Int,
                padTop: Int, padLeft: Int, oh: Int, ow: Int) {
        (self.channels, self.h, self.w) = (channels, h, w)
        (self.kh, self.kw, self.sh, self.sw, self.dh, self.dw) = (kh, kw, sh, sw, dh, dw)
        (self.padTop, self.padLeft, self.oh, self.ow) = (padTop, padLeft, oh, ow)
    }

    /// Rows of the cols matrix.
    public var rows: Int { channels * kh * kw }

    /// Fills cols (rows x oh*ow at `rowStride`) from `image`; taps outside the image give 0.
    @inlinable
    public func im2col<T: BinaryFloatingPoint>(_ image: UnsafePointer<T>, _ cols: UnsafeMutablePointer<T>, rowStride: Int) {
        for r in 0 ..< rows { (cols + r * rowStride).update(repeating: 0, count: oh * ow) }
        forEachRun(rowStride: rowStride) { col, pixel, count in
            for j in 0 ..< count { cols[col + j] = image[pixel + j * sw] }
        }
    }

    /// The adjoint: adds every cols entry into the image pixel it was read from.
    @inlinable
    public func col2im<T: BinaryFloatingPoint>(_ cols: UnsafePointer<T>, _ image: UnsafeMutablePointer<T>, rowStride: Int) {
        forEachRun(rowStride: rowStride) { col, pixel, count in
            for j in 0 ..< count { image[pixel + j * sw] += cols[col + j] }
        }
    }

    /// Calls body(colsIndex, pixelIndex, count) for each run of grid columns ox whose pixel column
    /// is inside the image: cols[colsIndex + j] pairs with image[pixelIndex + j * sw].
    @inlinable
    func forEachRun(rowStride stride: Int, _ body: (Int, Int, Int) -> Void) {
        for c in 0 ..< channels {
            for ky in 0 ..< kh {
                for kx in 0 ..< kw {
                    // 0 <= ox*sw - padLeft + kx*dw < w; integer division truncates toward zero,
                    // so negative numerators are handled apart.
                    let lo = padLeft - kx * dw, hi = w - 1 + padLeft - kx * dw
                    let oxLo = lo <= 0 ? 0 : (lo + sw - 1) / sw
                    let oxHi = hi < 0 ? 0 : min(ow, hi / sw + 1)
                    guard oxLo < oxHi else { continue }
                    let row = ((c * kh + ky) * kw + kx) * stride
                    for oy in 0 ..< oh {
                        let iy = oy * sh - padTop + ky * dh
                        guard iy >= 0, iy < h else { continue }
                        body(row + oy * ow + oxLo, (c * h + iy) * w + oxLo * sw - padLeft + kx * dw, oxHi - oxLo)
                    }
                }
            }
        }
    }
}
