/// Eight consecutive values as one vector, for the trainer's element-wise loops (the same
/// arithmetic per element as a scalar loop: no reassociation, no fused multiply-add).
extension UnsafePointer where Pointee: TrainScalar {
    /// The 8 values from index j.
    @inline(__always)
    func load8(_ j: Int) -> SIMD8<Pointee> { UnsafeRawPointer(self + j).loadUnaligned(as: SIMD8<Pointee>.self) }
}

extension UnsafeMutablePointer where Pointee: TrainScalar {
    /// The 8 values from index j.
    @inline(__always)
    func load8(_ j: Int) -> SIMD8<Pointee> { UnsafeRawPointer(self + j).loadUnaligned(as: SIMD8<Pointee>.self) }

    /// Stores v at indices j ..< j + 8.
    @inline(__always)
    func store8(_ v: SIMD8<Pointee>, _ j: Int) { UnsafeMutableRawPointer(self + j).storeBytes(of: v, as: SIMD8<Pointee>.self) }
}
