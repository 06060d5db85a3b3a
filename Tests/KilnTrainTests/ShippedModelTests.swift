import Foundation
import KilnFormat
import KilnRuntime
import KilnEval
import KilnTrain
import XCTest

/// The models in Formats/models, checked on the real Fashion-MNIST (apt: dataset-fashion-mnist,
/// which .ci/run installs).
final class ShippedModelTests: XCTestCase {
    static let models = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Formats/models").path

    func testFashionMNISTLoads() throws {
        let train = try Dataset.idx(directory: Dataset.fashionMNISTDirectory, test: false, name: "fashion-mnist", classNames: Dataset.fashionMNISTClasses)
        let test = try Dataset.idx(directory: Dataset.fashionMNISTDirectory, test: true, name: "fashion-mnist", classNames: Dataset.fashionMNISTClasses)
        XCTAssertEqual([train.count, test.count], [60000, 10000])
        XCTAssertEqual(Set(test.labels).count, 10)
    }

    /// The shipped classifier, run by the runtime, on the first 1,000 test images: at least 88%
    /// (it scored 0.9025 on all 10,000 when trained).
    func testShippedClassifierAccuracy() throws {
        let judge = try Judge(model: try KilnModel.load(path: Self.models + "/fashion-classifier.kiln"))
        let test = try Dataset.idx(directory: Dataset.fashionMNISTDirectory, test: true, name: "fashion-mnist", classNames: Dataset.fashionMNISTClasses)
        let first = test.prefix(1000)
        let accuracy = try judge.accuracy(images: first.images, labels: first.labels)
        print("shipped classifier: accuracy \(accuracy) on the first 1,000 test images")
        XCTAssertGreaterThanOrEqual(accuracy, 0.88)
        XCTAssertEqual(judge.classNames, Dataset.fashionMNISTClasses)
    }
}
