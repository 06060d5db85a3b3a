import KilnFormat

extension Image {
    /// A PNG without compression (zlib "stored" blocks of at most 65,535 bytes), for programs that
    /// link no zlib: about the raw pixel size plus 0.1 %. Any PNG reader decodes it; the same pixels
    /// always give the same bytes.
    public func storedPNG() -> [UInt8] {
        var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var header: [UInt8] = []
        header.appendBigEndian(UInt32(width))
        header.appendBigEndian(UInt32(height))
        header += [8, channels == 1 ? 0 : 2, 0, 0, 0]  // bit depth 8; gray or RGB; deflate; no filter, interlace
        out.appendChunk("IHDR", header)

        // Each row: filter type 0, then the row's bytes.
        let row = width * channels
        var raw = [UInt8](repeating: 0, count: height * (row + 1))
        for y in 0 ..< height {
            raw.replaceSubrange(y * (row + 1) + 1 ..< (y + 1) * (row + 1), with: pixels[y * row ..< (y + 1) * row])
        }
        var zlib: [UInt8] = [0x78, 0x01]  // deflate, 32 KiB window, no preset dictionary
        var start = 0
        repeat {
            let n = min(65535, raw.count - start)
            zlib.append(start + n == raw.count ? 1 : 0)  // BFINAL on the last block; BTYPE 00 (stored)
            zlib += [UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8((~n >> 8) & 0xFF)]
            zlib += raw[start ..< start + n]
            start += n
        } while start < raw.count
        var a: UInt32 = 1, b: UInt32 = 0  // Adler-32 of the uncompressed data
        for chunk in stride(from: 0, to: raw.count, by: 5552) {
            for v in raw[chunk ..< min(chunk + 5552, raw.count)] {
                a += UInt32(v)
                b += a
            }
            a %= 65521
            b %= 65521
        }
        zlib.appendBigEndian(b << 16 | a)
        out.appendChunk("IDAT", zlib)
        out.appendChunk("IEND", [])
        return out
    }
}

private extension [UInt8] {
    mutating func appendBigEndian(_ v: UInt32) {
        append(contentsOf: [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)])
    }

    /// Length, type, data, and the CRC-32 of type and data.
    mutating func appendChunk(_ type: String, _ data: [UInt8]) {
        appendBigEndian(UInt32(data.count))
        let typed = Array(type.utf8) + data
        append(contentsOf: typed)
        appendBigEndian(typed.withUnsafeBytes { crc32($0) })
    }
}
