import Foundation
import KilnFormat
import KilnImage
import KilnTrain

/// losses.csv (step, epoch, then one column per logged value: loss_d, loss_g, d_real, d_fake for
/// a DCGAN) and its plot. On resume, rows after the checkpoint's step are dropped, so the file
/// matches the weights.
final class LossLog {
    /// A logged value: its CSV column, its name in the plot's legend and its colour.
    struct Column {
        var csv, legend: String
        var color: (UInt8, UInt8, UInt8)
    }

    private let path: String
    private let columns: [Column]
    private var rows: [[Double]] = []
    private let handle: FileHandle

    init(path: String, columns: [Column], keepingStepsBelow limit: Int) throws {
        (self.path, self.columns) = (path, columns)
        if let text = try? String(contentsOfFile: path, encoding: .utf8) {
            rows = text.split(separator: "\n").dropFirst().compactMap { line in
                let v = line.split(separator: ",").compactMap { Double($0) }
                return v.count == 2 + columns.count && v[0] < Double(limit) ? v : nil
            }
        }
        let header = (["step", "epoch"] + columns.map(\.csv)).joined(separator: ",")
        let body = ([header] + rows.map(Self.line)).joined(separator: "\n") + "\n"
        do {
            try writeFileAtomically(path: path, bytes: Array(body.utf8))
            handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            try handle.seekToEnd()
        } catch {
            throw CLIError("cannot write '\(path)': \(error)")
        }
    }

    deinit { try? handle.close() }

    func append(step: Int, epoch: Double, _ values: [Double]) throws {
        let row = [Double(step), epoch] + values
        rows.append(row)
        try handle.write(contentsOf: Data((Self.line(row) + "\n").utf8))
    }

    private static func line(_ r: [Double]) -> String {
        (["\(Int(r[0]))", String(format: "%.4f", r[1])] + r.dropFirst(2).map { String(format: "%.5f", $0) }).joined(separator: ",")
    }

    /// Losses and D's outputs against epochs, as moving averages over 50 steps.
    func plot(to path: String) throws {
        func series(_ name: String, _ column: Int, _ color: (UInt8, UInt8, UInt8)) -> LinePlot.Series {
            var points: [(x: Double, y: Double)] = []
            var window: [Double] = []
            var sum = 0.0
            for r in rows {
                window.append(r[column]); sum += r[column]
                if window.count > 50 { sum -= window.removeFirst() }
                points.append((r[1], sum / Double(window.count)))
            }
            return LinePlot.Series(name: name, color: color, points: points)
        }
        let plot = LinePlot(title: "kiln train: losses (mean of 50 steps)", xLabel: "epoch",
                            series: columns.enumerated().map { series($1.legend, 2 + $0, $1.color) })
        try writeFileAtomically(path: path, bytes: try plot.render().pngData())
    }
}
