import Foundation
import KilnFormat
import KilnImage
import KilnONNX
import KilnQuantize
import KilnRuntime
import KilnTestSupport
import XCTest

/// `kiln convert` on ONNX models shaped like real exports (Tools/onnx_fixtures.py): Kiln's float
/// output against ONNX Runtime's, max abs error <= 1e-4 on outputs in [-1, 1]; and the zoo_*
/// fixtures, PyTorch models exported by both exporters (Tools/torch_zoo.py), and a tf2onnx export.
final class ONNXFixtureTests: XCTestCase {
    static let zoo = ["cyclegan", "cyclegan_bilinear", "pix2pix_unet", "srgan", "esrgan", "stylegan_mapping"].flatMap { ["zoo_\($0)_legacy", "zoo_\($0)_dynamo"] }
    static let names = zoo + ["tf2onnx_dcgan", "onnx_dcgan64", "onnx_tf28", "onnx_unet64", "onnx_upsample_conv", "onnx_cgan28", "onnx_resnet_pad", "onnx_pixel_shuffle",
                        "onnx_bilinear_unet", "onnx_stylegan_mapping", "onnx_tf_dcgan"]

    func npy(_ path: String) throws -> NPYArray { try NPYArray.decode(Array(try XCTUnwrap(FileManager.default.contents(atPath: path), path))) }

    func testEveryExportConvertsAndMatchesOnnxRuntime() throws {
        for name in Self.names {
            let folder = Repo.path("Formats/fixtures/\(name)")
            let (model, report) = try ONNXImporter.convert(contentsOf: folder + "/model.onnx")
            let decoded = try KilnModel.decode(try model.encode())
            let single = FileManager.default.fileExists(atPath: folder + "/input.npy")
            let inputs = try decoded.graph.inputs.map { try npy(folder + (single ? "/input.npy" : "/input-\($0.name).npy")) }
            let expected = try npy(folder + "/expected.npy")
            guard case let .float32(want) = expected.data else { return XCTFail(name) }
            let plan = try Plan(model: decoded, batch: inputs[0].shape[0])
            for (i, a) in inputs.enumerated() {
                switch a.data {
                case let .float32(v): v.withUnsafeBytes { plan.inputBuffer(i).copyMemory(from: $0) }
                case let .int32(v): v.withUnsafeBytes { plan.inputBuffer(i).copyMemory(from: $0) }
                }
            }
            try plan.run()
            XCTAssertEqual(plan.outputs[0].shape, expected.shape, name)
            let got = Array(plan.outputBuffer(0).bindMemory(to: Float.self))
            let err = zip(got, want).map { abs($0 - $1) }.max()!
            if name == "onnx_cgan28" { XCTAssertEqual(decoded[metadata: "classes.names"]?.stringsValue?.count, 10) }
            if name == "onnx_resnet_pad" {  // the pad subgraphs fold; the zero pad joins its Conv
                XCTAssertEqual(report.kilnOps["Pad"], 4)
                XCTAssertEqual(Set(report.kilnOps.keys), ["Pad", "Conv2d", "InstanceNorm2d", "ReLU", "Add", "ConvTranspose2d", "Tanh"])
            }
            if name == "onnx_pixel_shuffle" { XCTAssertNil(report.kilnOps["Pad"]) }
            if name == "onnx_stylegan_mapping" {  // both normalizations reach the model; the shape arithmetic folds
                for op in ["Pow", "ReduceMean", "Sqrt", "Reciprocal", "ReduceL2", "Clip", "Expand", "Div"] { XCTAssertNotNil(report.kilnOps[op], op) }
                XCTAssertEqual(report.kilnOps["Clip"], 2)  // Clip and Max
            }
            if name == "onnx_tf_dcgan" { XCTAssertEqual(report.kilnOps["Transpose"], 2) }
            print("\(name): opset \(report.opset), \(report.onnxNodes) ONNX nodes (\(report.folded) folded) -> \(report.kilnOps.values.reduce(0, +)) Kiln ops; max abs error vs ONNX Runtime \(err)")
            XCTAssertLessThanOrEqual(err, 1e-4, name)
        }
    }

    /// The DCGAN export is recognised as a generator, quantizes to int8 and verifies like a
    /// trained model.
    func testConvertedGeneratorQuantizes() throws {
        let (model, report) = try ONNXImporter.convert(contentsOf: Repo.path("Formats/fixtures/onnx_dcgan64/model.onnx"))
        XCTAssertEqual(report.generator, "z of 100 normal values in 'input'")
        XCTAssertEqual(model[metadata: "latent.dim"], .int(100))
        let (q, _) = try Int8Quantizer.emit(try Int8Quantizer.prepare(model, samples: 32))
        let c = try Comparison.run(quantized: q, reference: model, samples: 8, seed: 99)
        print(String(format: "onnx_dcgan64 -> int8: PSNR %.2f dB mean, %.2f worst", c.meanPSNR, c.worstPSNR))
        XCTAssertGreaterThanOrEqual(c.meanPSNR, 35)
    }
}
