import Foundation
import KilnFormat
import KilnImage
import KilnRuntime
@testable import KilnTrain
import XCTest

/// A tiny pix2pix (w = 4) on 40 synthetic 28x28 images padded to 32x32 and drawn by the edge
/// detector, so steps are fast in debug builds.
enum TinyPix2Pix {
    static func pairs() -> PairedDataset {
        var images: [Float] = []
        for i in 0 ..< 40 {
            let (x0, y0, side) = (3 + i % 7, 4 + i % 5, 8 + i % 9)
            for y in 0 ..< 28 { for x in 0 ..< 28 { images.append((x0 ..< x0 + side).contains(x) && (y0 ..< y0 + side).contains(y) ? 0.8 : -1) } }
        }
        let d = Dataset(name: "squares", images: images, count: 40, channels: 1, height: 28, width: 28, labels: [], classNames: [])
        return PairedDataset.drawings(of: d, padding: 2, detector: EdgeDetector())
    }

    static func config(seed: UInt64 = 3) -> Pix2PixConfig {
        Pix2PixConfig(generatorWidth: 4, discriminatorWidth: 4, batchSize: 8, epochs: 1, seed: seed, dataset: "squares")
    }

    static func weights(_ t: Pix2PixTrainer) -> [[Float]] {
        (t.g.parameters + t.d.parameters + t.g.buffers + t.d.buffers).map(\.value)
    }
}

final class Pix2PixTrainerTests: XCTestCase {
    func testPairsArePaddedAndDrawn() {
        let p = TinyPix2Pix.pairs()
        XCTAssertEqual([p.images.height, p.images.width, p.sketches.height], [32, 32, 32])
        // The 2-pixel frame is background in the image and empty paper in the sketch.
        for y in [0, 1, 30, 31] { for x in 0 ..< 32 { XCTAssertEqual(p.images.images[y * 32 + x], -1); XCTAssertEqual(p.sketches.images[y * 32 + x], 1) } }
        XCTAssertTrue(p.sketches.images.allSatisfy { $0 == 1 || $0 == -1 })
        XCTAssertGreaterThan(p.sketches.images.filter { $0 < 0 }.count, 40 * 20, "every square has an outline")
    }

    /// Same seed -> the same weights, bit for bit, whatever the thread count; dropout masks and
    /// data order included.
    func testReproducibleAcrossThreadCounts() throws {
        var results: [[[Float]]] = []
        for threads in [1, 2] {
            let t = try Pix2PixTrainer(config: TinyPix2Pix.config(), data: TinyPix2Pix.pairs(), threads: threads)
            for _ in 0 ..< 3 { _ = t.trainStep() }
            results.append(TinyPix2Pix.weights(t))
        }
        XCTAssertEqual(results[0], results[1])
    }

    /// Stop after 3 steps, checkpoint through the file encoding, restore, continue: the weights
    /// equal those of an uninterrupted 6-step run (which crosses an epoch: 5 steps per epoch).
    func testResumeContinuesExactly() throws {
        let straight = try Pix2PixTrainer(config: TinyPix2Pix.config(), data: TinyPix2Pix.pairs())
        for _ in 0 ..< 6 { _ = straight.trainStep() }
        let first = try Pix2PixTrainer(config: TinyPix2Pix.config(), data: TinyPix2Pix.pairs())
        for _ in 0 ..< 3 { _ = first.trainStep() }
        let file = try KilnModel.decode(try first.checkpoint(elapsedSeconds: 5).encode())
        XCTAssertEqual(try Pix2PixTrainer.config(ofCheckpoint: file), TinyPix2Pix.config())
        XCTAssertNil(try? GANTrainer.config(ofCheckpoint: file), "a DCGAN run must not take a pix2pix checkpoint")
        let resumed = try Pix2PixTrainer(config: TinyPix2Pix.config(), data: TinyPix2Pix.pairs())
        XCTAssertEqual(try resumed.restore(from: file), 5)
        for _ in 0 ..< 3 { _ = resumed.trainStep() }
        // BatchNorm running statistics differ by the checkpoint's recalibration; compare the rest.
        let n = straight.g.parameters.count + straight.d.parameters.count
        XCTAssertEqual(Array(TinyPix2Pix.weights(resumed).prefix(n)), Array(TinyPix2Pix.weights(straight).prefix(n)))
    }

    /// The L1 term pulls G towards the real images: after 25 steps (at a learning rate of 2e-3
    /// for the tiny net) the L1 distance is below 80% of the first step's.
    func testL1Falls() throws {
        var c = TinyPix2Pix.config()
        c.learningRateG = 2e-3
        let t = try Pix2PixTrainer(config: c, data: TinyPix2Pix.pairs())
        let first = t.trainStep().l1
        var last = first
        for _ in 0 ..< 25 { last = t.trainStep().l1 }
        XCTAssertLessThan(last, first * 0.8, "L1 \(first) -> \(last)")
    }

    /// The exported model, run by the runtime, gives what the trainer's U-Net gives in inference
    /// mode, within float rounding (the trainer and the runtime sum the GEMMs in other orders:
    /// 1e-5 on outputs in [-1, 1]); and it declares itself a translator.
    func testExportedModelMatchesTrainer() throws {
        let t = try Pix2PixTrainer(config: TinyPix2Pix.config(), data: TinyPix2Pix.pairs())
        for _ in 0 ..< 3 { _ = t.trainStep() }
        t.recalibrate()
        let model = try KilnModel.decode(try t.exportModel(name: "tiny", description: "test", elapsedSeconds: 1).encode())
        XCTAssertEqual(model.graph.nodes.filter { $0.op == "Concat" }.count, 4)
        let translator = try Translator(model: model, batch: 3)
        XCTAssertEqual(translator.inputShape, [1, 32, 32])
        XCTAssertTrue(translator.darkOnLight)
        let sketches = Array(t.data.sketches.images.prefix(5 * 1024))
        let got = try translator.translate(sketches, count: 5)
        let want = t.g.forward(Tensor(shape: [5, 1, 32, 32], values: sketches), training: false).values
        let err = zip(got, want).map { abs($0 - $1) }.max()!
        XCTAssertLessThan(err, 1e-5, "max abs error \(err)")
        XCTAssertThrowsError(try GeneratorSpec(model: model)) { XCTAssertTrue("\($0)".contains("kiln translate"), "\($0)") }
    }

    func testBadConfigurations() throws {
        var c = TinyPix2Pix.config()
        c.batchSize = 41
        XCTAssertThrowsError(try Pix2PixTrainer(config: c, data: TinyPix2Pix.pairs())) { XCTAssertTrue("\($0)".contains("larger than the dataset")) }
        c = TinyPix2Pix.config()
        c.imageShape = [1, 28, 28]
        XCTAssertThrowsError(try Pix2PixTrainer(config: c, data: TinyPix2Pix.pairs()))
    }
}
