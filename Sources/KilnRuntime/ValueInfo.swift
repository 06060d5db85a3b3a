import KilnFormat

/// What the planner knows about a value: element type and full shape (batch first for
/// activations; constants keep their stored shape).
public struct ValueInfo: Equatable, Sendable {
    public var dtype: DType
    public var shape: [Int]
    /// True for constant tensors read from the file.
    public var isConstant: Bool

    public init(dtype: DType, shape: [Int], isConstant: Bool = false) {
        self.dtype = dtype
        self.shape = shape
        self.isConstant = isConstant
    }

    public var elementCount: Int { shape.reduce(1, *) }
}

/// Checked element count of `shape`, so no buffer is sized by an overflowed product.
func checkedCount(_ shape: [Int], what: @autoclosure () -> String) throws -> Int {
    var n = 1
    for d in shape {
        guard d >= 0 else { throw RuntimeError.tooLarge(what: what()) }
        let (p, o) = n.multipliedReportingOverflow(by: d)
        guard !o, p <= 1 << 38 else { throw RuntimeError.tooLarge(what: what()) }
        n = p
    }
    return n
}
