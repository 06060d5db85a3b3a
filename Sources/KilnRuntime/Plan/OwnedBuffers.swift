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
final class OwnedBuffers {
    private var buffers: [UnsafeMutableRawPointer] = []
    private static let hugePage = 2 << 20

    func allocate(bytes: Int) -> UnsafeMutableRawPointer {
        let huge = Self.hugePage
        let p: UnsafeMutableRawPointer
        if bytes >= huge {
            let rounded = (bytes + huge - 1) / huge * huge
            p = UnsafeMutableRawPointer.allocate(byteCount: rounded, alignment: huge)
            _ = madvise(p, rounded, Int32(MADV_HUGEPAGE))
        } else {
            p = UnsafeMutableRawPointer.allocate(byteCount: max(bytes, 1), alignment: 64)
        }
        buffers.append(p)
        return p
    }

    deinit { buffers.forEach { $0.deallocate() } }
}
