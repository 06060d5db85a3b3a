import KilnImage
import XCTest

/// The PNG reader: pixels back as written, and a header that claims more pixels than Kiln reads
/// refused before any pixel memory is reserved.
final class PNGReadTests: XCTestCase {
    func testReadsWhatItWrites() throws {
        let image = Image(width: 3, height: 2, channels: 3, pixels: (0 ..< 18).map { UInt8($0 * 10) })
        XCTAssertEqual(try Image.readPNG(bytes: try image.pngData(), channels: 3), image)
        XCTAssertEqual(try Image.readPNG(bytes: try image.pngData(), channels: 1).pixels.count, 6)
    }

    /// The uncompressed PNG of kiln-run decodes (by libpng) to its pixels: gray and RGB, one pixel,
    /// and an image over one stored block (65,535 bytes) so that the blocks and Adler-32 chain.
    func testStoredPNGDecodesToItsPixels() throws {
        var rng = SystemRandomNumberGenerator()
        for (w, h, c) in [(1, 1, 1), (1, 1, 3), (7, 5, 1), (3, 2, 3), (300, 250, 1), (200, 150, 3)] {
            let image = Image(width: w, height: h, channels: c, pixels: (0 ..< w * h * c).map { _ in UInt8.random(in: 0 ... 255, using: &rng) })
            XCTAssertEqual(try Image.readPNG(bytes: image.storedPNG(), channels: c), image, "\(w)x\(h)x\(c)")
        }
    }

    /// 65 bytes that claim 16384 x 16384 pixels (768 MB as RGB).
    func testHugeDimensionsAreRefusedFromTheHeader() {
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        func chunk(_ type: String, _ data: [UInt8]) {
            let body = Array(type.utf8) + data
            png += be32(data.count) + body + be32(Int(crc(body)))
        }
        chunk("IHDR", be32(16384) + be32(16384) + [8, 2, 0, 0, 0])
        chunk("IDAT", [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])
        chunk("IEND", [])
        XCTAssertEqual(png.count, 65)
        XCTAssertThrowsError(try Image.readPNG(bytes: png, channels: 3, source: "huge.png")) { e in
            XCTAssertTrue("\(e)".contains("'huge.png': it is 16384x16384 pixels") && "\(e)".contains("at most 4096x4096"), "\(e)")
        }
    }

    private func be32(_ v: Int) -> [UInt8] { (0 ..< 4).map { UInt8(truncatingIfNeeded: v >> (24 - 8 * $0)) } }

    private func crc(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            c ^= UInt32(b)
            for _ in 0 ..< 8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        }
        return ~c
    }
}
