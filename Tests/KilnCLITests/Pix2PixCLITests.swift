import Foundation
import KilnFormat
import KilnImage
import KilnTestSupport
import XCTest

/// `kiln edges`, `kiln train --arch pix2pix32`, `kiln translate` and the translation report of
/// `kiln eval`, end to end on the tiny bars dataset of TrainCLITests, and their refusals.
final class Pix2PixCLITests: XCTestCase {
    static let root = CLI.temporary("pix2pix-cli")
    private let tiny = ["--g-width", "2", "--d-width", "2", "--batch-size", "8", "--threads", "1"]

    /// A trained tiny translator (made once).
    static func model() throws -> String {
        let model = root + "/bars-pix2pix.kiln"
        if FileManager.default.fileExists(atPath: model) { return model }
        let r = try CLI.run(["train", "--arch", "pix2pix32", "--dataset", "png", "--data", try TrainCLITests.makeDataset(), "--epochs", "1",
                             "--out-dir", root + "/run", "--output", model, "--g-width", "2", "--d-width", "2", "--batch-size", "8", "--threads", "1"])
        XCTAssertEqual(r.status, 0, r.stderr)
        return model
    }

    private func writePNG(_ name: String, _ image: Image) throws -> String {
        try FileManager.default.createDirectory(atPath: Self.root, withIntermediateDirectories: true)
        let path = Self.root + "/" + name
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(try image.pngData())))
        return path
    }

    func testTrainTranslateAndEval() throws {
        let model = try Self.model()
        let out = Self.root + "/run"
        for f in ["checkpoint.kiln", "losses.csv", "losses.png", "samples-epoch-001.png"] { XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/" + f), f) }
        let csv = try String(contentsOfFile: out + "/losses.csv", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(csv.first, "step,epoch,loss_d,loss_g,l1,d_real,d_fake")
        let m = try KilnModel.load(path: model)
        XCTAssertEqual(m[metadata: "translate.input"], .string("sketch"))

        // A DCGAN run refuses the pix2pix checkpoint; pix2pix resumes it.
        var r = try CLI.run(["train", "--dataset", "png", "--data", try TrainCLITests.makeDataset(), "--epochs", "2", "--out-dir", out, "--resume"] + tiny)
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("not a kiln train checkpoint of a DCGAN (pix2pix32)"), r.stderr)

        // PNG in, PNG out; a light-on-dark colour drawing is converted and inverted, with notes.
        var px = [UInt8](repeating: 0, count: 64 * 64 * 3)
        for y in 10 ..< 54 { for c in 0 ..< 3 { px[(y * 64 + 30) * 3 + c] = 255 } }
        let sketch = try writePNG("light-on-dark.png", Image(width: 64, height: 64, channels: 3, pixels: px))
        r = try CLI.run(["translate", model, "--input", sketch, "--out", Self.root + "/t.png", "--zoom", "2"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("converted to gray") && r.stderr.contains("inverted"), r.stderr)
        let t = try Image.readPNG(path: Self.root + "/t.png", channels: 1)
        XCTAssertEqual([t.width, t.height], [64, 64])

        // A blank page is translated, with a warning.
        let blank = try writePNG("blank.png", Image(width: 40, height: 30, channels: 1, pixels: [UInt8](repeating: 255, count: 1200)))
        r = try CLI.run(["translate", model, "--input", blank, "--out", Self.root + "/b.png"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("has no strokes"), r.stderr)

        // A folder: to a folder, and to a grid; an .npy batch to an .npy.
        let folder = Self.root + "/sketches"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for name in ["a.png", "b.png"] { try FileManager.default.copyItem(atPath: sketch, toPath: folder + "/" + name) }
        r = try CLI.run(["translate", model, "--input", folder, "--out", Self.root + "/translated"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: Self.root + "/translated/b.png"))
        r = try CLI.run(["translate", model, "--input", folder, "--out", Self.root + "/grid.png"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let batch = NPYArray(shape: [3, 1, 32, 32], data: .float32((0 ..< 3072).map { $0 % 97 == 0 ? -1 : 1 }))
        XCTAssertTrue(FileManager.default.createFile(atPath: Self.root + "/in.npy", contents: Data(batch.encode())))
        r = try CLI.run(["translate", model, "--input", Self.root + "/in.npy", "--out", Self.root + "/out.npy"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let y = try NPYArray.decode(Array(try XCTUnwrap(FileManager.default.contents(atPath: Self.root + "/out.npy"))))
        XCTAssertEqual(y.shape, [3, 1, 32, 32])

        // The report against a classifier, with a second model and a grid.
        let judge = Self.root + "/judge.kiln"
        r = try CLI.run(["train-classifier", "--dataset", "png", "--data", try TrainCLITests.makeDataset(), "--epochs", "1", "--batch-size", "8", "--threads", "1", "--output", judge])
        XCTAssertEqual(r.status, 0, r.stderr)
        r = try CLI.run(["eval", model, "--classifier", judge, "--dataset", "png", "--data", try TrainCLITests.makeDataset(), "--samples", "100",
                         "--against", out + "/checkpoint.kiln", "--grid", Self.root + "/report.png"])
        XCTAssertEqual(r.status, 0, r.stderr)
        for s in ["classifier accuracy on the real images", "classifier accuracy on translations", "PSNR to the real image", "Fréchet distance, translations vs real", "against"] {
            XCTAssertTrue(r.stdout.contains(s), "missing '\(s)' in:\n\(r.stdout)")
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: Self.root + "/report.png"))
    }

    func testEdgesKinds() throws {
        var px = [UInt8](repeating: 0, count: 24 * 20)
        for y in 5 ..< 15 { for x in 6 ..< 18 { px[y * 24 + x] = 200 } }
        let png = try writePNG("square.png", Image(width: 24, height: 20, channels: 1, pixels: px))
        var r = try CLI.run(["edges", png, "--out", Self.root + "/square-edges.png"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let e = try Image.readPNG(path: Self.root + "/square-edges.png", channels: 1)
        XCTAssertEqual([e.width, e.height], [24, 20])
        XCTAssertTrue(e.pixels.allSatisfy { $0 == 0 || $0 == 255 })
        XCTAssertEqual(e.pixels[0], 255)
        // A folder of 12 photos -> a paired folder -> a pix2pix run on it.
        let folder = Self.root + "/photos"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for i in 0 ..< 12 {
            var p = [UInt8](repeating: 10, count: 40 * 40)
            for y in 8 + i % 5 ..< 30 { for x in 5 + i ..< 22 + i { p[y * 40 + x] = 220 } }
            XCTAssertTrue(FileManager.default.createFile(atPath: folder + "/photo\(i).png", contents: Data(try Image(width: 40, height: 40, channels: 1, pixels: p).pngData())))
        }
        r = try CLI.run(["edges", folder, "--pairs", "--out", Self.root + "/pairs"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: Self.root + "/pairs/A/photo3.png"))
        XCTAssertEqual(FileManager.default.contents(atPath: Self.root + "/pairs/B/photo3.png"), FileManager.default.contents(atPath: folder + "/photo3.png"))
        r = try CLI.run(["train", "--arch", "pix2pix32", "--dataset", "pairs", "--data", Self.root + "/pairs", "--epochs", "1",
                         "--out-dir", Self.root + "/pairs-run", "--g-width", "2", "--d-width", "2", "--batch-size", "4", "--threads", "1"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("pix2pix32 on pairs: 11 pairs"), r.stdout)  // every tenth pair is held out
    }

    func testRefusals() throws {
        let model = try Self.model()
        let root = Repo.root
        try CLI.expectFailure(["translate", root + "/Formats/models/fashion-dcgan.kiln", "--input", root + "/Formats/models/sketches/bag.png", "--out", Self.root + "/x.png"],
                              mentions: ["is a generator", "kiln generate"])
        try CLI.expectFailure(["translate", root + "/Formats/models/fashion-classifier.kiln", "--input", root + "/Formats/models/sketches/bag.png", "--out", Self.root + "/x.png"],
                              mentions: ["a classifier"])
        try CLI.expectFailure(["generate", model, "--out", Self.root + "/x.png"], mentions: ["image-to-image", "kiln translate"])
        let corrupt = Self.root + "/corrupt.png"
        XCTAssertTrue(FileManager.default.createFile(atPath: corrupt, contents: Data("not a png".utf8)))
        try CLI.expectFailure(["translate", model, "--input", corrupt, "--out", Self.root + "/x.png"], mentions: ["corrupt.png", "PNG"])
        try CLI.expectFailure(["edges", corrupt, "--out", Self.root + "/x.png"], mentions: ["corrupt.png"])
        let wrong = NPYArray(shape: [2, 3, 32, 32], data: .float32([Float](repeating: 0, count: 6144)))
        XCTAssertTrue(FileManager.default.createFile(atPath: Self.root + "/rgb.npy", contents: Data(wrong.encode())))
        try CLI.expectFailure(["translate", model, "--input", Self.root + "/rgb.npy", "--out", Self.root + "/x.npy"], mentions: ["[N, 1, H, W]", "[2, 3, 32, 32]"])
        try CLI.expectFailure(["translate", model, "--input", Self.root + "/missing.png", "--out", Self.root + "/x.png"], mentions: ["does not exist"])
        try CLI.expectFailure(["train", "--arch", "pix2pix32", "--dataset", "pairs", "--data", Self.root, "--epochs", "1"], mentions: ["no subfolder A/"])
        try CLI.expectFailure(["edges", "--low", "0.5", "--high", "0.2", "--out", "x.npy"], mentions: ["0 < low <= high <= 1"])
    }
}
