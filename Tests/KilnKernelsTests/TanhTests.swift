import CKilnKernels
import Foundation
import XCTest

/// f32 tanh: every path gives the bits of (float)tanh((double)x), tolerance 0.
final class TanhTests: XCTestCase {
    /// Float bit patterns 0, step, 2 step, ... (both signs, NaNs, infinities, subnormals); every
    /// 7th float in [0.125, 4) (both formulas, where an error in either shows most: a coefficient
    /// off by 3e-11 gives over a hundred mismatches here); values around the threshold between the
    /// formulas, 0, 1e-30, 1 and 20 (the clamp).
    static func inputs(step: UInt32) -> [Float] {
        var x = stride(from: UInt64(0), to: 1 << 32, by: Int(step)).map { Float(bitPattern: UInt32($0)) }
        x += stride(from: Float(0.125).bitPattern, to: Float(4).bitPattern, by: 7).map { Float(bitPattern: $0) }
        for centre: Float in [0.625, 20, 9.01, 0x1p-100, 1e-30, 0, 1] {
            var v = centre
            for _ in 0 ..< 300 { x += [v, -v]; v = v.nextUp }
            v = centre
            for _ in 0 ..< 300 { x += [v, -v]; v = v.nextDown }
        }
        return x
    }

    static func paths() -> [kiln_f32_vtanh_kernel] {
        (0 ..< kiln_f32_vtanh_kernel_count()).map { kiln_f32_vtanh_kernel_at($0)!.pointee }
            .filter { $0.required_features & kiln_cpu_features() == $0.required_features }
    }

    /// Each path against the reference on 10 million inputs, also in place (y = x), and at every
    /// length 0 ... 17 (the SIMD tail) without writing past n.
    func testEveryPathMatchesReference() {
        let x = Self.inputs(step: 1021)
        var want = [Float](repeating: 0, count: x.count)
        kiln_f32_vtanh_ref(x, &want, x.count)
        XCTAssertEqual(want[x.firstIndex(of: 0.625)!], Float(tanh(0.625)))
        var ran: [String] = []
        for k in Self.paths() {
            var got = [Float](repeating: 0, count: x.count)
            k.fn(x, &got, x.count)
            var inPlace = x
            inPlace.withUnsafeMutableBufferPointer { k.fn($0.baseAddress!, $0.baseAddress!, x.count) }
            for (name, result) in [("", got), (" in place", inPlace)] where memcmp(result, want, 4 * x.count) != 0 {
                let bad = (0 ..< x.count).filter { result[$0].bitPattern != want[$0].bitPattern }
                XCTFail("\(String(cString: k.name))\(name): \(bad.count) differ, first \(bad.prefix(3).map { (x[$0], result[$0], want[$0]) })")
            }
            for n in 0 ... 17 {
                var tail = [Float](repeating: 7, count: n + 1)
                k.fn(Array(x[5000 ..< 5000 + n]), &tail, n)
                XCTAssertEqual(tail.prefix(n).map(\.bitPattern), want[5000 ..< 5000 + n].map(\.bitPattern))
                XCTAssertEqual(tail[n], 7, "wrote past n")
            }
            ran.append(String(cString: k.name))
        }
        print("tanh paths checked: \(ran.joined(separator: ", "))")
        XCTAssertTrue(ran.contains("scalar"))
    }

    /// All 2^32 inputs (19 s in a release build here): KILN_EXHAUSTIVE=1 swift test -c release --filter TanhTests.
    func testEveryPathMatchesReferenceExhaustively() throws {
        try XCTSkipUnless(ProcessInfo.processInfo.environment["KILN_EXHAUSTIVE"] == "1", "set KILN_EXHAUSTIVE=1 to check all 2^32 inputs")
        let block = 1 << 20
        var x = [Float](repeating: 0, count: block), want = x, got = x
        for k in Self.paths() where String(cString: k.name) != "scalar" {
            var bad = 0
            for base in stride(from: 0, to: 1 << 32, by: block) {
                for i in 0 ..< block { x[i] = Float(bitPattern: UInt32(base + i)) }
                kiln_f32_vtanh_ref(x, &want, block)
                k.fn(x, &got, block)
                for i in 0 ..< block where got[i].bitPattern != want[i].bitPattern { bad += 1 }
            }
            XCTAssertEqual(bad, 0, String(cString: k.name))
        }
    }
}
