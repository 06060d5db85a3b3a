@testable import KilnEval
import KilnTrain
import XCTest

final class FrechetDistanceTests: XCTestCase {
    /// Independent Gaussians with diagonal covariances: d = |mu1 - mu2|^2 + sum (s1 - s2)^2 exactly;
    /// the estimate from 20,000 samples is within 3% of it.
    func testDiagonalGaussiansMatchClosedForm() {
        var rng = TrainRNG(seed: 3)
        let dim = 4, n = 20000
        let (mu1, s1): ([Double], [Double]) = ([0, 1, 2, 0], [1, 2, 0.5, 1])
        let (mu2, s2): ([Double], [Double]) = ([1, 1, 0, 0], [1, 1, 1.5, 3])
        let a = (0 ..< n * dim).map { Float(mu1[$0 % dim] + s1[$0 % dim] * rng.normal()) }
        let b = (0 ..< n * dim).map { Float(mu2[$0 % dim] + s2[$0 % dim] * rng.normal()) }
        let exact = zip(mu1, mu2).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } + zip(s1, s2).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        XCTAssertEqual(FrechetDistance.between(a, b, dim: dim), exact, accuracy: 0.03 * exact)
        XCTAssertEqual(FrechetDistance.between(a, a, dim: dim), 0, accuracy: 1e-6)
    }

    /// Jacobi: V diag(L) V^T reconstructs a random symmetric matrix, and V is orthogonal.
    func testSymmetricEigen() {
        var rng = TrainRNG(seed: 4)
        let n = 9
        var a = [Double](repeating: 0, count: n * n)
        for i in 0 ..< n { for j in i ..< n { a[i * n + j] = rng.normal(); a[j * n + i] = a[i * n + j] } }
        let (l, v) = FrechetDistance.symmetricEigen(a, n)
        for i in 0 ..< n {
            for j in 0 ..< n {
                var r = 0.0, o = 0.0
                for k in 0 ..< n { r += v[i * n + k] * l[k] * v[j * n + k]; o += v[k * n + i] * v[k * n + j] }
                XCTAssertEqual(r, a[i * n + j], accuracy: 1e-10)
                XCTAssertEqual(o, i == j ? 1 : 0, accuracy: 1e-10)
            }
        }
    }
}
