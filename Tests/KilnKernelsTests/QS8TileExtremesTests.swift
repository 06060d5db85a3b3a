import CKilnKernels
import XCTest

/// Every int8 tile micro-kernel this CPU supports at the extremes of its operands' ranges
/// (weights +-127, activations -128 and 127, in runs of one sign and alternating), against exact
/// integer sums (plus sum_offset x the row's weight sum, as the config says): kernels that pair
/// products in int16 (VPMADDUBSW) must not saturate. k covers one
/// and several 32- and 16-byte steps and the scalar tail.
final class QS8TileExtremesTests: XCTestCase {
    func testTilesAreExactAtTheRangeEnds() {
        var checked = 0
        for index in 0 ..< kiln_qs8_path_count() {
            let path = kiln_qs8_path_at(index)!.pointee
            guard path.required_features & kiln_cpu_features() == path.required_features else { continue }
            let gemm = path.gemm.pointee
            let (mr, nr) = (gemm.mr, gemm.nr)
            // (weight of row r at p, activation of column s at p): every sign combination of the ends.
            let patterns: [(Int, Int, Int) -> (Int8, Int8)] = [
                { _, _, _ in (127, -128) }, { _, _, _ in (-127, -128) }, { _, _, _ in (127, 127) }, { _, _, _ in (-127, 127) },
                { r, s, p in ((p + r) % 2 == 0 ? 127 : -127, (p / 2 + s) % 2 == 0 ? -128 : 127) },
                { r, s, p in (r % 2 == 0 ? -127 : 127, (p + s) % 3 == 0 ? 127 : -128) },
            ]
            for k in [1, 15, 16, 17, 31, 32, 33, 48, 64, 83] {
                for (n, pattern) in patterns.enumerated() {
                    let a = (0 ..< mr * k).map { pattern($0 / k, 0, $0 % k).0 }  // row r at r * k
                    let b = (0 ..< nr * k).map { pattern(0, $0 / k, $0 % k).1 }  // column s at s * k
                    var acc = [Int32](repeating: 0, count: mr * nr)
                    a.withUnsafeBufferPointer { ab in
                        b.withUnsafeBufferPointer { bb in
                            let rows: [UnsafePointer<Int8>?] = (0 ..< mr).map { ab.baseAddress! + $0 * k }
                            let cols: [UnsafePointer<Int8>?] = (0 ..< nr).map { bb.baseAddress! + $0 * k }
                            gemm.tile(k, rows, cols, &acc)
                        }
                    }
                    for r in 0 ..< mr {
                        // Tiles that make activations unsigned add sum_offset x the row's weight sum.
                        let offset = gemm.sum_offset * (0 ..< k).reduce(Int32(0)) { $0 + Int32(a[r * k + $1]) }
                        for s in 0 ..< nr {
                            let want = offset + (0 ..< k).reduce(Int32(0)) { $0 + Int32(a[r * k + $1]) * Int32(b[s * k + $1]) }
                            XCTAssertEqual(acc[r * nr + s], want, "\(String(cString: path.name)) k\(k) pattern \(n) row \(r) column \(s)")
                        }
                    }
                }
            }
            checked += 1
        }
        XCTAssertGreaterThanOrEqual(checked, 2)
    }
}
