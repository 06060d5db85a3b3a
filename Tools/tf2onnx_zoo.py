#!/usr/bin/env python3
"""The TensorFlow DCGAN tutorial's generator, exported by tf2onnx itself.

The Keras model of tensorflow.org/tutorials/generative/dcgan (channels 256/128/64 scaled to
16/8/4, random weights, non-trivial BatchNorm statistics), converted by tf2onnx.convert.from_function
at opset 13: NHWC tensors with a Transpose to NCHW, BatchNormalization as Mul and Add, the stride-2
`same` transposed convolutions as ConvTranspose with pads [1, 1, 2, 2]. Writes
Formats/fixtures/tf2onnx_dcgan (model.onnx, input.npy, expected.npy: ONNX Runtime's output) and
checks ONNX Runtime against Keras.

    pip install tensorflow-cpu tf2onnx onnxruntime
    python3 Tools/tf2onnx_zoo.py [--out DIR]

CI needs neither: Tools/make_fixtures.py --check re-runs ONNX Runtime on the committed file.
"""

import argparse
import os

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NAMES = ["tf2onnx_dcgan"]


def generator(c=(16, 8, 4)):
    from tensorflow.keras import layers, Sequential

    return Sequential([
        layers.Input((100,)),
        layers.Dense(7 * 7 * c[0], use_bias=False), layers.BatchNormalization(), layers.LeakyReLU(),
        layers.Reshape((7, 7, c[0])),
        layers.Conv2DTranspose(c[1], (5, 5), strides=(1, 1), padding="same", use_bias=False), layers.BatchNormalization(), layers.LeakyReLU(),
        layers.Conv2DTranspose(c[2], (5, 5), strides=(2, 2), padding="same", use_bias=False), layers.BatchNormalization(), layers.LeakyReLU(),
        layers.Conv2DTranspose(1, (5, 5), strides=(2, 2), padding="same", use_bias=False, activation="tanh"),
    ])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 1)[1],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(ROOT, "Formats", "fixtures"))
    args = ap.parse_args()
    import onnxruntime as ort
    import tensorflow as tf
    import tf2onnx

    tf.random.set_seed(0)
    rng = np.random.default_rng(0)
    m = generator()
    for layer in m.layers:
        if isinstance(layer, tf.keras.layers.BatchNormalization):
            n = layer.moving_mean.shape[0]
            layer.moving_mean.assign(rng.uniform(-0.2, 0.2, n))
            layer.moving_variance.assign(rng.uniform(0.5, 1.5, n))
    folder = os.path.join(args.out, NAMES[0])
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "model.onnx")
    spec = (tf.TensorSpec((None, 100), tf.float32, name="input"),)
    tf2onnx.convert.from_function(tf.function(lambda x: m(x, training=False)), input_signature=spec, opset=13, output_path=path)
    x = rng.standard_normal((3, 100)).astype(np.float32)
    (y,) = ort.InferenceSession(path, providers=["CPUExecutionProvider"]).run(None, {"input": x})
    np.save(os.path.join(folder, "input.npy"), x)
    np.save(os.path.join(folder, "expected.npy"), y)
    print(f"{folder}: ONNX Runtime vs Keras max abs {np.max(np.abs(y - m(x, training=False).numpy())):.1e}")


if __name__ == "__main__":
    main()
