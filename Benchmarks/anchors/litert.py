"""LiteRT (TensorFlow Lite) for the side-by-side runs: the reference ONNX graphs rebuilt as Keras
models in NHWC with the same weights, converted by TensorFlow's TFLiteConverter to f32 and to
full-integer int8 (per-channel weights, activations calibrated on the same 32 inputs Kiln and ONNX
Runtime use; float input and output), and run by the ai-edge-litert interpreter.

Only the ops of the three reference models are mapped (Conv, ConvTranspose, BatchNormalization,
Gemm, Relu, LeakyRelu, Tanh, Concat, Dropout, Reshape, and torch's Shape/Gather/Unsqueeze/Concat
shape arithmetic); anything else raises. A ConvTranspose whose padding TF's "same" reproduces
exactly is one Conv2DTranspose; otherwise "valid" and a crop. Checked by the PSNR column against
ONNX Runtime f32.

    pip install tensorflow-cpu ai-edge-litert
"""

import os

import numpy as np


def _attrs(node):
    import onnx
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def keras_model(onnx_path, batch):
    """The ONNX graph as a Keras model of a fixed batch size (static shapes, so that every
    TRANSPOSE_CONV has a constant output shape and XNNPACK can take it), taking and returning NHWC
    (or [N, K]) tensors."""
    import onnx
    from onnx import numpy_helper
    import tensorflow as tf
    keras = tf.keras
    g = onnx.load(onnx_path).graph
    init = {t.name: numpy_helper.to_array(t) for t in g.initializer}
    for n in g.node:
        if n.op_type == "Constant":
            init[n.output[0]] = numpy_helper.to_array(_attrs(n)["value"])
    shape = [d.dim_value for d in g.input[0].type.tensor_type.shape.dim][1:]
    nhwc = len(shape) == 3
    inp = keras.Input(shape=(shape[1], shape[2], shape[0]) if nhwc else tuple(shape), batch_size=batch, name="input")
    values = {g.input[0].name: inp}
    for n in g.node:
        a, op = _attrs(n), n.op_type
        if op == "Constant" or n.output[0] in init:
            continue
        x = values.get(n.input[0]) if n.input else None
        if op in ("Shape", "Gather", "Unsqueeze") or (op == "Concat" and all(i in init or i not in values for i in n.input)):
            continue  # torch's shape arithmetic: Reshape reads its target from the initializers or folds below
        if op == "Conv" or op == "ConvTranspose":
            w = init[n.input[1]]
            b = init[n.input[2]] if len(n.input) > 2 else None
            k, s, p = a["kernel_shape"], a.get("strides", [1, 1]), a.get("pads", [0, 0, 0, 0])
            assert len(set(p)) == 1 and k[0] == k[1] and s[0] == s[1] and a.get("group", 1) == 1, n.name
            if op == "Conv":
                h = int(x.shape[1])
                total = max((-(-h // s[0]) - 1) * s[0] + k[0] - h, 0)  # TF "same": ceil(h / s) outputs
                same = total // 2 == p[0] and total - total // 2 == p[0] and (h + 2 * p[0] - k[0]) // s[0] + 1 == -(-h // s[0])
                if not same and p[0]:
                    x = keras.layers.ZeroPadding2D(p[0])(x)
                layer = keras.layers.Conv2D(w.shape[0], k[0], strides=s[0], padding="same" if same else "valid", use_bias=b is not None)
                y = layer(x)
                layer.set_weights([w.transpose(2, 3, 1, 0)] + ([b] if b is not None else []))
            else:
                # torch crops p before and p - output_padding after a "valid" transposed conv; TF's
                # "same" crops (k - s) // 2 before and the rest after.
                op_pad = a.get("output_padding", [0, 0])[0]
                t = k[0] - s[0]
                same = t >= 0 and t // 2 == p[0] and t - t // 2 == p[0] - op_pad
                layer = keras.layers.Conv2DTranspose(w.shape[1], k[0], strides=s[0], padding="same" if same else "valid",
                                                     use_bias=b is not None)
                y = layer(x)
                layer.set_weights([w.transpose(2, 3, 1, 0)] + ([b] if b is not None else []))
                if not same and (p[0] or op_pad):
                    y = keras.layers.Cropping2D(((p[0], p[0] - op_pad), (p[0], p[0] - op_pad)))(y)
        elif op == "BatchNormalization":
            layer = keras.layers.BatchNormalization(epsilon=a.get("epsilon", 1e-5))
            y = layer(x)
            layer.set_weights([init[n.input[i]] for i in (1, 2, 3, 4)])
        elif op == "Gemm":
            w = init[n.input[1]]
            w = w.T if a.get("transB", 0) else w
            layer = keras.layers.Dense(w.shape[1], use_bias=len(n.input) > 2)
            y = layer(x)
            layer.set_weights([w] + ([init[n.input[2]]] if len(n.input) > 2 else []))
        elif op == "Relu":
            y = keras.layers.ReLU()(x)
        elif op == "LeakyRelu":
            y = keras.layers.LeakyReLU(negative_slope=a.get("alpha", 0.01))(x)
        elif op == "Tanh":
            y = keras.layers.Activation("tanh")(x)
        elif op == "Dropout":
            y = x
        elif op == "Concat":
            assert a["axis"] == 1, n.name
            y = keras.layers.Concatenate(axis=-1)([values[i] for i in n.input])
        elif op == "Reshape":
            target = init.get(n.input[1])
            if target is None:  # torch's view(N, C, H, W) computed from Shape: the constant dims
                target = np.concatenate([[0]] + [init[i].reshape(-1) for i in _concat_inputs(g, n.input[1]) if i in init])
            c, h, w_ = (int(v) for v in target[1:])
            y = keras.layers.Permute((2, 3, 1))(keras.layers.Reshape((c, h, w_))(x))  # NCHW view -> NHWC
        else:
            raise NotImplementedError(f"LiteRT anchor: ONNX op {op} ({n.name}) is not mapped")
        values[n.output[0]] = y
    return keras.Model(inp, values[g.output[0].name]), nhwc


def _concat_inputs(g, name):
    node = next(n for n in g.node if name in n.output)
    if node.op_type == "Concat":
        return list(node.input)
    return _concat_inputs(g, node.input[0])


def path(d, kind, batch):
    return os.path.join(d, f"model-{kind}-b{batch}.tflite")


def convert(onnx_path, calibration, d, batches):
    """Writes model-{f32,int8}-b{batch}.tflite into d for each batch size."""
    import tensorflow as tf
    for batch in batches:
        model, nhwc = keras_model(onnx_path, batch)
        cal = to_litert(calibration, nhwc)
        cal = cal[: len(cal) // batch * batch].reshape(-1, batch, *cal.shape[1:])
        for kind in ("f32", "int8"):
            conv = tf.lite.TFLiteConverter.from_keras_model(model)
            if kind == "int8":
                conv.optimizations = [tf.lite.Optimize.DEFAULT]
                conv.representative_dataset = lambda: ([x] for x in cal)
                conv.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
            with open(path(d, kind, batch), "wb") as f:
                f.write(conv.convert())


def to_litert(x, nhwc):
    return np.ascontiguousarray(x.transpose(0, 2, 3, 1)) if nhwc else x


class LiteRT:
    """The .tflite file of one precision and batch size in the ai-edge-litert interpreter (with its
    default XNNPACK delegate)."""

    def __init__(self, d, kind, threads, batch, nhwc):
        from ai_edge_litert.interpreter import Interpreter
        self.nhwc = nhwc
        self.it = Interpreter(model_path=path(d, kind, batch), num_threads=threads)
        self.it.allocate_tensors()
        self.i, self.o = self.it.get_input_details()[0]["index"], self.it.get_output_details()[0]["index"]

    def run(self, x):
        self.it.set_tensor(self.i, to_litert(x, self.nhwc))
        self.it.invoke()
        y = self.it.get_tensor(self.o)
        return y.transpose(0, 3, 1, 2) if y.ndim == 4 else y
