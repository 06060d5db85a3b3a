import KilnImage

/// The PNG reader (gray and RGB) on any bytes: an image within the size limit, or an error.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPNG(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    for channels in [1, 3] {
        if let image = try? Image.readPNG(bytes: bytes, channels: channels) {
            precondition(image.width * image.height <= Image.maxPNGPixels)
            _ = image.resized(width: 28, height: 28)
        }
    }
    return 0
}
