import KilnFormat
import KilnRuntime
import KilnTestSupport
import XCTest

/// A ConvTranspose2d may run one GEMM per kernel row over only the input rows that row lands inside
/// the output (skipping a kernel row, and its weights, that lands nowhere): the products it skips
/// are the ones col2im never reads, so the bytes are those of one GEMM over everything.
final class TransposedConvSplitTests: XCTestCase {
    /// The U-Net's innermost transposed conv has a 1x1 input with padding (kernel rows 0 and 3 land
    /// nowhere) and the next a 2x2 one; the others are stride 2 with output padding, a 7x7 kernel from
    /// a 1x1 input, stride 3 with dilation; batch 1 and 3, 1 and 2 threads.
    func testSplitGivesTheSameBytes() throws {
        for name in ["unet64", "dcgan64", "convt_k4_s2_p1", "convt_k5_s2_output_padding", "convt_k7_from_1x1_batch3", "convt_s3_dilated_asymmetric"] {
            let model = try KilnModel.load(path: Repo.path("Formats/fixtures/\(name)/model.kiln"))
            for (batch, threads) in [(1, 1), (3, 2)] {
                let outputs = try [true, false].map { split in
                    let plan = try Plan(model: model, batch: batch, threads: threads, splitTransposedConvs: split)
                    for i in 0 ..< plan.inputs.count {
                        let b = plan.inputBuffer(i)
                        for j in 0 ..< b.count { b[j] = j % 4 == 3 ? 0x3e : UInt8(truncatingIfNeeded: j &* 37 &+ 11) }
                    }
                    try plan.run()
                    return Array(plan.outputBuffer(0))
                }
                XCTAssertTrue(outputs[0] == outputs[1], "\(name), batch \(batch), \(threads) threads: split and single GEMM differ")
            }
        }
    }
}
