import Foundation

/// A one-line progress bar on standard error: bar, count, rate, ETA and a caller's status text.
/// Redrawn in place at most 5 times a second on a terminal; on a pipe, one line per 10%.
final class ProgressBar {
    private let total: Int
    private let label: String
    private let start = Date()
    private var lastDraw = Date.distantPast
    private var lastDecile = -1
    private let isTTY = isatty(STDERR_FILENO) == 1
    private var last = (unitsPerItem: 1.0, unit: "it", status: "")

    init(total: Int, label: String) {
        self.total = max(total, 1)
        self.label = label
    }

    /// `done` of `total` finished; `unitsPerItem` converts items to the rate's unit (images).
    func update(_ done: Int, unitsPerItem: Double = 1, unit: String = "it", status: String = "", force: Bool = false) {
        last = (unitsPerItem, unit, status)
        let now = Date()
        let decile = done * 10 / total
        guard force || (isTTY ? now.timeIntervalSince(lastDraw) >= 0.2 : decile != lastDecile) else { return }
        lastDraw = now
        lastDecile = decile
        let elapsed = now.timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(done) * unitsPerItem / elapsed : 0
        let eta = done > 0 ? elapsed / Double(done) * Double(total - done) : 0
        let width = 24, filled = width * min(done, total) / total
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let line = "\(label) [\(bar)] \(done)/\(total) \(String(format: "%.0f", rate)) \(unit)/s ETA \(Self.clock(eta)) \(status)"
        FileHandle.standardError.write(Data(((isTTY ? "\r\u{1B}[K" : "") + line + (isTTY ? "" : "\n")).utf8))
    }

    /// Draws the bar a last time, full or at `done` when the work stopped early, with the last rate
    /// unit and status.
    func finish(at done: Int? = nil) {
        update(done ?? total, unitsPerItem: last.unitsPerItem, unit: last.unit, status: last.status, force: true)
        if isTTY { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}
