import CKilnKernels
import KilnTrain
import XCTest

/// Every col2im rows path this CPU has (row at a time, gather order) against Im2col.col2im (the
/// reference scatter), bitwise, also with an epilogue on each plane: both start each pixel at its bias and add its taps in (ky, kx) order.
final class Col2imTests: XCTestCase {
    static func paths() -> [kiln_f32_col2im_kernel] {
        let all = (0 ..< kiln_f32_col2im_kernel_count()).map { kiln_f32_col2im_kernel_at($0)!.pointee }
        return all.filter { $0.required_features & kiln_cpu_features() == $0.required_features }
    }

    func testRowGatherEqualsReferenceScatterBitwise() {
        var rng = SystemRandomNumberGenerator()
        // (m, h, w, kh, kw, sh, sw, dh, dw, padTop, padLeft, outputPadding): DCGAN layers, k = 1,
        // odd kernels, stride 3, dilation, asymmetric padding, output padding, 1x1 inputs; rows of
        // 13, 15, 16, 17, 33 and 40 phase columns (below one 16-lane chunk, exactly one, a chunk and a
        // tail; 25 output columns, whose second half-chunk store is partial); 7, 8 and 9 phase columns
        // at column strides 1 and 2 around one 8-lane (AVX2) chunk; 1, 2, 3, 5 and 6 phase columns
        // around one 4-lane (NEON) chunk.
        let cases: [[Int]] = [
            [3, 1, 1, 4, 4, 1, 1, 1, 1, 0, 0, 0], [5, 4, 4, 4, 4, 2, 2, 1, 1, 1, 1, 0], [2, 3, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0],
            [3, 7, 7, 5, 5, 2, 2, 1, 1, 2, 2, 1], [1, 4, 3, 3, 2, 3, 2, 1, 1, 1, 0, 2], [2, 5, 5, 3, 3, 1, 1, 2, 2, 2, 1, 0],
            [4, 2, 2, 7, 7, 3, 3, 1, 1, 0, 3, 0], [2, 3, 16, 4, 4, 2, 2, 1, 1, 1, 1, 0], [2, 2, 17, 4, 4, 2, 2, 1, 1, 1, 1, 1],
            [2, 2, 13, 3, 3, 1, 1, 1, 1, 1, 1, 0], [1, 3, 33, 5, 5, 1, 1, 1, 1, 2, 2, 0], [2, 2, 20, 5, 3, 2, 2, 1, 2, 2, 0, 1],
            [1, 2, 40, 4, 4, 1, 2, 1, 1, 1, 3, 0], [2, 3, 12, 4, 4, 2, 2, 1, 1, 1, 1, 1],
            [2, 3, 7, 3, 3, 1, 1, 1, 1, 1, 1, 0], [2, 3, 8, 3, 3, 1, 1, 1, 1, 1, 1, 0], [2, 3, 9, 3, 3, 1, 1, 1, 1, 1, 1, 0],
            [2, 2, 7, 4, 4, 2, 2, 1, 1, 1, 1, 0], [2, 2, 8, 4, 4, 2, 2, 1, 1, 1, 1, 0], [2, 2, 9, 4, 4, 2, 2, 1, 1, 1, 1, 1],
            [2, 2, 1, 3, 3, 1, 1, 1, 1, 1, 1, 0], [2, 3, 2, 3, 3, 1, 1, 1, 1, 1, 1, 0], [2, 2, 3, 4, 4, 2, 2, 1, 1, 1, 1, 0],
            [2, 2, 5, 4, 4, 2, 2, 1, 1, 1, 1, 1], [2, 3, 6, 3, 3, 1, 1, 1, 1, 1, 1, 0],
        ]
        for c in cases {
            let (m, h, w, kh, kw, sh, sw, dh, dw, pt, pl, op) = (c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11])
            let oh = (h - 1) * sh - 2 * pt + dh * (kh - 1) + 1 + op, ow = (w - 1) * sw - 2 * pl + dw * (kw - 1) + 1 + op
            let cols = (0 ..< m * kh * kw * h * w).map { _ in Float.random(in: -1 ... 1, using: &rng) }
            let bias = (0 ..< m).map { _ in Float.random(in: -1 ... 1, using: &rng) }
            var want = (0 ..< m).flatMap { [Float](repeating: bias[$0], count: oh * ow) }
            Im2col(channels: m, h: oh, w: ow, kh: kh, kw: kw, sh: sh, sw: sw, dh: dh, dw: dw, padTop: pt, padLeft: pl, oh: h, ow: w)
                .col2im(cols, &want, rowStride: h * w)
            var got = [Float](repeating: .nan, count: m * oh * ow)
            var zero = [Float](repeating: 0, count: m * oh * ow)
            Im2col(channels: m, h: oh, w: ow, kh: kh, kw: kw, sh: sh, sw: sw, dh: dh, dw: dw, padTop: pt, padLeft: pl, oh: h, ow: w)
                .col2im(cols, &zero, rowStride: h * w)
            // The same taps with rows (ky*m + channel)*kw + kx (one GEMM per kernel row), NaN in
            // every entry col2im must not read: input rows of a tap that land outside the output.
            let plane = h * w
            var byRow = [Float](repeating: .nan, count: cols.count)
            for ch in 0 ..< m {
                for ky in 0 ..< kh {
                    for iy in 0 ..< h where (0 ..< oh).contains(iy * sh - pt + ky * dh) {
                        for kx in 0 ..< kw {
                            for ix in 0 ..< w { byRow[((ky * m + ch) * kw + kx) * plane + iy * w + ix] = cols[((ch * kh + ky) * kw + kx) * plane + iy * w + ix] }
                        }
                    }
                }
            }
            let layouts = [("rows by channel", cols, kh * kw * plane, kw * plane), ("rows by kernel row", byRow, kw * plane, m * kw * plane)]
            for (layout, data, channelStride, kyStride) in layouts {
                var g = kiln_f32_col2im(m: m, oh: oh, ow: ow, h: h, w: w, kh: kh, kw: kw, sh: sh, sw: sw, dh: dh, dw: dw,
                                        pad_top: pt, pad_left: pl, row_stride: plane, channel_stride: channelStride, ky_stride: kyStride)
                var scratch = [UInt8](repeating: 0xFF, count: kiln_f32_col2im_scratch_bytes(&g))
                for k in Self.paths() {
                    let name = "\(String(cString: k.name)), \(layout), case \(c)"
                    got = [Float](repeating: .nan, count: m * oh * ow + 1)
                    k.fn(&g, data, bias, &got, &scratch, nil, 0)
                    XCTAssertEqual(got.prefix(m * oh * ow).map(\.bitPattern), want.map(\.bitPattern), name)
                    XCTAssertTrue(got.last!.isNaN, "\(name): wrote past the output")
                    var noBias = [Float](repeating: .nan, count: m * oh * ow)
                    k.fn(&g, data, nil, &noBias, &scratch, nil, 0)
                    XCTAssertEqual(noBias.map(\.bitPattern), zero.map(\.bitPattern), "\(name) without bias")
                    // with an epilogue (BatchNorm, LeakyReLU) on each plane, channels numbered from 1
                    let norm = (0 ..< 4 * (m + 1)).map { Double($0 % 5) * 0.25 + 0.5 }
                    norm.withUnsafeBufferPointer { n in
                        var e = kiln_f32_epilogue(bias: nil, norm: n.baseAddress, norm_stride: m + 1, activation: Int32(KILN_F32_LEAKY_RELU.rawValue),
                                                  alpha: 0.2)
                        var fused = [Float](repeating: .nan, count: m * oh * ow), separate = want
                        k.fn(&g, data, bias, &fused, &scratch, &e, 1)
                        kiln_f32_epilogue_ref(&e, 1, m, oh * ow, &separate)
                        XCTAssertEqual(fused.map(\.bitPattern), separate.map(\.bitPattern), "\(name) with an epilogue")
                    }
                }
            }
        }
    }
}
