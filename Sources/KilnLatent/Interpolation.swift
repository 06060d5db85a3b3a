/// How to move between two latent vectors.
public enum LatentPath: String, Sendable, CaseIterable {
    /// Straight line: (1 - t) a + t b. For a Gaussian latent its midpoints have a smaller norm than
    /// the samples the generator was trained on (about 0.71x halfway between independent vectors).
    case lerp
    /// Spherical: sin((1 - t) w) / sin(w) a + sin(t w) / sin(w) b with w the angle between a and
    /// b (Shoemake 1985; White 2016, "Sampling Generative Networks"): stays near the shell.
    case slerp
}

public enum Latent {
    /// The point at `t` (0 gives a, 1 gives b) on `path` from a to b, computed in Double and
    /// rounded to Float. Slerp falls back to lerp when the angle is below 1e-6 or a vector is 0,
    /// and is not defined for opposite vectors (it picks one of the great circles, as any slerp).
    public static func interpolate(_ a: [Float], _ b: [Float], t: Double, path: LatentPath) -> [Float] {
        precondition(a.count == b.count)
        var wa = 1 - t, wb = t
        if path == .slerp {
            let na = norm(a), nb = norm(b)
            if na > 0, nb > 0 {
                var sum = 0.0, diff = 0.0
                for i in a.indices {
                    let u = Double(a[i]) / na, v = Double(b[i]) / nb
                    sum += (u + v) * (u + v)
                    diff += (u - v) * (u - v)
                }
                let w = kilnAngle(sumNorm: sum.squareRoot(), differenceNorm: diff.squareRoot())
                if w > 1e-6 {
                    let s = kilnSin(w)
                    (wa, wb) = (kilnSin((1 - t) * w) / s, kilnSin(t * w) / s)
                }
            }
        }
        return a.indices.map { Float(wa * Double(a[$0]) + wb * Double(b[$0])) }
    }

    /// The Euclidean norm, summed in Double in index order.
    public static func norm(_ v: [Float]) -> Double {
        v.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
    }

    /// The element-wise mean of equally long vectors, summed in Double in the given order.
    public static func mean(_ vectors: [[Float]]) -> [Float] {
        precondition(!vectors.isEmpty)
        var sum = [Double](repeating: 0, count: vectors[0].count)
        for v in vectors {
            precondition(v.count == sum.count)
            for i in v.indices { sum[i] += Double(v[i]) }
        }
        return sum.map { Float($0 / Double(vectors.count)) }
    }

    /// a + scale * b, in Double, rounded to Float.
    public static func add(_ a: [Float], _ b: [Float], scale: Double = 1) -> [Float] {
        precondition(a.count == b.count)
        return a.indices.map { Float(Double(a[$0]) + scale * Double(b[$0])) }
    }

    /// `t` values of `steps` points from 0 to 1 inclusive (steps >= 2).
    public static func steps(_ steps: Int) -> [Double] {
        precondition(steps >= 2)
        return (0 ..< steps).map { Double($0) / Double(steps - 1) }
    }
}
