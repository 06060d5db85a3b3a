import Foundation
@testable import KilnLatent
import KilnRuntime
import XCTest

/// Slerp and lerp, and the deterministic sine and angle behind slerp (compared with libm, which
/// they replace only to be bit-identical across platforms).
final class InterpolationTests: XCTestCase {
    /// Tolerance: 2 ulps, plus 1.3e-16 absolute past pi/2, where the fold sin(pi - x) uses pi
    /// rounded to double (off by 1.22e-16).
    func testSineMatchesLibm() {
        for i in -2000 ... 2000 {
            let x = Double(i) / 2000 * kilnPi
            let got = kilnSin(x), want = sin(x)
            let fold = abs(x) > kilnPi / 2 ? 1.3e-16 : 0
            XCTAssertLessThanOrEqual(abs(got - want), 2 * want.magnitude.ulp + fold, "sin(\(x))")
        }
    }

    func testAngleMatchesAcosOfUnitVectors() {
        var rng = SplitMix64(state: 9)
        for _ in 0 ..< 500 {
            let u = (0 ..< 5).map { _ in rng.nextUnit() - 0.5 }, v = (0 ..< 5).map { _ in rng.nextUnit() - 0.5 }
            let nu = u.map { $0 * $0 }.reduce(0, +).squareRoot(), nv = v.map { $0 * $0 }.reduce(0, +).squareRoot()
            let a = u.map { $0 / nu }, b = v.map { $0 / nv }
            let p = zip(a, b).map { ($0 + $1) * ($0 + $1) }.reduce(0, +).squareRoot()
            let q = zip(a, b).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
            let dot = zip(a, b).map { $0 * $1 }.reduce(0, +)
            XCTAssertEqual(kilnAngle(sumNorm: p, differenceNorm: q), acos(max(-1, min(1, dot))), accuracy: 1e-12)
        }
        XCTAssertEqual(kilnAngle(sumNorm: 2, differenceNorm: 0), 0, accuracy: 1e-15)
        XCTAssertEqual(kilnAngle(sumNorm: 0, differenceNorm: 2), kilnPi, accuracy: 1e-15)
    }

    func testEndpointsAreExactAndSlerpKeepsTheShell() {
        let s = LatentSampler(dimension: 100, distribution: .normal)
        let a = s.sample(seed: 1), b = s.sample(seed: 2)
        for path in LatentPath.allCases {
            XCTAssertEqual(Latent.interpolate(a, b, t: 0, path: path), a, "\(path)")
            XCTAssertEqual(Latent.interpolate(a, b, t: 1, path: path), b, "\(path)")
        }
        // Independent Gaussian vectors are nearly orthogonal: the lerp midpoint's norm drops to about
        // 1/sqrt(2) of theirs, the slerp midpoint's stays between them.
        let (na, nb) = (Latent.norm(a), Latent.norm(b))
        let lerp = Latent.norm(Latent.interpolate(a, b, t: 0.5, path: .lerp)), slerp = Latent.norm(Latent.interpolate(a, b, t: 0.5, path: .slerp))
        XCTAssertLessThan(lerp, 0.8 * min(na, nb))
        XCTAssertGreaterThan(slerp, 0.97 * min(na, nb))
        XCTAssertLessThan(slerp, 1.03 * max(na, nb))
        // Equal vectors and a zero vector fall back to lerp instead of dividing by sin(0).
        XCTAssertEqual(Latent.interpolate(a, a, t: 0.3, path: .slerp), Latent.interpolate(a, a, t: 0.3, path: .lerp))
        let zero = [Float](repeating: 0, count: 100)
        XCTAssertEqual(Latent.interpolate(zero, b, t: 0.25, path: .slerp), Latent.interpolate(zero, b, t: 0.25, path: .lerp))
    }

    func testStepsIncludeBothEnds() {
        XCTAssertEqual(Latent.steps(2), [0, 1])
        XCTAssertEqual(Latent.steps(5), [0, 0.25, 0.5, 0.75, 1])
    }
}
