/// Max pooling with a square window and equal stride (no padding); the first maximum of a window
/// wins ties, and backward routes the gradient to it.
public final class MaxPool2dLayer<T: TrainScalar>: Layer {
    public let size: Int
    private var argmax: [Int] = []
    private var inputShape: [Int] = []

    public init(size: Int) { self.size = size }

    @_specialize(where T == Float)
    public func forward(_ x: Tensor<T>, training: Bool) -> Tensor<T> {
        let (planes, h, w) = (x.shape[0] * x.shape[1], x.shape[2], x.shape[3])
        let (oh, ow) = (h / size, w / size)
        inputShape = x.shape
        var y = [T](repeating: 0, count: planes * oh * ow)
        argmax = [Int](repeating: 0, count: y.count)
        for p in 0 ..< planes {
            for oy in 0 ..< oh {
                for ox in 0 ..< ow {
                    var best = (p * h + oy * size) * w + ox * size
                    for dy in 0 ..< size {
                        for dx in 0 ..< size {
                            let k = (p * h + oy * size + dy) * w + ox * size + dx
                            if x.values[k] > x.values[best] { best = k }
                        }
                    }
                    let o = (p * oh + oy) * ow + ox
                    y[o] = x.values[best]
                    argmax[o] = best
                }
            }
        }
        return Tensor(shape: [x.shape[0], x.shape[1], oh, ow], values: y)
    }

    @_specialize(where T == Float)
    public func backward(_ dy: Tensor<T>) -> Tensor<T> {
        var dx = [T](repeating: 0, count: inputShape.reduce(1, *))
        for (o, k) in argmax.enumerated() { dx[k] += dy.values[o] }
        return Tensor(shape: inputShape, values: dx)
    }
}
