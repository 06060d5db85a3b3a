import KilnEval
import KilnFormat
import KilnLatent
import KilnRuntime
import KilnTestSupport
import XCTest

/// The shipped models through LatentGenerator: thread and batch independence (int8), class
/// blending that reproduces plain class generation, and the direction experiment's effect.
final class LatentGeneratorTests: XCTestCase {
    private func model(_ name: String) throws -> KilnModel { try KilnModel.load(path: Repo.path("Formats/models/\(name).kiln")) }

    func testInt8ImagesAreTheSameForEveryThreadCountAndBatch() throws {
        let m = try model("fashion-dcgan-int8")
        let s = try GeneratorSpec(model: m).sampler
        let latents = (0 ..< 5).map { Latent.interpolate(s.sample(seed: 3), s.sample(seed: 11), t: Double($0) / 4, path: .slerp) }
        let one = try LatentGenerator(model: m, batch: 1).images(latents: latents)
        for (batch, threads) in [(4, 2), (5, 3), (2, 1)] {
            XCTAssertEqual(try LatentGenerator(model: m, batch: batch, threads: threads).images(latents: latents), one, "batch \(batch), threads \(threads)")
        }
    }

    /// A mixture of one class with weight 1 is that class's embedding row, so blending must give
    /// exactly the images of ordinary class generation (float and int8 tables).
    func testPureClassMixtureEqualsLabelledGeneration() throws {
        for name in ["fashion-cond", "fashion-cond-int8"] {
            let m = try model(name)
            let plain = try LatentGenerator(model: m, batch: 3)
            let blend = try LatentGenerator(model: m, batch: 3, threads: 2, blendingClasses: true)
            let latents = (0 ..< 4).map { plain.spec.sampler.sample(seed: UInt64($0)) }
            let classes = [7, 5, 9, 0]
            let want = try plain.images(latents: latents, labels: classes)
            XCTAssertEqual(try blend.images(latents: latents, classMixtures: classes.map { [(classIndex: $0, weight: 1.0)] }), want, name)
            let half = try blend.images(latents: latents, classMixtures: classes.map { [($0, 0.5), (($0 + 1) % 10, 0.5)] })
            XCTAssertNotEqual(half, try plain.images(latents: latents, labels: classes), name)
        }
    }

    func testBlendingNeedsAConditionalModel() throws {
        XCTAssertThrowsError(try LatentGenerator(model: try model("fashion-dcgan-int8"), batch: 1, blendingClasses: true)) { e in
            XCTAssertTrue("\(e)".contains("not class-conditional"), "\(e)")
        }
    }

    func testClassNamesMatchLooselyAndListTheValidOnes() throws {
        let names = ["T-shirt/top", "Trouser", "Sandal", "Ankle boot"]
        XCTAssertEqual(try ClassJudge.classIndex("ankle_boot", in: names), 3)
        XCTAssertEqual(try ClassJudge.classIndex("t-shirt/top", in: names), 0)
        XCTAssertEqual(try ClassJudge.classIndex("2", in: names), 2)
        XCTAssertThrowsError(try ClassJudge.classIndex("sneaker", in: names)) { e in
            XCTAssertTrue("\(e)".contains("unknown class 'sneaker'") && "\(e)".contains("\"Ankle boot\""), "\(e)")
        }
        XCTAssertEqual(ClassJudge.conceptName(ofClass: "T-shirt/top"), "t_shirt_top")
        XCTAssertEqual(ClassJudge.conceptName(ofClass: "Ankle boot"), "ankle_boot")
    }

    /// The README's claim, on a smaller search: the sandal -> sneaker direction turns most held-out
    /// sandals into sneakers, random directions of its norm almost none.
    func testSandalToSneakerDirectionBeatsRandomDirections() throws {
        let g = try LatentGenerator(model: try model("fashion-dcgan-int8"), batch: 100, threads: 2)
        let judge = try ClassJudge(generator: g, judge: try Judge(model: try model("fashion-classifier")))
        let classified = try judge.classify(seeds: Array(0 ..< 1500))
        let r = try DirectionExperiment.run(judge: judge, classified: classified, from: 5, to: 7, minConfidence: 0.8, randomDirections: 4)
        print("sandal -> sneaker on 1500 seeds: \(r.heldOut.count) held out, \(r.flipped) flipped, random \(r.randomFlipped)")
        XCTAssertGreaterThan(r.heldOut.count, 20)
        XCTAssertGreaterThan(r.flipped, 0.6)
        XCTAssertLessThan(r.randomMean, 0.15)
    }
}
