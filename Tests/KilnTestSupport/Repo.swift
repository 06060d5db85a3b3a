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
}
