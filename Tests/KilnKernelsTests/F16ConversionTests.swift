import CKilnKernels
import Foundation
import KilnRuntime
import KilnTestSupport
import XCTest

/// binary16 <-> binary32 conversions: tolerance 0 everywhere (both directions are exactly defined).
final class F16ConversionTests: XCTestCase {
    static let allHalfs = (0 ... 0xFFFF).map(UInt16.init)

    /// Every f16 -> f32 path this CPU supports gives the reference's bits for all 65,536 inputs,
    /// at every length mod 8 (the SIMD tails).
    func testEveryPathMatchesReferenceExhaustively() {
        var want = [Float](repeating: 0, count: 65536)
        kiln_f16_to_f32_ref(Self.allHalfs, &want, 65536)
        var ran: [String] = []
        for i in 0 ..< kiln_f16_to_f32_kernel_count() {
            let k = kiln_f16_to_f32_kernel_at(i)!.pointee
            guard k.required_features & kiln_cpu_features() == k.required_features else { continue }
            var got = [Float](repeating: 0, count: 65536)
            k.fn(Self.allHalfs, &got, 65536)
            XCTAssertEqual(got.map(\.bitPattern), want.map(\.bitPattern), String(cString: k.name))
            for n in 0 ..< 17 {
                var tail = [Float](repeating: 7, count: n + 1)
                k.fn(Array(Self.allHalfs[1000 ..< 1000 + n]), &tail, n)
                XCTAssertEqual(tail.prefix(n).map(\.bitPattern), want[1000 ..< 1000 + n].map(\.bitPattern))
                XCTAssertEqual(tail[n], 7, "wrote past n")
            }
            ran.append(String(cString: k.name))
        }
        print("f16 -> f32 paths checked: \(ran.joined(separator: ", "))")
        XCTAssertTrue(ran.contains("scalar"))
    }

    /// The reference decodes values exactly: 1.0, -2, the largest, the smallest subnormal, inf, NaN.
    func testReferenceDecodesKnownValues() {
        let cases: [(UInt16, Float)] = [(0x3C00, 1), (0xC000, -2), (0x7BFF, 65504), (0x0001, 0x1p-24), (0x03FF, 1023 * 0x1p-24),
                                        (0x0400, 0x1p-14), (0x7C00, .infinity), (0xFC00, -.infinity), (0x8000, -0.0)]
        for (h, f) in cases {
            var out: Float = 0
            kiln_f16_to_f32_ref([h], &out, 1)
            XCTAssertEqual(out.bitPattern, f.bitPattern, String(h, radix: 16))
        }
        var nan: Float = 0
        kiln_f16_to_f32_ref([0x7D00], &nan, 1)
        XCTAssertTrue(nan.isNaN)
    }

    /// f32 -> f16 equals numpy's astype(float16) (round to nearest even) on edge cases and
    /// 100,000 random values across the whole range.
    func testFloatToHalfMatchesNumpy() throws {
        var rng = SplitMix64(state: 9)
        var values: [Float] = [0, -0.0, 1, 65504, 65519.99, 65520, 1e10, -1e10, .infinity, -.infinity, 0x1p-24, 0x1p-25, 0x1.8p-25,
                               0x1p-26, 0x1.0p-14, 0x1.ffcp-15, 0x1.002p0, 0x1.003p0, 0x1.001p0, 1.5 * 0x1p-24, 2.5 * 0x1p-24]
        for i in 0 ..< 100_000 {
            let bits = UInt32(truncatingIfNeeded: rng.next())
            let f = Float(bitPattern: bits)
            values.append(f.isNaN ? Float(i) : (i % 2 == 0 ? f : Float(rng.nextUnit() * 70000 - 35000)))
        }
        let dir = NSTemporaryDirectory() + "kiln-f16-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data(values.withUnsafeBytes { Array($0) }).write(to: URL(fileURLWithPath: dir + "/in.f32"))
        try Repo.python(["-c", "import numpy as np, sys; np.fromfile(sys.argv[1], '<f4').astype(np.float16).tofile(sys.argv[2])",
                         dir + "/in.f32", dir + "/out.f16"])
        let want = try Data(contentsOf: URL(fileURLWithPath: dir + "/out.f16")).withUnsafeBytes { Array($0.bindMemory(to: UInt16.self)) }
        var got = [UInt16](repeating: 0, count: values.count)
        kiln_f32_to_f16_ref(values, &got, values.count)
        let mismatches = (0 ..< values.count).filter { got[$0] != want[$0] }
        XCTAssertEqual(mismatches.count, 0, "first: \(mismatches.prefix(3).map { (values[$0], got[$0], want[$0]) })")
    }

    /// Every finite half survives f16 -> f32 -> f16 unchanged.
    func testRoundTripOfEveryHalf() {
        var floats = [Float](repeating: 0, count: 65536)
        kiln_f16_to_f32_ref(Self.allHalfs, &floats, 65536)
        var back = [UInt16](repeating: 0, count: 65536)
        kiln_f32_to_f16_ref(floats, &back, 65536)
        for h in Self.allHalfs where (h & 0x7C00) != 0x7C00 || (h & 0x3FF) == 0 {
            XCTAssertEqual(back[Int(h)], h, String(h, radix: 16))
        }
    }
}
