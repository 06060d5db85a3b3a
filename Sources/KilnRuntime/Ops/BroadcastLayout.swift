/// numpy broadcasting of shapes of rank at most 4 (batch included): shapes aligned at the right,
/// each axis equal or 1 in all but one of them. Gives the output's dimensions padded to rank 4 and,
/// for each input, its element strides on them (0 along an axis it is broadcast on).
struct BroadcastLayout {
    /// The output shape, padded on the left with 1s to rank 4.
    let dims: [Int]
    /// For each input, the step in its elements per step of each of `dims`.
    let strides: [[Int]]
    /// The output shape at its own rank (the largest input rank).
    let shape: [Int]

    /// nil when the shapes do not broadcast or have rank above 4.
    init?(_ shapes: [[Int]]) {
        let rank = shapes.map(\.count).max() ?? 0
        guard rank <= 4 else { return nil }
        let padded = shapes.map { [Int](repeating: 1, count: 4 - $0.count) + $0 }
        var out = [Int](repeating: 1, count: 4)
        for s in padded {
            for i in 0 ..< 4 where s[i] != 1 {
                guard out[i] == 1 || out[i] == s[i] else { return nil }
                out[i] = s[i]
            }
        }
        dims = out
        strides = padded.map { s in
            var st = [0, 0, 0, 0], k = 1
            for i in (0 ..< 4).reversed() {
                st[i] = s[i] == 1 ? 0 : k
                k *= s[i]
            }
            return st
        }
        shape = Array(out.suffix(rank))
    }

    /// Calls `body(k, i, j)` for every output element k in order, with the element offsets i in the
    /// first input and j in the second.
    @inline(__always)
    func forEach2(_ body: (Int, Int, Int) -> Void) {
        let (a, b) = (strides[0], strides[1])
        var k = 0
        for i0 in 0 ..< dims[0] {
            for i1 in 0 ..< dims[1] {
                for i2 in 0 ..< dims[2] {
                    let ra = i0 * a[0] + i1 * a[1] + i2 * a[2], rb = i0 * b[0] + i1 * b[1] + i2 * b[2]
                    for i3 in 0 ..< dims[3] {
                        body(k, ra + i3 * a[3], rb + i3 * b[3])
                        k += 1
                    }
                }
            }
        }
    }
}
