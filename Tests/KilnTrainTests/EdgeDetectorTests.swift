import KilnImage
import XCTest

/// The Canny detector on shapes whose edges are known, and the sketch preparation of `kiln
/// translate`.
final class EdgeDetectorTests: XCTestCase {
    /// A w x h image with value `inside` in the rectangle and `outside` elsewhere.
    private func rectangle(_ w: Int, _ h: Int, x: Range<Int>, y: Range<Int>, inside: Double = 1, outside: Double = -1) -> [Double] {
        (0 ..< w * h).map { x.contains($0 % w) && y.contains($0 / w) ? inside : outside }
    }

    /// A filled square gives a closed one-pixel outline: every row through the square's interior
    /// crosses exactly two edge pixels, every column too, and no 2x2 block is all edge.
    func testSquareGivesOnePixelOutline() {
        for smooth in [true, false] {
            let (w, h) = (21, 19)
            let e = EdgeDetector(smooth: smooth).edges(rectangle(w, h, x: 5 ..< 14, y: 6 ..< 13), width: w, height: h)
            for y in 8 ..< 11 { XCTAssertEqual((0 ..< w).filter { e[y * w + $0] }.count, 2, "row \(y), smooth \(smooth)") }
            for x in 7 ..< 12 { XCTAssertEqual((0 ..< h).filter { e[$0 * w + x] }.count, 2, "column \(x), smooth \(smooth)") }
            for y in 0 ..< h - 1 {
                for x in 0 ..< w - 1 { XCTAssertFalse(e[y * w + x] && e[y * w + x + 1] && e[(y + 1) * w + x] && e[(y + 1) * w + x + 1], "2x2 block at \(x),\(y)") }
            }
        }
    }

    /// Odd sizes: 1x1, a single row, a single column, a flat image: no crash, and no edges where
    /// nothing changes.
    func testDegenerateSizesAndFlatImages() {
        let d = EdgeDetector()
        XCTAssertEqual(d.edges([0.3], width: 1, height: 1), [false])
        XCTAssertEqual(d.edges([Double](repeating: 0.5, count: 35), width: 7, height: 5), [Bool](repeating: false, count: 35))
        XCTAssertTrue(d.edges([-1, -1, 1, 1, 1], width: 5, height: 1).contains(true))
        XCTAssertTrue(d.edges([-1, -1, 1, 1, 1], width: 1, height: 5).contains(true))
    }

    /// Thresholds are relative to the largest gradient, so contrast does not change the edges.
    func testContrastInvariance() {
        let (w, h) = (16, 16)
        let a = rectangle(w, h, x: 3 ..< 9, y: 4 ..< 12)
        XCTAssertEqual(EdgeDetector().edges(a, width: w, height: h), EdgeDetector().edges(a.map { $0 * 0.25 + 0.1 }, width: w, height: h))
    }

    /// Hysteresis: a faint square (12% of the strong one's contrast) far from any strong edge is
    /// dropped at the default thresholds (high 0.2, low 0.08) and kept when high is 0.1.
    func testHysteresisDropsIsolatedWeakEdges() {
        let (w, h) = (30, 14)
        var img = rectangle(w, h, x: 2 ..< 8, y: 3 ..< 10)
        for i in img.indices where (18 ..< 25).contains(i % w) && (3 ..< 10).contains(i / w) { img[i] = -1 + 0.24 }
        let weakColumns = { (e: [Bool]) in (0 ..< w * h).filter { e[$0] && $0 % w >= 14 }.count }
        XCTAssertEqual(weakColumns(EdgeDetector().edges(img, width: w, height: h)), 0)
        XCTAssertGreaterThan(weakColumns(EdgeDetector(high: 0.1, low: 0.08).edges(img, width: w, height: h)), 10)
    }

    /// The sketch is -1 strokes on +1 paper.
    func testSketchPolarity() {
        let s = EdgeDetector().sketch(rectangle(12, 12, x: 3 ..< 9, y: 3 ..< 9).map(Float.init), width: 12, height: 12)
        XCTAssertTrue(s.allSatisfy { $0 == 1 || $0 == -1 })
        XCTAssertEqual(s[0], 1)
        XCTAssertTrue(s.contains(-1))
    }

    /// Preparing a drawing: light-on-dark is inverted, colour becomes gray, a 4-pixel-wide line at
    /// 4x the size becomes a one-pixel stroke, and a blank page has no strokes.
    func testSketchPreparation() {
        var px = [UInt8](repeating: 255, count: 128 * 128)
        for y in 0 ..< 128 { for x in 40 ..< 44 { px[y * 128 + x] = 0 } }
        let (v, r) = Sketch.prepare(Image(width: 128, height: 128, channels: 1, pixels: px), width: 32, height: 32)
        XCTAssertFalse(r.inverted)
        XCTAssertEqual(r.strokes, 32)
        XCTAssertTrue((0 ..< 32).allSatisfy { v[$0 * 32 + 10] == -1 && v[$0 * 32 + 11] == 1 })
        let dark = Image(width: 128, height: 128, channels: 1, pixels: px.map { 255 - $0 })
        XCTAssertEqual(Sketch.prepare(dark, width: 32, height: 32).values, v)
        XCTAssertTrue(Sketch.prepare(dark, width: 32, height: 32).report.inverted)
        let rgb = Image(width: 128, height: 128, channels: 3, pixels: px.flatMap { [$0, $0, $0] })
        XCTAssertEqual(Sketch.prepare(rgb, width: 32, height: 32).values, v)
        let blank = Image(width: 50, height: 40, channels: 1, pixels: [UInt8](repeating: 255, count: 2000))
        XCTAssertEqual(Sketch.prepare(blank, width: 32, height: 32).report.strokes, 0)
    }
}
