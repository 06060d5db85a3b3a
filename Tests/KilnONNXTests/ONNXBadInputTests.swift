import Foundation
@testable import KilnONNX
import KilnTestSupport
import XCTest

/// Files kiln convert refuses, each with a message that names the problem and what to do.
final class ONNXBadInputTests: XCTestCase {
    func fixture(_ name: String) throws -> Onnx_ModelProto {
        try Onnx_ModelProto(serializedBytes: try Data(contentsOf: URL(fileURLWithPath: Repo.path("Formats/fixtures/\(name)/model.onnx"))))
    }

    func convert(_ m: Onnx_ModelProto) throws { _ = try ONNXImporter.convert(data: try m.serializedData(), directory: nil) }

    func assertError(_ m: Onnx_ModelProto, _ parts: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try convert(m), file: file, line: line) { e in
            for p in parts { XCTAssertTrue("\(e)".contains(p), "'\(p)' not in: \(e)", file: file, line: line) }
        }
    }

    func testUnsupportedOpNamesOpNodeAndOpset() throws {
        var m = try fixture("onnx_dcgan64")
        m.graph.node[2].opType = "Einsum"
        m.graph.node[2].attribute = [Onnx_AttributeProto.with { $0.name = "equation"; $0.type = .string; $0.s = Data("ij,jk".utf8) }]
        assertError(m, ["node '\(m.graph.node[2].name)' is an ONNX Einsum (equation=ij,jk), opset 17", "Supported: Add, BatchNormalization",
                        "on constants only (evaluated at conversion): Abs, Ceil, ConstantOfShape"])
        m.graph.node[2].domain = "com.microsoft"
        assertError(m, ["(domain com.microsoft)"])
    }

    /// The attributes that decide whether an op converts are in the message (Pad mode=wrap).
    func testUnsupportedPadModeIsNamed() throws {
        var m = try fixture("onnx_resnet_pad")
        let i = try XCTUnwrap(m.graph.node.firstIndex { $0.opType == "Pad" })
        m.graph.node[i].attribute[0].s = Data("wrap".utf8)
        assertError(m, ["node '\(m.graph.node[i].name)' (Pad): mode=wrap is not supported (constant, reflect and edge are)"])
    }

    /// An op kiln evaluates only on constants, fed by an activation, says so (and not that the
    /// op is unknown).
    func testFoldOnlyOpOnAnActivation() throws {
        var m = try fixture("onnx_resnet_pad")
        let i = try XCTUnwrap(m.graph.node.firstIndex { $0.opType == "Slice" })
        m.graph.node[i].input[0] = "input"
        assertError(m, ["(Slice): kiln evaluates Slice only on constants", "its input 'input' is computed from the model's inputs"])
    }

    /// The math ops on activations refuse what would mix samples or needs a computed operand.
    func testMathOpsRefuseWhatCrossesSamples() throws {
        let base = try fixture("onnx_stylegan_mapping")
        func node(_ op: String, _ m: Onnx_ModelProto) throws -> Int { try XCTUnwrap(m.graph.node.firstIndex { $0.opType == op }) }
        var m = base
        var i = try node("ReduceMean", m)
        m.graph.node[i].input = [m.graph.node[i].input[0]]
        assertError(m, ["(ReduceMean): it reduces every axis, the batch too"])
        m = base
        i = try node("Pow", m)
        m.graph.node[i].input[1] = "input"
        assertError(m, ["(Pow): only a constant scalar exponent is supported"])
        m = base
        i = try node("Max", m)
        m.graph.node[i].input[1] = "input"
        assertError(m, ["(Max): only constant scalar bounds are supported"])
        var t = try fixture("onnx_tf_dcgan")
        i = try node("Transpose", t)
        t.graph.node[i].attribute[0].ints = [1, 0, 2, 3]
        assertError(t, ["(Transpose): perm [1, 0, 2, 3] moves the batch axis; kiln keeps the batch first"])
    }

    func testOpsetOutOfRange() throws {
        for v: Int64 in [9, 22] {
            var m = try fixture("onnx_dcgan64")
            m.opsetImport[0].version = v
            assertError(m, ["opset \(v)", "opsets 11 to 21", "opset_version=17"])
        }
    }

    func testDynamicSpatialShape() throws {
        var m = try fixture("onnx_unet64")
        m.graph.input[0].type.tensorType.shape.dim[2].dimParam = "height"
        assertError(m, ["graph input 'input' has shape [batch_size, 3, height, 64]", "only the first (batch) dimension may be dynamic"])
    }

    func testNonConstantWeight() throws {
        var m = try fixture("onnx_dcgan64")
        let weight = m.graph.initializer.remove(at: 0)
        var input = m.graph.input[0]
        input.name = weight.name
        m.graph.input.append(input)
        assertError(m, ["needs its input '\(weight.name)' to be a constant", "do_constant_folding=True"])
    }

    func testTruncatedAndNonONNXFiles() throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Repo.path("Formats/fixtures/onnx_tf28/model.onnx")))
        for cut in [bytes.count / 2, 100, 7] {
            XCTAssertThrowsError(try ONNXImporter.convert(data: bytes.prefix(cut), directory: nil)) { e in
                XCTAssertTrue("\(e)".contains("not an ONNX model"), "\(cut): \(e)")
            }
        }
        XCTAssertThrowsError(try ONNXImporter.convert(data: Data("KILN\u{1}not onnx at all".utf8), directory: nil)) { e in
            XCTAssertTrue("\(e)".contains("not an ONNX model"), "\(e)")
        }
    }

    /// A node without outputs (found by the fuzzer: an index out of range in the importer).
    func testNodeWithoutOutput() throws {
        let clean = try fixture("onnx_tf28")
        for i in [0, 1, clean.graph.node.count - 1] {
            var m = clean
            m.graph.node[i].output = i == 1 ? [""] : []
            assertError(m, ["node #\(i) '\(m.graph.node[i].name)' (\(m.graph.node[i].opType)) has no output"])
        }
    }

    /// Sizes from the file that would overflow or trap when used: a Reshape target whose product
    /// leaves Int64, one held as floats that are NaN or 1e30, a tensor of dims [2^40, 2^40, 0]
    /// (found by fuzz-onnx: it overflows before the 0), a graph input of 2^40 values, and
    /// convolution attributes past the runtime's limits. Each is an error, never a crash.
    func testSizesThatOverflowAreErrors() throws {
        func withReshapeTarget(_ t: Onnx_TensorProto) throws -> Onnx_ModelProto {
            var m = try fixture("onnx_tf28")
            XCTAssertEqual(m.graph.node[8].output, ["/view/rest/Constant_output_0"])
            m.graph.node[8].attribute[0].t = t
            return m
        }
        var huge = Onnx_TensorProto()
        huge.dims = [3]
        huge.dataType = 7
        huge.int64Data = [1 << 40, 1 << 40, 7]
        assertError(try withReshapeTarget(huge), ["Reshape", "shape"])
        var empty = Onnx_TensorProto()
        empty.name = "empty"
        empty.dims = [1 << 40, 1 << 40, 0]
        empty.dataType = 1
        assertError(try withReshapeTarget(empty), ["tensor 'empty' has shape [1099511627776, 1099511627776, 0]"])
        for bad: Float in [.nan, 1e30, -.infinity] {
            var floats = Onnx_TensorProto()
            floats.dims = [3]
            floats.dataType = 1
            floats.floatData = [bad, 7, 7]
            assertError(try withReshapeTarget(floats), ["holds \(bad), which is not a number it can use"])
        }
        var m = try fixture("onnx_tf28")
        m.graph.input[0].type.tensorType.shape.dim[1].dimValue = 1 << 40
        assertError(m, ["graph input 'input'", "larger than Kiln takes"])
        for (key, values) in [("strides", [Int64(1) << 40, 2]), ("pads", [-1, 1, 1, 1]), ("dilations", [0, 1])] {
            var d = try fixture("onnx_dcgan64")
            let a = d.graph.node[0].attribute.firstIndex { $0.name == key }!
            d.graph.node[0].attribute[a].ints = values
            assertError(d, [key, "2^20"])
        }
    }

    func testMissingExternalData() throws {
        let dir = NSTemporaryDirectory() + "kiln-onnx-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try? FileManager.default.removeItem(atPath: dir + "/model.onnx")
        try FileManager.default.copyItem(atPath: Repo.path("Formats/fixtures/onnx_upsample_conv/model.onnx"), toPath: dir + "/model.onnx")
        XCTAssertThrowsError(try ONNXImporter.convert(contentsOf: dir + "/model.onnx")) { e in
            XCTAssertTrue("\(e)".contains("external data file") && "\(e)".contains("model.onnx.data' is missing") && "\(e)".contains("next to the .onnx file"), "\(e)")
        }
    }
}
