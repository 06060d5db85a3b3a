import CKilnKernels
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

    /// The folding path of this CPU (PCLMULQDQ on x86-64, CRC32X on AArch64) equals the table path
    /// at every length around its 16- and 64-byte blocks (lengths 0-700), at every misalignment,
    /// when continued from a previous value, and over 1 MiB.
    func testAcceleratedPathMatchesPortable() {
        var rng = SystemRandomNumberGenerator()
        let data = (0 ..< (1 << 20) + 37).map { _ in UInt8.random(in: 0 ... 255, using: &rng) }
        data.withUnsafeBytes { all in
            let base = all.baseAddress!
            for start in 0 ..< 17 {
                for count in 0 ... 700 {
                    let fast = kiln_crc32(0x1234_5678, base + start, count)
                    let slow = kiln_crc32_portable(0x1234_5678, base + start, count)
                    if fast != slow { XCTFail("bytes \(start)..<\(start + count): \(fast) != \(slow)"); return }
                }
            }
            XCTAssertEqual(kiln_crc32(0, base, all.count), kiln_crc32_portable(0, base, all.count))
            XCTAssertEqual(kiln_crc32(kiln_crc32(0, base, 1000), base + 1000, all.count - 1000), kiln_crc32(0, base, all.count))
        }
    }
}
