import KilnTrain
import XCTest

/// Each layer's backward against central finite differences, in Double: for a random projection
/// L = sum(r * forward(x)), compare dL/dx and dL/dparams from `backward(r)` with
/// (L(x + h e) - L(x - h e)) / 2h, h = 1e-6. The relative error |a - n| / max(|a| + |n|, 1e-8)
/// must stay under 1e-6 (Double's finite differences are good to ~1e-9 here).
final class GradientCheckTests: XCTestCase {
    private var rng = TrainRNG(seed: 42)

    private func randomTensor(_ shape: [Int]) -> Tensor<Double> {
        Tensor(shape: shape, values: (0 ..< shape.reduce(1, *)).map { _ in rng.normal() })
    }

    private func check(_ name: String, _ layer: some Layer<Double>, input shape: [Int], training: Bool = true,
                       inputGradient: Bool = true, file: StaticString = #filePath, line: UInt = #line) {
        let x = randomTensor(shape)
        let y0 = layer.forward(x, training: training)
        let r = randomTensor(y0.shape)
        func loss(_ x: Tensor<Double>) -> Double {
            zip(layer.forward(x, training: training).values, r.values).reduce(0) { $0 + $1.0 * $1.1 }
        }
        for p in layer.parameters { p.zeroGrad() }
        _ = layer.forward(x, training: training)
        let dx = layer.backward(r)
        let paramGrads = layer.parameters.map(\.grad)
        let h = 1e-6
        var worst = 0.0
        func compare(_ analytic: Double, _ numeric: Double, _ what: String) {
            let rel = abs(analytic - numeric) / max(abs(analytic) + abs(numeric), 1e-8)
            worst = max(worst, rel)
            if rel > 1e-6 { XCTFail("\(name) \(what): analytic \(analytic), numeric \(numeric)", file: file, line: line) }
        }
        for i in stride(from: 0, to: inputGradient ? x.count : 0, by: max(1, x.count / 60)) {
            var xp = x, xm = x
            xp.values[i] += h
            xm.values[i] -= h
            compare(dx.values[i], (loss(xp) - loss(xm)) / (2 * h), "dx[\(i)]")
        }
        for (p, g) in zip(layer.parameters, paramGrads) {
            for i in stride(from: 0, to: p.value.count, by: max(1, p.value.count / 40)) {
                let v = p.value[i]
                p.value[i] = v + h
                let lp = loss(x)
                p.value[i] = v - h
                let lm = loss(x)
                p.value[i] = v
                compare(g[i], (lp - lm) / (2 * h), "\(p.name)[\(i)]")
            }
        }
        print("gradient check \(name): worst relative error \(worst)")
    }

    /// Weights N(0, 0.02) make tiny outputs; scale them up so the check sees realistic magnitudes.
    private func scaled<L: Layer<Double>>(_ layer: L) -> L {
        for p in layer.parameters { p.value = p.value.map { $0 * 30 } }
        return layer
    }

    func testConv2d() {
        check("Conv2d k4 s2 p1", scaled(Conv2dLayer<Double>(name: "c", inChannels: 3, outChannels: 4, kernel: 4, stride: 2, padding: 1, bias: true, rng: &rng)), input: [2, 3, 7, 6])
        check("Conv2d k4 s2 p1 on 2x2 (the U-Net's bottleneck)", scaled(Conv2dLayer<Double>(name: "c", inChannels: 5, outChannels: 3, kernel: 4, stride: 2, padding: 1, bias: false, rng: &rng)), input: [3, 5, 2, 2])
        check("Conv2d k3 s3 p0", scaled(Conv2dLayer<Double>(name: "c", inChannels: 4, outChannels: 2, kernel: 3, stride: 3, bias: true, rng: &rng)), input: [1, 4, 7, 8])
        check("Conv2d k3 s1 p0", scaled(Conv2dLayer<Double>(name: "c", inChannels: 2, outChannels: 3, kernel: 3, bias: false, rng: &rng)), input: [1, 2, 5, 5])
        check("Conv2d k7 (logit)", scaled(Conv2dLayer<Double>(name: "c", inChannels: 5, outChannels: 1, kernel: 7, bias: true, rng: &rng)), input: [3, 5, 7, 7])
        // Few outputs, stride 1: these run as FlippedConvolution (Conv2dReferenceTests checks the path).
        check("Conv2d k4 s1 p1 6 -> 1 (PatchGAN logits)", scaled(Conv2dLayer<Double>(name: "c", inChannels: 6, outChannels: 1, kernel: 4, padding: 1, bias: true, rng: &rng)), input: [2, 6, 5, 4])
        check("Conv2d k3 s1 p2 5 -> 2", scaled(Conv2dLayer<Double>(name: "c", inChannels: 5, outChannels: 2, kernel: 3, padding: 2, bias: false, rng: &rng)), input: [2, 5, 3, 4])
    }

    /// `backwardParameters` (no dL/d(input)) leaves the same parameter gradients as `backward`, bit
    /// for bit: im2col and flipped convolutions, alone and as the first layer of a Sequential;
    /// transposed convolutions in their dense, column and patch-rows forms, behind a Reshape.
    func testBackwardParametersMatchesBackward() {
        let net = Sequential<Double>([
            Conv2dLayer(name: "a", inChannels: 2, outChannels: 4, kernel: 4, stride: 2, padding: 1, bias: true, rng: &rng),
            ActivationLayer(.leakyReLU(0.2)),
            Conv2dLayer(name: "b", inChannels: 4, outChannels: 1, kernel: 3, padding: 1, bias: true, rng: &rng),
        ])
        let flippedFirst = Sequential<Double>([Conv2dLayer(name: "f", inChannels: 6, outChannels: 1, kernel: 4, padding: 1, bias: true, rng: &rng)])
        let generator = Sequential<Double>([
            ReshapeLayer([5, 1, 1]),
            ConvTranspose2dLayer(name: "g1", inChannels: 5, outChannels: 9, kernel: 3, bias: true, rng: &rng),
            ActivationLayer(.relu),
            ConvTranspose2dLayer(name: "g2", inChannels: 9, outChannels: 2, kernel: 4, stride: 2, padding: 1, bias: true, rng: &rng),
        ])
        let patchRowsFirst = Sequential<Double>([
            ConvTranspose2dLayer(name: "p", inChannels: 3, outChannels: 8, kernel: 4, stride: 2, padding: 1, bias: true, rng: &rng),
        ])
        let columnsFirst = Sequential<Double>([
            ConvTranspose2dLayer(name: "c", inChannels: 3, outChannels: 2, kernel: 4, stride: 2, padding: 1, bias: false, rng: &rng),
        ])
        for (layer, shape) in [(net, [3, 2, 9, 8]), (flippedFirst, [2, 6, 5, 4]), (generator, [2, 5]), (patchRowsFirst, [2, 3, 4, 5]),
                               (columnsFirst, [2, 3, 4, 5])] {
            let x = randomTensor(shape)
            let r = randomTensor(layer.forward(x, training: true).shape)
            for p in layer.parameters { p.zeroGrad() }
            _ = layer.backward(r)
            let full = layer.parameters.map(\.grad)
            for p in layer.parameters { p.zeroGrad() }
            _ = layer.forward(x, training: true)
            layer.backwardParameters(r)
            XCTAssertEqual(layer.parameters.map(\.grad), full)
            XCTAssertTrue(full.allSatisfy { $0.contains { $0 != 0 } })
        }
    }

    func testConvTranspose2d() {
        check("ConvT k4 s2 p1", scaled(ConvTranspose2dLayer<Double>(name: "t", inChannels: 3, outChannels: 2, kernel: 4, stride: 2, padding: 1, bias: true, rng: &rng)), input: [2, 3, 4, 5])
        check("ConvT k4 s2 p1, 8 outputs (backward on patch rows)", scaled(ConvTranspose2dLayer<Double>(name: "t", inChannels: 3, outChannels: 8, kernel: 4, stride: 2, padding: 1, bias: true, rng: &rng)), input: [2, 3, 4, 5])
        check("ConvT k3 s1 p1, 9 outputs (backward on patch rows)", scaled(ConvTranspose2dLayer<Double>(name: "t", inChannels: 2, outChannels: 9, kernel: 3, padding: 1, bias: false, rng: &rng)), input: [1, 2, 3, 4])
        check("ConvT k7 from 1x1", scaled(ConvTranspose2dLayer<Double>(name: "t", inChannels: 5, outChannels: 3, kernel: 7, bias: false, rng: &rng)), input: [2, 5, 1, 1])
        check("ConvT k4 s2 from 1x1, bias (dense form)", scaled(ConvTranspose2dLayer<Double>(name: "t", inChannels: 4, outChannels: 3, kernel: 4, stride: 2, bias: true, rng: &rng)), input: [3, 4, 1, 1])
        check("ConvT k4 s2 p1 from 1x1 (columns form)", scaled(ConvTranspose2dLayer<Double>(name: "t", inChannels: 4, outChannels: 3, kernel: 4, stride: 2, padding: 1, bias: true, rng: &rng)), input: [3, 4, 1, 1])
        check("ConvT k3 s3 p1", scaled(ConvTranspose2dLayer<Double>(name: "t", inChannels: 2, outChannels: 3, kernel: 3, stride: 3, padding: 1, bias: false, rng: &rng)), input: [1, 2, 3, 3])
    }

    func testBatchNorm() {
        let bn = BatchNorm2dLayer<Double>(name: "bn", channels: 3)
        bn.scale.value = [0.5, 1.5, -1]
        bn.bias.value = [0.1, -0.2, 0.3]
        check("BatchNorm2d", bn, input: [4, 3, 2, 3])
        check("BatchNorm1d", BatchNorm2dLayer<Double>(name: "bn", channels: 5), input: [6, 5])
    }

    func testActivations() {
        check("ReLU", ActivationLayer<Double>(.relu), input: [3, 4, 5])
        check("LeakyReLU", ActivationLayer<Double>(.leakyReLU(0.2)), input: [3, 4, 5])
        check("Tanh", ActivationLayer<Double>(.tanh), input: [3, 4, 5])
        check("Sigmoid", ActivationLayer<Double>(.sigmoid), input: [3, 4, 5])
    }

    func testDenseEmbeddingPoolDropout() {
        check("Dense", scaled(DenseLayer<Double>(name: "d", inFeatures: 7, outFeatures: 5, rng: &rng)), input: [3, 7])
        check("Dense on [N, C, H, W]", scaled(DenseLayer<Double>(name: "d", inFeatures: 12, outFeatures: 2, bias: false, rng: &rng)), input: [2, 3, 2, 2])
        let e = EmbeddingLayer<Double>(name: "e", classes: 4, dim: 3, rng: &rng)
        e.labels = [2, 0, 2, 3]
        check("Embedding", e, input: [4, 1], inputGradient: false)  // its input is labels
        check("MaxPool2d", MaxPool2dLayer<Double>(size: 2), input: [2, 3, 4, 6])
        check("Dropout (training)", FixedMaskDropout(), input: [3, 10])
    }

    func testLosses() {
        let x = randomTensor([5, 1])
        for target in [0.0, 0.9, 1.0] {
            let (_, g) = Loss.bceWithLogits(x, target: target)
            for i in 0 ..< 5 {
                var p = x, m = x
                p.values[i] += 1e-6; m.values[i] -= 1e-6
                let n = (Loss.bceWithLogits(p, target: target).loss - Loss.bceWithLogits(m, target: target).loss) / 2e-6
                XCTAssertEqual(g.values[i], n, accuracy: 1e-8)
            }
        }
        let logits = randomTensor([3, 4])
        let (_, g) = Loss.softmaxCrossEntropy(logits, labels: [1, 3, 0])
        for i in 0 ..< 12 {
            var p = logits, m = logits
            p.values[i] += 1e-6; m.values[i] -= 1e-6
            let n = (Loss.softmaxCrossEntropy(p, labels: [1, 3, 0]).loss - Loss.softmaxCrossEntropy(m, labels: [1, 3, 0]).loss) / 2e-6
            XCTAssertEqual(g.values[i], n, accuracy: 1e-8)
        }
        // BCE stays finite for huge logits.
        let (big, _) = Loss.bceWithLogits(Tensor<Double>(shape: [2], values: [1000, -1000]), target: 1)
        XCTAssertEqual(big, 500, accuracy: 1e-9)
    }
}

/// Dropout whose mask is fixed between the calls a gradient check makes.
private final class FixedMaskDropout: Layer {
    typealias T = Double
    private let inner = DropoutLayer<Double>(p: 0.3, seed: 9)
    private var mask: [Double] = []

    func forward(_ x: Tensor<Double>, training: Bool) -> Tensor<Double> {
        if mask.count != x.count {
            mask = inner.forward(Tensor(shape: x.shape, values: [Double](repeating: 1, count: x.count)), training: true).values
        }
        return Tensor(shape: x.shape, values: zip(x.values, mask).map { $0 * $1 })
    }

    func backward(_ dy: Tensor<Double>) -> Tensor<Double> {
        _ = inner.backward(dy)
        return Tensor(shape: dy.shape, values: zip(dy.values, mask).map { $0 * $1 })
    }
}
