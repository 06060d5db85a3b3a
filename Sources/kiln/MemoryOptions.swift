import ArgumentParser
import KilnRuntime

/// The most memory a model may take when it is planned, so that a hostile or mistaken file (or
/// batch) is refused before it takes the board's memory.
struct MemoryOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The most memory a planned model may take, activations and packed weights together: bytes, or with KiB, MiB or GiB (default 1GiB).",
                               valueName: "size"))
    var maxMemory: String?

    /// The limit in bytes.
    var bytes: Int { (try? Self.parse(maxMemory)) ?? Plan.defaultMaxMemory }

    func validate() throws { _ = try Self.parse(maxMemory) }

    static func parse(_ text: String?) throws -> Int {
        guard let text else { return Plan.defaultMaxMemory }
        let units: [(String, Int)] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10), ("G", 1 << 30), ("M", 1 << 20), ("K", 1 << 10), ("", 1)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            guard let n = Int(text.dropLast(suffix.count)), n >= 1 else { break }
            let (bytes, overflow) = n.multipliedReportingOverflow(by: scale)
            if !overflow { return bytes }
        }
        throw ValidationError("--max-memory takes a size such as 512MiB, 2GiB or 1073741824 (bytes), not '\(text)'.")
    }
}
