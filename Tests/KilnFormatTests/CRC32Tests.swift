import KilnFormat
import XCTest

final class CRC32Tests: XCTestCase {
    func testCheckValue() {
        let s = Array("123456789".utf8)
        XCTAssertEqual(s.withUnsafeBytes { crc32($0) }, 0xCBF4_3926)
        XCTAssertEqual([UInt8]().withUnsafeBytes { crc32($0) }, 0)
    }

    /// The eight-byte fast loop and the byte tail agree with a bitwise reference at every length
    /// and misalignment.
    func testMatchesBitwiseReferenceAtEveryLengthAndOffset() {
        var rng = SystemRandomNumberGenerator()
        let data = (0 ..< 300).map { _ in UInt8.random(in: 0 ... 255, using: &rng) }
        func bitwise(_ bytes: ArraySlice<UInt8>) -> UInt32 {
            var c: UInt32 = 0xFFFF_FFFF
            for b in bytes {
                c ^= UInt32(b)
                for _ in 0 ..< 8 { c = c & 1 == 1 ? (c >> 1) ^ 0xEDB8_8320 : c >> 1 }
            }
            return ~c
        }
        for start in 0 ..< 9 {
            for end in start ... 70 {
                XCTAssertEqual(data[start ..< end].withUnsafeBytes { crc32($0) }, bitwise(data[start ..< end]), "bytes \(start)..<\(end)")
            }
        }
    }
}
