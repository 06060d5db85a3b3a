#!/usr/bin/env python3
"""Builds the float-runtime fixtures in Formats/fixtures/ from an independent reference.

The onnx_* fixtures (Tools/onnx_fixtures.py) are ONNX models shaped like real exports, with
ONNX Runtime's output, for `kiln convert`; the zoo_* fixtures are PyTorch exports made by
Tools/torch_zoo.py (which needs torch) and tf2onnx_dcgan a tf2onnx export (Tools/tf2onnx_zoo.py),
checked here by running ONNX Runtime on the committed files again. Each other fixture is one small model built twice from
the same numpy weights: as an ONNX graph, run by
ONNX Runtime, and as a .kiln file written by Formats/python/kiln.py. The folder of a fixture holds

    model.kiln                    the Kiln model
    input.npy | input-NAME.npy    the inputs (one file per graph input)
    expected.npy                  ONNX Runtime's output

and the Swift tests check that Kiln's reference runtime reproduces expected.npy.

    pip install numpy onnx onnxruntime
    python3 Tools/make_fixtures.py            # rewrites Formats/fixtures/
    python3 Tools/make_fixtures.py --check    # exits 1 if the committed fixtures differ

The weights come from a fixed seed, so the models and inputs are the same on every run; ONNX
Runtime's outputs may differ in the last bits between its versions, which --check tolerates.
"""

import argparse
import os
import shutil
import sys
import tempfile

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "Formats", "python"))
import kiln  # noqa: E402
import onnx_fixtures  # noqa: E402
import tf2onnx_zoo  # noqa: E402
import torch_zoo  # noqa: E402

OPSET = 17


class Builder:
    """Adds each layer to an ONNX graph and a Kiln graph at once, with the same weights."""

    def __init__(self, name, seed):
        self.name = name
        self.rng = np.random.default_rng(seed)
        self.model = kiln.Model(metadata={"general.name": name,
                                          "provenance.tool": "Tools/make_fixtures.py",
                                          "provenance.reference": f"onnxruntime {ort.__version__}"})
        self.onnx_nodes, self.inits, self.onnx_inputs = [], [], []
        self.feeds = {}
        self.count = 0

    def _name(self, op):
        self.count += 1
        return f"{op.lower()}{self.count}"

    def weight(self, name, shape, scale=None):
        fan_in = int(np.prod(shape[1:])) if len(shape) > 1 else 1
        a = self.rng.standard_normal(shape).astype(np.float32) * np.float32(scale or 1 / np.sqrt(fan_in))
        return self.const(name, a)

    def const(self, name, array, kiln_side=True, onnx_side=True):
        """A constant tensor in both graphs, or only in one of them."""
        array = np.ascontiguousarray(array)
        if kiln_side:
            self.model.add_tensor(name, array)
        if onnx_side:
            self.inits.append(numpy_helper.from_array(array, name))
        return name

    def input(self, name, shape, dtype=np.float32, data=None):
        """A graph input with per-sample `shape`; `data` is the batch fed to both runtimes."""
        code = {np.float32: 1, np.int32: 4}[dtype]
        self.model.inputs.append((name, code, tuple(shape)))
        onnx_type = TensorProto.FLOAT if dtype == np.float32 else TensorProto.INT64
        self.onnx_inputs.append(helper.make_tensor_value_info(name, onnx_type, [data.shape[0], *shape]))
        self.feeds[name] = data.astype(dtype)
        return name

    def node(self, kiln_op, onnx_op, inputs, attrs=None, onnx_inputs=None, onnx_attrs=None):
        name = self._name(kiln_op)
        self.model.nodes.append(kiln.Node(kiln_op, name, list(inputs), [name], attrs or {}))
        self.onnx_nodes.append(helper.make_node(onnx_op, onnx_inputs or list(inputs), [name], name=name,
                                                **(onnx_attrs or {})))
        return name

    # ---- layers

    def dense(self, x, k, m, bias=True):
        w = self.weight(self._name("w"), (m, k))
        ins = [x, w] + ([self.weight(self._name("b"), (m,), 0.5)] if bias else [])
        return self.node("Dense", "Gemm", ins, onnx_attrs={"transB": 1})

    def conv(self, x, c, m, k, stride=(1, 1), pads=(0, 0, 0, 0), dil=(1, 1), bias=True):
        kh, kw = (k, k) if isinstance(k, int) else k
        ins = [x, self.weight(self._name("w"), (m, c, kh, kw))]
        if bias:
            ins.append(self.weight(self._name("b"), (m,), 0.5))
        attrs = {"strides": kiln.Ints(stride), "pads": kiln.Ints(pads), "dilations": kiln.Ints(dil)}
        return self.node("Conv2d", "Conv", ins, attrs, onnx_attrs={
            "kernel_shape": [kh, kw], "strides": list(stride), "pads": list(pads), "dilations": list(dil)})

    def convt(self, x, c, m, k, stride=(1, 1), pads=(0, 0, 0, 0), dil=(1, 1), out_pad=(0, 0), bias=True):
        kh, kw = (k, k) if isinstance(k, int) else k
        w = self.const(self._name("w"), (self.rng.standard_normal((c, m, kh, kw)) / np.sqrt(c * kh * kw / (stride[0] * stride[1]))).astype(np.float32))
        ins = [x, w] + ([self.weight(self._name("b"), (m,), 0.5)] if bias else [])
        attrs = {"strides": kiln.Ints(stride), "pads": kiln.Ints(pads), "dilations": kiln.Ints(dil),
                 "output_padding": kiln.Ints(out_pad)}
        return self.node("ConvTranspose2d", "ConvTranspose", ins, attrs, onnx_attrs={
            "kernel_shape": [kh, kw], "strides": list(stride), "pads": list(pads), "dilations": list(dil),
            "output_padding": list(out_pad)})

    def batchnorm(self, x, c, eps=1e-5):
        r = self.rng
        ps = [self.const(self._name(p), v.astype(np.float32)) for p, v in (
            ("scale", r.uniform(0.5, 1.5, c)), ("bias", r.uniform(-0.5, 0.5, c)),
            ("mean", r.uniform(-0.5, 0.5, c)), ("var", r.uniform(0.5, 2.0, c)))]
        return self.node("BatchNorm2d", "BatchNormalization", [x] + ps, {"epsilon": eps},
                         onnx_attrs={"epsilon": eps})

    def instancenorm(self, x, c, eps=1e-5):
        ps = [self.const(self._name("scale"), self.rng.uniform(0.5, 1.5, c).astype(np.float32)),
              self.const(self._name("bias"), self.rng.uniform(-0.5, 0.5, c).astype(np.float32))]
        return self.node("InstanceNorm2d", "InstanceNormalization", [x] + ps, {"epsilon": eps},
                         onnx_attrs={"epsilon": eps})

    def relu(self, x):
        return self.node("ReLU", "Relu", [x])

    def leaky(self, x, alpha=0.2):
        return self.node("LeakyReLU", "LeakyRelu", [x], {"alpha": alpha}, onnx_attrs={"alpha": alpha})

    def prelu(self, x, c):
        slope = self.rng.uniform(0.05, 0.5, c).astype(np.float32)
        k = self.const(self._name("slope"), slope, onnx_side=False)
        # ONNX broadcasts from the right, so it needs [C, 1, 1]
        o = self.const(self._name("slope_onnx"), slope.reshape(c, 1, 1), kiln_side=False)
        return self.node("PReLU", "PRelu", [x, k], onnx_inputs=[x, o])

    def tanh(self, x):
        return self.node("Tanh", "Tanh", [x])

    def sigmoid(self, x):
        return self.node("Sigmoid", "Sigmoid", [x])

    def reshape(self, x, batch, shape):
        s = self.const(self._name("shape"), np.array([batch, *shape], np.int64), kiln_side=False)
        return self.node("Reshape", "Reshape", [x], {"shape": kiln.Ints(shape)}, onnx_inputs=[x, s])

    def flatten(self, x):
        return self.node("Flatten", "Flatten", [x], onnx_attrs={"axis": 1})

    def concat(self, xs, axis=1):
        return self.node("Concat", "Concat", xs, {"axis": axis}, onnx_attrs={"axis": axis})

    def add(self, a, b):
        return self.node("Add", "Add", [a, b])

    def mul(self, x, scale):
        s = self.const(self._name("scale"), np.array(scale, np.float32), kiln_side=False)
        return self.node("Mul", "Mul", [x], {"scale": float(scale)}, onnx_inputs=[x, s])

    def upsample(self, x, sh, sw):
        roi = self.const(self._name("roi"), np.zeros(0, np.float32), kiln_side=False)
        sc = self.const(self._name("scales"), np.array([1, 1, sh, sw], np.float32), kiln_side=False)
        return self.node("Upsample", "Resize", [x], {"scales": kiln.Ints([sh, sw])}, onnx_inputs=[x, roi, sc],
                         onnx_attrs={"mode": "nearest", "coordinate_transformation_mode": "asymmetric",
                                     "nearest_mode": "floor"})

    def pad(self, x, pads, mode, value=0.0):
        """pads [top, left, bottom, right] on H and W."""
        t, l, bt, r = pads
        p = self.const(self._name("pads"), np.array([0, 0, t, l, 0, 0, bt, r], np.int64), kiln_side=False)
        attrs = {"pads": kiln.Ints(pads), "mode": mode}
        onnx_inputs = [x, p]
        if value:
            attrs["value"] = float(value)
            onnx_inputs.append(self.const(self._name("value"), np.array(value, np.float32), kiln_side=False))
        return self.node("Pad", "Pad", [x], attrs, onnx_inputs=onnx_inputs, onnx_attrs={"mode": mode})

    def bilinear(self, x, coordinates, scales=None, size=None, in_hw=None, nc=None):
        """ONNX Resize mode linear by scales [sh, sw] (the output is floor(in * s)) or by a size
        (ONNX's sizes then also hold the batch and channels, nc)."""
        roi = self.const(self._name("roi"), np.zeros(0, np.float32), kiln_side=False)
        attrs = {"coordinates": coordinates}
        if scales:
            sc = self.const(self._name("scales"), np.array([1, 1, *scales], np.float32), kiln_side=False)
            onnx_inputs = [x, roi, sc]
            attrs["size"] = kiln.Ints([int(np.floor(np.float32(d) * np.float32(s))) for d, s in zip(in_hw, scales)])
            attrs["scales"] = kiln.Floats([float(v) for v in scales])
        else:
            sz = self.const(self._name("sizes"), np.array([*nc, *size], np.int64), kiln_side=False)
            onnx_inputs = [x, roi, "", sz]
            attrs["size"] = kiln.Ints(size)
        return self.node("Bilinear", "Resize", [x], attrs, onnx_inputs=onnx_inputs,
                         onnx_attrs={"mode": "linear", "coordinate_transformation_mode": coordinates})

    def depth_to_space(self, x, block, mode):
        return self.node("DepthToSpace", "DepthToSpace", [x], {"blocksize": kiln.Ints([block]), "mode": mode},
                         onnx_attrs={"blocksize": block, "mode": mode})

    def space_to_depth(self, x, block):
        return self.node("SpaceToDepth", "SpaceToDepth", [x], {"blocksize": kiln.Ints([block])}, onnx_attrs={"blocksize": block})

    def maxpool(self, x, k, s=None):
        s = s or k
        return self.node("MaxPool2d", "MaxPool", [x], {"kernel": kiln.Ints(k), "strides": kiln.Ints(s)},
                         onnx_attrs={"kernel_shape": list(k), "strides": list(s)})

    def softmax(self, x):
        return self.node("Softmax", "Softmax", [x], onnx_attrs={"axis": 1})

    def embedding(self, labels, classes, dim):
        table = self.weight(self._name("table"), (classes, dim), 1.0)
        return self.node("Embedding", "Gather", [labels, table], onnx_inputs=[table, labels],
                         onnx_attrs={"axis": 0})

    # ---- output

    def finish(self, out, folder, metadata=None):
        self.model.outputs = [out]
        self.model.metadata.update(metadata or {})
        # The output's shape comes from ONNX's own shape inference, then the model is checked.
        graph = helper.make_graph(self.onnx_nodes, self.name, self.onnx_inputs, [], self.inits,
                                  value_info=[])
        proto = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
        inferred = {v.name: v for v in onnx.shape_inference.infer_shapes(proto, strict_mode=True).graph.value_info}
        proto.graph.output.append(inferred[out])
        onnx.checker.check_model(proto, full_check=True)
        opts = ort.SessionOptions()
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
        sess = ort.InferenceSession(proto.SerializeToString(), opts, providers=["CPUExecutionProvider"])
        feeds = {k: (v.astype(np.int64) if v.dtype == np.int32 else v) for k, v in self.feeds.items()}
        (expected,) = sess.run(None, feeds)
        os.makedirs(folder, exist_ok=True)
        kiln.save(self.model, os.path.join(folder, "model.kiln"))
        if len(self.feeds) == 1:
            np.save(os.path.join(folder, "input.npy"), next(iter(self.feeds.values())))
        else:
            for k, v in self.feeds.items():
                np.save(os.path.join(folder, f"input-{k}.npy"), v)
        np.save(os.path.join(folder, "expected.npy"), expected.astype(np.float32))
        return expected


def uniform(rng, shape, lo=-1.0, hi=1.0):
    return rng.uniform(lo, hi, shape).astype(np.float32)


# ------------------------------------------------------------------ fixtures


def fixtures():
    """name -> function(folder) that builds it; one per op and per awkward shape."""
    f = {}

    def fixture(fn):
        f[fn.__name__] = fn
        return fn

    @fixture
    def dense_bias_batch3(d):
        b = Builder("dense_bias_batch3", 1)
        x = b.input("x", (7,), data=uniform(b.rng, (3, 7)))
        b.finish(b.dense(x, 7, 5), d)

    @fixture
    def dense_nobias_batchnorm1d(d):
        b = Builder("dense_nobias_batchnorm1d", 2)
        x = b.input("x", (1,), data=uniform(b.rng, (2, 1)))
        b.finish(b.batchnorm(b.dense(x, 1, 3, bias=False), 3), d)

    @fixture
    def conv_k3_pad1(d):
        b = Builder("conv_k3_pad1", 3)
        x = b.input("x", (3, 5, 5), data=uniform(b.rng, (2, 3, 5, 5)))
        b.finish(b.conv(x, 3, 4, 3, pads=(1, 1, 1, 1)), d)

    @fixture
    def conv_k4_s2_odd_channels_batch3(d):
        b = Builder("conv_k4_s2_odd_channels_batch3", 4)
        x = b.input("x", (5, 9, 7), data=uniform(b.rng, (3, 5, 9, 7)))
        b.finish(b.conv(x, 5, 3, 4, stride=(2, 2), pads=(1, 1, 1, 1), bias=False), d)

    @fixture
    def conv_dilated_asymmetric(d):
        b = Builder("conv_dilated_asymmetric", 5)
        x = b.input("x", (2, 8, 8), data=uniform(b.rng, (1, 2, 8, 8)))
        b.finish(b.conv(x, 2, 3, (3, 2), stride=(1, 2), pads=(1, 0, 2, 1), dil=(2, 1)), d)

    @fixture
    def conv_1x1_spatial(d):
        b = Builder("conv_1x1_spatial", 6)
        x = b.input("x", (3, 1, 1), data=uniform(b.rng, (2, 3, 1, 1)))
        b.finish(b.conv(x, 3, 5, 1), d)

    @fixture
    def conv_k7_logit(d):
        b = Builder("conv_k7_logit", 7)
        x = b.input("x", (3, 7, 7), data=uniform(b.rng, (2, 3, 7, 7)))
        b.finish(b.conv(x, 3, 1, 7), d)

    @fixture
    def convt_k4_s2_p1(d):
        b = Builder("convt_k4_s2_p1", 8)
        x = b.input("x", (5, 4, 4), data=uniform(b.rng, (2, 5, 4, 4)))
        b.finish(b.convt(x, 5, 3, 4, stride=(2, 2), pads=(1, 1, 1, 1)), d)

    @fixture
    def convt_k7_from_1x1_batch3(d):
        b = Builder("convt_k7_from_1x1_batch3", 9)
        x = b.input("x", (10, 1, 1), data=uniform(b.rng, (3, 10, 1, 1)))
        b.finish(b.convt(x, 10, 6, 7, bias=False), d)

    @fixture
    def convt_k5_s2_output_padding(d):
        b = Builder("convt_k5_s2_output_padding", 10)
        x = b.input("x", (4, 7, 7), data=uniform(b.rng, (1, 4, 7, 7)))
        b.finish(b.convt(x, 4, 3, 5, stride=(2, 2), pads=(2, 2, 2, 2), out_pad=(1, 1)), d)

    @fixture
    def convt_s3_dilated_asymmetric(d):
        b = Builder("convt_s3_dilated_asymmetric", 11)
        x = b.input("x", (3, 4, 5), data=uniform(b.rng, (2, 3, 4, 5)))
        b.finish(b.convt(x, 3, 2, (3, 2), stride=(3, 2), pads=(1, 0, 2, 1), dil=(2, 1), out_pad=(2, 1)), d)

    @fixture
    def batchnorm(d):
        b = Builder("batchnorm", 12)
        x = b.input("x", (5, 4, 4), data=uniform(b.rng, (3, 5, 4, 4), -2, 2))
        b.finish(b.batchnorm(x, 5, eps=1e-3), d)

    @fixture
    def instancenorm(d):
        b = Builder("instancenorm", 13)
        x = b.input("x", (3, 5, 5), data=uniform(b.rng, (2, 3, 5, 5), -2, 3))
        b.finish(b.instancenorm(x, 3), d)

    for op in ("relu", "leaky", "tanh", "sigmoid"):
        def make(d, op=op):
            b = Builder(f"act_{op}", 14)
            x = b.input("x", (5, 3, 3), data=uniform(b.rng, (3, 5, 3, 3), -3, 3))
            b.finish(getattr(b, op)(x), d)
        f[f"act_{op}"] = make

    @fixture
    def act_prelu(d):
        b = Builder("act_prelu", 15)
        x = b.input("x", (5, 3, 3), data=uniform(b.rng, (3, 5, 3, 3), -3, 3))
        b.finish(b.prelu(x, 5), d)

    @fixture
    def reshape_flatten(d):
        b = Builder("reshape_flatten", 16)
        x = b.input("x", (12,), data=uniform(b.rng, (2, 12)))
        r = b.reshape(x, 2, (3, 2, 2))
        b.finish(b.dense(b.flatten(b.conv(r, 3, 2, 1)), 8, 2), d)

    @fixture
    def concat_three_inputs(d):
        b = Builder("concat_three_inputs", 17)
        xs = [b.input(f"x{i}", (c, 3, 3), data=uniform(b.rng, (2, c, 3, 3))) for i, c in enumerate((1, 4, 2))]
        b.finish(b.concat(xs), d)

    @fixture
    def add_mul(d):
        b = Builder("add_mul", 18)
        a = b.input("a", (3, 2, 2), data=uniform(b.rng, (2, 3, 2, 2)))
        c = b.input("b", (3, 2, 2), data=uniform(b.rng, (2, 3, 2, 2)))
        b.finish(b.mul(b.add(a, c), -0.75), d)

    @fixture
    def upsample_nearest(d):
        b = Builder("upsample_nearest", 19)
        x = b.input("x", (3, 3, 5), data=uniform(b.rng, (1, 3, 3, 5)))
        b.finish(b.upsample(x, 2, 3), d)

    @fixture
    def pad_modes(d):
        """Reflect at the largest pads a 4x5 map allows (3 and 4), edge and a constant on a
        1x1 map, and zero padding, on 3 channels and a batch of 2."""
        b = Builder("pad_modes", 38)
        x = b.input("x", (3, 4, 5), data=uniform(b.rng, (2, 3, 4, 5)))
        h = b.pad(x, (3, 0, 1, 4), "reflect")
        h = b.pad(b.maxpool(h, (8, 9)), (2, 1, 0, 3), "edge")
        h = b.pad(h, (1, 2, 3, 0), "constant", 0.75)
        b.finish(b.pad(h, (0, 1, 1, 0), "constant"), d)

    @fixture
    def broadcast_arith(d):
        """Add, Sub, Mul and Div with numpy broadcasting: a per-channel constant [3, 1, 1], a row
        [5], a column [4, 1], a scalar [1], an activation against itself, and a constant divided by
        an activation (a sigmoid, so never 0)."""
        b = Builder("broadcast_arith", 41)
        x = b.input("x", (3, 4, 5), data=uniform(b.rng, (2, 3, 4, 5)))
        h = b.node("Add", "Add", [x, b.const("channel_bias", uniform(b.rng, (3, 1, 1)))])
        h = b.node("Mul", "Mul", [b.const("row_scale", uniform(b.rng, (5,))), h])
        h = b.node("Sub", "Sub", [h, b.const("column", uniform(b.rng, (4, 1)))])
        h = b.node("Mul", "Mul", [h, x])
        h = b.node("Div", "Div", [h, b.const("scalar", np.array([1.7], np.float32))])
        b.finish(b.node("Div", "Div", [b.const("numerator", uniform(b.rng, (1, 4, 5))), b.node("Sigmoid", "Sigmoid", [h])]), d)

    @fixture
    def bilinear_modes(d):
        """Bilinear resizing in every coordinate mode: x2 (half_pixel, by scales), to 7x5
        (align_corners, by size), x1.5 (asymmetric), down to 3x1 (pytorch_half_pixel: a one-pixel
        axis maps to 0), on 3 channels and a batch of 2."""
        b = Builder("bilinear_modes", 40)
        x = b.input("x", (3, 4, 5), data=uniform(b.rng, (2, 3, 4, 5)))
        h = b.bilinear(x, "half_pixel", scales=(2.0, 2.0), in_hw=(4, 5))
        h = b.bilinear(h, "align_corners", size=(7, 5), nc=(2, 3))
        h = b.bilinear(h, "asymmetric", scales=(1.5, 1.5), in_hw=(7, 5))
        b.finish(b.bilinear(h, "pytorch_half_pixel", size=(3, 1), nc=(2, 3)), d)

    @fixture
    def depth_space(d):
        """DepthToSpace CRD (PixelShuffle) and DCR with blocksizes 2 and 3 on odd maps, and
        SpaceToDepth, 18 channels."""
        b = Builder("depth_space", 39)
        x = b.input("x", (18, 3, 5), data=uniform(b.rng, (2, 18, 3, 5)))
        h = b.depth_to_space(x, 3, "CRD")
        h = b.space_to_depth(h, 3)
        b.finish(b.depth_to_space(b.depth_to_space(h, 1, "DCR"), 3, "DCR"), d)

    @fixture
    def maxpool_odd_sizes(d):
        b = Builder("maxpool_odd_sizes", 23)
        x = b.input("x", (3, 7, 9), data=uniform(b.rng, (2, 3, 7, 9), -2, 2))
        b.finish(b.maxpool(b.maxpool(x, (2, 2)), (2, 3), (1, 2)), d)

    @fixture
    def classifier_softmax(d):
        """A small Fashion-MNIST-style classifier: Conv ReLU MaxPool x2, Dense, Softmax."""
        b = Builder("classifier_softmax", 24)
        x = b.input("image", (1, 28, 28), data=uniform(b.rng, (3, 1, 28, 28)))
        h = b.maxpool(b.relu(b.conv(x, 1, 4, 3, pads=(1, 1, 1, 1))), (2, 2))
        h = b.maxpool(b.relu(b.conv(h, 4, 6, 3, pads=(1, 1, 1, 1))), (2, 2))
        h = b.relu(b.dense(b.flatten(h), 6 * 7 * 7, 16))
        b.finish(b.softmax(b.dense(h, 16, 10)), d)

    @fixture
    def embedding_concat(d):
        b = Builder("embedding_concat", 20)
        z = b.input("z", (6,), data=uniform(b.rng, (3, 6)))
        y = b.input("label", (), np.int32, data=np.array([2, 0, 3], np.int32))
        h = b.concat([z, b.embedding(y, 4, 5)])
        b.finish(b.tanh(b.dense(h, 11, 8)), d, {
            "latent.dim": 6, "latent.distribution": "normal", "latent.sampler": 1, "latent.input": "z",
            "classes.names": kiln.Strings(["zero", "one", "two", "three"]), "classes.input": "label"})

    @fixture
    def dcgan64(d):
        """The PyTorch DCGAN example generator at 64x64 (nz=16, ngf=4 to keep the file small)."""
        nz, ngf, n = 16, 4, 2
        b = Builder("dcgan64", 21)
        z = b.input("z", (nz,), data=b.rng.standard_normal((n, nz)).astype(np.float32))
        h = b.reshape(z, n, (nz, 1, 1))
        chans = [nz, ngf * 8, ngf * 4, ngf * 2, ngf]
        for i, (c, m) in enumerate(zip(chans, chans[1:])):
            h = b.relu(b.batchnorm(b.convt(h, c, m, 4, (1, 1) if i == 0 else (2, 2),
                                           (0, 0, 0, 0) if i == 0 else (1, 1, 1, 1), bias=False), m))
        out = b.tanh(b.convt(h, ngf, 3, 4, (2, 2), (1, 1, 1, 1), bias=False))
        b.finish(out, d, {
            "general.description": "PyTorch DCGAN example generator, 64x64 RGB, untrained (random weights)",
            "latent.dim": nz, "latent.distribution": "normal", "latent.sampler": 1, "latent.input": "z",
            "output.shape": kiln.Ints([3, 64, 64]), "output.range": kiln.Floats([-1.0, 1.0])})

    @fixture
    def unet64(d):
        """A pix2pix-style U-Net generator on 64x64 RGB (ngf=4): Conv k4 s2 down, ConvT k4 s2 up,
        BatchNorm, LeakyReLU 0.2 / ReLU, Concat skips, Tanh. Dropout is identity at inference."""
        ngf, n = 4, 1
        b = Builder("unet64", 22)
        x = b.input("image", (3, 64, 64), data=uniform(b.rng, (n, 3, 64, 64)))
        enc = [3, ngf, ngf * 2, ngf * 4, ngf * 8, ngf * 8, ngf * 8]  # 64 -> 1
        skips, h = [], x
        for i, (c, m) in enumerate(zip(enc, enc[1:])):
            h = b.conv(h if i == 0 else b.leaky(h), c, m, 4, (2, 2), (1, 1, 1, 1), bias=(i == 0 or i == 5))
            if 0 < i < 5:
                h = b.batchnorm(h, m)
            skips.append((h, m))
        c = enc[-1]
        for i, (skip, sc) in enumerate(reversed(skips[:-1])):
            m = sc
            h = b.batchnorm(b.convt(b.relu(h), c, m, 4, (2, 2), (1, 1, 1, 1), bias=False), m)
            h, c = b.concat([h, skip]), m + sc
        out = b.tanh(b.convt(b.relu(h), c, 3, 4, (2, 2), (1, 1, 1, 1)))
        b.finish(out, d, {
            "general.description": "pix2pix-style U-Net, 64x64 RGB to RGB, untrained (random weights)",
            "output.shape": kiln.Ints([3, 64, 64]), "output.range": kiln.Floats([-1.0, 1.0])})

    f.update(onnx_fixtures.FIXTURES)
    return f


def check_zoo(folder):
    """The committed PyTorch and tf2onnx exports still give expected.npy under this ONNX Runtime."""
    bad = []
    opts = ort.SessionOptions()
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    for name in torch_zoo.ZOO_NAMES + tf2onnx_zoo.NAMES:
        d = os.path.join(folder, name)
        if not os.path.exists(os.path.join(d, "model.onnx")):
            bad.append(f"{name}: missing; make it with Tools/torch_zoo.py")
            continue
        x = np.load(os.path.join(d, "input.npy"))
        (y,) = ort.InferenceSession(os.path.join(d, "model.onnx"), opts, providers=["CPUExecutionProvider"]).run(None, {"input": x})
        e = np.load(os.path.join(d, "expected.npy"))
        if y.shape != e.shape or np.max(np.abs(y - e)) > 1e-6 * max(1.0, np.ptp(e)):
            bad.append(f"{name}/expected.npy: ONNX Runtime's output changed")
    return bad


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=os.path.join(ROOT, "Formats", "fixtures"), help="output folder")
    ap.add_argument("--check", action="store_true",
                    help="build into a temporary folder and compare with --out instead of writing")
    args = ap.parse_args()
    target = tempfile.mkdtemp() if args.check else args.out
    for name, build in fixtures().items():
        build(os.path.join(target, name))
    if not args.check:
        print(f"wrote {len(fixtures())} fixtures to {target}")
        return 0
    bad = []
    for name in fixtures():
        for file in sorted(os.listdir(os.path.join(target, name))):
            new, old = os.path.join(target, name, file), os.path.join(args.out, name, file)
            if not os.path.exists(old):
                bad.append(f"{name}/{file}: missing")
            elif file == "expected.npy":
                a, e = np.load(new), np.load(old)
                if a.shape != e.shape or np.max(np.abs(a - e)) > 1e-6 * max(1.0, np.ptp(e)):
                    bad.append(f"{name}/{file}: ONNX Runtime's output changed")
            elif open(new, "rb").read() != open(old, "rb").read():
                bad.append(f"{name}/{file}: bytes differ")
    shutil.rmtree(target)
    bad += check_zoo(args.out)
    print("\n".join(bad) if bad else f"all {len(fixtures()) + len(torch_zoo.ZOO_NAMES) + len(tf2onnx_zoo.NAMES)} fixtures are up to date")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
