import Foundation

/// Adam (Kingma and Ba 2015) with bias correction:
/// m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;  w -= lr * m / (1 - b1^t) / (sqrt(v / (1 - b2^t)) + eps).
public struct Adam: Sendable, Codable {
    public var learningRate: Double
    public var beta1: Double
    public var beta2: Double
    public var epsilon: Double
    /// Steps taken (t above).
    public var step = 0

    public init(learningRate: Double = 2e-4, beta1: Double = 0.5, beta2: Double = 0.999, epsilon: Double = 1e-8) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
    }


    /// One step on every parameter. Up to `threads` threads take contiguous ranges of a large
    /// parameter (element-wise: the same weights for any thread count).
    @_specialize(where T == Float)
    public mutating func update<T: TrainScalar>(_ parameters: [Parameter<T>], threads: Int = 1) {
        step += 1
        let b1 = T(beta1), b2 = T(beta2)
        let c1 = T(1 - Foundation.pow(beta1, Double(step))), c2 = T(1 - Foundation.pow(beta2, Double(step)))
        let lr = T(learningRate), eps = T(epsilon)
        for p in parameters {
            p.m.withUnsafeMutableBufferPointer { mb in
                p.v.withUnsafeMutableBufferPointer { vb in
                    let (m, v) = (SendableMutablePointer(mb.baseAddress!), SendableMutablePointer(vb.baseAddress!))
                    forEachRange(p.value.count, threads: threads, grain: elementwiseGrain, reading: p.grad, writing: &p.value) { range, g, w in
                        let (m, v) = (m.base, v.base)
                        var i = range.lowerBound
                        while i + 8 <= range.upperBound {  // the scalar loop's operations, 8 lanes at a time
                            let gi = g.load8(i)
                            let mi = b1 * m.load8(i) + (1 - b1) * gi, vi = b2 * v.load8(i) + (1 - b2) * gi * gi
                            m.store8(mi, i)
                            v.store8(vi, i)
                            w.store8(w.load8(i) - lr * (mi / c1) / ((vi / c2).squareRoot() + eps), i)
                            i += 8
                        }
                        for i in i ..< range.upperBound {
                            m[i] = b1 * m[i] + (1 - b1) * g[i]
                            v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i]
                            w[i] -= lr * (m[i] / c1) / ((v[i] / c2).squareRoot() + eps)
                        }
                    }
                }
            }
        }
    }
}
