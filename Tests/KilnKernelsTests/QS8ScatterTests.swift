import CKilnKernels
import XCTest

/// The grouped-conv scatters of the int8 paths against kiln_qs8_tile_scatter_ref: every byte lands
/// where the reference puts it, and no byte between (another phase's) is written.
final class QS8ScatterTests: XCTestCase {
    func testEveryScatterMatchesTheReferenceAndWritesOnlyItsBytes() throws {
        var checked = 0
        for index in 0 ..< kiln_qs8_path_count() {
            let path = kiln_qs8_path_at(index)!.pointee
            guard path.required_features & kiln_cpu_features() == path.required_features, let scatter = path.tile_scatter else { continue }
            for step in 1 ... 3 {
                for (runs, run) in [(1, 1), (3, 4), (2, 15), (2, 16), (1, 31), (2, 32), (1, 33), (1, 70)] {
                    let rows = 3, jCount = runs * run, mStride = step * run + 5, rowBytes = rows * mStride
                    let tile = (0 ..< rows * jCount).map { Int8(truncatingIfNeeded: $0 &* 37 &+ 11) }
                    var want = [Int8](repeating: 0x5A, count: runs * rowBytes), got = want
                    want.withUnsafeMutableBufferPointer { w in
                        let dst = (0 ..< runs).map { Optional(w.baseAddress! + $0 * rowBytes) }
                        kiln_qs8_tile_scatter_ref(tile, rows, jCount, runs, run, dst, mStride, step)
                    }
                    got.withUnsafeMutableBufferPointer { g in
                        let dst = (0 ..< runs).map { Optional(g.baseAddress! + $0 * rowBytes) }
                        scatter(tile, rows, jCount, runs, run, dst, mStride, step)
                    }
                    XCTAssertEqual(got, want, "\(String(cString: path.name)) step \(step), \(runs) runs of \(run)")
                    checked += 1
                }
            }
        }
        try XCTSkipIf(checked == 0, "no kernel path of this CPU has its own scatter (the reference is covered by the conformance suite)")
        print("scatters: \(checked) cases")
    }
}
