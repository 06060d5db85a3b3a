import Foundation
import KilnImage

/// What a command that takes images was given: one PNG, a folder of PNGs, or an .npy batch.
enum ImageInput {
    case png(String)
    /// The folder and its .png files (names, sorted).
    case folder(String, [String])
    case npy(String)

    /// Classifies `path`, or says what kinds of input are understood.
    init(_ path: String) throws {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw CLIError("'\(path)' does not exist. Give a .png file, a folder of .png files or an .npy batch [N, 1, H, W].")
        }
        if isDir.boolValue {
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter { $0.lowercased().hasSuffix(".png") }.sorted()
            guard !names.isEmpty else { throw CLIError("the folder '\(path)' holds no .png files.") }
            self = .folder(path, names)
        } else if path.lowercased().hasSuffix(".npy") {
            self = .npy(path)
        } else {
            self = .png(path)
        }
    }
}

/// Reads a PNG as 8-bit gray; a colour file is converted, with a note on standard error.
func readGrayImage(_ path: String) throws -> Image {
    let read: (image: Image, wasColor: Bool)
    do { read = try Image.readPNGNotingColor(path: path, channels: 1) } catch {
        throw CLIError("\(error). Give a PNG file (8-bit gray or RGB).")
    }
    if read.wasColor { FileHandle.standardError.write(Data("note: \(path) is in colour; it was converted to gray.\n".utf8)) }
    return read.image
}

/// Reads a PNG as gray values in [-1, 1] (row-major), as `readGrayImage` does.
func readGrayPNG(_ path: String) throws -> (pixels: [Float], width: Int, height: Int) {
    let image = try readGrayImage(path)
    return (image.pixels.map { Float($0) / 127.5 - 1 }, image.width, image.height)
}

/// Writes gray values in [-1, 1] as an 8-bit gray PNG.
func writeGrayPNG(_ pixels: [Float], width: Int, height: Int, to path: String) throws {
    let image = Image(width: width, height: height, channels: 1, pixels: pixels.map { Grid.byte($0, lo: -1, hi: 1) })
    try writeFileAtomically(path: path, bytes: try image.pngData())
}

/// An .npy batch of single-channel images [N, 1, H, W] in f32.
func readImageBatch(_ path: String) throws -> (values: [Float], count: Int, height: Int, width: Int) {
    let a = try readNPY(path)
    guard case let .float32(v) = a.data, a.shape.count == 4, a.shape[0] >= 1, a.shape[1] == 1, a.shape[2] >= 1, a.shape[3] >= 1 else {
        throw CLIError("\(path) must hold float32 images [N, 1, H, W] in [-1, 1], got shape \(a.shape); save one-channel images with numpy as float32.")
    }
    return (v, a.shape[0], a.shape[2], a.shape[3])
}
