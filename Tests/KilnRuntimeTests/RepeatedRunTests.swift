import Foundation
import KilnFormat
import KilnRuntime
import KilnTestSupport
import XCTest

/// A plan run again on the inputs it was given gives the same outputs: no op may overwrite a
/// graph input (kiln bench fills inputs once and runs many times; a reused input slot once made
/// every later run read garbage and conditional models fail on their class labels).
final class RepeatedRunTests: XCTestCase {
    func testEveryShippedModelRepeatsItsOutputs() throws {
        let dir = Repo.path("Formats/models")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".kiln") }.sorted()
        XCTAssertEqual(files.count, 9)
        for file in files {
            let model = try KilnModel.load(path: dir + "/" + file)
            let plan = try Plan(model: model, batch: 1, threads: 2)
            if let spec = try? GeneratorSpec(model: model) {
                spec.fillInputs(of: plan, seed: 5, first: 0)
            } else {  // the classifier and the sketch-to-item models: images in [-1, 1]
                let x = plan.inputBuffer(0).bindMemory(to: Float.self)
                for i in x.indices { x[i] = Float(i % 17) / 8 - 1 }
            }
            try plan.run()
            let first = (0 ..< plan.outputs.count).map { Array(plan.outputBuffer($0)) }
            for run in 2 ... 100 {
                try plan.run()
                for i in first.indices where !first[i].elementsEqual(plan.outputBuffer(i)) {
                    XCTFail("\(file): output \(i) of run \(run) differs from the first run's")
                    return
                }
            }
        }
    }
}
