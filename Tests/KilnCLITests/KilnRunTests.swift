import Foundation
import KilnFormat
import KilnImage
import KilnRuntime
import KilnTestSupport
import XCTest

/// kiln-run, the deploy-time runner: the same images and arrays as the runtime, clear errors, and
/// no Foundation in the binary.
final class KilnRunTests: XCTestCase {
    let generator = Repo.path("Formats/models/fashion-dcgan-int8.kiln")
    let conditional = Repo.path("Formats/models/fashion-cond-int8.kiln")

    /// The PNG holds the grid of the runtime's own images of seeds 3 ... 12.
    func testGenerateWritesTheRuntimesImages() throws {
        let out = CLI.temporary("kiln-run-grid.png")
        let r = try CLI.run([generator, "--seed", "3", "--count", "10", "--out", out, "--threads", "2"], program: "kiln-run")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("10 images from seeds 3 to 12"), r.stdout)
        let model = try KilnModel.load(path: generator)
        let plan = try Plan(model: model, batch: 10)
        try GeneratorSpec(model: model).fillInputs(of: plan, seed: 3, first: 0)
        try plan.run()
        let expected = Grid.image(samples: plan.outputBuffer(0).bindMemory(to: Float.self), count: 10, channels: 1, height: 28, width: 28, lo: -1, hi: 1)
        XCTAssertEqual(try Image.readPNG(path: out, channels: 1), expected)
    }

    /// --class gives every image that class: the runtime's images with label 4.
    func testClassPicksTheClassOfEveryImage() throws {
        let out = CLI.temporary("kiln-run-class.png")
        let r = try CLI.run([conditional, "--seed", "0", "--count", "3", "--class", "4", "--out", out], program: "kiln-run")
        XCTAssertEqual(r.status, 0, r.stderr)
        let model = try KilnModel.load(path: conditional)
        let plan = try Plan(model: model, batch: 3)
        let spec = try GeneratorSpec(model: model)
        spec.fillInputs(of: plan, seed: 0, first: 0)
        plan.inputBuffer(try XCTUnwrap(spec.labelInput)).bindMemory(to: Int32.self).update(repeating: 4)
        try plan.run()
        let expected = Grid.image(samples: plan.outputBuffer(0).bindMemory(to: Float.self), count: 3, channels: 1, height: 28, width: 28, lo: -1, hi: 1)
        XCTAssertEqual(try Image.readPNG(path: out, channels: 1), expected)
    }

    /// --input / --output: the same .npy bytes as `kiln run`.
    func testArraysMatchKilnRun() throws {
        let z = CLI.temporary("kiln-run-z.npy"), a = CLI.temporary("kiln-run-a.npy"), b = CLI.temporary("kiln-run-b.npy")
        let values = (0 ..< 5 * 100).map { Float(sin(Double($0))) }
        try Data(NPYArray(shape: [5, 100], data: .float32(values)).encode()).write(to: URL(fileURLWithPath: z))
        let r1 = try CLI.run([generator, "--input", z, "--output", a], program: "kiln-run")
        XCTAssertEqual(r1.status, 0, r1.stderr)
        let r2 = try CLI.run(["run", generator, "--input", z, "--output", b])
        XCTAssertEqual(r2.status, 0, r2.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: a)), try Data(contentsOf: URL(fileURLWithPath: b)))
    }

    func testBenchPrintsLatencyAndThroughput() throws {
        let r = try CLI.run([generator, "--bench", "--runs", "5", "--batch", "2"], program: "kiln-run")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("p50") && r.stdout.contains("samples/s"), r.stdout)
    }

    func testHelpAndVersion() throws {
        let help = try CLI.run(["--help"], program: "kiln-run")
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.stdout.contains("USAGE") && help.stdout.contains("--bench"), help.stdout)
        XCTAssertTrue(try CLI.run(["--version"], program: "kiln-run").stdout.contains("format 1."))
    }

    /// Mistakes on the command line exit 2, failures while running 1; each says what to do.
    func testBadInputIsAClearError() throws {
        let z = CLI.temporary("kiln-run-bad.npy")
        try Data(NPYArray(shape: [2, 99], data: .float32(Array(repeating: 0, count: 198))).encode()).write(to: URL(fileURLWithPath: z))
        let classifier = Repo.path("Formats/models/fashion-classifier.kiln")
        for (args, status, mention) in [
            ([String](), Int32(2), "give the model"),
            ([generator, "--count", "0"], 2, "--count must be a whole number from 1 to 65536"),
            ([generator, "--threads", "10000"], 2, "--threads must be"),
            ([generator, "--seed"], 2, "--seed needs a value"),
            ([generator, "--frobnicate"], 2, "unknown option '--frobnicate'"),
            ([generator, "--input", z], 2, "--input and --output go together"),
            ([generator, generator], 2, "one model only"),
            ([Repo.path("Formats/models/missing.kiln")], 1, "No such file"),
            ([Repo.path("Formats/SPEC.md")], 1, "KILN"),
            ([classifier], 1, "not a generator"),
            ([generator, "--class", "3"], 1, "not a conditional generator"),
            ([conditional, "--class", "10"], 1, "the model has 10 classes"),
            ([generator, "--input", z, "--output", CLI.temporary("y.npy")], 1, "has shape [2, 99]"),
            ([generator, "--out", "/nonexistent/dir/x.png"], 1, "cannot write /nonexistent/dir/x.png"),
        ] {
            try CLI.expectFailure(args, program: "kiln-run", mentions: [mention], status: status)
        }
    }

    /// The deploy binary links no Foundation (nor ArgumentParser, which would bring it).
    func testLinksNoFoundation() throws {
        let exe = CLI.executable("kiln-run").path
        let r = try Repo.execute("/usr/bin/env", ["readelf", "-d", exe])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("NEEDED"), r.stdout)
        XCTAssertFalse(r.stdout.contains("Foundation"), r.stdout)
        let symbols = try Repo.execute("/usr/bin/env", ["nm", exe]).stdout
        XCTAssertFalse(symbols.contains("ArgumentParser"))
    }
}
