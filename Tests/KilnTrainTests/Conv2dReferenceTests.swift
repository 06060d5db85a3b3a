@testable import KilnTrain
import XCTest

/// Conv2dLayer's forward against the convolution written out as loops in Double, on both of its
/// paths: patch rows + GEMM, and `FlippedConvolution` (a stride-1 convolution run as the transposed
/// convolution of its flipped weight), with a check that each case takes the path it should.
/// The gradients: GradientCheckTests.
final class Conv2dReferenceTests: XCTestCase {
    /// y[i, o, oy, ox] = b[o] + sum over (c, ky, kx) of w[o, c, ky, kx] x[i, c, oy*s - p + ky, ox*s - p + kx].
    private func reference(_ x: Tensor<Double>, _ w: [Double], _ b: [Double], m: Int, k: Int, s: Int = 1, p: Int) -> [Double] {
        let (n, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (oh, ow) = ((h + 2 * p - k) / s + 1, (wd + 2 * p - k) / s + 1)
        var y = [Double](repeating: 0, count: n * m * oh * ow)
        for i in 0 ..< n {
            for o in 0 ..< m {
                for oy in 0 ..< oh {
                    for ox in 0 ..< ow {
                        var sum = b[o]
                        for ch in 0 ..< c {
                            for ky in 0 ..< k {
                                for kx in 0 ..< k {
                                    let (iy, ix) = (oy * s - p + ky, ox * s - p + kx)
                                    if iy >= 0, iy < h, ix >= 0, ix < wd { sum += w[((o * c + ch) * k + ky) * k + kx] * x.values[((i * c + ch) * h + iy) * wd + ix] }
                                }
                            }
                        }
                        y[((i * m + o) * oh + oy) * ow + ox] = sum
                    }
                }
            }
        }
        return y
    }

    func testPatchRowsForwardIsTheConvolution() {
        var rng = TrainRNG(seed: 11)
        // (in, out, kernel, stride, padding, input [N, C, H, W]): the U-Net's and PatchGAN's k4 s2 p1,
        // one and two input channels, odd and non-square maps, a 1x1 output, stride 3, no padding.
        let cases: [(Int, Int, Int, Int, Int, [Int])] = [(1, 4, 4, 2, 1, [2, 1, 8, 8]), (2, 3, 4, 2, 1, [3, 2, 7, 5]),
                                                         (5, 6, 4, 2, 1, [2, 5, 2, 2]), (3, 8, 3, 1, 1, [2, 3, 5, 6]),
                                                         (4, 2, 3, 3, 0, [1, 4, 7, 8]), (6, 16, 4, 2, 1, [2, 6, 16, 16])]
        for (c, m, k, st, p, shape) in cases {
            let layer = Conv2dLayer<Double>(name: "c", inChannels: c, outChannels: m, kernel: k, stride: st, padding: p, bias: true, rng: &rng)
            let flipped = FlippedConvolution<Double>(layer.shape, bias: true, threads: 1)
            XCTAssertFalse(flipped?.isCheaper(h: shape[2], w: shape[3]) ?? false, "\(c) -> \(m) k\(k) s\(st) should take patch rows")
            layer.bias!.value = (0 ..< m).map { _ in rng.normal() }
            let x = Tensor<Double>(shape: shape, values: (0 ..< shape.reduce(1, *)).map { _ in rng.normal() })
            let y = layer.forward(x, training: true)
            let want = reference(x, layer.weight.value, layer.bias!.value, m: m, k: k, s: st, p: p)
            XCTAssertEqual(y.count, want.count)
            let worst = zip(y.values, want).map { abs($0 - $1) }.max()!
            XCTAssertLessThan(worst, 1e-12, "\(c) -> \(m) k\(k) s\(st) p\(p) on \(shape): max abs error \(worst)")
        }
    }

    func testFlippedForwardIsTheConvolution() {
        var rng = TrainRNG(seed: 7)
        // (in, out, kernel, padding, input [N, C, H, W]): 1 and 2 outputs, odd sizes, pads 0 to K - 1.
        let cases: [(Int, Int, Int, Int, [Int])] = [(6, 1, 4, 1, [2, 6, 5, 4]), (128, 1, 4, 1, [1, 128, 8, 8]),
                                                    (5, 2, 3, 2, [3, 5, 3, 4]), (9, 1, 2, 0, [2, 9, 3, 7]), (7, 1, 3, 1, [1, 7, 1, 1])]
        for (c, m, k, p, shape) in cases {
            let layer = Conv2dLayer<Double>(name: "c", inChannels: c, outChannels: m, kernel: k, padding: p, bias: true, rng: &rng)
            XCTAssertTrue(FlippedConvolution<Double>(layer.shape, bias: true, threads: 1)!.isCheaper(h: shape[2], w: shape[3]),
                          "\(c) -> \(m) k\(k) p\(p) on \(shape) should take the flipped form")
            layer.bias!.value = (0 ..< m).map { _ in rng.normal() }
            let x = Tensor<Double>(shape: shape, values: (0 ..< shape.reduce(1, *)).map { _ in rng.normal() })
            let y = layer.forward(x, training: true)
            let want = reference(x, layer.weight.value, layer.bias!.value, m: m, k: k, p: p)
            XCTAssertEqual(y.shape, [shape[0], m, shape[2] + 2 * p - k + 1, shape[3] + 2 * p - k + 1])
            let worst = zip(y.values, want).map { abs($0 - $1) }.max()!
            XCTAssertLessThan(worst, 1e-12, "\(c) -> \(m) k\(k) p\(p): max abs error \(worst)")
        }
    }

    func testOnlyStrideOneWithinPaddingAndWhereCheaper() {
        XCTAssertNil(FlippedConvolution<Double>(ConvShape(inChannels: 64, outChannels: 1, kernel: 4, stride: 2, padding: 1), bias: true, threads: 1))
        XCTAssertNil(FlippedConvolution<Double>(ConvShape(inChannels: 64, outChannels: 1, kernel: 3, stride: 1, padding: 3), bias: true, threads: 1))
        // The DCGAN critic's 7x7 logit over a 7x7 map: im2col has 49x fewer multiply-adds.
        let logit = FlippedConvolution<Double>(ConvShape(inChannels: 128, outChannels: 1, kernel: 7, stride: 1, padding: 0), bias: true, threads: 1)!
        XCTAssertFalse(logit.isCheaper(h: 7, w: 7))
        // As many outputs as inputs: the same work both ways, im2col kept.
        let square = FlippedConvolution<Double>(ConvShape(inChannels: 32, outChannels: 32, kernel: 3, stride: 1, padding: 1), bias: false, threads: 1)!
        XCTAssertFalse(square.isCheaper(h: 16, w: 16))
    }
}
