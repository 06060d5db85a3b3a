import Foundation
import KilnTestSupport
import XCTest

/// Runs the `kiln` executable built beside the test bundle.
enum CLI {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// The executable `name` (kiln, kiln-run) built beside the test bundle.
    static func executable(_ name: String = "kiln") -> URL {
        var exe = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(name)
        if !FileManager.default.fileExists(atPath: exe.path) {
            // `swift test` runs the xctest bundle from the build folder; find the executable there.
            for b in Bundle.allBundles where FileManager.default.fileExists(atPath: b.bundleURL.deletingLastPathComponent().appendingPathComponent(name).path) {
                exe = b.bundleURL.deletingLastPathComponent().appendingPathComponent(name)
            }
        }
        return exe
    }

    /// Runs kiln (or `program`) with `args`; `environment` entries are added to this process's environment.
    static func run(_ args: [String], program: String = "kiln", in directory: String? = nil, environment: [String: String] = [:]) throws -> Result {
        let r = try Repo.execute(executable(program).path, args, in: directory, environment: environment)
        return Result(status: r.status, stdout: r.stdout, stderr: r.stderr)
    }

    /// Runs kiln with `args` and checks that it fails (a non-zero exit, `status` when given; no
    /// crash) with every one of `mentions` in its error output.
    static func expectFailure(_ args: [String], program: String = "kiln", mentions: [String], status: Int32? = nil,
                              file: StaticString = #filePath, line: UInt = #line) throws {
        let r = try run(args, program: program)
        XCTAssertNotEqual(r.status, 0, "\(program) \(args.joined(separator: " ")) should fail", file: file, line: line)
        if let status { XCTAssertEqual(r.status, status, "\(program) \(args.joined(separator: " "))", file: file, line: line) }
        for m in mentions { XCTAssertTrue(r.stderr.contains(m), "stderr lacks '\(m)': \(r.stderr)", file: file, line: line) }
        XCTAssertFalse(r.stderr.contains("Fatal error"), r.stderr, file: file, line: line)
    }

    static func temporary(_ name: String) -> String {
        let dir = NSTemporaryDirectory() + "kiln-cli-\(getpid())"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir + "/" + name
    }
}
