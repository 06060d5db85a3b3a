import KilnTrain

/// The IDX parser on any bytes, as images (rank 3) and as labels (rank 1).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIDX(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    for rank in [1, 3] {
        if let (dims, pixels) = try? Dataset.parseIDX(bytes, path: "fuzz", rank: rank) {
            precondition(dims.count == rank && dims.checkedProduct() == pixels.count)
        }
    }
    return 0
}
