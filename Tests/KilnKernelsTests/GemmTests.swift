import CKilnKernels
import KilnRuntime
import KilnTrain
import XCTest

/// Every f32 GEMM micro-kernel this CPU supports, through the packed driver, against the scalar
/// reference. Tolerance: the two sum the same products in different orders (and with FMA), so each
/// element may differ by up to gamma_k * sum_p |a_ip b_pj| with gamma_k = k u / (1 - k u),
/// u = 2^-24 (Higham, "Accuracy and Stability of Numerical Algorithms", 3.1); the test allows 2x
/// that bound and reports the largest error as a fraction of it.
final class GemmTests: XCTestCase {
    private var rng = SplitMix64(state: 5)

    private func random(_ n: Int) -> [Float] { (0 ..< n).map { _ in Float(rng.nextUnit() * 2 - 1) } }

    private func check(_ uk: UnsafePointer<kiln_f32_gemm_ukernel>, ta: Bool, tb: Bool, m: Int, n: Int, k: Int,
                       accumulate: Bool, pad: Int = 3) -> Double {
        let lda = (ta ? m : k) + pad, ldb = (tb ? k : n) + pad, ldc = n + pad
        let a = random((ta ? k : m) * lda), b = random((tb ? n : k) * ldb), c0 = random(m * ldc)
        var want = c0, got = c0
        kiln_f32_gemm_ref(ta ? 1 : 0, tb ? 1 : 0, m, n, k, a, lda, b, ldb, &want, ldc, accumulate ? 1 : 0)
        kiln_f32_gemm(uk, kiln_f32_gemm_thread_workspace(uk), ta ? 1 : 0, tb ? 1 : 0, m, n, k, a, lda, b, ldb, &got, ldc, accumulate ? 1 : 0)
        let u = 0x1p-24, gamma = Double(k + 1) * u / (1 - Double(k + 1) * u)
        var worst = 0.0
        for i in 0 ..< m {
            for j in 0 ..< ldc {
                let idx = i * ldc + j
                guard j < n else { XCTAssertEqual(got[idx], c0[idx], "wrote outside C"); continue }
                var mag = accumulate ? Double(abs(c0[idx])) : 0
                for p in 0 ..< k { mag += Double(abs(ta ? a[p * lda + i] : a[i * lda + p])) * Double(abs(tb ? b[j * ldb + p] : b[p * ldb + j])) }
                let bound = 2 * gamma * mag + Double(Float.leastNormalMagnitude)
                let err = abs(Double(got[idx]) - Double(want[idx]))
                worst = max(worst, err / bound)
                if err > bound { XCTFail("\(String(cString: uk.pointee.name)) m\(m) n\(n) k\(k) ta\(ta) tb\(tb): C[\(i),\(j)] error \(err) > \(bound)"); return worst }
            }
        }
        return worst
    }

    func testEveryMicroKernelAgainstReference() {
        let features = kiln_cpu_features()
        var ran = 0
        for i in 0 ..< kiln_f32_gemm_ukernel_count() {
            let uk = kiln_f32_gemm_ukernel_at(i)!
            guard uk.pointee.fn != nil, uk.pointee.required_features & features == uk.pointee.required_features else { continue }
            let (mr, nr) = (uk.pointee.mr, uk.pointee.nr)
            var worst = 0.0
            // Sizes: 1, below / at / above one tile, several MC blocks, and k across the KC block edge.
            for m in Set([1, mr - 1, mr, mr + 1, 2 * mr * 12 + 5]).filter({ $0 > 0 }).sorted() {
                for n in Set([1, nr - 1, nr, nr + 1, 3 * nr + 7]).filter({ $0 > 0 }).sorted() {
                    for k in [1, 7, Int(KILN_F32_GEMM_KC) + 3] {
                        for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
                            worst = max(worst, check(uk, ta: ta, tb: tb, m: m, n: n, k: k, accumulate: (m + n + k) % 2 == 0))
                        }
                    }
                }
            }
            // A large n, past one NC block.
            worst = max(worst, check(uk, ta: false, tb: false, m: 9, n: nr * 64 + 13, k: 40, accumulate: true))
            print("f32 GEMM \(String(cString: uk.pointee.name)): worst error \(worst) of the bound")
            ran += 1
        }
        XCTAssertGreaterThanOrEqual(ran, 1)
    }

    func testZeroKClearsOrKeeps() {
        var c: [Float] = [1, 2, 3, 4]
        let uk = kiln_f32_gemm_ukernel_best()!
        kiln_f32_gemm(uk, kiln_f32_gemm_thread_workspace(uk), 0, 0, 2, 2, 0, [], 1, [], 2, &c, 2, 1)
        XCTAssertEqual(c, [1, 2, 3, 4])
        kiln_f32_gemm(uk, kiln_f32_gemm_thread_workspace(uk), 0, 0, 2, 2, 0, [], 1, [], 2, &c, 2, 0)
        XCTAssertEqual(c, [0, 0, 0, 0])
    }

    /// A read across its rows (not transposed) and B read across its columns (transposed) are packed
    /// by 4 x 4 blocks transposed in registers; the panels must hold the same floats as when the
    /// same matrices come the other way round, so C has the same bits. Rows and k at every remainder
    /// of 4, a panel's width and around it, k across the KC block edge, leading dimensions past the
    /// matrix.
    func testPackingAcrossRowsGivesTheSameBytes() {
        let features = kiln_cpu_features()
        let kc = Int(KILN_F32_GEMM_KC)
        for i in 0 ..< kiln_f32_gemm_ukernel_count() {
            let uk = kiln_f32_gemm_ukernel_at(i)!
            guard uk.pointee.fn != nil, uk.pointee.required_features & features == uk.pointee.required_features else { continue }
            let (mr, nr) = (uk.pointee.mr, uk.pointee.nr)
            for m in Set([1, 2, 3, 4, 5, mr - 1, mr, mr + 1, 2 * mr + 3]).filter({ $0 > 0 }).sorted() {
                for n in Set([1, 3, 4, 6, nr - 1, nr, nr + 1, 2 * nr + 5]).filter({ $0 > 0 }).sorted() {
                    for k in [1, 2, 3, 4, 5, 11, kc + 6] {
                        let lda = k + 3, ldb = k + 1
                        let a = random(m * lda), bt = random(n * ldb)  // A [m, k] by rows, B^T [n, k] by rows
                        var at = [Float](repeating: 0, count: k * m), b = [Float](repeating: 0, count: k * n)
                        for r in 0 ..< m { for p in 0 ..< k { at[p * m + r] = a[r * lda + p] } }
                        for j in 0 ..< n { for p in 0 ..< k { b[p * n + j] = bt[j * ldb + p] } }
                        let c0 = random(m * n), accumulate: Int32 = (m + k) % 2 == 0 ? 1 : 0
                        var across = c0, along = c0
                        kiln_f32_gemm(uk, kiln_f32_gemm_thread_workspace(uk), 0, 1, m, n, k, a, lda, bt, ldb, &across, n, accumulate)
                        kiln_f32_gemm(uk, kiln_f32_gemm_thread_workspace(uk), 1, 0, m, n, k, at, m, b, n, &along, n, accumulate)
                        XCTAssertEqual(across.map(\.bitPattern), along.map(\.bitPattern), "\(String(cString: uk.pointee.name)) m\(m) n\(n) k\(k)")
                    }
                }
            }
        }
    }

    /// Splitting across threads gives the same bits as one thread.
    func testThreadSplitIsBitIdentical() {
        let (m, n, k) = (37, 1000, 300)
        let a = random(m * k), b = random(k * n)
        var one = [Float](repeating: 0, count: m * n), two = one
        Float.gemm(transposeA: false, transposeB: false, m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: &one, ldc: n, accumulate: false, threads: 1)
        Float.gemm(transposeA: false, transposeB: false, m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: &two, ldc: n, accumulate: false, threads: 2)
        XCTAssertEqual(one, two)
    }

    /// With A packed, n = 1 goes to the micro-kernel's matrix-vector form (or its tiles when it has
    /// none); it must give the tiled GEMM's bytes (same rounding per KC slice), at awkward m and k,
    /// both B layouts, accumulating or not.
    func testMatrixVectorEqualsTiledBytes() {
        let features = kiln_cpu_features()
        let kc = Int(KILN_F32_GEMM_KC)
        for i in 0 ..< kiln_f32_gemm_ukernel_count() {
            let uk = kiln_f32_gemm_ukernel_at(i)!
            guard uk.pointee.fn != nil, uk.pointee.required_features & features == uk.pointee.required_features else { continue }
            let mr = uk.pointee.mr
            // m: one panel and around it, across a group of 4 panels (partial), two groups and a tail
            for m in [1, mr - 1, mr, mr + 1, 3 * mr + 2, 4 * mr, 4 * mr + 3, 6 * mr + 4, 9 * mr + 5].filter({ $0 > 0 }) {
                for k in [1, 7, kc - 1, kc, kc + 3, 2 * kc + 5] {
                    for (tb, ldc) in [(false, 2), (true, 2), (false, 1)] {
                        let a = random(m * k), b = random(k * 3), c0 = random(m * ldc + 1)
                        var tiled = c0, gemv = c0
                        let ldb = tb ? k : 3
                        kiln_f32_gemm(uk, kiln_f32_gemm_thread_workspace(uk), 0, tb ? 1 : 0, m, 1, k, a, k, b, ldb, &tiled, ldc, Int32(k % 2))
                        var packed = [Float](repeating: 0, count: kiln_f32_gemm_packed_a_size(uk, m, k) / 4)
                        kiln_f32_gemm_pack_a(uk, 0, m, k, a, k, &packed)
                        kiln_f32_gemm_prepacked(uk, kiln_f32_gemm_thread_workspace(uk), packed, m, 0, tb ? 1 : 0, m, 1, k, b, ldb, &gemv, ldc, Int32(k % 2))
                        XCTAssertEqual(gemv.map(\.bitPattern), tiled.map(\.bitPattern), "\(String(cString: uk.pointee.name)) m\(m) k\(k) tb\(tb) ldc\(ldc)")
                    }
                }
            }
        }
    }

    /// With A packed and at most narrow_max columns, the driver takes the narrow form (rows in lanes),
    /// and for the last n mod nr <= narrow_max columns past whole tiles (a 7x7 map: 3 tiles of 16
    /// and 1 column): the tiled GEMM's bytes at every such n, m across its groups of panels, k across
    /// KC slices, both B layouts and a C wider than n; n just past narrow_max (no tail) too.
    func testNarrowEqualsTiledBytes() {
        let kc = Int(KILN_F32_GEMM_KC)
        var checked = 0
        for i in 0 ..< kiln_f32_gemm_ukernel_count() {
            let uk = kiln_f32_gemm_ukernel_at(i)!
            guard uk.pointee.narrow != nil, uk.pointee.required_features & kiln_cpu_features() == uk.pointee.required_features else { continue }
            let mr = uk.pointee.mr
            let (nr, most) = (uk.pointee.nr, uk.pointee.narrow_max)
            // A narrow-only entry (no tile) takes its few columns alone; the tiled bytes come from the
            // best tile kernel then (all of them round alike).
            let tiledKernel = uk.pointee.fn != nil ? uk : kiln_f32_gemm_ukernel_best()!
            var cases: [(n: Int, m: Int, k: Int)] = [(most, 12 * mr + 5, 9)]
            var columns = Array(1 ... most)
            if uk.pointee.fn != nil {
                XCTAssertEqual(kiln_f32_gemm_narrow_tail(uk, 3 * nr + 1, 1), 1)
                XCTAssertEqual(kiln_f32_gemm_narrow_tail(uk, nr + most + 1, 1), 0)
                XCTAssertEqual(kiln_f32_gemm_narrow_tail(uk, 3 * nr + 1, 0), 0)
                // the tail after every block of A rows and only after the last block of columns: m
                // past 12 row panels, n past 64 column tiles (the driver's blocks)
                cases.append((65 * nr + 3, 12 * mr + 5, 9))
                columns += [nr + 1, 3 * nr + 1, 2 * nr + most, nr + most + 1]
            }
            for n in columns {
                for m in [1, mr - 1, mr + 3, 2 * mr, 4 * mr + 5, 9 * mr + 1] {
                    for k in [1, 9, kc + 3] { cases.append((n, m, k)) }
                }
            }
            for (n, m, k) in cases {
                for tb in [false, true] {
                    let ldc = n + 2, ldb = tb ? k : n
                    let a = random(m * k), b = random(k * n), c0 = random(m * ldc)
                    var tiled = c0, narrow = c0
                    kiln_f32_gemm(tiledKernel, kiln_f32_gemm_thread_workspace(tiledKernel), 0, tb ? 1 : 0, m, n, k, a, k, b, ldb, &tiled, ldc, Int32(k % 2))
                    var packed = [Float](repeating: 0, count: kiln_f32_gemm_packed_a_size(uk, m, k) / 4)
                    kiln_f32_gemm_pack_a(uk, 0, m, k, a, k, &packed)
                    kiln_f32_gemm_prepacked(uk, kiln_f32_gemm_thread_workspace(uk), packed, m, 0, tb ? 1 : 0, m, n, k, b, ldb, &narrow, ldc, Int32(k % 2))
                    XCTAssertEqual(narrow.map(\.bitPattern), tiled.map(\.bitPattern), "\(String(cString: uk.pointee.name)) n\(n) m\(m) k\(k) tb\(tb)")
                    checked += 1
                }
            }
        }
        print("narrow GEMM cases checked: \(checked)")
    }

    /// The kernel for n columns computes fewest: 8x32 for 32 or 64, 16x16 (with its narrow form)
    /// for a 4x4 map (16), a 7x7 one (48 + 1), 40 (32 + 8) and 5 columns (narrow); the narrow-only
    /// 64-row form for 1-4 columns (a 2x2 map, a batch-1 dense layer); on CPUs with AVX-512.
    func testBestKernelForColumns() throws {
        try XCTSkipUnless(kiln_cpu_features() & UInt32(KILN_CPU_AVX512F.rawValue) != 0, "no AVX-512 here")
        for (n, name) in [(32, "8x32-avx512"), (64, "8x32-avx512"), (16, "16x16-avx512"), (49, "16x16-avx512"), (4, "64xn-avx512"), (1, "64xn-avx512"), (5, "16x16-avx512"), (40, "16x16-avx512"), (96, "8x32-avx512")] {
            XCTAssertEqual(String(cString: kiln_f32_gemm_best_for_columns(n)!.pointee.name), name, "n = \(n)")
        }
    }

    /// The FMA micro-kernels round alike (one fused chain per KC slice, then C + slice), so the
    /// runtime may pick the tile shape per layer without changing a byte: checked pairwise here.
    func testFusedMicroKernelsGiveTheSameBytes() {
        let features = kiln_cpu_features()
        let fused = (0 ..< kiln_f32_gemm_ukernel_count()).map { kiln_f32_gemm_ukernel_at($0)! }.filter {
            $0.pointee.fn != nil && $0.pointee.required_features & features == $0.pointee.required_features && $0.pointee.required_features != 0
        }
        guard fused.count >= 2 else { return }
        for (m, n, k) in [(1, 1, 1), (7, 17, 33), (13, 16, Int(KILN_F32_GEMM_KC) + 9), (40, 100, 300)] {
            let a = random(m * k), b = random(k * n), c0 = random(m * n)
            let results = fused.map { uk -> [Float] in
                var c = c0
                kiln_f32_gemm(uk, kiln_f32_gemm_thread_workspace(uk), 0, 0, m, n, k, a, k, b, n, &c, n, 1)
                return c
            }
            for r in results.dropFirst() { XCTAssertEqual(r, results[0], "m\(m) n\(n) k\(k)") }
        }
    }
}
