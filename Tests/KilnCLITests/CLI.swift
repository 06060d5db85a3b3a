import Foundation
import XCTest

/// Runs the `kiln` executable built beside the test bundle.
enum CLI {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("kiln")
    }

    /// Runs kiln with `args`; `environment` entries are added to this process's environment.
    static func run(_ args: [String], in directory: String? = nil, environment: [String: String] = [:]) throws -> Result {
        var exe = executable
        if !FileManager.default.fileExists(atPath: exe.path) {
            // `swift test` runs the xctest bundle from the build folder; find kiln there.
            for b in Bundle.allBundles where FileManager.default.fileExists(atPath: b.bundleURL.deletingLastPathComponent().appendingPathComponent("kiln").path) {
                exe = b.bundleURL.deletingLastPathComponent().appendingPathComponent("kiln")
            }
        }
        let p = Process()
        p.executableURL = exe
        p.arguments = args
        if let directory { p.currentDirectoryURL = URL(fileURLWithPath: directory) }
        if !environment.isEmpty { p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    /// Runs kiln with `args` and checks that it fails (a non-zero exit, `status` when given; no
    /// crash) with every one of `mentions` in its error output.
    static func expectFailure(_ args: [String], mentions: [String], status: Int32? = nil, file: StaticString = #filePath, line: UInt = #line) throws {
        let r = try run(args)
        XCTAssertNotEqual(r.status, 0, "kiln \(args.joined(separator: " ")) should fail", file: file, line: line)
        if let status { XCTAssertEqual(r.status, status, "kiln \(args.joined(separator: " "))", file: file, line: line) }
        for m in mentions { XCTAssertTrue(r.stderr.contains(m), "stderr lacks '\(m)': \(r.stderr)", file: file, line: line) }
        XCTAssertFalse(r.stderr.contains("Fatal error"), r.stderr, file: file, line: line)
    }

    static func temporary(_ name: String) -> String {
        let dir = NSTemporaryDirectory() + "kiln-cli-\(getpid())"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir + "/" + name
    }
}
