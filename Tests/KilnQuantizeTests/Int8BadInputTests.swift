import CKilnKernels
import KilnFormat
import KilnQuantize
import KilnRuntime
import KilnTestSupport
import XCTest

/// What the quantizer and the runtime refuse, with messages that say what to do.
final class Int8BadInputTests: XCTestCase {
    /// z [N, 4] -> Dense(weight, bias) -> ReLU -> y: a tiny generator.
    func generator(weight: [Float], bias: [Float]) -> KilnModel {
        KilnModel(metadata: [("latent.dim", .int(4)), ("latent.input", .string("z"))],
                  tensors: [Tensor(name: "w", shape: [3, 4], floats: weight), Tensor(name: "b", shape: [3], floats: bias)],
                  graph: Graph(inputs: [GraphInput(name: "z", dtype: .f32, shape: [4])],
                               nodes: [Node(op: "Dense", name: "dense", inputs: ["z", "w", "b"], outputs: ["h"]),
                                       Node(op: "ReLU", name: "relu", inputs: ["h"], outputs: ["y"])],
                               outputs: ["y"]))
    }

    func testNaNOrInfiniteWeights() {
        for bad in [Float.nan, .infinity] {
            XCTAssertThrowsError(try Int8Quantizer.prepare(generator(weight: [1, 2, bad] + Array(repeating: 0.5, count: 9), bias: [0, 0, 0]), samples: 4)) { e in
                XCTAssertTrue("\(e)".contains("tensor 'w' holds") && "\(e)".contains("cannot be quantized"), "\(e)")
            }
        }
    }

    /// A dead layer: every activation is 0 on every calibration sample.
    func testDegenerateCalibration() {
        XCTAssertThrowsError(try Int8Quantizer.emit(try Int8Quantizer.prepare(generator(weight: Array(repeating: 0, count: 12), bias: [0, 0, 0]), samples: 8))) { e in
            XCTAssertTrue("\(e)".contains("was 0 on all 8 calibration samples") && "\(e)".contains("--to mixed"), "\(e)")
        }
        // A constant that is not 0 has a range [0, c] and quantizes exactly.
        let (q, _) = try! Int8Quantizer.emit(try! Int8Quantizer.prepare(generator(weight: Array(repeating: 0, count: 12), bias: [0.5, 1, 2]), samples: 8))
        let c = try! Comparison.run(quantized: q, reference: generator(weight: Array(repeating: 0, count: 12), bias: [0.5, 1, 2]), samples: 3)
        XCTAssertLessThan(c.maxAbsError, 2.0 / 255)
    }

    func testNotAGeneratorWithoutCalibrationData() throws {
        let unet = try KilnModel.load(path: Repo.path("Formats/fixtures/unet64/model.kiln"))
        XCTAssertThrowsError(try Int8Quantizer.prepare(unet)) { e in XCTAssertTrue("\(e)".contains("--calibration-data"), "\(e)") }
    }

    /// Calibration or comparison inputs of the wrong per-sample size: an error, not a crash.
    func testInputsOfTheWrongShape() throws {
        let unet = try KilnModel.load(path: Repo.path("Formats/fixtures/unet64/model.kiln"))
        let bad = [Float](repeating: 0, count: 40)
        XCTAssertThrowsError(try Int8Quantizer.prepare(unet, samples: 4, inputs: bad)) { e in
            XCTAssertTrue("\(e)".contains("the inputs hold 40 values, not 4 samples of [3, 64, 64]"), "\(e)")
        }
        XCTAssertThrowsError(try Comparison.run(quantized: unet, reference: unet, inputs: bad, samples: 4)) { e in
            XCTAssertTrue("\(e)".contains("12288 values each"), "\(e)")
        }
    }

    /// Files that break the integer limits of Formats/SPEC.md are refused when planned.
    func testRuntimeRefusesBrokenInt8Files() throws {
        let (good, _) = try Int8Quantizer.emit(try Int8Quantizer.prepare(generator(weight: (0 ..< 12).map { Float($0) / 12 - 0.4 }, bias: [0.1, -0.2, 0.3]), samples: 16))
        XCTAssertNoThrow(try Plan(model: good, batch: 2))
        func tampered(_ name: String, _ edit: (inout [UInt8]) -> Void) throws -> KilnModel {
            var m = good
            let i = m.tensors.firstIndex { $0.name == name }!
            var bytes = Array(m.tensors[i].bytes)
            edit(&bytes)
            m.tensors[i] = bytes.withUnsafeBytes { Tensor(name: name, dtype: m.tensors[i].dtype, shape: m.tensors[i].shape, data: $0) }
            return m
        }
        XCTAssertThrowsError(try Plan(model: try tampered("dense.weight.q8") { $0[5] = 0x80 }, batch: 1)) { e in
            XCTAssertTrue("\(e)".contains("holds -128"), "\(e)")
        }
        XCTAssertThrowsError(try Plan(model: try tampered("dense.requant") { $0[8] = 0 }, batch: 1)) { e in  // shift of channel 0
            XCTAssertTrue("\(e)".contains("shift 0; shifts must be 1 to 62"), "\(e)")
        }
        XCTAssertThrowsError(try Plan(model: try tampered("dense.bias.i32") { $0[3] = 0x7f }, batch: 1)) { e in
            XCTAssertTrue("\(e)".contains("leaves +-2^30"), "\(e)")
        }
    }

    /// Requantization rounds half toward +infinity, in one step (Formats/SPEC.md).
    func testRequantizationRounding() {
        // multiplier 2^30, shift 31: acc / 2 rounded half up.
        var ch = kiln_qs8_channel(bias: 0, multiplier_pos: 1 << 30, multiplier_neg: 1 << 30, shift: 31, weight_sum: 0)
        let cases: [(Int32, Int8)] = [(5, 3), (-5, -2), (-6, -3), (-7, -3), (1, 1), (-1, 0), (254, 127), (256, 127), (-300, -128)]
        for (acc, want) in cases { XCTAssertEqual(kiln_qs8_requantize(acc, &ch, 0), want, "acc \(acc)") }
        XCTAssertEqual(kiln_qs8_requantize(-5, &ch, 10), 8)
    }
}
