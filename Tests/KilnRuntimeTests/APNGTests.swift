import Foundation
import KilnFormat
import KilnImage
import XCTest

/// The animated-PNG writer: chunk layout and CRCs, frame count, the shared fcTL/fdAT sequence,
/// and frame 0 readable by a plain PNG decoder (libpng), as viewers without APNG show it.
final class APNGTests: XCTestCase {
    func testChunksSequenceAndFirstFrame() throws {
        let frames = (0 ..< 3).map { f in
            Image(width: 5, height: 4, channels: 3, pixels: (0 ..< 60).map { UInt8(($0 * 7 + f * 40) % 256) })
        }
        let bytes = try APNG.encode(frames: frames, delayMilliseconds: 80)
        XCTAssertEqual(Array(bytes.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        var chunks: [(type: String, data: [UInt8])] = []
        var i = 8
        func be32(_ p: Int) -> Int { bytes[p ..< p + 4].reduce(0) { $0 << 8 | Int($1) } }
        while i < bytes.count {
            let n = be32(i), type = String(decoding: bytes[i + 4 ..< i + 8], as: UTF8.self)
            let body = Array(bytes[i + 4 ..< i + 8 + n])
            XCTAssertEqual(UInt32(be32(i + 8 + n)), body.withUnsafeBytes { crc32($0) }, "CRC of \(type)")
            chunks.append((type, Array(body.dropFirst(4))))
            i += 12 + n
        }
        XCTAssertEqual(chunks.map(\.type), ["IHDR", "acTL", "fcTL", "IDAT", "fcTL", "fdAT", "fcTL", "fdAT", "IEND"])
        XCTAssertEqual(chunks[1].data, [0, 0, 0, 3, 0, 0, 0, 0], "3 frames, loop forever")
        let sequence = chunks.filter { $0.type == "fcTL" || $0.type == "fdAT" }.map { $0.data.prefix(4).reduce(0) { $0 << 8 | Int($1) } }
        XCTAssertEqual(sequence, [0, 1, 2, 3, 4])
        XCTAssertEqual(Array(chunks[2].data[20 ..< 24]), [0, 80, 0x03, 0xE8], "delay 80/1000 s")
        let path = NSTemporaryDirectory() + "apng-\(getpid()).png"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        XCTAssertEqual(try Image.readPNG(path: path, channels: 3), frames[0])
    }

    func testRefusesMixedFramesAndBadDelays() {
        let a = Image(width: 2, height: 2, channels: 1, pixels: [0, 1, 2, 3]), b = Image(width: 3, height: 2, channels: 1, pixels: [0, 1, 2, 3, 4, 5])
        XCTAssertThrowsError(try APNG.encode(frames: [a, b], delayMilliseconds: 50))
        XCTAssertThrowsError(try APNG.encode(frames: [], delayMilliseconds: 50))
        XCTAssertThrowsError(try APNG.encode(frames: [a], delayMilliseconds: 0))
    }
}
