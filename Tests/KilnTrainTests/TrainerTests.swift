import Foundation
import KilnFormat
import KilnRuntime
@testable import KilnTrain
import XCTest

/// Small synthetic data and a tiny DCGAN, so training steps are fast in debug builds.
enum Tiny {
    /// 48 images of 28x28: class k is a bright vertical bar at column 4 + 2k on a dark ground.
    static func dataset(classes: Int = 3) -> Dataset {
        var images: [Float] = []
        var labels: [Int] = []
        for i in 0 ..< 48 {
            let k = i % classes
            for y in 0 ..< 28 { for x in 0 ..< 28 { images.append(abs(x - (4 + 2 * k)) <= 1 ? 0.9 : -0.9 + Float(y % 3) * 0.05) } }
            labels.append(k)
        }
        return Dataset(name: "bars", images: images, count: 48, channels: 1, height: 28, width: 28,
                       labels: labels, classNames: (0 ..< classes).map { "bar\($0)" })
    }

    static func config(conditional: Bool = false, seed: UInt64 = 7) -> GANConfig {
        var c = GANConfig()
        c.latentDim = 6
        c.generatorWidth = 4
        c.discriminatorWidth = 4
        c.batchSize = 8
        c.conditional = conditional
        c.seed = seed
        c.dataset = "bars"
        c.classNames = (0 ..< 3).map { "bar\($0)" }
        return c
    }

    /// Every trained value: G, D, the EMA weights, and G's and D's BatchNorm statistics.
    static func weights(_ t: GANTrainer) -> [[Float]] {
        (t.g.parameters + t.d.parameters + t.ema.parameters + t.g.buffers + t.d.buffers).map(\.value)
    }
}

final class TrainerTests: XCTestCase {
    /// Same seed -> the same weights, bit for bit, whatever the thread count.
    func testReproducibleAcrossRunsAndThreadCounts() throws {
        var results: [[[Float]]] = []
        for threads in [1, 1, 2] {
            let t = try GANTrainer(config: Tiny.config(), dataset: Tiny.dataset(), threads: threads)
            for _ in 0 ..< 3 { _ = t.trainStep() }
            results.append(Tiny.weights(t))
        }
        XCTAssertEqual(results[0], results[1])
        XCTAssertEqual(results[0], results[2])
        let other = try GANTrainer(config: Tiny.config(seed: 8), dataset: Tiny.dataset())
        _ = other.trainStep()
        XCTAssertNotEqual(Tiny.weights(other)[0], results[0][0])
    }

    /// Stop after 4 steps, checkpoint (through the file encoding), restore into a fresh trainer,
    /// continue: the weights equal those of an uninterrupted 8-step run, bit for bit.
    func testResumeContinuesExactly() throws {
        for conditional in [false, true] {
            let straight = try GANTrainer(config: Tiny.config(conditional: conditional), dataset: Tiny.dataset())
            for _ in 0 ..< 8 { _ = straight.trainStep() }

            let first = try GANTrainer(config: Tiny.config(conditional: conditional), dataset: Tiny.dataset())
            for _ in 0 ..< 4 { _ = first.trainStep() }
            let file = try KilnModel.decode(try first.checkpoint(elapsedSeconds: 12).encode())
            XCTAssertEqual(try GANTrainer.config(ofCheckpoint: file), Tiny.config(conditional: conditional))
            let resumed = try GANTrainer(config: Tiny.config(conditional: conditional), dataset: Tiny.dataset())
            XCTAssertEqual(try resumed.restore(from: file), 12)
            XCTAssertEqual(resumed.step, 4)
            for _ in 0 ..< 4 { _ = resumed.trainStep() }
            XCTAssertEqual(Tiny.weights(resumed), Tiny.weights(straight), "conditional \(conditional)")
        }
    }

    /// The exported .kiln, run by the float reference runtime, gives what the trainer's EMA
    /// generator gives in inference mode (within float rounding: the trainer uses the f32 GEMM,
    /// the runtime sums in Double).
    func testExportedModelMatchesTrainer() throws {
        for conditional in [false, true] {
            let t = try GANTrainer(config: Tiny.config(conditional: conditional), dataset: Tiny.dataset())
            for _ in 0 ..< 3 { _ = t.trainStep() }
            t.recalibrateEMA()
            let model = try KilnModel.decode(try t.exportModel(name: "tiny", description: "test", elapsedSeconds: 1).encode())
            let spec = try GeneratorSpec(model: model)
            XCTAssertEqual(spec.sampler.dimension, 6)
            XCTAssertEqual(spec.labelInput != nil, conditional)
            let plan = try Plan(model: model, batch: 5)
            let zs = (0 ..< 5).flatMap { spec.sampler.sample(seed: UInt64($0)) }
            let labels = [0, 1, 2, 0, 1]
            zs.withUnsafeBytes { plan.inputBuffer(spec.latentInput).copyMemory(from: $0) }
            if let li = spec.labelInput { labels.map(Int32.init).withUnsafeBytes { plan.inputBuffer(li).copyMemory(from: $0) } }
            try plan.run()
            let got = Array(plan.outputBuffer(0).bindMemory(to: Float.self))
            let want = t.ema.forward(Tensor(shape: [5, 6], values: zs), labels: labels, training: false).values
            XCTAssertEqual(got.count, 5 * 28 * 28)
            let err = zip(got, want).map { abs($0 - $1) }.max()!
            XCTAssertLessThan(err, 1e-5, "conditional \(conditional): max abs error \(err)")
        }
    }

    func testBadConfigurations() throws {
        var c = Tiny.config()
        c.batchSize = 100
        XCTAssertThrowsError(try GANTrainer(config: c, dataset: Tiny.dataset())) { XCTAssertTrue("\($0)".contains("larger than the dataset (48 images)"), "\($0)") }
        var unlabelled = Tiny.dataset()
        unlabelled.labels = []
        XCTAssertThrowsError(try GANTrainer(config: Tiny.config(conditional: true), dataset: unlabelled)) { XCTAssertTrue("\($0)".contains("needs class labels"), "\($0)") }
        var other = Tiny.config()
        other.generatorWidth = 8
        XCTAssertFalse(other.compatible(with: Tiny.config()))
        other = Tiny.config()
        (other.epochs, other.learningRateG, other.labelSmoothing) = (9, 1e-5, 0.1)
        XCTAssertTrue(other.compatible(with: Tiny.config()))
    }
}
