/// [N, A, H, W] ++ [N, B, H, W] -> [N, A + B, H, W] (the U-Net's skip connections).
@_specialize(where T == Float)
func concatChannels<T: TrainScalar>(_ x: Tensor<T>, _ y: Tensor<T>) -> Tensor<T> {
    precondition(x.shape[0] == y.shape[0] && x.shape[2...] == y.shape[2...], "concat of \(x.shape) and \(y.shape)")
    let (n, a, b) = (x.shape[0], x.perSample, y.perSample)
    var v = [T]()
    v.reserveCapacity(n * (a + b))
    for i in 0 ..< n {
        v += x.values[i * a ..< (i + 1) * a]
        v += y.values[i * b ..< (i + 1) * b]
    }
    return Tensor(shape: [n, x.shape[1] + y.shape[1]] + x.shape[2...], values: v)
}

/// The inverse of `concatChannels`: the first `a` channels and the rest.
@_specialize(where T == Float)
func splitChannels<T: TrainScalar>(_ x: Tensor<T>, first a: Int) -> (Tensor<T>, Tensor<T>) {
    let (n, c) = (x.shape[0], x.shape[1])
    let plane = x.perSample / c, left = a * plane, right = (c - a) * plane
    var l = [T](), r = [T]()
    l.reserveCapacity(n * left)
    r.reserveCapacity(n * right)
    for i in 0 ..< n {
        let base = i * (left + right)
        l += x.values[base ..< base + left]
        r += x.values[base + left ..< base + left + right]
    }
    return (Tensor(shape: [n, a] + x.shape[2...], values: l), Tensor(shape: [n, c - a] + x.shape[2...], values: r))
}
