import CKilnKernels

/// CRC-32 (IEEE 802.3, the one zlib computes) of `bytes`.
@inlinable
public func crc32(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
    guard let base = bytes.baseAddress, bytes.count > 0 else { return 0 }
    return kiln_crc32(0, base, bytes.count)
}
