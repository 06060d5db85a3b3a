import CKilnPNG

/// An 8-bit image, rows top to bottom, channels interleaved (1 = gray, 3 = RGB).
public struct Image: Equatable, Sendable {
    public var width: Int
    public var height: Int
    public var channels: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) {
        precondition(channels == 1 || channels == 3, "channels must be 1 or 3")
        precondition(pixels.count == width * height * channels, "pixel count does not match the size")
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }
}

public enum ImageError: Error, Equatable, CustomStringConvertible {
    case png(String)

    public var description: String {
        switch self {
        case let .png(m): return "PNG encoding failed: \(m)"
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
