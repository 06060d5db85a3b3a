import KilnImage

/// The .npy reader on any bytes: an array or an NPYError, nothing else.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNPY(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let a = try? NPYArray.decode(bytes) {
        precondition(a.count == a.shape.reduce(1, *))
        let again = try? NPYArray.decode(a.encode())
        precondition(again.map { bits($0) == bits(a) } == true, "re-encoding changed the array")
    }
    return 0
}

/// The shape and the values' bits (NaN payloads compare equal to themselves here).
private func bits(_ a: NPYArray) -> [Int] {
    switch a.data {
    case let .float32(v): return a.shape + v.map { Int($0.bitPattern) }
    case let .int32(v): return a.shape + [-1] + v.map { Int($0) }
    }
}
