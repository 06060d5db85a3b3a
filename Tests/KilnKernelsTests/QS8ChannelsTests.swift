import CKilnKernels
import XCTest

/// `kiln_qs8_make_channels` (SIMD row sums: PSADBW on x86, pairwise adds on NEON, a scalar tail)
/// against sums computed here, at row lengths around the 16-byte vector, and its refusal of -128
/// wherever the byte sits.
final class QS8ChannelsTests: XCTestCase {
    func testCorrectedBiasEqualsScalarSumAtAwkwardLengths() {
        var rng = SystemRandomNumberGenerator()
        for k in [1, 2, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 257, 4096] {
            let m = 3, xZero: Int32 = -37
            // Extremes included: rows of all 127 and all -127 are the largest sums.
            var w = (0 ..< m * k).map { _ in Int8.random(in: -127 ... 127, using: &rng) }
            for p in 0 ..< k { w[p] = 127; w[2 * k + p] = -127 }
            let bias: [Int32] = [5, -6, 7]
            let requant = [Int32](repeating: 1 << 20, count: 3 * m)
            var out = [kiln_qs8_channel](repeating: kiln_qs8_channel(), count: m)
            XCTAssertEqual(kiln_qs8_make_channels(m, k, w, bias, requant, xZero, &out), 0, "k \(k)")
            for i in 0 ..< m {
                let sum = w[i * k ..< (i + 1) * k].reduce(Int32(0)) { $0 + Int32($1) }
                XCTAssertEqual(out[i].bias, bias[i] - xZero * sum, "k \(k), row \(i)")
                XCTAssertEqual(out[i].weight_sum, sum, "k \(k), row \(i)")
            }
        }
    }

    func testMinus128IsFoundAtEveryPosition() {
        for k in [1, 15, 16, 17, 33, 70] {
            for at in 0 ..< 2 * k {
                var w = [Int8](repeating: 1, count: 2 * k)
                w[at] = -128
                var out = [kiln_qs8_channel](repeating: kiln_qs8_channel(), count: 2)
                XCTAssertEqual(kiln_qs8_make_channels(2, k, w, [0, 0], [Int32](repeating: 1 << 20, count: 6), 0, &out), -2, "k \(k), byte \(at)")
            }
        }
    }
}
