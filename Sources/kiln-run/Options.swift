/// kiln-run's command line, parsed by hand (the deploy binary links no argument parser).
struct Options {
    enum Job { case generate, run, bench }

    var model = ""
    var seed: UInt64 = 0
    var count = 1
    var classIndex: Int?
    var out = "kiln-run.png"
    var inputs: [String] = []
    var outputs: [String] = []
    var threads = 1
    var bench = false
    var batch = 1
    var runs = 100

    var job: Job { bench ? .bench : inputs.isEmpty ? .generate : .run }

    static let usage = """
        kiln-run: run a .kiln model (Kiln's deploy-time runner: the runtime only, no Foundation).

        USAGE:
          kiln-run MODEL [--seed S] [--count N] [--class C] [--out FILE.png] [--threads T]
          kiln-run MODEL --input X.npy [--input LABELS.npy] --output Y.npy [--threads T]
          kiln-run MODEL --bench [--batch B] [--runs R] [--threads T]

        OPTIONS:
          --seed S        First seed: image k comes from seed S + k (default 0).
          --count N       Images to generate, 1 to 65536 (default 1); a grid when N > 1.
          --class C       Class index of a conditional generator (default: image k gets class k mod classes).
          --out FILE      The PNG to write (default kiln-run.png), uncompressed.
          --input FILE    A .npy for each graph input, in order; the first dimension is the batch.
          --output FILE   A .npy for each graph output, in order.
          --threads T     Threads, 1 to 256 (default 1). Outputs do not depend on it (int8 models).
          --bench         Time --runs runs of --batch samples; print latency percentiles and images/s.
          --batch B       Samples per run for --bench, 1 to 4096 (default 1).
          --runs R        Timed runs for --bench, 1 to 1000000 (default 100), after 10 untimed ones.
          -h, --help      Show this help.
          --version       Show the library and format versions.
        """

    /// Parses `args` (without the program name). Throws a sentence that says what to change.
    init(_ args: [String]) throws(UsageError) {
        var i = 0
        func value(_ flag: String) throws(UsageError) -> String {
            i += 1
            guard i < args.count, !args[i].hasPrefix("--") else { throw UsageError("\(flag) needs a value; see kiln-run --help.") }
            return args[i]
        }
        func number<T: FixedWidthInteger>(_ flag: String, _ range: ClosedRange<T>) throws(UsageError) -> T {
            let text = try value(flag)
            guard let v = T(text), range.contains(v) else { throw UsageError("\(flag) must be a whole number from \(range.lowerBound) to \(range.upperBound), not '\(text)'.") }
            return v
        }
        while i < args.count {
            let a = args[i]
            switch a {
            case "--seed": seed = try number(a, 0 ... UInt64.max)
            case "--count": count = try number(a, 1 ... 65536)
            case "--class": classIndex = try number(a, 0 ... 1_000_000)
            case "--out": out = try value(a)
            case "--input": inputs.append(try value(a))
            case "--output": outputs.append(try value(a))
            case "--threads": threads = try number(a, 1 ... 256)
            case "--bench": bench = true
            case "--batch": batch = try number(a, 1 ... 4096)
            case "--runs": runs = try number(a, 1 ... 1_000_000)
            default:
                guard !a.hasPrefix("-") else { throw UsageError("unknown option '\(a)'; see kiln-run --help.") }
                guard model.isEmpty else { throw UsageError("one model only: '\(model)' and '\(a)' were both given.") }
                model = a
            }
            i += 1
        }
        guard !model.isEmpty else { throw UsageError("give the model to run: kiln-run MODEL.kiln (see kiln-run --help).") }
        guard inputs.isEmpty == outputs.isEmpty else { throw UsageError("--input and --output go together: give a .npy for each graph input and output.") }
    }
}

/// A command-line mistake: printed with the usage hint, exit status 2.
struct UsageError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// A failure while running: printed, exit status 1.
struct RunError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}
