/// A constant tensor: weights, biases, tables. Its bytes are little-endian and live either in the
/// memory-mapped file (zero copy) or in an owned, 64-byte-aligned allocation.
public struct Tensor: @unchecked Sendable {
    public var name: String
    public var dtype: DType
    /// Dimensions, outermost first. A scalar has rank 0 and one element.
    public var shape: [Int64]
    /// Quantization axis, or -1 for per-tensor. Reserved in v1.0: only the quantizer writes it.
    public var quantAxis: Int32 = -1
    /// Index of the tensor holding the scales, or nil when the tensor is not quantized.
    public var quantScaleTensor: UInt32?
    /// Index of the tensor holding the zero points, or nil for symmetric quantization.
    public var quantZeroPointTensor: UInt32?
    /// The raw little-endian element bytes; `bytes.count == elementCount * dtype.size`.
    public let bytes: UnsafeRawBufferPointer
    /// Keeps `bytes` alive (the mapped file or the allocation).
    let owner: AnyObject

    /// Makes a tensor that owns a copy of `data`, interpreted as little-endian elements of `dtype`.
    public init(name: String, dtype: DType, shape: [Int64], data: UnsafeRawBufferPointer) {
        let storage = AlignedStorage(byteCount: data.count)
        if data.count > 0 { storage.pointer.copyMemory(from: data.baseAddress!, byteCount: data.count) }
        self.init(name: name, dtype: dtype, shape: shape,
                  bytes: UnsafeRawBufferPointer(start: storage.pointer, count: data.count), owner: storage)
    }

    /// A float tensor that owns a copy of `values`.
    public init(name: String, shape: [Int64], floats values: [Float]) {
        self = values.withUnsafeBytes { Tensor(name: name, dtype: .f32, shape: shape, data: $0) }
    }

    /// An i32 tensor that owns a copy of `values`.
    public init(name: String, shape: [Int64], ints values: [Int32]) {
        self = values.withUnsafeBytes { Tensor(name: name, dtype: .i32, shape: shape, data: $0) }
    }

    init(name: String, dtype: DType, shape: [Int64], bytes: UnsafeRawBufferPointer, owner: AnyObject) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.bytes = bytes
        self.owner = owner
    }

    /// Number of elements (the product of `shape`; validated not to overflow at load).
    public var elementCount: Int { shape.reduce(1) { $0 * Int($1) } }

    /// The elements as Float; nil unless `dtype == .f32`.
    public var floats: UnsafeBufferPointer<Float>? {
        guard dtype == .f32 else { return nil }
        return UnsafeBufferPointer(start: bytes.baseAddress?.assumingMemoryBound(to: Float.self),
                                   count: bytes.count / 4)
    }
}

/// A 64-byte-aligned heap allocation, freed when the last reference goes.
final class AlignedStorage {
    let pointer: UnsafeMutableRawPointer

    init(byteCount: Int) {
        pointer = UnsafeMutableRawPointer.allocate(byteCount: max(byteCount, 1), alignment: 64)
    }

    deinit { pointer.deallocate() }
}
