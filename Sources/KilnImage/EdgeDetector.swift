/// Canny edge detection, for making line drawings ("sketches") from images.
///
/// Steps, all in binary64 so every platform gets the same edges:
/// 1. smoothing with the 3x3 binomial kernel [1 2 1]^T [1 2 1] / 16 (optional);
/// 2. Sobel gradients gx, gy and the magnitude sqrt(gx^2 + gy^2);
/// 3. non-maximum suppression: a pixel stays if its magnitude is greater than its neighbour on one
///    side and at least its neighbour on the other, along the gradient direction rounded to 0, 45,
///    90 or 135 degrees (the asymmetric test keeps one pixel of a two-pixel ridge: strokes are one
///    pixel wide);
/// 4. hysteresis: thresholds are fractions of the image's largest magnitude (so the result does not
///    depend on contrast); pixels at or above `high` are edges, and so is every pixel at or above
///    `low` joined to an edge through 8-connected pixels at or above `low`.
///
/// Borders are handled by repeating the edge pixels. An image with no gradient has no edges.
public struct EdgeDetector: Sendable, Equatable {
    /// Fraction of the largest gradient magnitude at or above which a pixel starts an edge.
    public var high: Double
    /// Fraction of the largest gradient magnitude at or above which a pixel continues one.
    public var low: Double
    /// Whether to smooth with the 3x3 binomial kernel first.
    public var smooth: Bool

    public init(high: Double = 0.2, low: Double = 0.08, smooth: Bool = true) {
        precondition(low > 0 && low <= high && high <= 1, "thresholds need 0 < low <= high <= 1")
        (self.high, self.low, self.smooth) = (high, low, smooth)
    }

    /// The edge mask of a `width` x `height` gray image (row-major, any scale): true on edges.
    public func edges(_ gray: [Double], width: Int, height: Int) -> [Bool] {
        precondition(width >= 1 && height >= 1 && gray.count == width * height, "image size does not match its pixels")
        let image = smooth ? Self.binomial(gray, width: width, height: height) : gray
        let (magnitude, sector) = Self.sobel(image, width: width, height: height)
        let peak = magnitude.max() ?? 0
        guard peak > 0 else { return [Bool](repeating: false, count: gray.count) }
        let thin = Self.suppressNonMaxima(magnitude, sector: sector, width: width, height: height)
        return Self.hysteresis(thin, width: width, height: height, high: high * peak, low: low * peak)
    }

    /// A line drawing in [-1, 1]: strokes -1 (dark) on a +1 (light) background, like a pen
    /// drawing. `image` is in [-1, 1] too.
    public func sketch(_ image: [Float], width: Int, height: Int) -> [Float] {
        edges(image.map(Double.init), width: width, height: height).map { $0 ? -1 : 1 }
    }

    static func binomial(_ x: [Double], width w: Int, height h: Int) -> [Double] {
        func at(_ y: Int, _ x0: Int) -> Double { x[min(max(y, 0), h - 1) * w + min(max(x0, 0), w - 1)] }
        var rows = [Double](repeating: 0, count: w * h)
        for y in 0 ..< h { for c in 0 ..< w { rows[y * w + c] = (at(y, c - 1) + 2 * at(y, c) + at(y, c + 1)) / 4 } }
        func row(_ y: Int, _ c: Int) -> Double { rows[min(max(y, 0), h - 1) * w + c] }
        var out = rows
        for y in 0 ..< h { for c in 0 ..< w { out[y * w + c] = (row(y - 1, c) + 2 * row(y, c) + row(y + 1, c)) / 4 } }
        return out
    }

    /// Magnitudes and direction sectors (0: horizontal gradient, 1: 45 degrees, 2: vertical,
    /// 3: 135 degrees; y grows downwards).
    static func sobel(_ x: [Double], width w: Int, height h: Int) -> (magnitude: [Double], sector: [UInt8]) {
        func at(_ y: Int, _ c: Int) -> Double { x[min(max(y, 0), h - 1) * w + min(max(c, 0), w - 1)] }
        var magnitude = [Double](repeating: 0, count: w * h)
        var sector = [UInt8](repeating: 0, count: w * h)
        let tan22 = 0.41421356237309503, tan67 = 2.414213562373095  // tan(22.5°), tan(67.5°)
        for y in 0 ..< h {
            for c in 0 ..< w {
                let gx = (at(y - 1, c + 1) + 2 * at(y, c + 1) + at(y + 1, c + 1)) - (at(y - 1, c - 1) + 2 * at(y, c - 1) + at(y + 1, c - 1))
                let gy = (at(y + 1, c - 1) + 2 * at(y + 1, c) + at(y + 1, c + 1)) - (at(y - 1, c - 1) + 2 * at(y - 1, c) + at(y - 1, c + 1))
                magnitude[y * w + c] = (gx * gx + gy * gy).squareRoot()
                let (ax, ay) = (abs(gx), abs(gy))
                sector[y * w + c] = ay <= tan22 * ax ? 0 : ay >= tan67 * ax ? 2 : (gx > 0) == (gy > 0) ? 1 : 3
            }
        }
        return (magnitude, sector)
    }

    /// Magnitudes of the pixels that are ridge maxima across the gradient, 0 elsewhere.
    static func suppressNonMaxima(_ m: [Double], sector: [UInt8], width w: Int, height h: Int) -> [Double] {
        func at(_ y: Int, _ c: Int) -> Double { (0 ..< h).contains(y) && (0 ..< w).contains(c) ? m[y * w + c] : 0 }
        let steps = [(0, 1), (1, 1), (1, 0), (1, -1)]  // (dy, dx) along the gradient, per sector
        var out = [Double](repeating: 0, count: w * h)
        for y in 0 ..< h {
            for c in 0 ..< w {
                let v = m[y * w + c], (dy, dx) = steps[Int(sector[y * w + c])]
                if v > 0, v > at(y - dy, c - dx), v >= at(y + dy, c + dx) { out[y * w + c] = v }
            }
        }
        return out
    }

    static func hysteresis(_ m: [Double], width w: Int, height h: Int, high: Double, low: Double) -> [Bool] {
        var edge = [Bool](repeating: false, count: w * h)
        var stack = m.indices.filter { m[$0] >= high }
        for i in stack { edge[i] = true }
        while let i = stack.popLast() {
            let (y, c) = (i / w, i % w)
            for ny in max(y - 1, 0) ... min(y + 1, h - 1) {
                for nc in max(c - 1, 0) ... min(c + 1, w - 1) where !edge[ny * w + nc] && m[ny * w + nc] >= low {
                    edge[ny * w + nc] = true
                    stack.append(ny * w + nc)
                }
            }
        }
        return edge
    }
}
