@testable import KilnFormat
import KilnTestSupport
import XCTest

final class RoundTripTests: XCTestCase {
    func testEncodeDecodeEncodeIsIdentical() throws {
        let model = TestModels.rich()
        let bytes = try model.encode()
        let back = try KilnModel.decode(bytes)
        XCTAssertEqual(back.metadata.map(\.0), model.metadata.map(\.0))
        XCTAssertEqual(back.metadata.map(\.1), model.metadata.map(\.1))
        XCTAssertEqual(back.graph, model.graph)
        XCTAssertEqual(back.tensors.count, model.tensors.count)
        for (a, b) in zip(back.tensors, model.tensors) {
            XCTAssertEqual(a.name, b.name)
            XCTAssertEqual(a.dtype, b.dtype)
            XCTAssertEqual(a.shape, b.shape)
            XCTAssertEqual(Array(a.bytes), Array(b.bytes))
            XCTAssertEqual([a.quantAxis], [b.quantAxis])
            XCTAssertEqual(a.quantScaleTensor, b.quantScaleTensor)
            XCTAssertEqual(a.quantZeroPointTensor, b.quantZeroPointTensor)
        }
        XCTAssertEqual(try back.encode(), bytes)
    }

    func testLayoutIsAlignedAndHeaderIsConsistent() throws {
        let bytes = try TestModels.rich().encode()
        XCTAssertEqual(Array(bytes[0 ..< 4]), [0x4B, 0x49, 0x4C, 0x4E])
        XCTAssertEqual(bytes.u64(at: Field.fileSize), UInt64(bytes.count))
        XCTAssertEqual(bytes.u64(at: Field.dataOffset) % 64, 0)
        let model = try KilnModel.decode(bytes)
        for t in model.tensors where t.bytes.count > 0 {
            XCTAssertEqual(Int(bitPattern: t.bytes.baseAddress!) % 64, 0, "tensor \(t.name) is not 64-byte aligned")
        }
    }

    func testLoadMapsTheEncodedFile() throws {
        let path = NSTemporaryDirectory() + "kiln-roundtrip-\(getpid()).kiln"
        defer { unlink(path) }
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(try TestModels.rich().encode())))
        let loaded = try KilnModel.load(path: path)
        XCTAssertEqual(loaded.tensor(named: "w")?.floats.map(Array.init), [1, -2, 3.5, 0, .infinity, -0.0])
    }

    /// Python -> Swift: every fixture written by Formats/python/kiln.py re-encodes to the same bytes.
    func testPythonWrittenFixturesReencodeByteForByte() throws {
        let files = try Repo.fixtureModels()
        XCTAssertGreaterThanOrEqual(files.count, 20)
        for file in files {
            let bytes = try XCTUnwrap(FileManager.default.contents(atPath: file))
            XCTAssertEqual(try KilnModel.decode(Array(bytes)).encode(), Array(bytes), file)
        }
    }

    /// Swift -> Python: kiln.py reads a Swift-written file with every field type and writes the
    /// same bytes back.
    func testPythonReencodesSwiftFileByteForByte() throws {
        let a = NSTemporaryDirectory() + "kiln-swift-\(getpid()).kiln", b = a + ".py.kiln"
        defer { unlink(a); unlink(b) }
        XCTAssertTrue(FileManager.default.createFile(atPath: a, contents: Data(try TestModels.rich().encode())))
        try Repo.python(["Formats/python/kiln.py", "copy", a, b])
        XCTAssertEqual(FileManager.default.contents(atPath: b), FileManager.default.contents(atPath: a))
    }
}
