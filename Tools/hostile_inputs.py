#!/usr/bin/env python3
"""Runs kiln on files made to break it and reports, for each, the exit status, the wall time and
the peak resident memory (GNU time, package `time`), and the first line of the message.

    python3 Tools/hostile_inputs.py [--kiln .build/release/kiln] [--max-seconds 1] [--max-mb 50]

Every case must end with status 1 (an error, not a signal and not a success) within the limits;
the script exits 1 if one does not. The cases are the reproducers of the hostile-input review:
sizes that overflow (a generator input of 2^31 x 2^31 x 2^31 values, IDX dimensions of 2^32 - 1,
ONNX Reshape shapes whose product leaves Int64 or that hold NaN or 1e30), plans over the memory
limit (a ConvTranspose with strides [2, 131072], a 2^30-value input), a FIFO and a folder given as
a model, a 65-byte PNG that claims 16384 x 16384 pixels, latent.dim 2^62, a bad .npy header.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "Formats", "python"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kiln  # noqa: E402
from fuzz_seeds import png  # noqa: E402


def kiln_model(path, inputs, nodes, tensors=(), metadata=None):
    m = kiln.Model(metadata=metadata or {}, inputs=inputs, outputs=[nodes[-1].outputs[0]], nodes=nodes)
    for name, array in tensors:
        m.add_tensor(name, array)
    kiln.save(m, path)
    return path


def onnx_reshape(path, shape):
    """x [1, 4] -> Reshape(x, shape) -> y, with the shape an initializer (int64 or float)."""
    graph = helper.make_graph([helper.make_node("Reshape", ["x", "shape"], ["y"])], "g",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
                              [numpy_helper.from_array(np.array(shape), "shape")])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), path)
    return path


def idx_folder(folder):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "train-images-idx3-ubyte"), "wb") as f:
        f.write(bytes([0, 0, 8, 3]) + b"\xff\xff\xff\xff" * 3)
    with open(os.path.join(folder, "train-labels-idx1-ubyte"), "wb") as f:
        f.write(bytes([0, 0, 8, 1]) + b"\xff\xff\xff\xff")
    return folder


def cases(d):
    relu = [kiln.Node("ReLU", "r", ["z"], ["y"])]
    overflow = kiln_model(f"{d}/overflow.kiln", [("z", 1, [1 << 31] * 3)], relu, metadata={"latent.dim": 100})
    big = kiln_model(f"{d}/big-input.kiln", [("x", 1, [1 << 30])], [kiln.Node("ReLU", "r", ["x"], ["y"])])
    stride = kiln_model(f"{d}/stride.kiln", [("x", 1, [4, 2, 64])],
                        [kiln.Node("ConvTranspose2d", "ct", ["x", "w"], ["y"], {"strides": kiln.Ints([2, 131072])})],
                        tensors=[("w", np.ones((4, 16, 1, 1), np.float32))], metadata={"latent.dim": 512})
    bigdim = kiln_model(f"{d}/bigdim.kiln", [("z", 1, [8])], relu, metadata={"latent.dim": 1 << 62})
    x = f"{d}/x.npy"
    np.save(x, np.zeros((1, 4, 2, 64), np.float32))
    bad_npy = f"{d}/bad.npy"
    header = b"{'descr': '<f4', 'fortran_order': False, }"
    header += b" " * (64 - 10 - len(header) - 1) + b"\n"
    with open(bad_npy, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header)
    os.makedirs(f"{d}/png/huge", exist_ok=True)
    with open(f"{d}/png/huge/huge.png", "wb") as f:
        f.write(png(16384, 16384, 8, 0, []))  # IHDR, an empty IDAT, IEND: 65 bytes
    fifo = f"{d}/pipe.kiln"
    os.mkfifo(fifo)
    relu_fixture = os.path.join(ROOT, "Formats", "fixtures", "act_relu", "model.kiln")
    out = f"{d}/out"
    return [
        ("generator input 2^31 x 2^31 x 2^31: sample", ["sample", overflow, "--out", out + ".npy"]),
        ("generator input 2^31 x 2^31 x 2^31: generate", ["generate", overflow, "--out", out + ".png"]),
        ("IDX dimensions 2^32 - 1: train", ["train", "--dataset", "fashion-mnist", "--data", idx_folder(f"{d}/idx"),
                                           "--output", out + ".kiln"]),
        ("ONNX Reshape to [2^40, 2^40]: convert", ["convert", onnx_reshape(f"{d}/r1.onnx", [1 << 40, 1 << 40]), "-o", out]),
        ("ONNX Reshape to a float NaN: convert", ["convert", onnx_reshape(f"{d}/r2.onnx", np.array([np.nan, 4], np.float32)),
                                                 "-o", out]),
        ("ONNX Reshape to a float 1e30: convert", ["convert", onnx_reshape(f"{d}/r3.onnx", np.array([1e30, 4], np.float32)),
                                                  "-o", out]),
        ("ConvTranspose strides [2, 131072]: inspect", ["inspect", stride]),
        ("ConvTranspose strides [2, 131072]: run", ["run", stride, "-i", x, "-o", out + ".npy"]),
        ("ConvTranspose strides [2, 131072]: generate", ["generate", stride, "--out", out + ".png"]),
        ("input of 2^30 values (4 GiB arena): inspect", ["inspect", big]),
        ("input of 2^30 values (4 GiB arena): bench", ["bench", big, "--runs", "1"]),
        ("a FIFO as a model: inspect", ["inspect", fifo]),
        ("a folder as a model: inspect", ["inspect", d]),
        ("a 65-byte PNG of 16384 x 16384: train", ["train", "--dataset", "png", "--data", f"{d}/png", "--output", out + ".kiln"]),
        ("latent.dim 2^62: generate", ["generate", bigdim, "--out", out + ".png"]),
        ("an .npy header without 'shape': run", ["run", relu_fixture, "-i", bad_npy, "-o", out + ".npy"]),
    ]


def measure(binary, args):
    """Status, seconds, peak RSS in MB (GNU time's: a child of this Python would inherit its peak)."""
    report = tempfile.NamedTemporaryFile("r", suffix=".time")
    start = time.monotonic()
    p = subprocess.run(["/usr/bin/time", "-q", "-f", "%x %M", "-o", report.name, binary] + args,
                       capture_output=True, stdin=subprocess.DEVNULL, text=True, errors="replace")
    seconds = time.monotonic() - start
    fields = report.read().split()
    code = p.returncode if len(fields) != 2 else int(fields[0])
    message = (p.stderr.strip() or p.stdout.strip()).splitlines()
    return code, seconds, int(fields[-1]) / 1024, message[0] if message else ""


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kiln", default=os.path.join(ROOT, ".build", "release", "kiln"))
    ap.add_argument("--max-seconds", type=float, default=1.0)
    ap.add_argument("--max-mb", type=float, default=50.0)
    args = ap.parse_args()
    failed, total = 0, 0
    print(f"{'case':48} {'status':>6} {'s':>6} {'MB':>6}  message")
    with tempfile.TemporaryDirectory() as d:
        for name, argv in cases(d):
            code, seconds, mb, message = measure(args.kiln, argv)
            ok = code == 1 and seconds <= args.max_seconds and mb <= args.max_mb
            failed, total = failed + (not ok), total + 1
            print(f"{name:48} {code:>6} {seconds:6.2f} {mb:6.1f}  {'' if ok else 'FAIL '}{message}")
    print(f"{failed} of {total} failed" if failed else f"all {total} ended with status 1 within the limits")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
