import Foundation
import KilnFormat

/// The shipped default model and how a command finds a model file.
enum DefaultModel {
    /// The shipped Fashion-MNIST generator (trained by `kiln train`, quantized by `kiln quantize
    /// --to int8`; see the README).
    static let relativePath = "Formats/models/fashion-dcgan-int8.kiln"

    /// `path` if given; else the default model (or `fallback`), looked up from the working
    /// directory and then from the kiln executable's folder upwards (so `swift run kiln` works
    /// from the checkout).
    static func resolve(_ path: String?, default fallback: String = relativePath) -> String {
        if let path { return path }
        let fm = FileManager.default
        if fm.fileExists(atPath: fallback) { return fallback }
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        while dir.path != "/" {
            let candidate = dir.appendingPathComponent(fallback).path
            if fm.fileExists(atPath: candidate) { return candidate }
            dir.deleteLastPathComponent()
        }
        return fallback
    }

    /// Loads and validates a model, naming the file in any error.
    static func load(_ path: String?, default fallback: String = relativePath) throws -> (path: String, model: KilnModel) {
        let p = resolve(path, default: fallback)
        do {
            return (p, try KilnModel.load(path: p))
        } catch let e as FormatError {
            switch e {
            case .cannotOpen, .notAFile: throw CLIError("\(e)")  // these name the file already
            default: throw CLIError("\(p): \(e)")
            }
        }
    }
}

/// An error the CLI prints as one line ("Error: ...") before exiting with status 1.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}
