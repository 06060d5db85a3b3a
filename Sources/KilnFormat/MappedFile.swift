#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only private memory map of a whole file, unmapped when the last reference goes.
final class MappedFile {
    let bytes: UnsafeRawBufferPointer

    init(path: String) throws {
        // O_NONBLOCK: opening a named pipe does not wait for a writer (it is refused below); for a
        // regular file it changes nothing.
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw FormatError.cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            throw FormatError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        if let kind = irregularKind(st.st_mode) { throw FormatError.notAFile(path: path, kind: kind) }
        let size = Int(st.st_size)
        guard size > 0 else {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        guard let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else {
            throw FormatError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        bytes = UnsafeRawBufferPointer(start: p, count: size)
    }

    deinit {
        if let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
    }
}

/// Why `path` is not a file Kiln reads ("it is a folder, not a regular file", or the system's
/// reason it cannot be looked at), or nil for a regular file. Reading a named pipe or a device
/// could block or never end; check with this first.
public func notARegularFile(_ path: String) -> String? {
    var st = stat()
    guard stat(path, &st) == 0 else { return String(cString: strerror(errno)) }
    return irregularKind(st.st_mode).map { "it is \($0), not a regular file" }
}

/// "a folder", "a named pipe (FIFO)", ... for a mode that is not a regular file's; nil for one.
private func irregularKind(_ mode: mode_t) -> String? {
    switch mode & S_IFMT {
    case S_IFREG: return nil
    case S_IFDIR: return "a folder"
    case S_IFIFO: return "a named pipe (FIFO)"
    case S_IFCHR, S_IFBLK: return "a device"
    case S_IFSOCK: return "a socket"
    default: return "not a regular file"
    }
}
