import CKilnZlib

/// Animated PNG (APNG, as browsers show it): frames of one size and channel count, each shown for
/// `delay` milliseconds, looping forever or `loops` times. Viewers without APNG show frame 0.
/// Rows are stored unfiltered and deflated by zlib at level 9, so the same frames give the same
/// bytes with the same zlib.
public enum APNG {
    public static func encode(frames: [Image], delayMilliseconds delay: Int, loops: Int = 0) throws -> [UInt8] {
        guard let first = frames.first else { throw ImageError.png("an animation needs at least one frame") }
        guard frames.allSatisfy({ $0.width == first.width && $0.height == first.height && $0.channels == first.channels }),
              first.channels == 1 || first.channels == 3 else {
            throw ImageError.png("animation frames must share one size and be gray or RGB")
        }
        guard (1 ... 65535).contains(delay) else { throw ImageError.png("frame delay must be 1 to 65535 ms, not \(delay)") }
        var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        func chunk(_ type: String, _ data: [UInt8]) {
            let body = Array(type.utf8) + data
            out += be32(UInt32(data.count)) + body
            out += be32(UInt32(body.withUnsafeBufferPointer { crc32(0, $0.baseAddress, UInt32($0.count)) }))
        }
        let colorType: UInt8 = first.channels == 1 ? 0 : 2  // gray or RGB, 8 bits per sample
        var header: [UInt8] = be32(UInt32(first.width))
        header += be32(UInt32(first.height))
        header += [8, colorType, 0, 0, 0]
        chunk("IHDR", header)
        chunk("acTL", be32(UInt32(frames.count)) + be32(UInt32(loops)))
        var sequence: UInt32 = 0
        for (i, frame) in frames.enumerated() {
            // fcTL: sequence, size, offset (0, 0), delay delay/1000 s, dispose none, blend source.
            var control: [UInt8] = be32(sequence)
            control += be32(UInt32(first.width))
            control += be32(UInt32(first.height))
            control += be32(0) + be32(0)
            control += be16(UInt16(delay)) + be16(1000)
            control += [0, 0]
            chunk("fcTL", control)
            sequence += 1
            let data = try deflate(frame)
            if i == 0 {
                chunk("IDAT", data)
            } else {
                chunk("fdAT", be32(sequence) + data)
                sequence += 1
            }
        }
        chunk("IEND", [])
        return out
    }

    /// Rows with filter byte 0, zlib stream.
    static func deflate(_ image: Image) throws -> [UInt8] {
        let row = image.width * image.channels
        var raw = [UInt8](repeating: 0, count: (row + 1) * image.height)
        for y in 0 ..< image.height {
            for x in 0 ..< row { raw[y * (row + 1) + 1 + x] = image.pixels[y * row + x] }
        }
        var size = compressBound(UInt(raw.count))
        var out = [UInt8](repeating: 0, count: Int(size))
        let status = compress2(&out, &size, raw, UInt(raw.count), 9)
        guard status == Z_OK else { throw ImageError.png("zlib compress2 failed with status \(status)") }
        return Array(out.prefix(Int(size)))
    }

    static func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)] }
    static func be16(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xFF)] }
}
