import CKilnKernels
import XCTest

/// The stride-1 direct convolution (kiln_f32_conv_s1): every micro-kernel the CPU supports against a
/// binary64 reference, the fused-multiply-add kernels bit-identical to each other, the bytes
/// independent of how rows are split, and the epilogue in the tiles equal to a separate pass.
///
/// Tolerance against the reference: |got - want| <= (K + 1) * 2^-24 * sum |w * x| over the K terms
/// of the output, the bound for a float sum of K products (each product and partial sum rounded once,
/// or fused); the test prints the largest error seen as a share of that bound.
final class ConvS1Tests: XCTestCase {
    /// (C, M, h, w, kh, kw, dh, dw, padTop, padBottom, padLeft, padRight): output widths 1, 7, 8, 15,
    /// 16, 17, 33; 1 to 13 output channels (below, at and above each tile's 4 and 6); 3x3 same, 7x7
    /// (CycleGAN's ends), 5x3 with asymmetric pads, dilation 2, a 1x1 kernel with padding, no padding.
    static let cases: [[Int]] = [
        [3, 5, 6, 7, 3, 3, 1, 1, 1, 1, 1, 1], [2, 4, 5, 8, 3, 3, 1, 1, 1, 1, 1, 1], [5, 6, 4, 15, 3, 3, 1, 1, 1, 1, 1, 1],
        [1, 7, 3, 16, 3, 3, 1, 1, 1, 1, 1, 1], [4, 13, 5, 17, 3, 3, 1, 1, 1, 1, 1, 1], [3, 3, 9, 33, 7, 7, 1, 1, 3, 3, 3, 3],
        [2, 1, 6, 9, 5, 3, 1, 1, 2, 1, 0, 2], [3, 9, 7, 12, 3, 3, 2, 2, 2, 2, 2, 2], [2, 8, 4, 6, 1, 1, 1, 1, 1, 0, 1, 0],
        [6, 12, 5, 18, 3, 3, 1, 1, 0, 0, 0, 0], [2, 2, 1, 1, 3, 3, 1, 1, 1, 1, 1, 1], [17, 32, 8, 32, 3, 3, 1, 1, 1, 1, 1, 1],
    ]

    struct Layer {
        var g: kiln_f32_conv_s1
        let w, x: [Float]
        init(_ t: [Int]) {
            let (c, m, h, w, kh, kw, dh, dw) = (t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7])
            let oh = h + t[8] + t[9] - (kh - 1) * dh, ow = w + t[10] + t[11] - (kw - 1) * dw
            g = kiln_f32_conv_s1(channels_in: c, channels_out: m, kh: kh, kw: kw, dh: dh, dw: dw, oh: oh, ow: ow, h: h, w: w,
                                 pad_top: t[8], pad_left: t[10], up_h: 1, up_w: 1)
            self.w = (0 ..< m * c * kh * kw).map { Float(($0 * 7919) % 201 - 100) / 64 }
            self.x = (0 ..< c * h * w).map { Float(($0 * 104_729) % 255 - 127) / 31 }  // not dyadic: the sums round
        }

        /// (binary64 sum, sum of |w * x|) per output, the input read through the padding.
        func reference() -> [(Double, Double)] {
            var out: [(Double, Double)] = []
            for m in 0 ..< g.channels_out {
                for oy in 0 ..< g.oh {
                    for ox in 0 ..< g.ow {
                        var s = 0.0, a = 0.0
                        for c in 0 ..< g.channels_in {
                            for ky in 0 ..< g.kh {
                                for kx in 0 ..< g.kw {
                                    let iy = oy + ky * g.dh - g.pad_top, ix = ox + kx * g.dw - g.pad_left
                                    guard iy >= 0, iy < g.h, ix >= 0, ix < g.w else { continue }
                                    let p = Double(w[((m * g.channels_in + c) * g.kh + ky) * g.kw + kx]) * Double(x[(c * g.h + iy) * g.w + ix])
                                    (s, a) = (s + p, a + abs(p))
                                }
                            }
                        }
                        out.append((s, a))
                    }
                }
            }
            return out
        }

        /// The output with micro-kernel uk, rows computed in ranges cut at the splits below oh, with epilogue e.
        func run(_ uk: UnsafePointer<kiln_f32_conv_s1_ukernel>, splits: [Int], epilogue: kiln_f32_epilogue? = nil) -> [Float] {
            var g = self.g
            var wp = [Float](repeating: .nan, count: kiln_f32_conv_s1_packed_size(&g, uk.pointee.mr))
            var xp = [Float](repeating: .nan, count: kiln_f32_conv_s1_padded_size(&g, uk.pointee.nr))
            kiln_f32_conv_s1_pack(&g, uk.pointee.mr, w, &wp)
            let half = g.channels_in / 2  // two channel ranges, as two threads or two concatenated tensors give them
            kiln_f32_conv_s1_pad(&g, uk.pointee.nr, 0, half, x, &xp)
            x.withUnsafeBufferPointer { kiln_f32_conv_s1_pad(&g, uk.pointee.nr, half, g.channels_in, $0.baseAddress! + half * g.h * g.w, &xp) }
            var y = [Float](repeating: .nan, count: g.channels_out * g.oh * g.ow)
            var e = epilogue ?? kiln_f32_epilogue()
            let cuts = splits.filter { $0 < g.oh }
            for (lo, hi) in zip([0] + cuts, cuts + [g.oh]) {
                if epilogue == nil { kiln_f32_conv_s1_rows(uk, &g, wp, xp, &y, lo, hi, nil) } else { kiln_f32_conv_s1_rows(uk, &g, wp, xp, &y, lo, hi, &e) }
            }
            return y
        }
    }

    static var kernels: [UnsafePointer<kiln_f32_conv_s1_ukernel>] {
        (0 ..< kiln_f32_conv_s1_ukernel_count()).map { kiln_f32_conv_s1_ukernel_at($0)! }.filter {
            $0.pointee.required_features & kiln_cpu_features() == $0.pointee.required_features
        }
    }

    func testEveryKernelAgainstBinary64Reference() {
        var worst = 0.0, ran: Set<String> = []
        for t in Self.cases {
            let layer = Layer(t), want = layer.reference()
            var fused: [Float]?
            for uk in Self.kernels {
                let name = String(cString: uk.pointee.name)
                let got = layer.run(uk, splits: [])
                for (i, (g, (s, a))) in zip(got, want).enumerated() {
                    let bound = Double(layer.g.channels_in * layer.g.kh * layer.g.kw + 1) * 0x1p-24 * a
                    XCTAssertLessThanOrEqual(abs(Double(g) - s), bound, "\(name), case \(t), output \(i)")
                    if bound > 0 { worst = max(worst, abs(Double(g) - s) / bound) }
                }
                if uk.pointee.required_features != 0 {  // the fused-multiply-add kernels agree bit for bit
                    if let fused { XCTAssertEqual(got.map(\.bitPattern), fused.map(\.bitPattern), "\(name), case \(t)") } else { fused = got }
                }
                ran.insert(name)
            }
        }
        print("conv-s1 kernels checked: \(ran.sorted().joined(separator: ", ")); worst error \(worst) of the bound")
        XCTAssertTrue(ran.contains("4x8-c"))
    }

    /// Rows split at 1, 2, 3 and 5 (ranges of one row and of several): the same bytes.
    func testRowSplitsGiveTheSameBytes() {
        for t in Self.cases {
            let layer = Layer(t)
            for uk in Self.kernels {
                let whole = layer.run(uk, splits: [])
                for splits in [[1], [2, 3], [1, 5]] {
                    XCTAssertEqual(layer.run(uk, splits: splits).map(\.bitPattern), whole.map(\.bitPattern), "\(String(cString: uk.pointee.name)), \(t), \(splits)")
                }
            }
        }
    }

    /// Bias + ReLU / LeakyReLU in the tiles' registers, and BatchNorm / Tanh after each row:
    /// the bytes of kiln_f32_epilogue_ref run after the convolution.
    func testEpilogueEqualsSeparatePass() {
        let bias = (0 ..< 32).map { Float($0 % 7) - 3.25 }
        var norm = (0 ..< 4 * 32).map { Double($0 % 11) / 4 - 1 }
        for c in 0 ..< 32 { norm[32 + c] = 1 / (abs(norm[32 + c]) + 0.1) }
        let activations = [KILN_F32_LINEAR, KILN_F32_RELU, KILN_F32_LEAKY_RELU, KILN_F32_TANH].map { Int32($0.rawValue) }
        bias.withUnsafeBufferPointer { b in
            norm.withUnsafeBufferPointer { n in
                for t in Self.cases {
                    let layer = Layer(t), plane = layer.g.oh * layer.g.ow
                    for uk in Self.kernels {
                        let plain = layer.run(uk, splits: [])
                        for activation in activations {
                            for withNorm in [false, true] {
                                var e = kiln_f32_epilogue(bias: b.baseAddress, norm: withNorm ? n.baseAddress : nil, norm_stride: 32,
                                                          activation: activation, alpha: 0.2)
                                var want = plain
                                kiln_f32_epilogue_ref(&e, 0, layer.g.channels_out, plane, &want)
                                let got = layer.run(uk, splits: [3], epilogue: e)
                                XCTAssertEqual(got.map(\.bitPattern), want.map(\.bitPattern), "\(String(cString: uk.pointee.name)), \(t), act \(activation), norm \(withNorm)")
                            }
                        }
                    }
                }
            }
        }
    }
}
