import Foundation
import KilnFormat
import KilnImage
import XCTest

/// `kiln train`, `train-classifier` and `eval` end to end on a tiny PNG dataset (3 classes of
/// vertical bars), with widths small enough for debug builds.
final class TrainCLITests: XCTestCase {
    static let root = CLI.temporary("train-cli")

    /// 3 classes x 12 images of 28x28: a bright bar at column 6, 13 or 20, with noise.
    static func makeDataset() throws -> String {
        let dir = root + "/bars"
        guard !FileManager.default.fileExists(atPath: dir) else { return dir }
        for k in 0 ..< 3 {
            try FileManager.default.createDirectory(atPath: "\(dir)/bar\(k)", withIntermediateDirectories: true)
            for i in 0 ..< 12 {
                let column = 6 + 7 * k
                let px = (0 ..< 784).map { (p: Int) -> UInt8 in
                    let noise = UInt8((p * 7 + i * 13) % 40)
                    return abs(p % 28 - column) <= 1 ? 230 : noise
                }
                let png = try Image(width: 28, height: 28, channels: 1, pixels: px).pngData()
                XCTAssertTrue(FileManager.default.createFile(atPath: "\(dir)/bar\(k)/\(i).png", contents: Data(png)))
            }
        }
        return dir
    }

    private let tiny = ["--latent-dim", "8", "--g-width", "4", "--d-width", "4", "--batch-size", "8", "--threads", "1"]

    func testTrainResumeAndEval() throws {
        let data = try Self.makeDataset()
        let out = Self.root + "/run", model = Self.root + "/bars-gan.kiln"
        try? FileManager.default.removeItem(atPath: out)
        var r = try CLI.run(["train", "--dataset", "png", "--data", data, "--epochs", "1", "--out-dir", out, "--output", model,
                             "--checkpoint-every", "2", "--conditional"] + tiny)
        XCTAssertEqual(r.status, 0, r.stderr)
        for f in ["checkpoint.kiln", "losses.csv", "losses.png", "samples-epoch-001.png"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/" + f), f)
        }
        let csv = try String(contentsOfFile: out + "/losses.csv", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(csv.first, "step,epoch,loss_d,loss_g,d_real,d_fake")
        XCTAssertEqual(csv.count, 1 + 4)  // 33 training images (36 less every tenth) / 8
        let m = try KilnModel.load(path: model)
        XCTAssertEqual(m[metadata: "classes.names"], .strings(["bar0", "bar1", "bar2"]))
        XCTAssertEqual(m[metadata: "latent.dim"], .int(8))

        // Resume with other settings is refused; with the same ones it continues to epoch 2.
        r = try CLI.run(["train", "--dataset", "png", "--data", data, "--epochs", "2", "--out-dir", out, "--resume", "--conditional"]
            + tiny.map { $0 == "4" ? "5" : $0 })
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("g-width: checkpoint 4, now 5"), r.stderr)
        // As if killed between epoch 1's checkpoint and its grid, with a checkpoint write under way:
        // the resumed run removes the temporary file and makes the grid the killed run missed.
        let grid = try XCTUnwrap(FileManager.default.contents(atPath: out + "/samples-epoch-001.png"))
        try FileManager.default.removeItem(atPath: out + "/samples-epoch-001.png")
        XCTAssertTrue(FileManager.default.createFile(atPath: out + "/checkpoint.kiln.tmp-99999", contents: Data([1, 2, 3])))
        r = try CLI.run(["train", "--dataset", "png", "--data", data, "--epochs", "2", "--out-dir", out, "--output", model, "--resume", "--conditional"] + tiny)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("resuming from step 4"), r.stdout)
        XCTAssertEqual(FileManager.default.contents(atPath: out + "/samples-epoch-001.png"), grid)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out + "/checkpoint.kiln.tmp-99999"))
        XCTAssertEqual(try String(contentsOfFile: out + "/losses.csv", encoding: .utf8).split(separator: "\n").count, 1 + 8)

        // A classifier, then the evaluation of the generator with it.
        let judge = Self.root + "/bars-classifier.kiln"
        r = try CLI.run(["train-classifier", "--dataset", "png", "--data", data, "--epochs", "1", "--batch-size", "8", "--threads", "1", "--output", judge])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("test accuracy"), r.stdout)
        r = try CLI.run(["eval", model, "--classifier", judge, "--dataset", "png", "--data", data, "--samples", "100"])
        XCTAssertEqual(r.status, 0, r.stderr)
        for s in ["Fréchet distance, generated vs test", "the floor", "mean classifier confidence", "class histogram", "bar2", "judged class = conditioning class"] {
            XCTAssertTrue(r.stdout.contains(s), "missing '\(s)' in:\n\(r.stdout)")
        }
        // The trained generator runs in `kiln generate` with its classes.
        r = try CLI.run(["generate", model, "--count", "6", "--out", Self.root + "/g.png"])
        XCTAssertEqual(r.status, 0, r.stderr)
    }

    func testTrainErrors() throws {
        let data = try Self.makeDataset()
        var r = try CLI.run(["train", "--dataset", "png", "--data", data, "--out-dir", "/proc/kiln-cannot-write"] + tiny)
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("cannot create the output folder"), r.stderr)
        r = try CLI.run(["train", "--dataset", "png", "--data", data, "--out-dir", Self.root + "/r2", "--batch-size", "64"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("larger than the dataset (33 images)"), r.stderr)
        r = try CLI.run(["train", "--dataset", "png", "--data", data, "--out-dir", Self.root + "/r3", "--resume"] + tiny)
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("there is no checkpoint"), r.stderr)
        // Absurd learning rates diverge: a clear stop that keeps the last good checkpoint intact
        // (it loads and, being a generator itself, generates).
        let div = Self.root + "/diverge"
        r = try CLI.run(["train", "--dataset", "png", "--data", data, "--out-dir", div, "--lr-d", "0.99", "--lr-g", "0.99", "--beta1", "0",
                         "--epochs", "3", "--checkpoint-every", "1"] + tiny)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("training diverged at step"), r.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: div + "/checkpoint.kiln"))
        r = try CLI.run(["generate", div + "/checkpoint.kiln", "--count", "3", "--out", div + "/check.png"])
        XCTAssertEqual(r.status, 0, r.stderr)
        r = try CLI.run(["train", "--dataset", "mnist"])
        XCTAssertTrue(r.stderr.contains("MNIST is not packaged in Debian"), r.stderr)
        r = try CLI.run(["train", "--dataset", "mnist-5k", "--data", "/nonexistent.csv.gz"])
        XCTAssertTrue(r.stderr.contains("Tools/fetch_mnist5k.sh"), r.stderr)
        r = try CLI.run(["train", "--epochs", "0"])
        XCTAssertTrue(r.stderr.contains("--epochs must be at least 1"), r.stderr)
        r = try CLI.run(["eval", "--classifier", fixtureModel("dcgan64")])
        XCTAssertTrue(r.stderr.contains("not a classifier"), r.stderr)
    }

    private func fixtureModel(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Formats/fixtures/\(name)/model.kiln").path
    }
}
