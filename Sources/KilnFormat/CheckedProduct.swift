/// Sizes read from files multiply without trapping: a product that leaves Int is nil, not a crash.
extension Sequence where Element: BinaryInteger {
    /// The product of the elements as an Int; nil when an element is negative or does not fit in
    /// an Int, or when the product overflows.
    public func checkedProduct() -> Int? {
        var product = 1
        for v in self {
            guard v >= 0, let i = Int(exactly: v) else { return nil }
            let (p, overflow) = product.multipliedReportingOverflow(by: i)
            if overflow { return nil }
            product = p
        }
        return product
    }
}
