import Foundation
import KilnFormat
import KilnONNX
import KilnQuantize
import KilnRuntime
import KilnTestSupport
import XCTest

/// Every converted model family quantizes with `--to int8` (ops without an int8 form stay in
/// float) to at least 35 dB mean PSNR against its float model, over the span of the float outputs.
/// Generators calibrate on 64 of their latent samples, image models on 64 uniform images in
/// [-1, 1]; both are checked on 32 others.
final class ONNXInt8Tests: XCTestCase {
    /// Fixture, the Kiln ops that must be int8 in it, the ops allowed to stay float.
    static let families: [(String, [String], Set<String>)] = [
        ("onnx_dcgan64", ["QConvTranspose2d"], []),
        ("onnx_tf28", ["QDense", "QConvTranspose2d"], []),
        ("onnx_unet64", ["QConv2d", "QConvTranspose2d", "Concat"], []),
        ("onnx_upsample_conv", ["QDense", "Upsample"], []),
        ("onnx_resnet_pad", ["QInstanceNorm", "QAdd", "Pad"], ["Pad"]),  // the first Pad reads the float input
        ("onnx_pixel_shuffle", ["QChannelLookup", "DepthToSpace"], []),
        ("onnx_bilinear_unet", ["QChannelLookup", "Bilinear"], ["Div"]),  // Div by a per-column vector
        ("onnx_stylegan_mapping", ["QDense"], ["Pow", "ReduceMean", "Add", "Sqrt", "Reciprocal", "Mul", "ReduceL2", "Clip", "Expand", "Div"]),
        ("onnx_tf_dcgan", ["QDense", "QChannelLookup", "Transpose"], []),
    ]

    func testEveryFamilyQuantizesToInt8() throws {
        for (name, int8Ops, floatAllowed) in Self.families {
            let (model, _) = try ONNXImporter.convert(contentsOf: Repo.path("Formats/fixtures/\(name)/model.onnx"))
            let generator = (try? GeneratorSpec(model: model)) != nil
            var images: [Float] = []
            if !generator {
                let per = model.graph.inputs[0].shape.reduce(1, *)
                var rng = SplitMix64(state: 21)
                images = (0 ..< 96 * Int(per)).map { _ in Float(Double(rng.next() >> 11) * 0x1p-53 * 2 - 1) }
            }
            let prep = try Int8Quantizer.prepare(model, samples: 64, inputs: generator ? nil : Array(images[..<(images.count * 2 / 3)]))
            let (q, report) = try Int8Quantizer.emit(prep, allowFloatOps: true)
            let stayed = Set(report.layers.filter { $0.precision == "f32" || $0.precision == "fp16" }.map(\.op))
            XCTAssertTrue(stayed.isSubset(of: floatAllowed), "\(name): \(stayed.subtracting(floatAllowed)) stayed float")
            let ops = Set(q.graph.nodes.filter { $0.outputs[0].hasSuffix(".q8") }.map(\.op))  // the emitter's int8 values
            for op in int8Ops { XCTAssertTrue(ops.contains(op), "\(name): no int8 \(op) in \(ops.sorted())") }
            let decoded = try KilnModel.decode(try q.encode())
            let c = generator ? try Comparison.run(quantized: decoded, reference: model, samples: 32, seed: 3000)
                : try Comparison.run(quantized: decoded, reference: model, inputs: Array(images[(images.count * 2 / 3)...]), samples: 32)
            print(String(format: "%@ int8: %.2f dB mean (%.2f worst); float: %@", name, c.meanPSNR, c.worstPSNR, stayed.sorted().joined(separator: ", ")))
            XCTAssertGreaterThanOrEqual(c.meanPSNR, 35, name)
        }
    }
}
