import Foundation

/// The external weight files of one ONNX model (`.onnx.data` beside it, as the dynamo exporter
/// writes them), each mapped once and sliced per tensor.
final class ExternalData {
    let directory: String?
    private var files: [String: Data] = [:]

    init(directory: String?) { self.directory = directory }

    /// The bytes of an externally stored tensor: `location` relative to the model's folder,
    /// optional `offset` and `length`.
    func bytes(of t: Onnx_TensorProto) throws -> Data {
        var entries: [String: String] = [:]
        for e in t.externalData { entries[e.key] = e.value }
        guard let location = entries["location"], !location.isEmpty else {
            throw ONNXError.externalData(tensor: t.name, message: "its external data has no location")
        }
        guard !location.hasPrefix("/"), !location.split(separator: "/").contains("..") else {
            throw ONNXError.externalData(tensor: t.name, message: "its external data location '\(location)' leaves the model's folder")
        }
        let path = (directory ?? ".") + "/" + location
        let file: Data
        if let cached = files[path] {
            file = cached
        } else {
            guard !isDirectory(path), let mapped = try? Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) else {
                throw ONNXError.externalData(tensor: t.name, message: "its external data file '\(path)' is missing")
            }
            (file, files[path]) = (mapped, mapped)
        }
        let offset = Int(entries["offset"] ?? "0") ?? -1
        let length = entries["length"].map { Int($0) ?? -1 } ?? (file.count - max(offset, 0))
        guard offset >= 0, length >= 0, offset <= file.count, length <= file.count - offset else {
            throw ONNXError.externalData(tensor: t.name, message: "its external data (offset \(entries["offset"] ?? "0"), length \(entries["length"] ?? "-")) lies outside '\(path)' (\(file.count) bytes)")
        }
        return file.subdata(in: file.startIndex + offset ..< file.startIndex + offset + length)
    }

    private func isDirectory(_ path: String) -> Bool {
        var dir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &dir) && dir.boolValue
    }
}
