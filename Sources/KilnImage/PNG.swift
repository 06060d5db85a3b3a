import CKilnPNG
@_exported import KilnPixels

public enum ImageError: Error, Equatable, CustomStringConvertible {
    case png(String)
    case unreadable(path: String, reason: String)

    public var description: String {
        switch self {
        case let .png(m): return "PNG encoding failed: \(m)"
        case let .unreadable(path, reason): return "cannot read the image '\(path)': \(reason)"
        }
    }
}

extension Image {
    /// The PNG encoding (libpng's simplified API: no time chunk, so the same pixels give the same
    /// bytes with the same libpng and zlib).
    public func pngData() throws -> [UInt8] {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        image.width = UInt32(width)
        image.height = UInt32(height)
        image.format = channels == 1 ? UInt32(PNG_FORMAT_GRAY) : UInt32(PNG_FORMAT_RGB)
        let stride = Int32(width * channels)
        var size = 0
        // First call measures, second writes.
        let measured = pixels.withUnsafeBytes { png_image_write_to_memory(&image, nil, &size, 0, $0.baseAddress, stride, nil) }
        guard measured != 0 else { throw ImageError.png(Self.message(&image)) }
        var out = [UInt8](repeating: 0, count: size)
        let written = pixels.withUnsafeBytes { px in
            out.withUnsafeMutableBytes { png_image_write_to_memory(&image, $0.baseAddress, &size, 0, px.baseAddress, stride, nil) }
        }
        guard written != 0 else { throw ImageError.png(Self.message(&image)) }
        png_image_free(&image)
        return Array(out.prefix(size))
    }

    private static func message(_ image: inout png_image) -> String {
        withUnsafeBytes(of: &image.message) { raw in String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self) }
    }
}

extension Image {
    /// The most pixels (width x height) a PNG may have: 16.8 million, 4096 x 4096. The size is
    /// read from the header and checked before any pixel is decoded or memory is reserved.
    public static let maxPNGPixels = 1 << 24

    /// Reads a PNG as 8-bit gray (`channels` 1) or RGB (3); colour images become gray and gray
    /// images RGB as asked, alpha is composited on black (libpng's simplified API).
    public static func readPNG(path: String, channels: Int) throws -> Image {
        try readPNGNotingColor(path: path, channels: channels).image
    }

    /// Reads a PNG as `readPNG(path:channels:)` does, and says whether the file held colour.
    public static func readPNGNotingColor(path: String, channels: Int) throws -> (image: Image, wasColor: Bool) {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        guard png_image_begin_read_from_file(&image, path) != 0 else {
            throw ImageError.unreadable(path: path, reason: message(&image))
        }
        let color = image.format & UInt32(PNG_FORMAT_FLAG_COLOR) != 0
        return (try finishReading(&image, channels: channels, source: path), color)
    }

    /// Reads PNG bytes, as `readPNG(path:channels:)`; `source` names them in errors.
    public static func readPNG(bytes: [UInt8], channels: Int, source: String = "PNG data") throws -> Image {
        try bytes.withUnsafeBytes { raw in
            var image = png_image()
            image.version = UInt32(PNG_IMAGE_VERSION)
            guard png_image_begin_read_from_memory(&image, raw.baseAddress, raw.count) != 0 else {
                throw ImageError.unreadable(path: source, reason: message(&image))
            }
            return try finishReading(&image, channels: channels, source: source)
        }
    }

    /// The pixels of an image whose header `image` holds, after checking its size.
    private static func finishReading(_ image: inout png_image, channels: Int, source: String) throws -> Image {
        precondition(channels == 1 || channels == 3)
        image.format = channels == 1 ? UInt32(PNG_FORMAT_GRAY) : UInt32(PNG_FORMAT_RGB)
        let (w, h) = (Int(image.width), Int(image.height))
        guard w > 0, h > 0, w <= 1 << 14, h <= 1 << 14, w * h <= maxPNGPixels else {
            png_image_free(&image)
            throw ImageError.unreadable(path: source, reason: "it is \(w)x\(h) pixels; Kiln reads images of 1 to 16384 pixels a side and at most 4096x4096 pixels in all")
        }
        var pixels = [UInt8](repeating: 0, count: w * h * channels)
        let ok = pixels.withUnsafeMutableBytes { png_image_finish_read(&image, nil, $0.baseAddress, Int32(w * channels), nil) }
        guard ok != 0 else { throw ImageError.unreadable(path: source, reason: message(&image)) }
        return Image(width: w, height: h, channels: channels, pixels: pixels)
    }

    /// Resized to width x height by averaging the source pixels each target pixel covers (box
    /// filter; for upscaling, nearest neighbour).
    public func resized(width tw: Int, height th: Int) -> Image {
        if tw == width && th == height { return self }
        var out = [UInt8](repeating: 0, count: tw * th * channels)
        for ty in 0 ..< th {
            let y0 = ty * height / th, y1 = max(y0 + 1, (ty + 1) * height / th)
            for tx in 0 ..< tw {
                let x0 = tx * width / tw, x1 = max(x0 + 1, (tx + 1) * width / tw)
                for c in 0 ..< channels {
                    var s = 0
                    for y in y0 ..< y1 { for x in x0 ..< x1 { s += Int(pixels[(y * width + x) * channels + c]) } }
                    let n = (y1 - y0) * (x1 - x0)
                    out[(ty * tw + tx) * channels + c] = UInt8((s + n / 2) / n)
                }
            }
        }
        return Image(width: tw, height: th, channels: channels, pixels: out)
    }
}
