#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The bytes of the file at `path`.
func readFile(_ path: String) throws(RunError) -> [UInt8] {
    guard let f = fopen(path, "rb") else { throw RunError("cannot read \(path): \(String(cString: strerror(errno))).") }
    defer { fclose(f) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = fread(&chunk, 1, chunk.count, f)
        bytes += chunk[0 ..< n]
        if n < chunk.count { break }
    }
    guard ferror(f) == 0 else { throw RunError("cannot read \(path): a read error.") }
    return bytes
}

/// Writes `bytes` to `path` whole or not at all (a temporary file renamed over it).
func writeFile(_ path: String, _ bytes: [UInt8]) throws(RunError) {
    let temporary = path + ".tmp-\(getpid())"
    guard let f = fopen(temporary, "wb") else { throw RunError("cannot write \(path): \(String(cString: strerror(errno))).") }
    let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) }
    let closed = fclose(f)
    guard written == bytes.count, closed == 0, rename(temporary, path) == 0 else {
        let reason = String(cString: strerror(errno))
        unlink(temporary)
        throw RunError("cannot write \(path): \(reason).")
    }
}

/// Prints to standard error.
func printError(_ message: String) {
    let line = Array((message + "\n").utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}
