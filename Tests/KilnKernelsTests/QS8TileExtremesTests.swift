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

    /// The packed-column kernels at the same extremes, through their pack and kernel: each row's
    /// bias is minus its exact sum (every column has the same activations) and the requantization
    /// is the identity (multiplier 2^30, shift 30), so every output is the zero point exactly,
    /// and a sum off by any amount shows.
    func testPackedKernelsAreExactAtTheRangeEnds() {
        var checked = 0
        let zero: Int32 = 3
        for index in 0 ..< kiln_qs8_path_count() {
            let path = kiln_qs8_path_at(index)!.pointee
            guard path.required_features & kiln_cpu_features() == path.required_features else { continue }
            let gemm = path.gemm.pointee
            guard let pack = gemm.packed.pack, let kernel = gemm.packed.gemm else { continue }
            let mr = gemm.packed.mr
            let patterns: [(Int, Int) -> (Int8, Int8)] = [  // (weight of row r at p, activation at p)
                { _, _ in (127, -128) }, { _, _ in (-127, -128) }, { _, _ in (127, 127) }, { _, _ in (-127, 127) },
                { r, p in ((p + r) % 2 == 0 ? 127 : -127, (p / 2) % 2 == 0 ? -128 : 127) },
                { r, p in (r % 2 == 0 ? -127 : 127, p % 3 == 0 ? 127 : -128) },
            ]
            for nv in Set([5, gemm.packed.nr, gemm.packed.nr * 3 / 2]) {
                for k in [1, 3, 4, 15, 16, 17, 33, 64, 83] {
                    for (n, pattern) in patterns.enumerated() {
                        let a = (0 ..< mr * k).map { pattern($0 / k, $0 % k).0 }
                        let column = (0 ..< k).map { pattern(0, $0).1 }
                        let b = (0 ..< nv).flatMap { _ in column }
                        let channels = (0 ..< mr).map { r -> kiln_qs8_channel in
                            let weights = a[r * k ..< (r + 1) * k]
                            let sum = zip(weights, column).reduce(Int32(0)) { $0 + Int32($1.0) * Int32($1.1) }
                            let weightSum = weights.reduce(Int32(0)) { $0 + Int32($1) }
                            return kiln_qs8_channel(bias: -sum, multiplier_pos: 1 << 30, multiplier_neg: 1 << 30, shift: 30, weight_sum: weightSum)
                        }
                        var out = [Int8](repeating: 0x55, count: mr * nv)
                        let bytes = kiln_qs8_gemm_workspace_bytes(path.gemm, k) + 64
                        let space = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
                        defer { space.deallocate() }
                        a.withUnsafeBufferPointer { ab in
                            b.withUnsafeBufferPointer { bb in
                                let ind: [UnsafePointer<Int8>?] = (0 ..< nv).map { bb.baseAddress! + $0 * k }
                                let panel = space.assumingMemoryBound(to: UInt8.self)
                                pack(k, 1, nv, ind, panel)
                                kernel(k, mr, nv, ab.baseAddress!, k, panel, channels, zero, &out, nv, 1)
                            }
                        }
                        let wrong = out.enumerated().filter { $0.element != Int8(zero) }.map(\.offset)
                        XCTAssertEqual(wrong, [], "\(String(cString: path.name)) nv \(nv) k \(k) pattern \(n): outputs off the exact sum")
                    }
                }
            }
            checked += 1
        }
        #if arch(x86_64)
        XCTAssertGreaterThanOrEqual(checked, 1)  // avx2 at least
        #endif
    }
}

