import KilnFormat
import KilnRuntime
import KilnTestSupport
import XCTest

/// GEMM plans run a BatchNorm2d and an activation after a float layer in the layer's output pass:
/// the bytes are those of the same plan with every op on its own, for any threads and batch.
final class EpilogueFusionTests: XCTestCase {
    /// Fixtures and the nodes fusion takes over: DCGAN (ConvTranspose2d -> BatchNorm2d -> ReLU four
    /// times, then -> Tanh: 9); a U-Net (11: its encoder's BatchNorm outputs are read by a skip
    /// connection and the next LeakyReLU, so the chains stop at the BatchNorm; the first conv's
    /// output has two readers, so nothing fuses there); Dense -> BatchNorm1d; a bare BatchNorm and a
    /// bare LeakyReLU (no layer to fuse into).
    static let cases: [(String, Int)] = [("dcgan64", 9), ("unet64", 11), ("dense_nobias_batchnorm1d", 1), ("batchnorm", 0), ("act_leaky", 0)]

    func testFusedPlansGiveTheSameBytes() throws {
        for (name, expected) in Self.cases {
            let model = try KilnModel.load(path: Repo.path("Formats/fixtures/\(name)/model.kiln"))
            for (batch, threads) in [(1, 1), (3, 2)] {
                let plans = try [true, false].map { try Plan(model: model, batch: batch, threads: threads, fuseEpilogues: $0) }
                XCTAssertEqual(plans[0].fusedNodes, expected, name)
                XCTAssertEqual(plans[1].fusedNodes, 0, name)
                XCTAssertLessThanOrEqual(plans[0].arenaBytes, plans[1].arenaBytes, name)
                let outputs = try plans.map { plan in
                    for i in 0 ..< plan.inputs.count {
                        let b = plan.inputBuffer(i)
                        for j in 0 ..< b.count { b[j] = plan.inputs[i].dtype == .f32 && j % 4 == 3 ? 0x3e : UInt8(truncatingIfNeeded: j &* 29 &+ 7) }
                    }
                    try plan.run()
                    return Array(plan.outputBuffer(0))
                }
                XCTAssertTrue(outputs[0] == outputs[1], "\(name), batch \(batch), \(threads) threads: fused and separate ops differ")
            }
        }
    }
}
