#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// 64-byte-aligned allocations freed together when the owner goes (also when `Plan.init` throws).
/// Buffers of 2 MiB or more (packed weights) are whole 2 MiB pages, offered to the kernel as
/// transparent huge pages (madvise; ignored where it has none): a layer streaming megabytes of
/// weights then misses the TLB once per 2 MiB, not per 4 KiB, for up to 2 MiB more memory per
/// such buffer.
/// Together they stay within `limit` bytes: an allocation that would pass it throws instead.
final class OwnedBuffers {
    private var buffers: [UnsafeMutableRawPointer] = []
    private static let hugePage = 2 << 20
    /// The most bytes all buffers may take.
    let limit: Int
    /// Bytes taken so far (huge-page buffers rounded up to whole pages).
    private(set) var total = 0

    init(limit: Int) { self.limit = limit }

    /// `bytes` more, for `what` (named in the error when they would pass the limit).
    func allocate(bytes: Int, for what: @autoclosure () -> String) throws -> UnsafeMutableRawPointer {
        let huge = Self.hugePage
        guard bytes >= 0, bytes <= limit - total else {
            throw RuntimeError.overMemoryLimit(what: what(), bytes: bytes, planned: total, limit: limit)
        }
        let p: UnsafeMutableRawPointer
        if bytes >= huge {
            let rounded = (bytes + huge - 1) / huge * huge
            p = UnsafeMutableRawPointer.allocate(byteCount: rounded, alignment: huge)
            _ = madvise(p, rounded, Int32(MADV_HUGEPAGE))
            total += rounded
        } else {
            p = UnsafeMutableRawPointer.allocate(byteCount: max(bytes, 1), alignment: 64)
            total += max(bytes, 1)
        }
        buffers.append(p)
        return p
    }

    deinit { buffers.forEach { $0.deallocate() } }
}
