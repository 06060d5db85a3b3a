import Foundation
import KilnFormat
import KilnImage
import KilnTestSupport
import XCTest

final class CLITests: XCTestCase {
    private func fixture(_ name: String, _ file: String = "model.kiln") -> String { Repo.path("Formats/fixtures/\(name)/\(file)") }

    private func expectFailure(_ args: [String], mentions: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        try CLI.expectFailure(args, mentions: mentions, file: file, line: line)
    }

    func testHelpOnEveryCommand() throws {
        for args in [["--help"], ["inspect", "--help"], ["run", "--help"], ["generate", "--help"]] {
            let r = try CLI.run(args)
            XCTAssertEqual(r.status, 0, args.joined(separator: " "))
            XCTAssertTrue(r.stdout.contains("USAGE"), r.stdout)
        }
    }

    func testInspectShowsTheModel() throws {
        let r = try CLI.run(["inspect", fixture("dcgan64"), "--tensors"])
        XCTAssertEqual(r.status, 0, r.stderr)
        for s in ["checksums verified", "latent.dim", "ConvTranspose2d", "MACs per sample 598,016", "z  f32 [N, 16]", "tanh37  f32 [N, 3, 64, 64]"] {
            XCTAssertTrue(r.stdout.contains(s), "missing '\(s)' in:\n\(r.stdout)")
        }
    }

    /// kiln run reproduces ONNX Runtime's output on a multi-input fixture through .npy files.
    func testRunWithNamedInputs() throws {
        let out = CLI.temporary("concat.npy")
        let ins = (0 ..< 3).flatMap { ["--input", "x\($0)=" + fixture("concat_three_inputs", "input-x\($0).npy")] }
        let r = try CLI.run(["run", fixture("concat_three_inputs")] + ins + ["--output", out])
        XCTAssertEqual(r.status, 0, r.stderr)
        let got = try NPYArray.decode(Array(try XCTUnwrap(FileManager.default.contents(atPath: out))))
        let want = try NPYArray.decode(Array(try XCTUnwrap(FileManager.default.contents(atPath: fixture("concat_three_inputs", "expected.npy")))))
        XCTAssertEqual(got, want)  // Concat only copies: exact
    }

    func testGenerateWritesADeterministicPNG() throws {
        let a = CLI.temporary("a.png"), b = CLI.temporary("b.png"), c = CLI.temporary("c.png")
        for (path, seed) in [(a, "5"), (b, "5"), (c, "6")] {
            let r = try CLI.run(["generate", fixture("dcgan64"), "--seed", seed, "--count", "4", "--out", path])
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        let png = try XCTUnwrap(FileManager.default.contents(atPath: a))
        XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        // IHDR: 2x2 grid of 64x64 with a 2-pixel gap -> 134 x 134.
        XCTAssertEqual(Array(png[16 ..< 24]), [0, 0, 0, 134, 0, 0, 0, 134])
        XCTAssertEqual(png, FileManager.default.contents(atPath: b))
        XCTAssertNotEqual(png, FileManager.default.contents(atPath: c))
        // written through a temporary file and a rename: none is left behind
        let folder = (a as NSString).deletingLastPathComponent
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.contains(".tmp-") }, [])
    }

    func testUnwritableOutputSaysWhatToCheck() throws {
        try expectFailure(["generate", "--count", "1", "--out", "/nonexistent-folder/x.png"],
                          mentions: ["cannot write '/nonexistent-folder/x.png'", "No such file", "folder exists and is writable"])
    }

    /// The default model is found from another working directory (README's main command).
    func testGenerateDefaultModelFromAnyDirectory() throws {
        let out = CLI.temporary("default.png")
        let r = try CLI.run(["generate", "--count", "2", "--out", out], in: NSTemporaryDirectory())
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out))
    }

    func testConditionalGeneratorNeedsAPictureOutput() throws {
        try expectFailure(["generate", fixture("embedding_concat"), "--out", CLI.temporary("x.png")], mentions: ["[1 or 3, H, W]", "kiln run"])
    }

    func testNotAGenerator() throws {
        try expectFailure(["generate", fixture("conv_k3_pad1"), "--out", CLI.temporary("x.png")], mentions: ["latent.dim", "not a generator"])
    }

    func testBadFiles() throws {
        try expectFailure(["inspect", "/nonexistent.kiln"], mentions: ["cannot open '/nonexistent.kiln'", "No such file"])
        let empty = CLI.temporary("empty.kiln")
        XCTAssertTrue(FileManager.default.createFile(atPath: empty, contents: Data()))
        try expectFailure(["inspect", empty], mentions: ["the file is empty"])
        try expectFailure(["inspect", fixture("dcgan64", "input.npy")], mentions: ["not a .kiln file", "kiln convert"])
        var bytes = try XCTUnwrap(FileManager.default.contents(atPath: fixture("dcgan64")))
        let truncated = CLI.temporary("truncated.kiln")
        XCTAssertTrue(FileManager.default.createFile(atPath: truncated, contents: bytes.prefix(bytes.count - 100)))
        try expectFailure(["inspect", truncated], mentions: ["truncated"])
        bytes[bytes.count - 10] ^= 0xFF
        let corrupt = CLI.temporary("corrupt.kiln")
        XCTAssertTrue(FileManager.default.createFile(atPath: corrupt, contents: bytes))
        try expectFailure(["generate", corrupt, "--out", CLI.temporary("x.png")], mentions: ["checksum mismatch", "corrupted"])
    }

    /// A valid file whose graph uses an op this kiln lacks: the message names op and node.
    func testUnknownOp() throws {
        let path = CLI.temporary("softplus.kiln")
        let model = KilnModel(metadata: [("general.name", .string("future"))], tensors: [],
                              graph: Graph(inputs: [GraphInput(name: "x", dtype: .f32, shape: [4])],
                                           nodes: [Node(op: "Softplus", name: "act1", inputs: ["x"], outputs: ["y"])], outputs: ["y"]))
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(try model.encode())))
        try expectFailure(["inspect", path], mentions: ["node 'act1' uses op 'Softplus'", "Upgrade kiln"])
    }

    func testBadNpyInputs() throws {
        let model = fixture("conv_k3_pad1")
        try expectFailure(["run", model, "--input", fixture("dcgan64", "input.npy"), "--output", CLI.temporary("o.npy")],
                          mentions: ["shape [2, 16]", "[N, 3, 5, 5]"])
        let ints = CLI.temporary("ints.npy")
        XCTAssertTrue(FileManager.default.createFile(atPath: ints, contents: Data(NPYArray(shape: [1, 3, 5, 5], data: .int32(.init(repeating: 1, count: 75))).encode())))
        try expectFailure(["run", model, "--input", ints, "--output", CLI.temporary("o.npy")], mentions: ["takes float32"])
        try expectFailure(["run", model, "--input", fixture("conv_k3_pad1", "model.kiln"), "--output", CLI.temporary("o.npy")], mentions: ["not a .npy file"])
        try expectFailure(["run", model, "--output", CLI.temporary("o.npy")], mentions: ["--input"])
        try expectFailure(["run", fixture("concat_three_inputs"), "--input", "x0=" + fixture("concat_three_inputs", "input-x0.npy"), "--output", CLI.temporary("o.npy")],
                          mentions: ["missing: x1, x2"])
    }

    func testBadArguments() throws {
        try expectFailure(["generate", "--count", "0"], mentions: ["--count must be 1 to 65536"])
        try expectFailure(["generate", "--count", "-5"], mentions: ["--count must be 1 to 65536, not -5"])
        try expectFailure(["bench", "--threads", "-2"], mentions: ["--threads must be 1 to 256, not -2"])
        try expectFailure(["inspect", "--max-memory", "12X"], mentions: ["--max-memory takes a size"])
        try expectFailure(["generate", "--max-memory", "100KiB"], mentions: ["memory limit of 100.0 KiB", "raise the limit (--max-memory)"])
        try expectFailure(["generate", "--seed", "-3"], mentions: ["seed"])
        try expectFailure(["frobnicate"], mentions: ["frobnicate"])
    }
}
