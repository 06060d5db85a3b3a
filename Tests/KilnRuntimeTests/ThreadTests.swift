import KilnFormat
import KilnRuntime
import KilnTestSupport
import XCTest

/// Float plans split their GEMMs between threads in whole tiles: the bytes do not depend on the
/// thread count (the int8 path has its own, stronger test in KilnQuantizeTests).
final class ThreadTests: XCTestCase {
    func testFloatOutputsAreTheSameForEveryThreadCount() throws {
        for name in ["dcgan64", "unet64", "conv_k4_s2_odd_channels_batch3", "dense_bias_batch3"] {
            let model = try KilnModel.load(path: Repo.path("Formats/fixtures/\(name)/model.kiln"))
            var first: [UInt8]?
            for threads in [1, 2, 3] {
                let plan = try Plan(model: model, batch: 2, threads: threads)
                for i in 0 ..< plan.inputs.count {
                    let b = plan.inputBuffer(i)
                    for j in 0 ..< b.count { b[j] = plan.inputs[i].dtype == .f32 && j % 4 == 3 ? 0x3e : UInt8(truncatingIfNeeded: j &* 31) }
                }
                try plan.run()
                let out = Array(plan.outputBuffer(0))
                if let first { XCTAssertTrue(out == first, "\(name): \(threads) threads differ from 1") } else { first = out }
            }
        }
    }

    func testBadThreadCount() {
        XCTAssertThrowsError(try Plan(model: try KilnModel.load(path: Repo.path("Formats/fixtures/dcgan64/model.kiln")), batch: 1, threads: 0)) { e in
            XCTAssertTrue("\(e)".contains("use 1 to 256 threads"), "\(e)")
        }
    }
}
