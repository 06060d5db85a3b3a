/// Losses: each returns the mean loss over the batch and dL/d(input).
public enum Loss {
    /// Binary cross-entropy on logits, mean over the batch: for target t,
    /// l = max(x, 0) - x t + log(1 + exp(-|x|)) (stable for any x); dl/dx = sigmoid(x) - t.
    @_specialize(where T == Float)
    public static func bceWithLogits<T: TrainScalar>(_ logits: Tensor<T>, target: T) -> (loss: Double, grad: Tensor<T>) {
        let n = T(logits.count)
        var loss = 0.0
        var grad = logits.values
        for (i, x) in logits.values.enumerated() {
            let l = max(x, 0) - x * target + T.log(1 + T.exp(-abs(x)))
            loss += Double(l)
            grad[i] = (1 / (1 + T.exp(-x)) - target) / n
        }
        return (loss / Double(logits.count), Tensor(shape: logits.shape, values: grad))
    }

    /// Mean absolute error; the gradient of |0| is taken as 0.
    @_specialize(where T == Float)
    public static func l1<T: TrainScalar>(_ x: Tensor<T>, _ target: Tensor<T>) -> (loss: Double, grad: Tensor<T>) {
        let n = T(x.count)
        var loss = 0.0
        var grad = x.values
        for i in x.values.indices {
            let d = x.values[i] - target.values[i]
            loss += Double(abs(d))
            grad[i] = d > 0 ? 1 / n : d < 0 ? -1 / n : 0
        }
        return (loss / Double(x.count), Tensor(shape: x.shape, values: grad))
    }

    /// Softmax cross-entropy on logits [N, classes], mean over the batch; dl/dx = softmax(x) - onehot.
    @_specialize(where T == Float)
    public static func softmaxCrossEntropy<T: TrainScalar>(_ logits: Tensor<T>, labels: [Int]) -> (loss: Double, grad: Tensor<T>) {
        let (n, k) = (logits.shape[0], logits.perSample)
        var loss = 0.0
        var grad = logits.values
        for i in 0 ..< n {
            let row = Array(logits.values[i * k ..< (i + 1) * k])
            let m = row.max()!
            let e = row.map { T.exp($0 - m) }
            let s = e.reduce(0, +)
            loss += Double(T.log(s) + m - row[labels[i]])
            for j in 0 ..< k { grad[i * k + j] = (e[j] / s - (j == labels[i] ? 1 : 0)) / T(n) }
        }
        return (loss / Double(n), Tensor(shape: logits.shape, values: grad))
    }
}
