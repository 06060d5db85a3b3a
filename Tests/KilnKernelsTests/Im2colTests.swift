import CKilnKernels
import KilnTrain
import XCTest

/// Every f32 im2col path against Im2col.im2col (the runtime's and trainer's index map), bitwise:
/// both are copies, so any difference is a wrong index, a missing zero or a write out of place;
/// also for strips of output rows (row0), as Conv2dGEMM writes them.
final class Im2colTests: XCTestCase {
    func testEveryPathEqualsIm2colBitwise() {
        // (c, h, w, kh, kw, sh, sw, dh, dw, padTop, padLeft): U-Net encoder layers (k4 s2 p1, maps
        // 64 ... 2), 3x3 same, 1x1, stride 3, dilation, padding wider than the kernel reach,
        // grid rows of 1, 15, 16, 17 and 33 columns.
        let cases: [[Int]] = [
            [3, 64, 64, 4, 4, 2, 2, 1, 1, 1, 1], [5, 4, 4, 4, 4, 2, 2, 1, 1, 1, 1], [2, 2, 2, 4, 4, 2, 2, 1, 1, 1, 1],
            [2, 9, 17, 3, 3, 1, 1, 1, 1, 1, 1], [1, 5, 16, 1, 1, 1, 1, 1, 1, 0, 0], [2, 7, 33, 3, 2, 1, 1, 1, 1, 0, 0],
            [2, 8, 35, 3, 3, 2, 2, 1, 1, 1, 1], [3, 9, 10, 2, 3, 3, 3, 1, 1, 1, 2], [2, 9, 11, 3, 3, 1, 2, 2, 3, 2, 3],
            [1, 3, 3, 3, 3, 1, 1, 1, 1, 4, 4], [1, 6, 32, 4, 4, 2, 2, 1, 1, 1, 1],
        ]
        var ran: Set<String> = []
        for t in cases {
            let (c, h, w, kh, kw, sh, sw, dh, dw, pt, pl) = (t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7], t[8], t[9], t[10])
            let oh = (h + 2 * pt - dh * (kh - 1) - 1) / sh + 1, ow = (w + 2 * pl - dw * (kw - 1) - 1) / sw + 1
            let rowStride = oh * ow + 3, rows = c * kh * kw
            let image = (0 ..< c * h * w).map { Float($0) + 0.5 }
            var want = [Float](repeating: .nan, count: rows * rowStride)
            Im2col(channels: c, h: h, w: w, kh: kh, kw: kw, sh: sh, sw: sw, dh: dh, dw: dw, padTop: pt, padLeft: pl, oh: oh, ow: ow)
                .im2col(image, &want, rowStride: rowStride)
            var g = kiln_f32_im2col(h: h, w: w, kh: kh, kw: kw, sh: sh, sw: sw, dh: dh, dw: dw, pad_top: pt, pad_left: pl, oh: oh, ow: ow, row0: 0)
            for i in 0 ..< kiln_f32_im2col_kernel_count() {
                let k = kiln_f32_im2col_kernel_at(i)!.pointee
                guard k.required_features & kiln_cpu_features() == k.required_features else { continue }
                var got = [Float](repeating: .nan, count: rows * rowStride)
                for (c0, c1) in [(0, c / 2), (c / 2, c)] { k.fn(&g, c0, c1, image, &got, rowStride) }  // two channel ranges, as two threads do
                XCTAssertEqual(got.map(\.bitPattern), want.map(\.bitPattern), "\(String(cString: k.name)), case \(t)")
                ran.insert(String(cString: k.name))
                // strips of 1, 2 and 5 output rows (row0, oh): the same columns as the whole grid's
                for strip in [1, 2, 5] {
                    for row0 in stride(from: 0, to: oh, by: strip) {
                        let count = min(strip, oh - row0), width = count * ow
                        var s = g
                        (s.row0, s.oh) = (row0, count)
                        var part = [Float](repeating: .nan, count: rows * width)
                        k.fn(&s, 0, c, image, &part, width)
                        var rowsWanted: [Float] = []
                        for r in 0 ..< rows {
                            let start = r * rowStride + row0 * ow
                            rowsWanted += want[start ..< start + width]
                        }
                        XCTAssertEqual(part.map(\.bitPattern), rowsWanted.map(\.bitPattern), "\(String(cString: k.name)), case \(t), rows \(row0)..<\(row0 + count)")
                    }
                }
            }
        }
        print("im2col paths checked: \(ran.sorted().joined(separator: ", "))")
        XCTAssertTrue(ran.contains("scalar"))
    }
}
