@testable import KilnTrain
import Synchronization
import XCTest

/// The trainer's element-wise and per-channel work on threads: `forEachRange` covers every index
/// once, and Adam, the activations and BatchNorm give the same bits at 1, 2 and 3 threads on
/// tensors large enough to be split (the trainer tests' tiny models are not).
final class ThreadSplitTests: XCTestCase {
    func testForEachRangeCoversEveryIndexOnce() {
        for count in [0, 1, 2, 5, 16, 17, 100] {
            for threads in [1, 2, 3, 8] {
                for grain in [1, 4, 16] {
                    let hits = Mutex([Int](repeating: 0, count: count))
                    let calls = Mutex(0)
                    forEachRange(count, threads: threads, grain: grain) { range in
                        calls.withLock { $0 += 1 }
                        hits.withLock { for i in range { $0[i] += 1 } }
                    }
                    let label = "count \(count) threads \(threads) grain \(grain)"
                    XCTAssertEqual(hits.withLock { $0 }, [Int](repeating: 1, count: count), label)
                    XCTAssertEqual(calls.withLock { $0 }, max(1, min(threads, count / grain)), label)
                }
            }
        }
    }

    func testChannelSumsAreTheSameOnAnyThreadCountAndNearTheDoubleSums() {
        let (n, channels, plane) = (3, 5, 37)  // runs of 37: four 8-lane steps and a tail of 5
        var rng = TrainRNG(seed: 3)
        let x = (0 ..< n * channels * plane).map { _ in Float(rng.normal()) }
        var sums: [[Float]] = []
        for threads in [1, 2, 3] {
            var s = [Float](repeating: 1, count: channels)
            addChannelSums(x, n: n, channels: channels, plane: plane, into: &s, threads: threads)
            sums.append(s)
        }
        XCTAssertEqual(sums[1], sums[0])
        XCTAssertEqual(sums[2], sums[0])
        for ch in 0 ..< channels {
            var exact = 1.0
            for i in 0 ..< n { for j in 0 ..< plane { exact += Double(x[(i * channels + ch) * plane + j]) } }
            XCTAssertEqual(Double(sums[0][ch]), exact, accuracy: 1e-4, "channel \(ch)")  // 111 values of about 1: float rounding only
        }
    }

    func testAdamIsTheSameOnAnyThreadCount() {
        let count = 3 * elementwiseGrain + 5  // split at 2 and 3 threads
        var results: [[Float]] = []
        for threads in [1, 2, 3] {
            var rng = TrainRNG(seed: 7)
            let p = Parameter<Float>(name: "w", shape: [count], value: (0 ..< count).map { _ in Float(rng.normal()) })
            var adam = Adam()
            for _ in 0 ..< 3 {
                p.grad = (0 ..< count).map { _ in Float(rng.normal()) }
                adam.update([p], threads: threads)
            }
            results.append(p.value)
        }
        XCTAssertEqual(results[1], results[0])
        XCTAssertEqual(results[2], results[0])
    }

    func testActivationsAndBatchNormAreTheSameOnAnyThreadCount() {
        let shape = [4, 5, 61, 70]  // 85,400 values; BatchNorm runs of 4,270 values (8-lane tails of 6)
        var rng = TrainRNG(seed: 11)
        let x = Tensor<Float>(shape: shape, values: (0 ..< shape.reduce(1, *)).map { _ in Float(rng.normal()) })
        let dy = Tensor<Float>(shape: shape, values: (0 ..< shape.reduce(1, *)).map { _ in Float(rng.normal()) })
        func pass(_ layer: any Layer<Float>) -> [[Float]] {
            let y = layer.forward(x, training: true)
            let dx = layer.backward(dy)
            return [y.values, dx.values] + layer.parameters.map(\.grad) + layer.buffers.map(\.value)
        }
        for make in [{ ActivationLayer<Float>(.leakyReLU(0.2), threads: $0) as any Layer<Float> },
                     { ActivationLayer<Float>(.tanh, threads: $0) },
                     { BatchNorm2dLayer<Float>(name: "bn", channels: 5, threads: $0) }] {
            let one = pass(make(1))
            XCTAssertEqual(pass(make(2)), one)
            XCTAssertEqual(pass(make(3)), one)
        }
    }
}
