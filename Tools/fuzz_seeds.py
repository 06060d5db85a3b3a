#!/usr/bin/env python3
"""Writes the fuzz targets' seed corpora (Tests/Fuzz/Corpus): small valid files of every kind.

    python3 Tools/fuzz_seeds.py [--kiln .build/release/kiln]

Seeds are small on purpose: libFuzzer's speed falls with the input size (a 117 KB ONNX export ran
at about 250 executions per second, the tiny graphs here at several thousand). ONNX seeds are tiny
generators built node by node as exporters write them (Tools/onnx_fixtures.py's Export) and checked
by ONNX Runtime; .kiln seeds are the fixtures under 25 KB plus, with --kiln, the small dcgan64
fixture quantized to int8, fp16 and mixed; PNG, IDX and NPY seeds cover the formats' variants
(bit depths, color types, ranks, dtypes, header versions).
"""

import argparse
import glob
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

import numpy as np
from onnx import TensorProto, helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from onnx_fixtures import Export, batch_input  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "Tests", "Fuzz", "Corpus")


def tiny_dcgan(d):
    """ConvTranspose k4 from 1x1, BatchNorm, ReLU, ConvTranspose k4 s2, Tanh (opset 17)."""
    e = Export("tiny_dcgan", 1, 17)
    h = e.op("ConvTranspose", ["input", e.weight("c0.weight", (4, 3, 4, 4))], "c0", kernel_shape=[4, 4], strides=[1, 1])
    h = e.op("Relu", [e.bn(h, 3, "bn0")], "act0")
    h = e.op("ConvTranspose", [h, e.weight("c1.weight", (3, 1, 4, 4))], "c1", kernel_shape=[4, 4], pads=[1, 1, 1, 1],
             strides=[2, 2])
    out = e.op("Tanh", [h], "tanh")
    e.finish([batch_input("input", (4, 1, 1))], out, (1, 8, 8), e.rng.standard_normal((1, 4, 1, 1)).astype(np.float32), d)


def tiny_tf(d):
    """Gemm, BatchNorm1d, LeakyReLU, view() with torch's shape arithmetic, ConvTranspose with
    output_padding, Sigmoid; weights in typed fields (opset 13)."""
    e = Export("tiny_tf", 2, 13)
    h = e.op("Gemm", ["input", e.weight("fc.weight", (2 * 9, 6), typed=True)], "fc", transB=1)
    h = e.op("LeakyRelu", [e.bn(h, 18, "bn0", typed=True)], "act0", alpha=0.3)
    h = e.reshape_like_torch(h, (2, 3, 3), "view")
    h = e.op("ConvTranspose", [h, e.weight("ct.weight", (2, 1, 3, 3), typed=True)], "ct", kernel_shape=[3, 3],
             pads=[1, 1, 1, 1], strides=[2, 2], output_padding=[1, 1])
    out = e.op("Sigmoid", [h], "sigmoid")
    e.finish([batch_input("input", (6,))], out, (1, 6, 6), e.rng.standard_normal((2, 6)).astype(np.float32), d)


def tiny_unet(d):
    """Conv k4 s2 down, LeakyReLU, ConvTranspose up, BatchNorm, Dropout, Concat skip, Tanh (opset 15)."""
    e = Export("tiny_unet", 3, 15)
    d0 = e.op("Conv", ["input", e.weight("d0.weight", (2, 1, 4, 4)), e.tensor("d0.bias", np.zeros(2, np.float32))], "d0",
              kernel_shape=[4, 4], pads=[1, 1, 1, 1], strides=[2, 2])
    h = e.op("Conv", [e.op("LeakyRelu", [d0], "a0", alpha=0.2), e.weight("d1.weight", (2, 2, 4, 4))], "d1",
             kernel_shape=[4, 4], pads=[1, 1, 1, 1], strides=[2, 2])
    h = e.op("ConvTranspose", [e.op("Relu", [h], "a1"), e.weight("u0.weight", (2, 2, 4, 4))], "u0", kernel_shape=[4, 4],
             pads=[1, 1, 1, 1], strides=[2, 2])
    h = e.op("Dropout", [e.bn(h, 2, "u0.bn"), e.constant(np.array(0.5, np.float32), "ratio")], "drop")
    h = e.op("Concat", [h, d0], "cat", axis=1)
    h = e.op("ConvTranspose", [e.op("Relu", [h], "a2"), e.weight("u1.weight", (4, 1, 4, 4))], "u1", kernel_shape=[4, 4],
             pads=[1, 1, 1, 1], strides=[2, 2])
    out = e.op("Tanh", [h], "tanh")
    e.finish([batch_input("input", (1, 8, 8))], out, (1, 8, 8), e.rng.uniform(-1, 1, (1, 1, 8, 8)).astype(np.float32), d)


def tiny_upsample(d):
    """MatMul + Add, Reshape to a constant shape, nearest Resize, Conv, InstanceNorm, Unsqueeze /
    Squeeze, Flatten-free Tanh (opset 11)."""
    e = Export("tiny_upsample", 4, 11)
    h = e.op("Add", [e.op("MatMul", ["input", e.weight("fc.w", (4, 8))], "mm"), e.tensor("fc.b", np.zeros(8, np.float32))], "add")
    h = e.op("Reshape", [h, e.constant(np.array([-1, 2, 2, 2], np.int64), "shape")], "view")
    h = e.op("Resize", [h, e.constant(np.array([], np.float32), "roi"), e.constant(np.array([1, 1, 2, 2], np.float32), "scales")],
             "up", mode="nearest", coordinate_transformation_mode="asymmetric", nearest_mode="floor")
    h = e.op("Conv", [h, e.weight("conv.weight", (2, 2, 3, 3))], "conv", kernel_shape=[3, 3], pads=[1, 1, 1, 1])
    h = e.op("InstanceNormalization", [h, e.tensor("in.scale", np.ones(2, np.float32)), e.tensor("in.bias", np.zeros(2, np.float32))],
             "in", epsilon=1e-5)
    h = e.op("Squeeze", [e.op("Unsqueeze", [h], "unsq", axes=[1])], "sq", axes=[1])
    out = e.op("Tanh", [h], "tanh")
    e.finish([batch_input("input", (4,))], out, (2, 4, 4), e.rng.standard_normal((2, 4)).astype(np.float32), d)


def tiny_cgan(d):
    """Embedding (Gather by int64 labels) concatenated to z, Gemm, ReLU, view, ConvTranspose, Tanh (opset 18)."""
    e = Export("tiny_cgan", 5, 18)
    emb = e.op("Gather", [e.weight("embed.weight", (3, 2)), "label"], "embed", axis=0)
    h = e.op("Concat", ["z", emb], "cat", axis=1)
    h = e.op("Gemm", [h, e.weight("fc.weight", (2 * 4, 6)), e.tensor("fc.bias", np.zeros(8, np.float32))], "fc", transB=1)
    h = e.reshape_like_torch(e.op("Relu", [h], "act"), (2, 2, 2), "view")
    h = e.op("ConvTranspose", [h, e.weight("up.weight", (2, 1, 4, 4))], "up", kernel_shape=[4, 4], pads=[1, 1, 1, 1], strides=[2, 2])
    out = e.op("Tanh", [h], "tanh")
    labels = helper.make_tensor_value_info("label", TensorProto.INT64, ["batch_size"])
    feed = {"z": e.rng.standard_normal((2, 4)).astype(np.float32), "label": np.array([2, 0], np.int64)}
    e.finish([batch_input("z", (4,)), labels], out, (1, 4, 4), feed, d)


def onnx_seeds(out):
    with tempfile.TemporaryDirectory() as tmp:
        for make in (tiny_dcgan, tiny_tf, tiny_unet, tiny_upsample, tiny_cgan):
            folder = os.path.join(tmp, make.__name__)
            make(folder)
            shutil.copy(os.path.join(folder, "model.onnx"), os.path.join(out, make.__name__ + ".onnx"))


def png(width, height, bit_depth, color_type, rows, palette=None):
    """A PNG with filter type 0 on every row; rows are bytes already packed at bit_depth."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    body = chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0))
    if palette:
        body += chunk(b"PLTE", bytes(palette))
    body += chunk(b"IDAT", zlib.compress(b"".join(b"\x00" + r for r in rows)))
    return b"\x89PNG\r\n\x1a\n" + body + chunk(b"IEND", b"")


def png_seeds(out):
    seeds = {
        "gray1x1.png": png(1, 1, 8, 0, [b"\x80"]),
        "gray4-3x3.png": png(3, 3, 4, 0, [b"\x0f\x30", b"\xf0\x00", b"\x5a\x50"]),
        "gray16-2x1.png": png(2, 1, 16, 0, [b"\x12\x34\xff\xff"]),
        "rgb3x2.png": png(3, 2, 8, 2, [bytes(range(9)), bytes(range(100, 109))]),
        "rgba2x2.png": png(2, 2, 8, 6, [bytes(range(8)), bytes(range(200, 208))]),
        "palette2x2.png": png(2, 2, 8, 3, [b"\x00\x01", b"\x01\x00"], palette=[0, 0, 0, 255, 128, 0]),
    }
    for name, data in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


def idx_seeds(out):
    def idx(dtype_code, dims, payload):
        return struct.pack(">BBBB", 0, 0, dtype_code, len(dims)) + b"".join(struct.pack(">I", n) for n in dims) + payload
    seeds = {"images.idx": idx(8, (2, 3, 4), bytes(range(24))), "labels.idx": idx(8, (5,), bytes([0, 1, 2, 9, 4])),
             "one.idx": idx(8, (1, 1, 1), b"\xff")}
    for name, data in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


def npy_seeds(out):
    arrays = {"f32": np.arange(6, dtype="<f4").reshape(2, 3), "f64": np.linspace(-1, 1, 5),
              "i32": np.array([3, 0, 9], "<i4"), "i64": np.arange(4, dtype="<i8").reshape(2, 2),
              "scalar": np.array(1.5, "<f4"), "empty": np.zeros((0, 4), "<f4"),
              "fortran": np.asfortranarray(np.arange(6, dtype="<f4").reshape(2, 3))}
    for name, a in arrays.items():
        np.save(os.path.join(out, name + ".npy"), a)
    with open(os.path.join(out, "v2.npy"), "wb") as f:  # header version 2.0 (4-byte header length)
        np.lib.format.write_array(f, np.ones((1, 2, 2), "<f4"), version=(2, 0))


def kiln_seeds(out, kiln):
    for path in sorted(glob.glob(os.path.join(ROOT, "Formats", "fixtures", "*", "model.kiln"))):
        if os.path.getsize(path) <= 25_000:
            shutil.copy(path, os.path.join(out, os.path.basename(os.path.dirname(path)) + ".kiln"))
    if kiln:
        source = os.path.join(ROOT, "Formats", "fixtures", "dcgan64", "model.kiln")
        for precision in ("int8", "fp16", "mixed"):
            subprocess.run([kiln, "quantize", source, "--to", precision, "-o", os.path.join(out, f"dcgan64-{precision}.kiln")],
                           check=True, stdout=subprocess.DEVNULL)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kiln", help="a kiln binary, to quantize the dcgan64 fixture for three more .kiln seeds")
    args = ap.parse_args()
    for target, make in (("onnx", onnx_seeds), ("png", png_seeds), ("idx", idx_seeds), ("npy", npy_seeds)):
        out = os.path.join(CORPUS, target)
        shutil.rmtree(out, ignore_errors=True)
        os.makedirs(out)
        make(out)
    out = os.path.join(CORPUS, "kiln-model")
    for old in glob.glob(os.path.join(out, "*.kiln")):
        if args.kiln or not os.path.basename(old).startswith("dcgan64-"):
            os.remove(old)
    kiln_seeds(out, args.kiln)
    for target in sorted(os.listdir(CORPUS)):
        files = glob.glob(os.path.join(CORPUS, target, "*"))
        print(f"{target}: {len(files)} seeds, {sum(os.path.getsize(f) for f in files)} bytes")


if __name__ == "__main__":
    main()
