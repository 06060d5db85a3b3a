/// Turns model outputs into pictures.
public enum Grid {
    /// Maps one value of the model's declared output range [lo, hi] to a byte:
    /// round-half-up of (v - lo) / (hi - lo) * 255, clamped to 0...255 (NaN -> 0).
    @inlinable
    public static func byte(_ v: Float, lo: Double, hi: Double) -> UInt8 {
        let t = (Double(v) - lo) / (hi - lo) * 255 + 0.5
        guard t > 0 else { return 0 }
        return t >= 255 ? 255 : UInt8(t)
    }

    /// Lays out `count` CHW images (C = 1 or 3, values in [lo, hi]) in a grid with `columns`
    /// columns (default: the smallest square that fits) and a `gap`-pixel border between them.
    public static func image(samples: UnsafeBufferPointer<Float>, count: Int, channels: Int, height: Int, width: Int,
                             lo: Double, hi: Double, columns: Int? = nil, gap: Int = 2) -> Image {
        precondition(channels == 1 || channels == 3)
        precondition(samples.count == count * channels * height * width)
        let cols = max(1, min(count, columns ?? Int((Double(count).squareRoot()).rounded(.up))))
        let rows = (count + cols - 1) / cols
        let gw = cols * width + (cols + 1) * gap, gh = rows * height + (rows + 1) * gap
        var px = [UInt8](repeating: 0, count: gw * gh * channels)
        let plane = height * width
        for i in 0 ..< count {
            let x0 = gap + (i % cols) * (width + gap), y0 = gap + (i / cols) * (height + gap)
            for c in 0 ..< channels {
                for y in 0 ..< height {
                    for x in 0 ..< width {
                        let v = samples[(i * channels + c) * plane + y * width + x]
                        px[((y0 + y) * gw + x0 + x) * channels + c] = byte(v, lo: lo, hi: hi)
                    }
                }
            }
        }
        return Image(width: gw, height: gh, channels: channels, pixels: px)
    }
}
