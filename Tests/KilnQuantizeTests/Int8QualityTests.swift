import KilnEval
import KilnFormat
import KilnQuantize
import KilnRuntime
import KilnTestSupport
import XCTest

/// The int8 targets of the quantized engine, measured against the float reference.
final class Int8QualityTests: XCTestCase {
    func model(_ relative: String) throws -> KilnModel { try KilnModel.load(path: Repo.path(relative)) }

    /// The shipped int8 Fashion-MNIST generator against its float model on 256 samples: mean PSNR
    /// >= 32 dB, worst >= 26 dB, the classifier's class unchanged for >= 98%, file <= 27%.
    func testShippedDCGAN() throws {
        let float = try model("Formats/models/fashion-dcgan.kiln"), int8 = try model("Formats/models/fashion-dcgan-int8.kiln")
        XCTAssertEqual(int8[metadata: "quantization.type"], .string("int8"))
        let c = try Comparison.run(quantized: int8, reference: float, samples: 256)
        let judge = try Judge(model: try model("Formats/models/fashion-classifier.kiln"))
        let k = judge.classNames.count
        let a = try c.quantized.withUnsafeBufferPointer { try judge.classify($0, count: 256) }.probabilities
        let b = try c.reference.withUnsafeBufferPointer { try judge.classify($0, count: 256) }.probabilities
        let same = (0 ..< 256).filter { Judge.argmax(a[$0 * k ..< ($0 + 1) * k]) == Judge.argmax(b[$0 * k ..< ($0 + 1) * k]) }.count
        let sizes = try ["fashion-dcgan", "fashion-dcgan-int8"].map { try FileManager.default.attributesOfItem(atPath: Repo.path("Formats/models/\($0).kiln"))[.size] as! Int }
        let share = Double(sizes[1]) / Double(sizes[0])
        print(String(format: "fashion-dcgan-int8: PSNR mean %.2f dB, worst %.2f dB, agreement %d/256, file %.1f%%", c.meanPSNR, c.worstPSNR, same, share * 100))
        XCTAssertGreaterThanOrEqual(c.meanPSNR, 32)
        XCTAssertGreaterThanOrEqual(c.worstPSNR, 26)
        XCTAssertGreaterThanOrEqual(Double(same) / 256, 0.98)
        XCTAssertLessThanOrEqual(share, 0.27)
    }

    /// The fixture DCGAN 64x64 (calibrated on its latent samples) and U-Net (calibrated on
    /// uniform images in [-1, 1], checked on others): int8 mean PSNR >= 35 dB.
    func testFixtureDCGAN64AndUNet() throws {
        let dcgan = try model("Formats/fixtures/dcgan64/model.kiln")
        let (q, report) = try Int8Quantizer.emit(try Int8Quantizer.prepare(dcgan, samples: 64))
        XCTAssertTrue(report.floatLayers.isEmpty)
        let c = try Comparison.run(quantized: try KilnModel.decode(try q.encode()), reference: dcgan, samples: 16, seed: 1000)
        let unet = try model("Formats/fixtures/unet64/model.kiln")
        var rng = SplitMix64(state: 7)
        let images = (0 ..< 48 * 3 * 64 * 64).map { _ in Float(Double(rng.next() >> 11) * 0x1p-53 * 2 - 1) }
        let per = 3 * 64 * 64
        let (qu, ur) = try Int8Quantizer.emit(try Int8Quantizer.prepare(unet, samples: 32, inputs: Array(images[..<(32 * per)])))
        XCTAssertTrue(ur.tables >= 2, "the U-Net's skip concatenations need rescaling tables")
        let cu = try Comparison.run(quantized: qu, reference: unet, inputs: Array(images[(32 * per)...]), samples: 16)
        print(String(format: "fixture dcgan64 int8: %.2f dB mean (%.2f worst); unet64 int8: %.2f dB mean (%.2f worst)",
                     c.meanPSNR, c.worstPSNR, cu.meanPSNR, cu.worstPSNR))
        XCTAssertGreaterThanOrEqual(c.meanPSNR, 35)
        XCTAssertGreaterThanOrEqual(cu.meanPSNR, 35)
    }

    /// Reflection, edge and zero padding and a pixel shuffle between int8 convolutions stay int8
    /// (they move levels without arithmetic); mean PSNR >= 35 dB against the float model.
    func testPaddingAndPixelShuffleStayInt8() throws {
        var rng = SplitMix64(state: 11)
        func uniform(_ n: Int, _ scale: Double) -> [Float] { (0 ..< n).map { _ in Float((Double(rng.next() >> 11) * 0x1p-53 * 2 - 1) * scale) } }
        let tensors = [Tensor(name: "w1", shape: [16, 3, 3, 3], floats: uniform(16 * 27, 0.4)), Tensor(name: "b1", shape: [16], floats: uniform(16, 0.1)),
                       Tensor(name: "w2", shape: [8, 4, 3, 3], floats: uniform(8 * 36, 0.4)), Tensor(name: "w3", shape: [3, 8, 3, 3], floats: uniform(3 * 72, 0.3))]
        let nodes = [
            Node(op: "Pad", name: "reflect", inputs: ["x"], outputs: ["p1"], attributes: [("pads", .ints([1, 1, 1, 1])), ("mode", .string("reflect"))]),
            Node(op: "Conv2d", name: "conv1", inputs: ["p1", "w1", "b1"], outputs: ["c1"]),
            Node(op: "LeakyReLU", name: "act1", inputs: ["c1"], outputs: ["a1"], attributes: [("alpha", .float(0.2))]),
            Node(op: "DepthToSpace", name: "shuffle", inputs: ["a1"], outputs: ["s"], attributes: [("blocksize", .ints([2])), ("mode", .string("CRD"))]),
            Node(op: "Pad", name: "edge", inputs: ["s"], outputs: ["p2"], attributes: [("pads", .ints([1, 0, 1, 2])), ("mode", .string("edge"))]),
            Node(op: "Conv2d", name: "conv2", inputs: ["p2", "w2"], outputs: ["c2"], attributes: [("pads", .ints([0, 1, 0, 0]))]),
            Node(op: "ReLU", name: "act2", inputs: ["c2"], outputs: ["a2"]),
            Node(op: "Pad", name: "zero", inputs: ["a2"], outputs: ["p3"], attributes: [("pads", .ints([1, 1, 1, 1])), ("mode", .string("constant"))]),
            Node(op: "Conv2d", name: "conv3", inputs: ["p3", "w3"], outputs: ["c3"]),
            Node(op: "Tanh", name: "out", inputs: ["c3"], outputs: ["y"]),
        ]
        let float = KilnModel(metadata: [], tensors: tensors, graph: Graph(inputs: [GraphInput(name: "x", dtype: .f32, shape: [3, 8, 8])], nodes: nodes, outputs: ["y"]))
        let images = uniform(48 * 3 * 64, 1)
        let (q, report) = try Int8Quantizer.emit(try Int8Quantizer.prepare(float, samples: 32, inputs: Array(images[..<(32 * 192)])))
        XCTAssertTrue(report.floatLayers.isEmpty)
        XCTAssertEqual(q.graph.nodes.filter { ["Pad", "DepthToSpace"].contains($0.op) }.count, 4)
        let c = try Comparison.run(quantized: try KilnModel.decode(try q.encode()), reference: float, inputs: Array(images[(32 * 192)...]), samples: 16)
        print(String(format: "pad + pixel shuffle int8: %.2f dB mean (%.2f worst)", c.meanPSNR, c.worstPSNR))
        XCTAssertGreaterThanOrEqual(c.meanPSNR, 35)
        // The PSNR is over the span of the float outputs; a given range shifts it by 20 log10 of the ratio.
        XCTAssertTrue(c.rangeMeasured)
        XCTAssertEqual(c.range.lo, Double(c.reference.min()!))
        XCTAssertEqual(c.range.hi, Double(c.reference.max()!))
        let given = try Comparison.run(quantized: q, reference: float, inputs: Array(images[(32 * 192)...]), samples: 16, outputRange: (-1, 1))
        XCTAssertFalse(given.rangeMeasured)
        XCTAssertEqual(given.meanPSNR - c.meanPSNR, 20 * log10(2 / (c.range.hi - c.range.lo)), accuracy: 1e-9)
    }

    /// minmax against mse calibration on the shipped generator (the README quotes both).
    func testMSECalibrationBeatsMinMax() throws {
        let float = try model("Formats/models/fashion-dcgan.kiln")
        var psnr: [String: Double] = [:]
        for method in CalibrationMethod.allCases {
            let (q, _) = try Int8Quantizer.emit(try Int8Quantizer.prepare(float, samples: 64, method: method))
            psnr[method.rawValue] = try Comparison.run(quantized: q, reference: float, samples: 32, seed: 5000).meanPSNR
        }
        print("calibration on 64 samples, mean PSNR on 32 others: \(psnr.mapValues { (($0 * 100).rounded() / 100) })")
        XCTAssertGreaterThan(psnr["mse"]!, psnr["minmax"]! + 3)
    }

    /// --to mixed reaches its target by keeping layers in fp16, and says which.
    func testMixedReachesItsTarget() throws {
        let float = try model("Formats/models/fashion-dcgan.kiln")
        let prep = try Int8Quantizer.prepare(float, samples: 32)
        let score = { (m: KilnModel) in try Comparison.run(quantized: m, reference: float, samples: 4, seed: 77).meanPSNR }
        let (m, report, steps) = try MixedPrecision.search(prep, targetPSNR: 50, score: score)
        XCTAssertGreaterThanOrEqual(steps.last!.meanPSNR, 50)
        XCTAssertFalse(report.floatLayers.isEmpty)
        XCTAssertLessThan(steps.first!.meanPSNR, 50)
        XCTAssertEqual(m[metadata: "quantization.type"], .string("mixed"))
        XCTAssertEqual(try score(m), steps.last!.meanPSNR)
        print("mixed: " + steps.map { String(format: "%.2f dB %@", $0.meanPSNR, $0.floatLayers.description) }.joined(separator: " -> "))
    }

    /// InstanceNorm2d + ReLU become one QInstanceNorm; when the InstanceNorm cannot be int8 (its
    /// epsilon vanishes on inputs of 1e25), it stays float and its ReLU is not lost.
    func testInstanceNormWithReLU() throws {
        let tensors = [Tensor(name: "g", shape: [2], floats: [1.2, 0.8]), Tensor(name: "b", shape: [2], floats: [0.1, -0.2])]
        let nodes = [Node(op: "InstanceNorm2d", name: "norm", inputs: ["x", "g", "b"], outputs: ["n"], attributes: [("epsilon", .float(1e-5))]),
                     Node(op: "ReLU", name: "relu", inputs: ["n"], outputs: ["y"])]
        let float = KilnModel(metadata: [], tensors: tensors, graph: Graph(inputs: [GraphInput(name: "x", dtype: .f32, shape: [2, 4, 5])], nodes: nodes, outputs: ["y"]))
        var rng = SplitMix64(state: 3)
        for magnitude in [1.0, 1e25] {
            let x = (0 ..< 24 * 40).map { _ in Float((Double(rng.next() >> 11) * 0x1p-53 * 2 - 1) * magnitude) }
            let (q, report) = try Int8Quantizer.emit(try Int8Quantizer.prepare(float, samples: 16, inputs: Array(x[..<640])), allowFloatOps: true)
            let c = try Comparison.run(quantized: q, reference: float, inputs: Array(x[640...]), samples: 8)
            print(String(format: "InstanceNorm + ReLU on inputs of %.0e: %.2f dB; %@", magnitude, c.meanPSNR, report.layers.map { "\($0.node) \($0.precision)" }.joined(separator: ", ")))
            if magnitude == 1 {
                XCTAssertEqual(q.graph.nodes.filter { $0.op == "QInstanceNorm" }.count, 1)
                XCTAssertFalse(q.graph.nodes.contains { $0.op == "ReLU" || $0.op == "QLookup" }, "the ReLU is the QInstanceNorm's clamp")
            } else {
                XCTAssertTrue(q.graph.nodes.contains { $0.op == "InstanceNorm2d" })
                XCTAssertTrue(q.graph.nodes.contains { $0.op == "ReLU" }, "the float InstanceNorm keeps its ReLU")
            }
            XCTAssertGreaterThanOrEqual(c.meanPSNR, 35)
        }
    }
}
