import Foundation
import XCTest

/// Paths in the checkout and helpers to run the repository's Python tools.
public enum Repo {
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    public static func path(_ relative: String) -> String { root + "/" + relative }

    /// "name digest" lines of a file under Formats/conformance ('#' starts a comment line).
    public static func digests(_ relative: String) throws -> [String: String] {
        var d: [String: String] = [:]
        for line in try String(contentsOfFile: path(relative), encoding: .utf8).split(separator: "\n") where !line.hasPrefix("#") {
            let fields = line.split(separator: " ")
            if fields.count == 2 { d[String(fields[0])] = String(fields[1]) }
        }
        return d
    }

    /// The model.kiln of every fixture under Formats/fixtures.
    public static func fixtureModels() throws -> [String] {
        try fixtureFolders().map { $0 + "/model.kiln" }
    }

    public static func fixtureFolders() throws -> [String] {
        let dir = path("Formats/fixtures")
        return try FileManager.default.contentsOfDirectory(atPath: dir).sorted().map { dir + "/" + $0 }
            .filter { FileManager.default.fileExists(atPath: $0 + "/model.kiln") }
    }

    /// Runs python3 with `args` in the repository root; fails the test on a non-zero exit.
    @discardableResult
    public static func python(_ args: [String], file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3"] + args
        p.currentDirectoryURL = URL(fileURLWithPath: root)
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, "python3 \(args.joined(separator: " ")): \(String(decoding: errData, as: UTF8.self))", file: file, line: line)
        return String(decoding: data, as: UTF8.self)
    }

    /// Runs `executable` with `args` (in `directory`, with `environment` added to this process's)
    /// and waits: its exit status and output.
    public static func execute(_ executable: String, _ args: [String], in directory: String? = nil,
                               environment: [String: String] = [:]) throws -> (status: Int32, stdout: String, stderr: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = args
        if let directory { p.currentDirectoryURL = URL(fileURLWithPath: directory) }
        if !environment.isEmpty { p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    /// A path for `name` in a temporary folder of this test process.
    public static func temporary(_ name: String) -> String {
        let dir = NSTemporaryDirectory() + "kiln-tests-\(getpid())"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir + "/" + name
    }
}
