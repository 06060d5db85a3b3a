import Foundation
import KilnFormat
import XCTest

/// Files made to break Kiln: each gets status 1 and a message, never a signal or a huge allocation.
final class HostileInputTests: XCTestCase {
    private func write(_ model: KilnModel, _ name: String) throws -> String {
        let path = CLI.temporary(name)
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(try model.encode())))
        return path
    }

    private func generator(latentDim: Int64, input: [Int64]) -> KilnModel {
        KilnModel(metadata: [("latent.dim", .int(latentDim))], tensors: [],
                  graph: Graph(inputs: [GraphInput(name: "z", dtype: .f32, shape: input)],
                               nodes: [Node(op: "ReLU", name: "r", inputs: ["z"], outputs: ["y"])], outputs: ["y"]))
    }

    /// A generator input of [2^31, 2^31, 2^31] values per sample (a product that leaves Int64).
    func testLatentShapeThatOverflows() throws {
        let path = try write(generator(latentDim: 100, input: [1 << 31, 1 << 31, 1 << 31]), "overflow.kiln")
        for command in ["sample", "generate"] {
            try CLI.expectFailure([command, path, "--out", CLI.temporary("x")], mentions: ["no f32 graph input 'z' with 100 elements per sample"], status: 1)
        }
        try CLI.expectFailure(["inspect", path], mentions: ["too large"], status: 1)
    }

    func testLatentDimOutOfRangeIsNamed() throws {
        let path = try write(generator(latentDim: 1 << 62, input: [8]), "bigdim.kiln")
        try CLI.expectFailure(["generate", path, "--out", CLI.temporary("x.png")], mentions: ["latent.dim is 4611686018427387904", "1 to 2^20"], status: 1)
    }

    /// An 1.6 GB output from a 1 KB file: refused by the memory limit, before it is reserved.
    func testArenaOverTheLimit() throws {
        let w = Tensor(name: "w", shape: [4, 16, 1, 1], floats: .init(repeating: 1, count: 64))
        let model = KilnModel(metadata: [], tensors: [w],
                              graph: Graph(inputs: [GraphInput(name: "x", dtype: .f32, shape: [4, 2, 64])],
                                           nodes: [Node(op: "ConvTranspose2d", name: "ct", inputs: ["x", "w"], outputs: ["y"],
                                                        attributes: [("strides", .ints([2, 131072]))])], outputs: ["y"]))
        let path = try write(model, "stride.kiln")
        let npy = CLI.temporary("x.npy")
        XCTAssertTrue(FileManager.default.createFile(atPath: npy, contents: Data(NPYBytes.zeros(shape: [1, 4, 2, 64]))))
        for args in [["inspect", path], ["run", path, "-i", npy, "-o", CLI.temporary("y.npy")], ["bench", path]] {
            try CLI.expectFailure(args, mentions: ["for value 'y' of node 'ct'", "memory limit of 1.0 GiB"], status: 1)
        }
    }

    func testPipesAndFoldersAreNotRead() throws {
        let fifo = CLI.temporary("pipe")
        unlink(fifo)
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        try CLI.expectFailure(["inspect", fifo], mentions: ["is a named pipe (FIFO), not a file"], status: 1)
        try CLI.expectFailure(["run", "Formats/fixtures/act_relu/model.kiln", "-i", fifo, "-o", CLI.temporary("o.npy")], mentions: ["named pipe"], status: 1)
        try CLI.expectFailure(["inspect", NSTemporaryDirectory()], mentions: ["is a folder, not a file"], status: 1)
    }

    /// The .npy header in an error is the dictionary, without its padding.
    func testNPYHeaderErrorsShowTheDictionary() throws {
        let path = CLI.temporary("bad.npy")
        var header = Array("{'descr': '<f4', 'fortran_order': False, }".utf8)
        header += [UInt8](repeating: 0x20, count: 64 - 10 - header.count - 1) + [0x0A]
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data([0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.count), 0] + header)))
        let r = try CLI.run(["run", "Formats/fixtures/act_relu/model.kiln", "-i", path, "-o", CLI.temporary("o.npy")])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.hasSuffix("no 'shape' in {'descr': '<f4', 'fortran_order': False, }\n"), r.stderr)
    }
}

/// .npy bytes for the tests.
enum NPYBytes {
    static func zeros(shape: [Int]) -> [UInt8] {
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(shape.map(String.init).joined(separator: ", ")),), }"
        header += String(repeating: " ", count: (64 - (10 + header.utf8.count + 1) % 64) % 64) + "\n"
        let n = header.utf8.count
        return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(n & 0xFF), UInt8(n >> 8)] + Array(header.utf8)
            + [UInt8](repeating: 0, count: shape.reduce(1, *) * 4)
    }
}
