import CKilnKernels

/// SHA-256 (FIPS 180-4) as 64 lowercase hex digits: how outputs are compared across machines
/// (Formats/conformance/).
public func sha256Hex(_ bytes: UnsafeRawBufferPointer) -> String {
    var digest = [UInt8](repeating: 0, count: 32)
    kiln_sha256(bytes.baseAddress, bytes.count, &digest)
    let hex = Array("0123456789abcdef".utf8)
    return String(decoding: digest.flatMap { [hex[Int($0 >> 4)], hex[Int($0 & 15)]] }, as: UTF8.self)
}
