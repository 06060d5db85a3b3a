import Foundation
import KilnFormat
import KilnImage

/// Reads an .npy file, naming it in any error.
func readNPY(_ path: String) throws -> NPYArray {
    if let problem = notARegularFile(path) { throw CLIError("cannot read '\(path)': \(problem). Give the path of an .npy file.") }
    guard let bytes = FileManager.default.contents(atPath: path) else { throw CLIError("cannot read '\(path)'; check the path.") }
    do { return try NPYArray.decode(Array(bytes)) } catch { throw CLIError("\(path): \(error)") }
}

/// f32 samples [samples, ...] from an .npy file (calibration or comparison inputs).
func readSamples(_ path: String) throws -> (values: [Float], samples: Int) {
    let a = try readNPY(path)
    guard case let .float32(v) = a.data, a.shape.count >= 2, a.shape[0] >= 1 else {
        throw CLIError("\(path) must hold f32 inputs [samples, ...], got \(a.shape); save them with numpy as float32.")
    }
    return (v, a.shape[0])
}
