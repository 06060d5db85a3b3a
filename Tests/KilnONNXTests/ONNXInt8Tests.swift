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
    /// A fixture, the Kiln ops that must be int8 in it, the ops allowed to stay float.
    struct Family {
        let name: String, int8: [String], floatAllowed: Set<String>
        init(_ name: String, _ int8: [String], _ floatAllowed: Set<String> = []) { (self.name, self.int8, self.floatAllowed) = (name, int8, floatAllowed) }
    }

    static let handMade: [Family] = [
        Family("onnx_dcgan64", ["QConvTranspose2d"]),
        Family("onnx_tf28", ["QDense", "QConvTranspose2d"]),
        Family("onnx_unet64", ["QConv2d", "QConvTranspose2d", "Concat"]),
        Family("onnx_upsample_conv", ["QDense", "Upsample"]),
        Family("onnx_resnet_pad", ["QInstanceNorm", "QAdd", "Pad"], ["Pad"]),  // the first Pad reads the float input
        Family("onnx_pixel_shuffle", ["QChannelLookup", "DepthToSpace"]),
        Family("onnx_bilinear_unet", ["QChannelLookup", "Bilinear"], ["Div"]),  // Div by a per-column vector
        Family("onnx_stylegan_mapping", ["QDense"], ["Pow", "ReduceMean", "Add", "Sqrt", "Reciprocal", "Mul", "ReduceL2", "Clip", "Expand", "Div"]),
        Family("onnx_tf_dcgan", ["QDense", "QChannelLookup", "Transpose"]),
        Family("tf2onnx_dcgan", ["QDense", "QChannelLookup", "Transpose", "QConvTranspose2d"]),
    ]

    static func zoo(_ e: String) -> [Family] {
        [Family("zoo_cyclegan_\(e)", ["QInstanceNorm", "QAdd", "Pad", "QConvTranspose2d"], ["Pad"]),
         Family("zoo_cyclegan_bilinear_\(e)", ["QInstanceNorm", "QAdd", "Bilinear"], ["Pad"]),
         Family("zoo_pix2pix_unet_\(e)", ["QConv2d", "QConvTranspose2d", "Concat"]),
         Family("zoo_srgan_\(e)", ["QAdd", "QChannelLookup", "DepthToSpace"]),
         Family("zoo_esrgan_\(e)", ["QAdd", "QLookup", "Upsample", "Concat"]),
         Family("zoo_stylegan_mapping_\(e)", ["QDense"], ["ReduceL2", "Clip", "Expand", "Div", "Mul"])]
    }

    static let families = handMade + zoo("legacy") + zoo("dynamo")

    func testEveryFamilyQuantizesToInt8() throws {
        for family in Self.families {
            let (name, int8Ops, floatAllowed) = (family.name, family.int8, family.floatAllowed)
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
