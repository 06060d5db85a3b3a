import Foundation
import KilnImage

extension Dataset {
    /// Every PNG under `directory`, resized to size x size (box filter), gray or RGB. Images in
    /// subfolders are labelled by the subfolder's name (sorted); images directly in the folder
    /// are unlabelled. Mixing the two is an error.
    public static func pngFolder(directory: String, size: Int, channels: Int) throws -> Dataset {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: directory, isDirectory: &isDir), isDir.boolValue else {
            throw DatasetError("'\(directory)' is not a folder of PNG images.")
        }
        let entries = try fm.contentsOfDirectory(atPath: directory).sorted()
        let classes = entries.filter { var d: ObjCBool = false; return fm.fileExists(atPath: directory + "/" + $0, isDirectory: &d) && d.boolValue }
        let loose = entries.filter { $0.lowercased().hasSuffix(".png") }
        guard classes.isEmpty || loose.isEmpty else {
            throw DatasetError("'\(directory)' has both PNG files and subfolders; put every image in a class subfolder, or none.")
        }
        var files: [(String, Int?)] = loose.map { (directory + "/" + $0, nil) }
        for (label, c) in classes.enumerated() {
            let inner = try fm.contentsOfDirectory(atPath: directory + "/" + c).sorted().filter { $0.lowercased().hasSuffix(".png") }
            files += inner.map { (directory + "/" + c + "/" + $0, label) }
        }
        guard !files.isEmpty else { throw DatasetError("'\(directory)' holds no .png images (looked in it and its subfolders).") }
        var images: [Float] = []
        images.reserveCapacity(files.count * size * size * channels)
        for (path, _) in files {
            let image: Image
            do { image = try Image.readPNG(path: path, channels: channels) } catch { throw DatasetError("\(error)") }
            guard image.width * 4 >= image.height, image.height * 4 >= image.width else {
                throw DatasetError("'\(path)' is \(image.width)x\(image.height); images more than 4:1 out of square are rejected. Crop it first.")
            }
            let r = image.resized(width: size, height: size)
            // interleaved HWC bytes -> planar CHW floats
            for c in 0 ..< channels { for p in 0 ..< size * size { images.append(pixel(Int(r.pixels[p * channels + c]))) } }
        }
        return Dataset(name: URL(fileURLWithPath: directory).lastPathComponent, images: images, count: files.count,
                       channels: channels, height: size, width: size,
                       labels: classes.isEmpty ? [] : files.map { $0.1! }, classNames: classes)
    }
}
