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


def onnx_pix2pix32(d, w=32):
    """Kiln's pix2pix32 U-Net (`kiln train --arch pix2pix32`, w = generator width) for the anchors:
    1x32x32 sketch -> Conv k4 s2 [+ BN] + LeakyReLU 0.2 down to 1x1 (w, 2w, 4w, 4w; the bottleneck 4w
    with ReLU), ConvTranspose k4 s2 + BN + ReLU up with Concat skips, ConvTranspose + Tanh out;
    opset 15, random weights (the speed does not depend on them)."""
    e = Export("onnx_pix2pix32", 36, 15)
    enc = [1, w, 2 * w, 4 * w, 4 * w, 4 * w]
    skips, h = [], "input"
    for i, (c, m) in enumerate(zip(enc, enc[1:])):
        ins = [h, e.weight(f"e{i + 1}.weight", (m, c, 4, 4), gain=1.5, typed=True)]
        if i in (0, 4):
            ins.append(e.tensor(f"e{i + 1}.bias", (e.rng.standard_normal(m) * 0.1).astype(np.float32), typed=True))
        h = e.op("Conv", ins, f"e{i + 1}/conv", kernel_shape=[4, 4], pads=[1, 1, 1, 1], strides=[2, 2])
        if 0 < i < 4:
            h = e.bn(h, m, f"e{i + 1}.bn", typed=True)
        h = e.op("Relu", [h], f"e{i + 1}/act") if i == 4 else e.op("LeakyRelu", [h], f"e{i + 1}/act", alpha=0.2)
        skips.append((h, m))
    c = enc[-1]
    for i, (skip, sc) in enumerate(reversed(skips[:-1])):
        m = [4 * w, 4 * w, 2 * w, w][i]
        h = e.op("ConvTranspose", [h, e.weight(f"u{5 - i}.weight", (c, m, 4, 4), gain=1.5, typed=True)], f"u{5 - i}/convt",
                 kernel_shape=[4, 4], pads=[1, 1, 1, 1], strides=[2, 2])
        h = e.op("Relu", [e.bn(h, m, f"u{5 - i}.bn", typed=True)], f"u{5 - i}/act")
        h, c = e.op("Concat", [h, skip], f"u{5 - i}/cat", axis=1), m + sc
    wt = e.weight("u1.weight", (c, 1, 4, 4), typed=True)
    b = e.tensor("u1.bias", (e.rng.standard_normal(1) * 0.1).astype(np.float32), typed=True)
    out = e.op("Tanh", [e.op("ConvTranspose", [h, wt, b], "u1/convt", kernel_shape=[4, 4], pads=[1, 1, 1, 1], strides=[2, 2])], "u1/tanh")
    e.finish([batch_input("input", (1, 32, 32))], out, (1, 32, 32), e.rng.uniform(-1, 1, (1, 1, 32, 32)).astype(np.float32), d)


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


def torch_pads(e, pads, path):
    """The pad amounts as torch.onnx.export (legacy exporter, opset 11+) computes them for
    nn.ReflectionPad2d and F.pad: [left, right, top, bottom] padded with zeros to 2 x rank,
    reshaped to pairs, flipped, transposed and flattened into ONNX's [begins..., ends...]."""
    i64 = np.int64
    pad = e.op("Cast", [e.constant(np.array(pads, i64), path + "/pad")], path + "/cast0", to=TensorProto.INT64)
    extension = e.op("Sub", [e.op("Mul", [e.constant(np.array(4, i64), path + "/rank"), e.constant(np.array(2, i64), path + "/two")], path + "/mul"),
                             e.constant(np.array(len(pads), i64), path + "/len")], path + "/sub")
    count = e.op("Unsqueeze", [extension, e.constant(np.array([0], i64), path + "/axes")], path + "/unsq")
    zeros = e.op("ConstantOfShape", [count], path + "/zeros", value=numpy_helper.from_array(np.array([0], i64)))
    p = e.op("Concat", [pad, zeros], path + "/cat", axis=0)
    p = e.op("Reshape", [p, e.constant(np.array([-1, 2], i64), path + "/pairs")], path + "/reshape0")
    p = e.op("Slice", [p, e.constant(np.array([-1], i64), path + "/start"), e.constant(np.array([-(2**63) + 1], i64), path + "/end"),
                       e.constant(np.array([0], i64), path + "/saxes"), e.constant(np.array([-1], i64), path + "/step")], path + "/flip")
    p = e.op("Transpose", [p], path + "/transpose", perm=[1, 0])
    p = e.op("Reshape", [p, e.constant(np.array([-1], i64), path + "/flat")], path + "/reshape1")
    return e.op("Cast", [p], path + "/cast1", to=TensorProto.INT64)


def onnx_resnet_pad(d):
    """A CycleGAN ResnetGenerator in small (ngf 8, one residual block, 16x16 RGB): reflection
    padding whose amounts the legacy exporter computes in a constant subgraph (torch_pads), Conv 7x7,
    InstanceNorm, ReLU, a stride-2 Conv, a residual block (reflect pad, Conv 3x3, InstanceNorm, twice,
    and Add), ConvTranspose with output_padding, a ZeroPad2d before a Conv (merged into the Conv's
    pads), an edge (replicate) pad with the pads as a plain initializer, and Tanh; opset 17."""
    e = Export("onnx_resnet_pad", 36, 17)

    def inorm(x, c, prefix):
        r = e.rng
        return e.op("InstanceNormalization", [x, e.tensor(f"{prefix}.weight", r.uniform(0.5, 1.5, c).astype(np.float32)),
                                              e.tensor(f"{prefix}.bias", r.uniform(-0.3, 0.3, c).astype(np.float32))], prefix, epsilon=1e-5)

    def conv(x, cin, cout, k, prefix, **attrs):
        return e.op("Conv", [x, e.weight(f"{prefix}.weight", (cout, cin, k, k), gain=1.5), e.tensor(f"{prefix}.bias", np.zeros(cout, np.float32))],
                    prefix, kernel_shape=[k, k], **attrs)

    h = e.op("Pad", ["input", torch_pads(e, [3, 3, 3, 3], "pad0")], "model.0/pad", mode="reflect")
    h = e.op("Relu", [inorm(conv(h, 3, 8, 7, "model.1"), 8, "model.2")], "model.3")
    h = e.op("Relu", [inorm(conv(h, 8, 16, 3, "model.4", strides=[2, 2], pads=[1, 1, 1, 1]), 16, "model.5")], "model.6")
    r = e.op("Pad", [h, torch_pads(e, [1, 1, 1, 1], "res/pad0")], "res/pad_a", mode="reflect")
    r = e.op("Relu", [inorm(conv(r, 16, 16, 3, "res.conv_a"), 16, "res.norm_a")], "res/relu")
    r = e.op("Pad", [r, torch_pads(e, [1, 1, 1, 1], "res/pad1")], "res/pad_b", mode="reflect")
    h = e.op("Add", [h, inorm(conv(r, 16, 16, 3, "res.conv_b"), 16, "res.norm_b")], "res/add")
    w = e.weight("up.weight", (16, 8, 3, 3), gain=2.0)
    h = e.op("ConvTranspose", [h, w], "up", kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1], output_padding=[1, 1])
    h = e.op("Relu", [inorm(h, 8, "up.norm")], "up/relu")
    h = e.op("Pad", [h, e.tensor("zero_pad", np.array([0, 0, 1, 2, 0, 0, 2, 1], np.int64))], "zero/pad", mode="constant")
    h = conv(h, 8, 8, 3, "zero.conv", pads=[0, 0, 0, 0])
    h = e.op("Pad", [h, e.tensor("edge_pad", np.array([0, 0, 2, 1, 0, 0, 1, 2], np.int64))], "edge/pad", mode="edge")
    out = e.op("Tanh", [conv(h, 8, 3, 5, "out.conv")], "out/tanh")
    e.finish([batch_input("input", (3, 16, 16))], out, (3, 16, 16), e.rng.uniform(-1, 1, (2, 3, 16, 16)).astype(np.float32), d)


def onnx_pixel_shuffle(d):
    """An SRGAN-style upsampler (8x8 to 32x32): Conv, PReLU, two Conv + PixelShuffle(2) blocks
    (DepthToSpace, mode CRD, as nn.PixelShuffle exports) with PReLU, a SpaceToDepth + DepthToSpace
    (DCR) round trip with a Conv between, Conv 9x9 padded by a ZeroPad2d, Tanh; opset 13."""
    e = Export("onnx_pixel_shuffle", 37, 13)

    def conv(x, cin, cout, k, prefix):
        return e.op("Conv", [x, e.weight(f"{prefix}.weight", (cout, cin, k, k), gain=1.5), e.tensor(f"{prefix}.bias", (e.rng.standard_normal(cout) * 0.1).astype(np.float32))],
                    prefix, kernel_shape=[k, k], pads=[k // 2] * 4)

    def prelu(x, c, prefix):
        return e.op("PRelu", [x, e.tensor(f"{prefix}.weight", e.rng.uniform(0.1, 0.3, (c, 1, 1)).astype(np.float32))], prefix)

    h = prelu(conv("input", 3, 8, 3, "head"), 8, "head.act")
    for i in range(2):
        h = prelu(e.op("DepthToSpace", [conv(h, 8, 32, 3, f"up{i}.conv")], f"up{i}/shuffle", blocksize=2, mode="CRD"), 8, f"up{i}.act")
    h = e.op("SpaceToDepth", [h], "s2d", blocksize=2)
    h = e.op("DepthToSpace", [conv(h, 32, 32, 1, "mid.conv")], "d2s", blocksize=2, mode="DCR")
    h = e.op("Pad", [h, e.tensor("pad", np.array([0, 0, 4, 4, 0, 0, 4, 4], np.int64))], "tail/pad", mode="constant")
    h = e.op("Conv", [h, e.weight("tail.weight", (3, 8, 9, 9), gain=1.5)], "tail", kernel_shape=[9, 9])
    out = e.op("Tanh", [h], "out/tanh")
    e.finish([batch_input("input", (3, 8, 8))], out, (3, 32, 32), e.rng.uniform(-1, 1, (2, 3, 8, 8)).astype(np.float32), d)


def onnx_bilinear_unet(d):
    """A U-Net with bilinear upsampling (nn.Upsample(scale_factor=2, mode="bilinear") exports
    Resize mode linear, pytorch_half_pixel, by scales; align_corners=True by sizes): Conv k4 s2,
    LeakyReLU, Resize, Conv 3x3, Concat with the skip, Resize to 24x24 (align_corners), a
    broadcast Mul, Sub and Div by constants, Conv, Tanh; 16x16 RGB, opset 16."""
    e = Export("onnx_bilinear_unet", 38, 16)
    roi = e.constant(np.array([], np.float32), "roi")
    d1 = e.op("LeakyRelu", [e.op("Conv", ["input", e.weight("down.weight", (8, 3, 4, 4), gain=1.5)], "down", kernel_shape=[4, 4],
                                 strides=[2, 2], pads=[1, 1, 1, 1])], "down/act", alpha=0.2)
    u = e.op("Resize", [d1, roi, e.constant(np.array([1, 1, 2, 2], np.float32), "up/scales")], "up/resize", mode="linear",
             coordinate_transformation_mode="pytorch_half_pixel")
    u = e.op("Relu", [e.op("Conv", [u, e.weight("up.weight", (8, 8, 3, 3), gain=1.5)], "up/conv", kernel_shape=[3, 3], pads=[1, 1, 1, 1])], "up/act")
    h = e.op("Concat", [u, "input"], "skip", axis=1)
    h = e.op("Resize", [h, roi, "", e.constant(np.array([2, 11, 24, 24], np.int64), "out/sizes")], "out/resize", mode="linear",
             coordinate_transformation_mode="align_corners")
    # tf2onnx-style per-channel scale and shift, and a per-column divisor
    h = e.op("Mul", [h, e.tensor("gamma", e.rng.uniform(0.5, 1.5, (1, 11, 1, 1)).astype(np.float32))], "affine/mul")
    h = e.op("Sub", [h, e.tensor("beta", e.rng.uniform(-0.2, 0.2, (11, 1, 1)).astype(np.float32))], "affine/sub")
    h = e.op("Div", [h, e.tensor("columns", e.rng.uniform(1, 2, (24,)).astype(np.float32))], "affine/div")
    out = e.op("Tanh", [e.op("Conv", [h, e.weight("out.weight", (3, 11, 3, 3), gain=1.5)], "out/conv", kernel_shape=[3, 3], pads=[1, 1, 1, 1])], "out/tanh")
    e.finish([batch_input("input", (3, 16, 16))], out, (3, 24, 24), e.rng.uniform(-1, 1, (2, 3, 16, 16)).astype(np.float32), d)

def onnx_stylegan_mapping(d, dim=64, layers=3):
    """A StyleGAN2 mapping network in small (z and w of 64, three layers; the papers' 512 and
    eight): PixelNorm as torch.onnx.export writes `x * torch.rsqrt(x.pow(2).mean(1, keepdim=True) +
    1e-8)` at opset 18 (Pow, ReduceMean with axes as an input, Add, Sqrt, Reciprocal, Mul),
    EqualLinear layers (MatMul by the pre-scaled weight, Add of the bias, LeakyReLU 0.2, Mul by
    sqrt 2), then `F.normalize(w, dim=1)` (ReduceL2, Clip by a min input, Expand to Shape(w), Div)
    and a `clamp_min` as Max."""
    e = Export("onnx_stylegan_mapping", 39, 18)
    sq = e.op("Pow", ["input", e.constant(np.array(2, np.float32), "norm/two")], "norm/pow")
    mean = e.op("ReduceMean", [sq, e.constant(np.array([1], np.int64), "norm/axes")], "norm/mean", keepdims=1)
    root = e.op("Sqrt", [e.op("Add", [mean, e.constant(np.array(1e-8, np.float32), "norm/eps")], "norm/add")], "norm/sqrt")
    h = e.op("Mul", ["input", e.op("Reciprocal", [root], "norm/rsqrt")], "norm/mul")
    for i in range(layers):
        w = e.tensor(f"style.{i + 1}.weight", (e.rng.standard_normal((dim, dim)) / np.sqrt(dim)).T.astype(np.float32))
        h = e.op("MatMul", [h, w], f"style.{i + 1}/matmul")
        h = e.op("Add", [h, e.tensor(f"style.{i + 1}.bias", (e.rng.standard_normal(dim) * 0.1).astype(np.float32))], f"style.{i + 1}/add")
        h = e.op("LeakyRelu", [h], f"style.{i + 1}/lrelu", alpha=0.2)
        h = e.op("Mul", [h, e.constant(np.array(np.sqrt(2), np.float32), f"style.{i + 1}/gain")], f"style.{i + 1}/mul")
    norm = e.op("ReduceL2", [h, e.constant(np.array([1], np.int64), "normalize/axes")], "normalize/norm", keepdims=1)
    norm = e.op("Clip", [norm, e.constant(np.array(1e-12, np.float32), "normalize/eps"), ""], "normalize/clamp")
    norm = e.op("Expand", [norm, e.op("Shape", [h], "normalize/shape")], "normalize/expand")
    h = e.op("Div", [h, norm], "normalize/div")
    out = e.op("Max", [h, e.constant(np.array(-0.15, np.float32), "clamp/min")], "clamp/max")
    e.finish([batch_input("input", (dim,))], out, (dim,), e.rng.standard_normal((3, dim)).astype(np.float32), d)


def onnx_tf_dcgan(d, c=(16, 8)):
    """The TensorFlow DCGAN tutorial's Keras generator as tf2onnx writes it (channels 256/128/64
    scaled to 16/8): NHWC tensors, so a Transpose to NCHW after the Reshape and one back to NHWC at
    the output; the Dense layer's BatchNormalization as a per-feature Mul and Add; Conv2DTranspose
    with padding 'same' and stride 2 as ConvTranspose with asymmetric pads (1 before, 2 after);
    LeakyReLU 0.3; Tanh; opset 13. Output [N, 28, 28, 1]."""
    e = Export("onnx_tf_dcgan", 40, 13)
    h = e.op("MatMul", ["input", e.weight("dense/kernel", (100, c[0] * 49))], "dense/MatMul")
    h = e.op("Mul", [h, e.tensor("bn0/scale", e.rng.uniform(0.5, 1.5, c[0] * 49).astype(np.float32))], "bn0/mul")
    h = e.op("Add", [h, e.tensor("bn0/shift", e.rng.uniform(-0.3, 0.3, c[0] * 49).astype(np.float32))], "bn0/add")
    h = e.op("LeakyRelu", [h], "act0", alpha=0.3)
    h = e.op("Reshape", [h, e.tensor("reshape/shape", np.array([-1, 7, 7, c[0]], np.int64))], "reshape")
    h = e.op("Transpose", [h], "to_nchw", perm=[0, 3, 1, 2])
    for i, (c_in, m, s) in enumerate([(c[0], c[1], 1), (c[1], c[1] // 2, 2)]):
        w = e.weight(f"convt{i + 1}/kernel", (c_in, m, 5, 5), gain=1.5)
        h = e.op("ConvTranspose", [h, w], f"convt{i + 1}", kernel_shape=[5, 5], strides=[s, s],
                 pads=[2, 2, 2, 2] if s == 1 else [1, 1, 2, 2])
        h = e.op("LeakyRelu", [e.bn(h, m, f"bn{i + 1}")], f"act{i + 1}", alpha=0.3)
    w = e.weight("convt3/kernel", (c[1] // 2, 1, 5, 5), gain=1.5)
    h = e.op("ConvTranspose", [h, w], "convt3", kernel_shape=[5, 5], strides=[2, 2], pads=[1, 1, 2, 2])
    out = e.op("Transpose", [e.op("Tanh", [h], "tanh")], "to_nhwc", perm=[0, 2, 3, 1])
    e.finish([batch_input("input", (100,))], out, (28, 28, 1), e.rng.standard_normal((2, 100)).astype(np.float32), d)


FIXTURES = {f.__name__: f for f in (onnx_dcgan64, onnx_tf28, onnx_unet64, onnx_upsample_conv, onnx_cgan28, onnx_resnet_pad,
                                    onnx_pixel_shuffle, onnx_bilinear_unet, onnx_stylegan_mapping, onnx_tf_dcgan)}
