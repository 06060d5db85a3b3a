@testable import KilnFormat
@testable import KilnRuntime
import XCTest

/// Every way a file can be broken gives a typed `FormatError`, never a crash.
final class BadFileTests: XCTestCase {
    private func decodeError(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) -> FormatError? {
        do {
            _ = try KilnModel.decode(bytes)
            XCTFail("decoding succeeded", file: file, line: line)
            return nil
        } catch let e as FormatError {
            XCTAssertFalse(e.description.isEmpty)
            return e
        } catch {
            XCTFail("not a FormatError: \(error)", file: file, line: line)
            return nil
        }
    }

    func testMissingFile() {
        XCTAssertThrowsError(try KilnModel.load(path: "/nonexistent/model.kiln")) { e in
            guard case let .cannotOpen(path, reason)? = e as? FormatError else { return XCTFail("\(e)") }
            XCTAssertEqual(path, "/nonexistent/model.kiln")
            XCTAssertTrue(reason.contains("No such file"), reason)
        }
    }

    func testFoldersAndPipesAreNotModels() {
        XCTAssertThrowsError(try KilnModel.load(path: "/tmp")) { XCTAssertEqual($0 as? FormatError, .notAFile(path: "/tmp", kind: "a folder")) }
        // a named pipe is refused at once, not read (which would wait for a writer)
        let fifo = NSTemporaryDirectory() + "kiln-fifo-\(getpid())"
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        defer { unlink(fifo) }
        XCTAssertThrowsError(try KilnModel.load(path: fifo)) { XCTAssertEqual($0 as? FormatError, .notAFile(path: fifo, kind: "a named pipe (FIFO)")) }
    }

    func testEmptyFile() throws {
        let path = NSTemporaryDirectory() + "kiln-empty-\(getpid()).kiln"
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data()))
        defer { unlink(path) }
        XCTAssertThrowsError(try KilnModel.load(path: path)) { XCTAssertEqual($0 as? FormatError, .tooSmall(size: 0)) }
    }

    func testWrongMagic() throws {
        var bytes = try TestModels.rich().encode()
        bytes[0] = 0x89
        XCTAssertEqual(decodeError(bytes), .badMagic(found: [0x89, 0x49, 0x4C, 0x4E]))
        XCTAssertEqual(decodeError(Array("# ONNX or text, not a model, just some longer text to pass 64 bytes.....".utf8)),
                       .badMagic(found: Array("# ON".utf8)))
    }

    func testFutureMajorVersion() throws {
        var bytes = try TestModels.rich().encode()
        bytes.put(UInt16(2), at: Field.version)
        bytes.reseal()
        XCTAssertEqual(decodeError(bytes), .unsupportedVersion(major: 2, minor: KilnFormatVersion.minor))
    }

    func testNewerMinorVersionIsRead() throws {
        var bytes = try TestModels.rich().encode()
        bytes.put(UInt16(7), at: Field.version + 2)
        bytes.reseal()
        XCTAssertEqual(try KilnModel.decode(bytes).minorVersion, 7)
    }

    func testBigEndianFlag() throws {
        var bytes = try TestModels.rich().encode()
        bytes[4] = 2
        bytes.reseal()
        XCTAssertEqual(decodeError(bytes), .unsupportedByteOrder(2))
    }

    /// Truncated at every length: a typed error each time, the right one for header-sized cuts.
    func testTruncatedAnywhere() throws {
        let bytes = try TestModels.rich().encode()
        for n in 0 ..< bytes.count {
            let e = decodeError(Array(bytes[0 ..< n]))
            if n < 64 { XCTAssertEqual(e, .tooSmall(size: n)) } else { XCTAssertEqual(e, .sizeMismatch(declared: UInt64(bytes.count), actual: n)) }
        }
    }

    /// The tables cut short at every length (checksums fixed up): the decoder runs out of bytes
    /// in the middle of a field and says so.
    func testTablesTruncatedAnywhere() throws {
        let bytes = try TestModels.rich().encode()
        let tablesSize = Int(bytes.u64(at: Field.tablesSize))
        for n in 0 ..< tablesSize {
            var cut = bytes
            cut.put(UInt64(n), at: Field.tablesSize)
            cut.reseal()
            XCTAssertNotNil(decodeError(cut), "tables cut to \(n) bytes")
        }
    }

    /// Every single-byte corruption of a file is detected: by the magic, byte-order or version
    /// checks, by a checksum, or (in padding, which no checksum covers) by the zero-padding rule.
    func testEveryFlippedByteIsDetected() throws {
        let bytes = try TestModels.rich().encode()
        for i in 0 ..< bytes.count {
            var bad = bytes
            bad[i] ^= 0x40
            switch (i, decodeError(bad)) {
            case (0 ..< 4, .badMagic?), (4, .unsupportedByteOrder?), (6 ..< 8, .unsupportedVersion?), (_, .checksumMismatch?): break
            case let (_, .invalid(m)?) where m.contains("padding"): break
            case let (_, e): XCTFail("flipping byte \(i) gave \(String(describing: e))")
            }
        }
    }

    func testChecksumMismatchNamesTheRegion() throws {
        let bytes = try TestModels.rich().encode()
        let dataOffset = Int(bytes.u64(at: Field.dataOffset))
        var bad = bytes
        bad[dataOffset] ^= 1  // first byte of tensor "w"
        guard case let .checksumMismatch(region, _, _)? = decodeError(bad) else { return XCTFail() }
        XCTAssertEqual(region, "tensor 'w'")
        bad = bytes
        bad[70] ^= 1
        guard case let .checksumMismatch(r2, _, _)? = decodeError(bad) else { return XCTFail() }
        XCTAssertTrue(r2.hasPrefix("the tables"), r2)
        bad = bytes
        bad[Field.fileSize + 7] ^= 1
        guard case let .checksumMismatch(r3, _, _)? = decodeError(bad) else { return XCTFail() }
        XCTAssertEqual(r3, "the header")
    }

    func testTrailingBytes() throws {
        let bytes = try TestModels.rich().encode()
        XCTAssertEqual(decodeError(bytes + [0]), .sizeMismatch(declared: UInt64(bytes.count), actual: bytes.count + 1))
    }

    func testDataSectionOutOfBounds() throws {
        var bytes = try TestModels.rich().encode()
        bytes.put(UInt64(bytes.count + 64), at: Field.dataOffset)
        bytes.reseal()
        guard case .outOfBounds? = decodeError(bytes) else { return XCTFail() }
    }

    /// A tensor whose offset points past the data, and one whose offset is misaligned.
    func testTensorOutOfBoundsAndMisaligned() throws {
        let model = KilnModel(metadata: [], tensors: [Tensor(name: "t", shape: [2], floats: [1, 2])],
                              graph: Graph(inputs: [GraphInput(name: "x", dtype: .f32, shape: [1])], nodes: [], outputs: ["x"]))
        let bytes = try model.encode()
        // Tensor table entry: u32 count, u32 len + "t", u8 dtype, u8 rank, u16 reserved, i64 dim, u64 offset...
        let metadataEnd = 64 + 4
        let offsetField = metadataEnd + 4 + 4 + 1 + 1 + 1 + 2 + 8
        for offset: UInt64 in [1 << 40, 32, UInt64.max - 3] {
            var bad = bytes
            bad.put(offset, at: offsetField)
            bad.reseal()
            guard case .outOfBounds? = decodeError(bad) else { return XCTFail("offset \(offset)") }
        }
        var bad = bytes
        bad.put(UInt64.max, at: offsetField + 8)  // size
        bad.reseal()
        guard case .outOfBounds? = decodeError(bad) else { return XCTFail("size") }
    }

    func testShapeWhoseElementCountOverflows() throws {
        let t = Tensor(name: "huge", shape: [1 << 40, 1 << 40], floats: [1])
        let model = KilnModel(metadata: [], tensors: [t],
                              graph: Graph(inputs: [GraphInput(name: "x", dtype: .f32, shape: [1])], nodes: [], outputs: ["x"]))
        XCTAssertThrowsError(try model.encode()) { XCTAssertEqual($0 as? FormatError, .shapeOverflow(name: "huge", dims: [1 << 40, 1 << 40])) }
        XCTAssertEqual(decodeError(model.encodeUnchecked()), .shapeOverflow(name: "huge", dims: [1 << 40, 1 << 40]))
    }

    func testUnknownDTypeCode() throws {
        let model = KilnModel(metadata: [], tensors: [Tensor(name: "t", shape: [1], floats: [1])],
                              graph: Graph(inputs: [GraphInput(name: "x", dtype: .f32, shape: [1])], nodes: [], outputs: ["x"]))
        var bytes = try model.encode()
        bytes[64 + 4 + 4 + 4 + 1] = 99
        bytes.reseal()
        guard case let .invalid(m)? = decodeError(bytes) else { return XCTFail() }
        XCTAssertTrue(m.contains("unknown dtype code 99"), m)
    }

    func testDanglingReference() throws {
        let model = TestModels.graph([("a", ["x"]), ("b", ["nowhere"])])
        XCTAssertEqual(decodeError(model.encodeUnchecked()), .danglingReference(node: "b", value: "nowhere"))
    }

    func testCycle() throws {
        let model = TestModels.graph([("a", ["x", "v.c"]), ("b", ["v.a"]), ("c", ["v.b"])])
        XCTAssertEqual(decodeError(model.encodeUnchecked()), .cycle(nodes: ["a", "c", "b"]))
        XCTAssertEqual(decodeError(TestModels.graph([("self", ["v.self"])]).encodeUnchecked()), .cycle(nodes: ["self"]))
    }

    func testNodesOutOfOrder() throws {
        let model = TestModels.graph([("b", ["v.a"]), ("a", ["x"])])
        guard case let .invalid(m)? = decodeError(model.encodeUnchecked()) else { return XCTFail() }
        XCTAssertTrue(m.contains("topological order"), m)
    }

    func testDuplicateName() throws {
        let model = TestModels.graph([("a", ["x"]), ("a", ["x"])])
        XCTAssertEqual(decodeError(model.encodeUnchecked()), .duplicateName("v.a"))
    }

    /// Random corruption of the tables with checksums fixed up: the decoder never crashes and
    /// never succeeds with something it did not validate.
    func testRandomTableCorruptionNeverCrashes() throws {
        let bytes = try TestModels.rich().encode()
        let tablesEnd = 64 + Int(bytes.u64(at: Field.tablesSize))
        var rng = SplitMix64(state: 1)  // the latent sampler's generator, as a test RNG
        for _ in 0 ..< 3000 {
            var bad = bytes
            for _ in 0 ..< 1 + Int(rng.next() % 3) {
                let i = 64 + Int(rng.next() % UInt64(tablesEnd - 64))
                bad[i] = UInt8(truncatingIfNeeded: rng.next())
            }
            bad.reseal()
            if let model = try? KilnModel.decode(bad) { XCTAssertNoThrow(try model.validate()) }
        }
    }
}
