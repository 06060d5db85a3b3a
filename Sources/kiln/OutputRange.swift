import ArgumentParser

/// `--output-range LO,HI`: two finite numbers, LO < HI.
func parseOutputRange(_ text: String) throws -> (lo: Double, hi: Double) {
    let r = text.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
    guard r.count == 2, r[0] < r[1], r.allSatisfy(\.isFinite) else {
        throw ValidationError("--output-range must be two numbers LO,HI with LO < HI, like -1,1 or 0,1; got '\(text)'.")
    }
    return (r[0], r[1])
}

/// How a comparison's PSNR range came about, for the reports.
func describeRange(_ lo: Double, _ hi: Double, measured: Bool) -> String {
    String(format: "[%.4g, %.4g], ", lo, hi) + (measured ? "measured on the float model's outputs" : "given by --output-range")
}
