import CKilnKernels
import XCTest

/// The fused f32 epilogue (bias, BatchNorm, activation): every path gives the reference's bits,
/// and the reference gives the separate ops' formulas.
final class EpilogueTests: XCTestCase {
    static let activations = [KILN_F32_LINEAR, KILN_F32_RELU, KILN_F32_LEAKY_RELU, KILN_F32_TANH].map { Int32($0.rawValue) }

    /// Inputs with the awkward values: +-0, NaN, infinities, large and tiny magnitudes.
    static func values(_ n: Int, seed: UInt64) -> [Float] {
        var state = seed
        return (0 ..< n).map { i in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let special: [Float] = [0, -0.0, .nan, .infinity, -.infinity, 1e30, -1e-30]
            return i % 13 == 5 ? special[(i / 13) % special.count] : Float(Int64(state >> 33) - (1 << 30)) / Float(1 << 28)
        }
    }

    /// Each path against the reference: channels 1, 3, 8, 9, 17 x inner 1, 2, 7, 8, 9, 33 (one value per
    /// channel, below, at and above one vector), with and without bias and BatchNorm, every activation,
    /// starting at channel 0 and 2.
    func testEveryPathMatchesReference() {
        let bias = Self.values(40, seed: 1)
        var norm = Self.values(4 * 40, seed: 2).map { Double($0) }
        for c in 0 ..< 40 { norm[40 + c] = 1 / (abs(norm[40 + c]) + 0.1) }
        var ran: [String] = []
        for index in 0 ..< kiln_f32_epilogue_kernel_count() {
            let k = kiln_f32_epilogue_kernel_at(index)!.pointee
            guard k.required_features & kiln_cpu_features() == k.required_features else { continue }
            for channels in [1, 3, 8, 9, 17] {
                for inner in [1, 2, 7, 8, 9, 33] {
                    for activation in Self.activations {
                        for (withBias, withNorm) in [(false, false), (true, false), (false, true), (true, true)] {
                            for first in [0, 2] {
                                bias.withUnsafeBufferPointer { b in
                                    norm.withUnsafeBufferPointer { nrm in
                                        var e = kiln_f32_epilogue(bias: withBias ? b.baseAddress : nil, norm: withNorm ? nrm.baseAddress : nil,
                                                                  norm_stride: 40, activation: activation, alpha: 0.3)
                                        let x = Self.values(channels * inner + 1, seed: UInt64(channels * 100 + inner))
                                        var want = x, got = x
                                        kiln_f32_epilogue_ref(&e, first, channels, inner, &want)
                                        k.fn(&e, first, channels, inner, &got)
                                        XCTAssertEqual(got.map(\.bitPattern), want.map(\.bitPattern),
                                                       "\(String(cString: k.name)) c\(channels) i\(inner) act\(activation) b\(withBias) n\(withNorm) @\(first)")
                                    }
                                }
                            }
                        }
                    }
                }
            }
            ran.append(String(cString: k.name))
        }
        print("epilogue paths checked: \(ran.joined(separator: ", "))")
        XCTAssertTrue(ran.contains("scalar"))
    }

    /// The reference is the separate ops' formulas: BatchNorm2d in Double, then the activation.
    func testReferenceIsTheOpsFormulas() {
        let norm: [Double] = [0.5, 1 / (0.25 + 1e-5).squareRoot(), 2, -1]  // mean, 1/sqrt(var + eps), scale, shift
        let x: [Float] = [-3, -0.0, 0.7, 2.5, .nan]
        for activation in Self.activations {
            norm.withUnsafeBufferPointer { n in
                var e = kiln_f32_epilogue(bias: nil, norm: n.baseAddress, norm_stride: 1, activation: activation, alpha: 0.2)
                for v in x {
                    let bn = Float((Double(v) - 0.5) * norm[1] * 2 + -1)
                    let want: Float = switch activation {
                    case Int32(KILN_F32_RELU.rawValue): bn > 0 ? bn : 0
                    case Int32(KILN_F32_LEAKY_RELU.rawValue): bn >= 0 ? bn : 0.2 * bn
                    case Int32(KILN_F32_TANH.rawValue): Float(tanh(Double(bn)))
                    default: bn
                    }
                    var got = [v]
                    kiln_f32_epilogue_ref(&e, 0, 1, 1, &got)
                    XCTAssertEqual(got[0].bitPattern, want.bitPattern, "\(v) act\(activation)")
                }
            }
        }
    }
}
