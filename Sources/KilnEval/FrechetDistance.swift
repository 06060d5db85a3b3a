/// The Fréchet distance between Gaussians fitted to two sets of feature vectors (the FID recipe,
/// with features of our own classifier instead of Inception's):
/// d = |mu1 - mu2|^2 + tr(S1) + tr(S2) - 2 tr(sqrt(S1^1/2 S2 S1^1/2)). All in Double.
public enum FrechetDistance {
    /// `a` and `b` hold vectors of `dim` values each (at least 2 vectors).
    public static func between(_ a: [Float], _ b: [Float], dim: Int) -> Double {
        let (m1, s1) = moments(a, dim: dim), (m2, s2) = moments(b, dim: dim)
        var d = 0.0
        for i in 0 ..< dim { d += (m1[i] - m2[i]) * (m1[i] - m2[i]) + s1[i * dim + i] + s2[i * dim + i] }
        let root1 = matrixSqrt(s1, dim)
        let product = multiply(multiply(root1, s2, dim), root1, dim)
        let (eigenvalues, _) = symmetricEigen(product, dim)
        return d - 2 * eigenvalues.reduce(0) { $0 + max($1, 0).squareRoot() }
    }

    /// Mean and (unbiased) covariance.
    static func moments(_ x: [Float], dim: Int) -> ([Double], [Double]) {
        let n = x.count / dim
        var mean = [Double](repeating: 0, count: dim)
        for i in 0 ..< n { for j in 0 ..< dim { mean[j] += Double(x[i * dim + j]) } }
        mean = mean.map { $0 / Double(n) }
        var cov = [Double](repeating: 0, count: dim * dim)
        var row = [Double](repeating: 0, count: dim)
        for i in 0 ..< n {
            for j in 0 ..< dim { row[j] = Double(x[i * dim + j]) - mean[j] }
            for j in 0 ..< dim { let r = row[j]; for k in j ..< dim { cov[j * dim + k] += r * row[k] } }
        }
        for j in 0 ..< dim { for k in j ..< dim { cov[j * dim + k] /= Double(n - 1); cov[k * dim + j] = cov[j * dim + k] } }
        return (mean, cov)
    }

    /// The symmetric square root V sqrt(max(L, 0)) V^T of a symmetric positive semidefinite matrix.
    static func matrixSqrt(_ a: [Double], _ n: Int) -> [Double] {
        let (l, v) = symmetricEigen(a, n)
        var out = [Double](repeating: 0, count: n * n)
        for k in 0 ..< n {
            let s = max(l[k], 0).squareRoot()
            guard s > 0 else { continue }
            for i in 0 ..< n { let vik = v[i * n + k] * s; for j in 0 ..< n { out[i * n + j] += vik * v[j * n + k] } }
        }
        return out
    }

    static func multiply(_ a: [Double], _ b: [Double], _ n: Int) -> [Double] {
        var c = [Double](repeating: 0, count: n * n)
        for i in 0 ..< n { for k in 0 ..< n { let aik = a[i * n + k]; for j in 0 ..< n { c[i * n + j] += aik * b[k * n + j] } } }
        return c
    }

    /// Eigenvalues and eigenvectors (columns of V) of a symmetric matrix by cyclic Jacobi
    /// rotations, until the off-diagonal part is below 1e-15 of the matrix's norm.
    static func symmetricEigen(_ input: [Double], _ n: Int) -> (values: [Double], vectors: [Double]) {
        var a = input
        var v = [Double](repeating: 0, count: n * n)
        for i in 0 ..< n { v[i * n + i] = 1 }
        let norm = a.reduce(0) { $0 + $1 * $1 }.squareRoot()
        for _ in 0 ..< 100 {
            var off = 0.0
            for p in 0 ..< n { for q in p + 1 ..< n { off += a[p * n + q] * a[p * n + q] } }
            if off.squareRoot() <= 1e-15 * max(norm, .leastNormalMagnitude) { break }
            for p in 0 ..< n {
                for q in p + 1 ..< n where a[p * n + q] != 0 {
                    let theta = (a[q * n + q] - a[p * n + p]) / (2 * a[p * n + q])
                    let t = (theta >= 0 ? 1 : -1) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    for k in 0 ..< n {  // A = A J
                        let akp = a[k * n + p], akq = a[k * n + q]
                        a[k * n + p] = c * akp - s * akq
                        a[k * n + q] = s * akp + c * akq
                    }
                    for k in 0 ..< n {  // A = J^T A
                        let apk = a[p * n + k], aqk = a[q * n + k]
                        a[p * n + k] = c * apk - s * aqk
                        a[q * n + k] = s * apk + c * aqk
                    }
                    for k in 0 ..< n {
                        let vkp = v[k * n + p], vkq = v[k * n + q]
                        v[k * n + p] = c * vkp - s * vkq
                        v[k * n + q] = s * vkp + c * vkq
                    }
                }
            }
        }
        return ((0 ..< n).map { a[$0 * n + $0] }, v)
    }
}
