import CKilnZlib

/// Reading files that may or may not be gzip-compressed (zlib's gzread passes plain files through).
public enum Gzip {
    public struct ReadError: Error, Equatable, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "cannot read '\(path)': \(reason)" }
    }

    /// The whole decompressed content of `path`, at most `limit` bytes.
    public static func read(_ path: String, limit: Int = 1 << 31) throws -> [UInt8] {
        guard let f = gzopen(path, "rb") else { throw ReadError(path: path, reason: "the file does not exist or is not readable") }
        defer { gzclose(f) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = chunk.withUnsafeMutableBytes { gzread(f, $0.baseAddress, UInt32($0.count)) }
            if n < 0 {
                var err: Int32 = 0
                let msg = String(cString: gzerror(f, &err))
                throw ReadError(path: path, reason: "it is corrupt (\(msg))")
            }
            if n == 0 { return out }
            out.append(contentsOf: chunk[0 ..< Int(n)])
            if out.count > limit { throw ReadError(path: path, reason: "it is larger than \(limit) bytes") }
        }
    }
}
