@testable import KilnTrain
import XCTest

/// `transposed` (the trainer's layout copies) against the index formula, at sizes below, at and
/// above its 8 x 8 blocks, runs of 1 (element transposes) and longer (whole planes), one and
/// several matrices, and 1, 2 and 3 threads, which must all give the same values.
final class TransposeTests: XCTestCase {
    func testTransposedMatchesTheIndexFormula() {
        for count in [1, 3] {
            for rows in [1, 7, 8, 9, 17] {
                for cols in [1, 5, 8, 16, 19] {
                    for run in [1, 3, 16] {
                        let x = (0 ..< count * rows * cols * run).map { Float($0) }
                        var want = x
                        for m in 0 ..< count {
                            for a in 0 ..< rows {
                                for b in 0 ..< cols {
                                    for r in 0 ..< run {
                                        want[((m * cols + b) * rows + a) * run + r] = x[((m * rows + a) * cols + b) * run + r]
                                    }
                                }
                            }
                        }
                        for threads in [1, 2, 3] {
                            let got = transposed(x, count: count, rows: rows, cols: cols, run: run, threads: threads)
                            XCTAssertEqual(got, want, "count \(count) rows \(rows) cols \(cols) run \(run) threads \(threads)")
                        }
                    }
                }
            }
        }
    }

    func testChannelMajorAndBatchMajorAreInverses() {
        let (n, c, plane) = (5, 3, 4)
        let x = (0 ..< n * c * plane).map { Float($0) }
        let cm = channelMajor(x, n: n, c: c, plane: plane, threads: 2)
        // [C, N, P]: channel 1 of image 2 starts at (1 * n + 2) * plane and holds x's (2 * c + 1) * plane ...
        XCTAssertEqual(Array(cm[(1 * n + 2) * plane ..< (1 * n + 3) * plane]), Array(x[(2 * c + 1) * plane ..< (2 * c + 2) * plane]))
        XCTAssertEqual(batchMajor(cm, n: n, c: c, plane: plane, threads: 3), x)
    }
}
