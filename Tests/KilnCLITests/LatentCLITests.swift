import Foundation
import KilnTestSupport
import XCTest

/// The latent-space commands on the shipped int8 models: the same output bytes for 1 and 2
/// threads (`sample` runs no model), and clear errors for bad input.
final class LatentCLITests: XCTestCase {
    private let int8 = Repo.path("Formats/models/fashion-dcgan-int8.kiln")
    private let cond = Repo.path("Formats/models/fashion-cond-int8.kiln")
    private let classifier = Repo.path("Formats/models/fashion-classifier.kiln")

    /// Runs `args` (with --threads 1 and 2) and returns the bytes of the files named in `outputs`.
    private func outputs(_ args: [String], _ outputs: [String]) throws -> [[UInt8]] {
        var runs: [[[UInt8]]] = []
        for threads in ["1", "2"] {
            let paths = outputs.map { CLI.temporary("t\(threads)-" + $0) }
            var a = args
            for (name, path) in zip(outputs, paths) { a = a.map { $0 == name ? path : $0 } }
            let r = try CLI.run(a + ["--threads", threads])
            XCTAssertEqual(r.status, 0, "kiln \(a.joined(separator: " ")): \(r.stderr)")
            runs.append(try paths.map { Array(try XCTUnwrap(FileManager.default.contents(atPath: $0), $0)) })
        }
        XCTAssertEqual(runs[0], runs[1], "kiln \(args.joined(separator: " ")): bytes differ between 1 and 2 threads")
        return runs[0]
    }

    func testEveryCommandGivesTheSameBytesOnOneAndTwoThreads() throws {
        let strip = try outputs(["interpolate", int8, "--seeds", "3,11,25", "--steps", "5", "--out", "strip.png", "--animation", "walk.png",
                                 "--frames-per-step", "3"], ["strip.png", "walk.png"])
        XCTAssertEqual(Array(strip[1][37 ..< 41]), Array("acTL".utf8), "APNG animation control chunk after IHDR")
        _ = try outputs(["interpolate", int8, "--from", "3", "--to", "11", "--lerp", "--steps", "4", "--out", "lerp.png"], ["lerp.png"])
        _ = try outputs(["interpolate", cond, "--from-class", "sandal", "--to-class", "sneaker", "--seeds", "1,2", "--steps", "4", "--out", "c.png"], ["c.png"])
        _ = try outputs(["generate", cond, "--class", "Ankle boot", "--count", "5", "--out", "g.png"], ["g.png"])
        _ = try outputs(["interpolate", cond, "--class", "bag", "--from", "1", "--to", "2", "--steps", "3", "--out", "cb.png"], ["cb.png"])
        _ = try outputs(["arith", int8, "a - b + c", "--concept", "a=1,2,3", "--concept", "b=4,5,6", "--concept", "c=7,8,9",
                         "--neighbours", "3", "--out", "a.png", "--save-concepts", "abc.txt"], ["a.png", "abc.txt"])
        let found = try outputs(["find", int8, "--classifier", classifier, "--class", "sneaker", "--count", "3", "--search", "300",
                                 "--save", "sneaker", "--concepts", "found.txt", "--out", "found.png"], ["found.txt", "found.png"])
        XCTAssertTrue(String(decoding: found[0], as: UTF8.self).hasPrefix("# kiln concepts 1\nlatent normal 100\nsneaker = "))
        _ = try outputs(["direction", int8, "--classifier", classifier, "--from", "sandal", "--to", "sneaker", "--search", "400",
                         "--min-confidence", "0.5", "--random", "2", "--show", "4", "--out", "d.png"], ["d.png"])
    }

    /// `kiln sample` + `generate --latent-file` reproduce `generate --seed`.
    func testLatentFileRoundTrip() throws {
        let z = CLI.temporary("rt-z.npy"), a = CLI.temporary("rt-a.png"), b = CLI.temporary("rt-b.png")
        XCTAssertEqual(try CLI.run(["sample", int8, "--seed", "9", "--count", "4", "--out", z]).status, 0)
        XCTAssertEqual(try CLI.run(["generate", int8, "--latent-file", z, "--out", a]).status, 0)
        XCTAssertEqual(try CLI.run(["generate", int8, "--seed", "9", "--count", "4", "--out", b]).status, 0)
        XCTAssertEqual(FileManager.default.contents(atPath: a), FileManager.default.contents(atPath: b))
    }

    private func expectFailure(_ args: [String], mentions: [String], line: UInt = #line) throws {
        try CLI.expectFailure(args, mentions: mentions, line: line)
    }

    func testBadInputGetsClearErrors() throws {
        try expectFailure(["generate", cond, "--class", "sneakr"], mentions: ["unknown class 'sneakr'", "\"Sneaker\"", "\"Ankle boot\""])
        try expectFailure(["generate", int8, "--class", "sneaker"], mentions: ["not class-conditional"])
        try expectFailure(["find", int8, "--classifier", classifier, "--class", "boots"], mentions: ["unknown class 'boots'", "\"Ankle boot\""])
        try expectFailure(["arith", int8, "a - b + c", "--concept", "a=1,2", "--concept", "b=4,5,6", "--concept", "c=7,8,9"],
                          mentions: ["concept 'a' has 2 seeds", "at least 3"])
        try expectFailure(["arith", int8, "a - * b"], mentions: ["expected a concept name", "character 5", "a - * b\n      ^"])
        try expectFailure(["arith", int8, "a - b", "--concept", "a=1,2,3"], mentions: ["no concept 'b'", "known: a"])
        let z = CLI.temporary("bad-z.npy")
        try Repo.python(["-c", "import numpy as np; np.save('\(z)', np.zeros((2, 64), np.float32))"])
        try expectFailure(["generate", int8, "--latent-file", z], mentions: ["vectors of 64 values", "latent has 100"])
        try expectFailure(["interpolate", int8, "--latent-file", z], mentions: ["vectors of 64 values"])
        try expectFailure(["interpolate", int8, "--from", "3"], mentions: ["--from and --to go together"])
        try expectFailure(["interpolate", int8, "--seeds", "3"], mentions: ["at least two seeds"])
        try expectFailure(["interpolate", int8, "--from-class", "sandal", "--to-class", "sneaker"], mentions: ["not class-conditional"])
        try expectFailure(["interpolate", cond, "--from", "1", "--to", "2"], mentions: ["class-conditional", "--class", "Sneaker"])
        try expectFailure(["direction", int8, "--classifier", classifier, "--from", "sandal", "--to", "sandal"], mentions: ["same class"])
        let book = CLI.temporary("bad-book.txt")
        try "# kiln concepts 1\nlatent normal 64\nboot = 1, 2, 3\n".write(toFile: book, atomically: true, encoding: .utf8)
        try expectFailure(["arith", int8, "boot", "--concepts", book], mentions: ["dimension 64", "dimension 100"])
    }

    func testHelpOnTheLatentCommands() throws {
        for c in ["sample", "interpolate", "arith", "find", "direction"] {
            let r = try CLI.run([c, "--help"])
            XCTAssertEqual(r.status, 0, c)
            XCTAssertTrue(r.stdout.contains("USAGE") && r.stdout.contains("Example"), "\(c): \(r.stdout)")
        }
    }
}
