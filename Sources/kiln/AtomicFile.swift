import Foundation
import KilnFormat

/// Writes `bytes` to `path` atomically: to a temporary file in the same folder, fsync, then
/// rename, so a reader never sees a half-written file and a failure leaves any old file in place
/// (a killed training run keeps its last checkpoint whole).
func writeFileAtomically(path: String, bytes: [UInt8]) throws {
    let tmp = path + temporarySuffix + "\(getpid())"
    let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw writeError(path) }
    var ok = true
    bytes.withUnsafeBytes { buf in
        var done = 0
        while done < buf.count {
            let n = write(fd, buf.baseAddress! + done, buf.count - done)
            if n <= 0 { if errno == EINTR { continue }; ok = false; return }
            done += n
        }
    }
    ok = ok && fsync(fd) == 0
    let failure = ok ? nil : writeError(path)
    close(fd)
    if let failure {
        unlink(tmp)
        throw failure
    }
    guard rename(tmp, path) == 0 else {
        let failure = writeError(path)
        unlink(tmp)
        throw failure
    }
}

/// What `writeFileAtomically` puts between a file's name and its process id while writing it.
private let temporarySuffix = ".tmp-"

/// The file a temporary file `name` of `writeFileAtomically` was to become (NAME.tmp-PID: NAME),
/// or nil when `name` is not one; a kill between the write and the rename leaves such files.
func atomicWriteTarget(ofTemporary name: String) -> String? {
    guard let r = name.range(of: temporarySuffix, options: .backwards), r.upperBound < name.endIndex,
          name[r.upperBound...].allSatisfy(\.isASCII), name[r.upperBound...].allSatisfy(\.isNumber) else { return nil }
    return String(name[..<r.lowerBound])
}

/// The error for a file that could not be written, from errno.
private func writeError(_ path: String) -> CLIError {
    CLIError("cannot write '\(path)': \(String(cString: strerror(errno))). Check that the folder exists and is writable, and that the disk has room.")
}

/// Writes a model file atomically (the canonical encoding of Formats/SPEC.md).
func writeModel(_ model: KilnModel, to path: String) throws {
    let bytes: [UInt8]
    do { bytes = try model.encode() } catch { throw CLIError("cannot encode the model for '\(path)': \(error)") }
    try writeFileAtomically(path: path, bytes: bytes)
}
