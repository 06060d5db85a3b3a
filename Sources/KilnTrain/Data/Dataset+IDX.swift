import Foundation
import KilnFormat
import KilnImage

extension Dataset {
    public static let fashionMNISTDirectory = "/usr/share/datasets/fashion-mnist"
    public static let fashionMNISTClasses = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                             "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
    public static let digitClasses = (0 ... 9).map(String.init)

    /// Fashion-MNIST or MNIST in IDX format from `directory` (the files `train-images-idx3-ubyte`
    /// and `train-labels-idx1-ubyte`, or `t10k-...` for the test split; gzipped or not).
    public static func idx(directory: String, test: Bool, name: String, classNames: [String]) throws -> Dataset {
        let prefix = test ? "t10k" : "train"
        func find(_ base: String) throws -> String {
            for candidate in [base + ".gz", base] where FileManager.default.fileExists(atPath: directory + "/" + candidate) {
                return directory + "/" + candidate
            }
            let hint = name == "fashion-mnist"
                ? "Install it with: sudo apt-get install dataset-fashion-mnist (it puts the files in \(fashionMNISTDirectory)), or pass --data FOLDER"
                : "Put the IDX files (train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-...) in that folder"
            throw DatasetError("\(name): '\(directory)/\(base)[.gz]' does not exist. \(hint).")
        }
        let imagePath = try find("\(prefix)-images-idx3-ubyte"), labelPath = try find("\(prefix)-labels-idx1-ubyte")
        let imageBytes = try readFile(imagePath), labelBytes = try readFile(labelPath)
        let (dims, pixels) = try parseIDX(imageBytes, path: imagePath, rank: 3)
        let (labelDims, rawLabels) = try parseIDX(labelBytes, path: labelPath, rank: 1)
        guard labelDims[0] == dims[0] else {
            throw DatasetError("\(name): \(imagePath) holds \(dims[0]) images but \(labelPath) holds \(labelDims[0]) labels; the files do not belong together.")
        }
        let labels = rawLabels.map(Int.init)
        if let bad = labels.first(where: { $0 >= classNames.count }) {
            throw DatasetError("\(name): label \(bad) in \(labelPath) is outside 0...\(classNames.count - 1).")
        }
        return Dataset(name: name, images: normalize(pixels), count: dims[0], channels: 1, height: dims[1], width: dims[2],
                       labels: labels, classNames: classNames)
    }

    /// The dimensions and data of an IDX file of unsigned bytes with `rank` dimensions: magic 0x00
    /// 0x00 0x08 rank, then rank big-endian u32 dims, then exactly their product of data bytes.
    /// `path` names the file in errors.
    public static func parseIDX(_ b: [UInt8], path: String, rank: Int) throws -> ([Int], ArraySlice<UInt8>) {
        guard b.count >= 4 + 4 * rank, b[0] == 0, b[1] == 0, b[2] == 8, Int(b[3]) == rank else {
            throw DatasetError("'\(path)' is not an IDX file of unsigned bytes with \(rank) dimension(s); it is corrupt or of another kind.")
        }
        let dims = (0 ..< rank).map { i in (0 ..< 4).reduce(0) { $0 << 8 | Int(b[4 + 4 * i + $1]) } }
        let start = 4 + 4 * rank
        guard dims.allSatisfy({ $0 > 0 }), dims.checkedProduct() == b.count - start else {
            throw DatasetError("'\(path)' declares \(dims) but holds \(b.count - start) data bytes; it is truncated or corrupt. Reinstall the dataset.")
        }
        return (dims, b[start...])
    }

    static func readFile(_ path: String) throws -> [UInt8] {
        do { return try Gzip.read(path) } catch { throw DatasetError("\(error). Reinstall the dataset.") }
    }
}
