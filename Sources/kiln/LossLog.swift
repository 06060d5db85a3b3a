import Foundation
import KilnFormat
import KilnImage
import KilnTrain

/// losses.csv (step, epoch, loss_d, loss_g, d_real, d_fake) and its plot. On resume, rows after
/// the checkpoint's step are dropped, so the file matches the weights.
final class LossLog {
    static let header = "step,epoch,loss_d,loss_g,d_real,d_fake"
    private let path: String
    private var rows: [[Double]] = []
    private let handle: FileHandle

    init(path: String, keepingStepsBelow limit: Int) throws {
        self.path = path
        if let text = try? String(contentsOfFile: path, encoding: .utf8) {
            rows = text.split(separator: "\n").dropFirst().compactMap { line in
                let v = line.split(separator: ",").compactMap { Double($0) }
                return v.count == 6 && v[0] < Double(limit) ? v : nil
            }
        }
        let body = ([Self.header] + rows.map(Self.line)).joined(separator: "\n") + "\n"
        do {
            try writeFileAtomically(path: path, bytes: Array(body.utf8))
            handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            try handle.seekToEnd()
        } catch {
            throw CLIError("cannot write '\(path)': \(error)")
        }
    }

    deinit { try? handle.close() }

    func append(step: Int, epoch: Double, _ s: GANTrainer.Stats) throws {
        let row = [Double(step), epoch, s.lossD, s.lossG, s.dReal, s.dFake]
        rows.append(row)
        try handle.write(contentsOf: Data((Self.line(row) + "\n").utf8))
    }

    private static func line(_ r: [Double]) -> String {
        "\(Int(r[0])),\(String(format: "%.4f", r[1])),\(String(format: "%.5f", r[2])),\(String(format: "%.5f", r[3])),\(String(format: "%.4f", r[4])),\(String(format: "%.4f", r[5]))"
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
                            series: [series("loss D", 2, (200, 40, 40)), series("loss G", 3, (40, 80, 200)),
                                     series("D(x)", 4, (40, 160, 60)), series("D(G(z))", 5, (230, 150, 20))])
        try writeFileAtomically(path: path, bytes: try plot.render().pngData())
    }
}
