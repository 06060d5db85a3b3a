/// A small line chart rendered to an RGB image: series over a shared x axis, axis ticks labelled
/// with a built-in 3x5 pixel font, and a legend. Enough for training curves; no dependencies.
public struct LinePlot {
    public struct Series {
        public var name: String
        public var color: (UInt8, UInt8, UInt8)
        public var points: [(x: Double, y: Double)]

        public init(name: String, color: (UInt8, UInt8, UInt8), points: [(x: Double, y: Double)]) {
            self.name = name
            self.color = color
            self.points = points
        }
    }

    public var title: String
    public var xLabel: String
    public var series: [Series]
    public var width = 720, height = 400

    public init(title: String, xLabel: String, series: [Series]) {
        self.title = title
        self.xLabel = xLabel
        self.series = series
    }

    public func render() -> Image {
        var canvas = Canvas(width: width, height: height)
        let (left, right, top, bottom) = (48, width - 16, 28, height - 36)
        let all = series.flatMap(\.points).filter { $0.y.isFinite }
        let x0 = all.map(\.x).min() ?? 0, x1 = max(all.map(\.x).max() ?? 1, x0 + 1e-9)
        let y0 = min(0, all.map(\.y).min() ?? 0), y1 = max(all.map(\.y).max() ?? 1, y0 + 1e-9)
        func px(_ x: Double) -> Int { left + Int((x - x0) / (x1 - x0) * Double(right - left)) }
        func py(_ y: Double) -> Int { bottom - Int((y - y0) / (y1 - y0) * Double(bottom - top)) }
        for i in 0 ... 4 {
            let y = y0 + (y1 - y0) * Double(i) / 4, yy = py(y)
            canvas.line(left, yy, right, yy, (225, 225, 225))
            canvas.text(Self.format(y), x: 4, y: yy - 2, (90, 90, 90))
            let x = x0 + (x1 - x0) * Double(i) / 4, xx = px(x)
            canvas.line(xx, top, xx, bottom, (235, 235, 235))
            canvas.text(Self.format(x), x: xx - 8, y: bottom + 6, (90, 90, 90))
        }
        canvas.line(left, bottom, right, bottom, (0, 0, 0))
        canvas.line(left, top, left, bottom, (0, 0, 0))
        canvas.text(title, x: left, y: 8, (0, 0, 0))
        canvas.text(xLabel, x: (left + right) / 2 - 10, y: height - 14, (0, 0, 0))
        for (k, s) in series.enumerated() {
            let pts = s.points.filter { $0.y.isFinite }
            for (a, b) in zip(pts, pts.dropFirst()) { canvas.line(px(a.x), py(a.y), px(b.x), py(b.y), s.color) }
            let lx = right - 150, ly = top + 4 + 12 * k
            canvas.line(lx, ly + 2, lx + 14, ly + 2, s.color)
            canvas.line(lx, ly + 3, lx + 14, ly + 3, s.color)
            canvas.text(s.name, x: lx + 20, y: ly, (0, 0, 0))
        }
        return Image(width: width, height: height, channels: 3, pixels: canvas.pixels)
    }

    static func format(_ v: Double) -> String {
        let a = abs(v)
        if a >= 1000 { return String(Int(v.rounded())) }
        if a >= 10 { return String(Int(v.rounded())) }
        let hundredths = Int((v * 100).rounded())
        let sign = hundredths < 0 ? "-" : ""
        let h = abs(hundredths)
        return "\(sign)\(h / 100).\(h % 100 < 10 ? "0" : "")\(h % 100)"
    }
}

/// RGB pixels with line drawing and 3x5 text (drawn at 2x).
struct Canvas {
    let width, height: Int
    var pixels: [UInt8]

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: 255, count: width * height * 3)
    }

    mutating func set(_ x: Int, _ y: Int, _ c: (UInt8, UInt8, UInt8)) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        let i = (y * width + x) * 3
        (pixels[i], pixels[i + 1], pixels[i + 2]) = c
    }

    /// Bresenham's line.
    mutating func line(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, _ c: (UInt8, UInt8, UInt8)) {
        var (x, y) = (x0, y0)
        let dx = abs(x1 - x0), dy = -abs(y1 - y0), sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1
        var err = dx + dy
        while true {
            set(x, y, c)
            if x == x1 && y == y1 { return }
            let e2 = 2 * err
            if e2 >= dy { err += dy; x += sx }
            if e2 <= dx { err += dx; y += sy }
        }
    }

    mutating func text(_ s: String, x: Int, y: Int, _ c: (UInt8, UInt8, UInt8)) {
        var cx = x
        for ch in s.uppercased() {
            if let rows = Glyphs.table[ch] {
                for (r, bits) in rows.enumerated() {
                    for b in 0 ..< 3 where bits & (4 >> b) != 0 {
                        set(cx + 2 * b, y + 2 * r, c); set(cx + 2 * b + 1, y + 2 * r, c)
                        set(cx + 2 * b, y + 2 * r + 1, c); set(cx + 2 * b + 1, y + 2 * r + 1, c)
                    }
                }
            }
            cx += 8
        }
    }
}

/// A 3x5 pixel font: five rows of three bits (4 = left column) per character.
enum Glyphs {
    static let table: [Character: [UInt8]] = [
        "0": [7, 5, 5, 5, 7], "1": [2, 6, 2, 2, 7], "2": [7, 1, 7, 4, 7], "3": [7, 1, 3, 1, 7], "4": [5, 5, 7, 1, 1],
        "5": [7, 4, 7, 1, 7], "6": [7, 4, 7, 5, 7], "7": [7, 1, 1, 2, 2], "8": [7, 5, 7, 5, 7], "9": [7, 5, 7, 1, 7],
        "A": [2, 5, 7, 5, 5], "B": [6, 5, 6, 5, 6], "C": [7, 4, 4, 4, 7], "D": [6, 5, 5, 5, 6], "E": [7, 4, 6, 4, 7],
        "F": [7, 4, 6, 4, 4], "G": [7, 4, 5, 5, 7], "H": [5, 5, 7, 5, 5], "I": [7, 2, 2, 2, 7], "J": [1, 1, 1, 5, 7],
        "K": [5, 5, 6, 5, 5], "L": [4, 4, 4, 4, 7], "M": [5, 7, 7, 5, 5], "N": [6, 5, 5, 5, 5], "O": [7, 5, 5, 5, 7],
        "P": [7, 5, 7, 4, 4], "Q": [7, 5, 5, 7, 1], "R": [7, 5, 6, 5, 5], "S": [7, 4, 7, 1, 7], "T": [7, 2, 2, 2, 2],
        "U": [5, 5, 5, 5, 7], "V": [5, 5, 5, 5, 2], "W": [5, 5, 7, 7, 5], "X": [5, 5, 2, 5, 5], "Y": [5, 5, 2, 2, 2],
        "Z": [7, 1, 2, 4, 7], ".": [0, 0, 0, 0, 2], "-": [0, 0, 7, 0, 0], "(": [1, 2, 2, 2, 1], ")": [4, 2, 2, 2, 4],
        ",": [0, 0, 0, 2, 4], ":": [0, 2, 0, 2, 0], "/": [1, 1, 2, 4, 4], "=": [0, 7, 0, 7, 0], "%": [5, 1, 2, 4, 5],
        "_": [0, 0, 0, 0, 7], "+": [0, 2, 7, 2, 0],
    ]
}
