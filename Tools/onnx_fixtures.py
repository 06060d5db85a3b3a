"""ONNX models shaped like real exports, for `kiln convert` (imported by make_fixtures.py).

Each fixture folder holds model.onnx (and model.onnx.data when the weights are external), input.npy
and expected.npy, ONNX Runtime's output. The graphs copy what exporters emit: PyTorch's node and
tensor names, a symbolic batch dimension, BatchNormalization with momentum, Dropout nodes, the
Shape -> Gather -> Unsqueeze -> Concat arithmetic that torch.onnx.export writes before a Reshape,
Resize with an empty roi, MatMul + Add for a Linear layer, weights in raw_data, in typed fields
(float_data) and in an external file.
"""

import os

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper


class Export:
    """An ONNX graph built node by node with PyTorch-like names."""

    def __init__(self, name, seed, opset):
        self.name, self.opset = name, opset
        self.rng = np.random.default_rng(seed)
        self.nodes, self.inits = [], []

    def tensor(self, name, array, typed=False):
        array = np.ascontiguousarray(array)
        if typed:  # float_data / int64_data instead of raw_data, as some exporters write
            t = helper.make_tensor(name, helper.np_dtype_to_tensor_dtype(array.dtype), array.shape, array.flatten().tolist())
        else:
            t = numpy_helper.from_array(array, name)
        self.inits.append(t)
        return name

    def weight(self, name, shape, gain=1.0, typed=False):
        fan_in = int(np.prod(shape[1:])) if len(shape) > 1 else 1
        return self.tensor(name, (self.rng.standard_normal(shape) * gain / np.sqrt(fan_in)).astype(np.float32), typed)

    def op(self, op_type, inputs, path, outputs=1, **attrs):
        outs = [f"/{path}/{op_type}_output_{i}" for i in range(outputs)]
        self.nodes.append(helper.make_node(op_type, inputs, outs, name=f"/{path}/{op_type}", **attrs))
        return outs[0] if outputs == 1 else outs

    def bn(self, x, c, prefix, typed=False):
        r = self.rng
        ps = [self.tensor(f"{prefix}.{p}", v.astype(np.float32), typed) for p, v in (
            ("weight", r.uniform(0.5, 1.5, c)), ("bias", r.uniform(-0.3, 0.3, c)),
            ("running_mean", r.uniform(-0.3, 0.3, c)), ("running_var", r.uniform(0.5, 2.0, c)))]
        return self.op("BatchNormalization", [x] + ps, prefix, epsilon=1e-5, momentum=0.9)

    def constant(self, array, path):
        return self.op("Constant", [], path, value=numpy_helper.from_array(np.asarray(array)))

    def reshape_like_torch(self, x, per_sample, path):
        """x.view(x.size(0), *per_sample) as torch.onnx.export writes it."""
        shape = self.op("Shape", [x], path + "/size")
        n = self.op("Gather", [shape, self.constant(np.array(0, np.int64), path + "/c0")], path + "/gather", axis=0)
        if self.opset >= 13:
            n = self.op("Unsqueeze", [n, self.constant(np.array([0], np.int64), path + "/axes")], path + "/unsq")
        else:
            n = self.op("Unsqueeze", [n], path + "/unsq", axes=[0])
        rest = self.constant(np.array(per_sample, np.int64), path + "/rest")
        target = self.op("Concat", [n, rest], path + "/cat", axis=0)
        return self.op("Reshape", [x, target], path)

    def finish(self, inputs, out, out_shape, feed, folder, external=False):
        """Writes the model with output "output" [batch_size, *out_shape], as exporters name it."""
        for n in self.nodes:
            n.output[:] = ["output" if v == out else v for v in n.output]
        output = helper.make_tensor_value_info("output", TensorProto.FLOAT, ["batch_size", *out_shape])
        graph = helper.make_graph(self.nodes, self.name, inputs, [output], self.inits)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", self.opset)], producer_name="pytorch",
                                  producer_version="2.5.1")
        model.ir_version = 8
        onnx.checker.check_model(model)
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, "model.onnx")
        if external:
            if os.path.exists(path + ".data"):
                os.remove(path + ".data")  # onnx appends to an existing external data file
            onnx.save_model(model, path, save_as_external_data=True, all_tensors_to_one_file=True,
                            location="model.onnx.data", size_threshold=1024)
        else:
            onnx.save_model(model, path)
        opts = ort.SessionOptions()
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
        sess = ort.InferenceSession(path, opts, providers=["CPUExecutionProvider"])
        feeds = feed if isinstance(feed, dict) else {inputs[0].name: feed}
        (y,) = sess.run(None, feeds)
        for name, value in feeds.items():  # input.npy, or input-NAME.npy for several; labels as int32, as Kiln takes them
            np.save(os.path.join(folder, "input.npy" if len(feeds) == 1 else f"input-{name}.npy"),
                    value.astype(np.int32) if value.dtype == np.int64 else value)
        np.save(os.path.join(folder, "expected.npy"), y)


def batch_input(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, ["batch_size", *shape])


def onnx_dcgan64(d, ngf=8):
    """torch.onnx.export of the PyTorch DCGAN example generator (nz=100, ngf=8; the example's 64 in
    Benchmarks/anchors), opset 17."""
    nz = 100
    e = Export("onnx_dcgan64", 31, 17)
    h = "input"
    chans = [nz, ngf * 8, ngf * 4, ngf * 2, ngf]
    for i, (c, m) in enumerate(zip(chans, chans[1:])):
        w = e.weight(f"main.{3 * i}.weight", (c, m, 4, 4), gain=2.0)
        h = e.op("ConvTranspose", [h, w], f"main/main.{3 * i}", dilations=[1, 1], group=1, kernel_shape=[4, 4],
                 pads=[0, 0, 0, 0] if i == 0 else [1, 1, 1, 1], strides=[1, 1] if i == 0 else [2, 2])
        h = e.op("Relu", [e.bn(h, m, f"main.{3 * i + 1}")], f"main/main.{3 * i + 2}")
    w = e.weight("main.12.weight", (ngf, 3, 4, 4), gain=2.0)
    h = e.op("ConvTranspose", [h, w], "main/main.12", dilations=[1, 1], group=1, kernel_shape=[4, 4], pads=[1, 1, 1, 1], strides=[2, 2])
    out = e.op("Tanh", [h], "main/main.13")
    e.finish([batch_input("input", (nz, 1, 1))], out, (3, 64, 64), e.rng.standard_normal((2, nz, 1, 1)).astype(np.float32), d)


def onnx_tf28(d, c=(16, 8, 4)):
    """The TensorFlow DCGAN tutorial's generator in NCHW (channels 256/128/64 scaled to 16/8/4):
    Gemm without bias, BatchNorm1d, LeakyReLU 0.3, view(N, 16, 7, 7) with torch's shape
    arithmetic, ConvTranspose 5x5 (stride 1, then stride 2 with output_padding 1), Tanh; opset 13."""
    e = Export("onnx_tf28", 32, 13)
    w = e.weight("dense.weight", (c[0] * 49, 100))
    h = e.op("Gemm", ["input", w], "dense", alpha=1.0, beta=1.0, transB=1)
    h = e.op("LeakyRelu", [e.bn(h, c[0] * 49, "bn0")], "act0", alpha=0.3)
    h = e.reshape_like_torch(h, (c[0], 7, 7), "view")
    for i, (c_in, m, s) in enumerate([(c[0], c[1], 1), (c[1], c[2], 2)]):
        w = e.weight(f"convt{i + 1}.weight", (c_in, m, 5, 5), gain=1.5)
        h = e.op("ConvTranspose", [h, w], f"convt{i + 1}", kernel_shape=[5, 5], pads=[2, 2, 2, 2], strides=[s, s],
                 **({"output_padding": [1, 1]} if s == 2 else {}))
        h = e.op("LeakyRelu", [e.bn(h, m, f"bn{i + 1}")], f"act{i + 1}", alpha=0.3)
    w = e.weight("convt3.weight", (c[2], 1, 5, 5), gain=1.5)
    h = e.op("ConvTranspose", [h, w], "convt3", kernel_shape=[5, 5], pads=[2, 2, 2, 2], strides=[2, 2], output_padding=[1, 1])
    out = e.op("Tanh", [h], "tanh")
    e.finish([batch_input("input", (100,))], out, (1, 28, 28), e.rng.standard_normal((2, 100)).astype(np.float32), d)


def onnx_unet64(d, ngf=4):
    """A pix2pix U-Net (ngf=4) as exported in eval mode with Dropout kept: Conv k4 s2, LeakyReLU 0.2,
    BatchNorm, ConvTranspose k4 s2, ReLU, Dropout(0.5) in the first up blocks, Concat skips, Tanh;
    opset 15, weights in typed float_data fields."""
    e = Export("onnx_unet64", 33, 15)
    enc = [3, ngf, ngf * 2, ngf * 4, ngf * 8, ngf * 8, ngf * 8]
    skips, h = [], "input"
    for i, (c, m) in enumerate(zip(enc, enc[1:])):
        if i > 0:
            h = e.op("LeakyRelu", [h], f"down{i}/act", alpha=0.2)
        ins = [h, e.weight(f"down{i}.conv.weight", (m, c, 4, 4), typed=True)]
        if i in (0, 5):
            ins.append(e.tensor(f"down{i}.conv.bias", (e.rng.standard_normal(m) * 0.1).astype(np.float32), typed=True))
        h = e.op("Conv", ins, f"down{i}/conv", kernel_shape=[4, 4], pads=[1, 1, 1, 1], strides=[2, 2])
        if 0 < i < 5:
            h = e.bn(h, m, f"down{i}.bn", typed=True)
        skips.append((h, m))
    c = enc[-1]
    ratio = e.constant(np.array(0.5, np.float32), "ratio")
    for i, (skip, sc) in enumerate(reversed(skips[:-1])):
        h = e.op("Relu", [h], f"up{i}/act")
        w = e.weight(f"up{i}.convt.weight", (c, sc, 4, 4), gain=1.5, typed=True)
        h = e.bn(e.op("ConvTranspose", [h, w], f"up{i}/convt", kernel_shape=[4, 4], pads=[1, 1, 1, 1], strides=[2, 2]), sc, f"up{i}.bn", typed=True)
        if i < 3:
            h = e.op("Dropout", [h, ratio], f"up{i}/dropout")
        h, c = e.op("Concat", [h, skip], f"up{i}/cat", axis=1), sc + sc
    h = e.op("Relu", [h], "final/act")
    w = e.weight("final.convt.weight", (c, 3, 4, 4), typed=True)
    b = e.tensor("final.convt.bias", (e.rng.standard_normal(3) * 0.1).astype(np.float32), typed=True)
    out = e.op("Tanh", [e.op("ConvTranspose", [h, w, b], "final/convt", kernel_shape=[4, 4], pads=[1, 1, 1, 1], strides=[2, 2])], "final/tanh")
    e.finish([batch_input("input", (3, 64, 64))], out, (3, 64, 64), e.rng.uniform(-1, 1, (1, 3, 64, 64)).astype(np.float32), d)


def onnx_upsample_conv(d):
    """An Upsample + Conv generator: Linear as MatMul + Add, view with a constant shape [-1, C, 4, 4],
    then two nearest-neighbour Resize (scale 2, empty roi) + Conv 3x3 + BatchNorm + ReLU blocks, a
    Squeeze / Unsqueeze pair, Conv, Tanh; opset 11, weights in an external data file."""
    e = Export("onnx_upsample_conv", 34, 11)
    w = e.tensor("fc.weight_t", (e.rng.standard_normal((64, 16 * 16)) / 8).astype(np.float32))
    b = e.tensor("fc.bias", (e.rng.standard_normal(16 * 16) * 0.1).astype(np.float32))
    h = e.op("Add", [e.op("MatMul", ["input", w], "fc/matmul"), b], "fc/add")
    h = e.op("Reshape", [h, e.constant(np.array([-1, 16, 4, 4], np.int64), "view/shape")], "view")
    roi = e.constant(np.array([], np.float32), "resize/roi")
    scales = e.constant(np.array([1, 1, 2, 2], np.float32), "resize/scales")
    for i, (c, m) in enumerate([(16, 8), (8, 8)]):
        h = e.op("Resize", [h, roi, scales], f"up{i}/resize", mode="nearest", coordinate_transformation_mode="asymmetric",
                 nearest_mode="floor")
        h = e.op("Conv", [h, e.weight(f"up{i}.conv.weight", (m, c, 3, 3), gain=1.5), e.tensor(f"up{i}.conv.bias", np.zeros(m, np.float32))],
                 f"up{i}/conv", kernel_shape=[3, 3], pads=[1, 1, 1, 1])
        h = e.op("Relu", [e.bn(h, m, f"up{i}.bn")], f"up{i}/act")
    h = e.op("Unsqueeze", [h], "extra/unsqueeze", axes=[1])
    h = e.op("Squeeze", [h], "extra/squeeze", axes=[1])
    h = e.op("Conv", [h, e.weight("out.conv.weight", (1, 8, 3, 3), gain=1.5)], "out/conv", kernel_shape=[3, 3], pads=[1, 1, 1, 1])
    out = e.op("Tanh", [h], "out/tanh")
    e.finish([batch_input("input", (64,))], out, (1, 16, 16), e.rng.standard_normal((2, 64)).astype(np.float32), d, external=True)


def onnx_cgan28(d):
    """A class-conditional generator: nn.Embedding (Gather on the table by int64 labels) concatenated
    to z, Gemm + ReLU, view(N, 8, 7, 7), two ConvTranspose k4 s2, Tanh; opset 18."""
    e = Export("onnx_cgan28", 35, 18)
    emb = e.op("Gather", [e.weight("embed.weight", (10, 10), gain=3.0), "label"], "embed", axis=0)
    h = e.op("Concat", ["z", emb], "cat", axis=1)
    h = e.op("Gemm", [h, e.weight("fc.weight", (8 * 49, 110)), e.tensor("fc.bias", np.zeros(8 * 49, np.float32))], "fc", transB=1)
    h = e.reshape_like_torch(e.op("Relu", [h], "fc_act"), (8, 7, 7), "view")
    w = e.weight("up1.weight", (8, 4, 4, 4), gain=2.0)
    h = e.op("Relu", [e.bn(e.op("ConvTranspose", [h, w], "up1", kernel_shape=[4, 4], pads=[1, 1, 1, 1], strides=[2, 2]), 4, "bn1")], "act1")
    w = e.weight("up2.weight", (4, 1, 4, 4), gain=2.0)
    out = e.op("Tanh", [e.op("ConvTranspose", [h, w], "up2", kernel_shape=[4, 4], pads=[1, 1, 1, 1], strides=[2, 2])], "tanh")
    labels = helper.make_tensor_value_info("label", TensorProto.INT64, ["batch_size"])
    feed = {"z": e.rng.standard_normal((3, 100)).astype(np.float32), "label": np.array([3, 0, 9], np.int64)}
    e.finish([batch_input("z", (100,)), labels], out, (1, 28, 28), feed, d)


FIXTURES = {f.__name__: f for f in (onnx_dcgan64, onnx_tf28, onnx_unet64, onnx_upsample_conv, onnx_cgan28)}
