#!/usr/bin/env python3
"""Kiln side by side with the runtimes people would otherwise use, on the same models and weights.

Reference models (random weights, built by Tools/onnx_fixtures.py at full size, written to --work):
  dcgan64  the PyTorch DCGAN example generator (nz 100, ngf 64), 64x64 RGB
  tf28     the TensorFlow DCGAN tutorial generator (256/128/64 channels), 28x28
  unet64   a pix2pix-style U-Net (ngf 64), 64x64 RGB to RGB
  pix2pix32  Kiln's own sketch-to-item U-Net (`kiln train --arch pix2pix32`, w 32), 32x32 gray to gray

Runtimes: ONNX Runtime (f32, and int8 QDQ from its static quantizer), ncnn (f32, through pnnx with f32 weights),
LiteRT (f32 and full-integer int8 .tflite files made by TensorFlow's converter from Keras rebuilds of
the same graphs, run by ai-edge-litert; see litert.py; skipped with a note when tensorflow-cpu or
ai-edge-litert is missing), Kiln (f32, fp16, int8 via `kiln convert` / `kiln quantize`, timed by
`kiln bench`). ncnn int8 is not run: ncnn cannot quantize Deconvolution (every generator here is
made of them).

The runtimes are interleaved (round robin, --rounds rounds of --block seconds each) for 1 and 2
threads and batch 1 and 16; the table gives the median per-image latency, the ratio to Kiln int8,
and each runtime's PSNR against ONNX Runtime f32 on the same inputs (range [-1, 1]). The Python
runtimes are timed call by call for a block; Kiln by one `kiln bench` per block whose run count
fills the block (from the round before; the first round guesses), and the median of its p50s.
`--runtimes litert-int8,kiln-int8` times only those, in more rounds for the same time (ONNX
Runtime f32 still gives the PSNR reference).

    pip install numpy onnx onnxruntime ncnn pnnx tensorflow-cpu ai-edge-litert
    swift build -c release
    python3 Benchmarks/anchors/run.py --write Benchmarks/RESULTS.md
"""

import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "Tools"))
sys.path.insert(0, os.path.join(ROOT, "Formats", "python"))
import onnx_fixtures  # noqa: E402

sys.path.insert(0, HERE)
try:
    import litert  # noqa: E402
    import ai_edge_litert  # noqa: F401,E402
    import tensorflow  # noqa: F401,E402
except ImportError as e:  # the rest runs without it
    print(f"note: LiteRT not run ({e}); pip install tensorflow-cpu ai-edge-litert", file=sys.stderr)
    litert = None

MODELS = {
    "dcgan64": (lambda d: onnx_fixtures.onnx_dcgan64(d, ngf=64), "latent", (100, 1, 1)),
    "tf28": (lambda d: onnx_fixtures.onnx_tf28(d, c=(256, 128, 64)), "latent", (100,)),
    "unet64": (lambda d: onnx_fixtures.onnx_unet64(d, ngf=64), "image", (3, 64, 64)),
    "pix2pix32": (lambda d: onnx_fixtures.onnx_pix2pix32(d, w=32), "image", (1, 32, 32)),
}
RUNTIMES = ["onnxruntime-f32", "onnxruntime-int8", "ncnn-f32", "litert-f32", "litert-int8", "kiln-f32", "kiln-fp16", "kiln-int8"]


def inputs(kind, shape, n, seed):
    rng = np.random.default_rng(seed)
    if kind == "latent":
        return rng.standard_normal((n, *shape)).astype(np.float32)
    return rng.uniform(-1, 1, (n, *shape)).astype(np.float32)


class ORT:
    def __init__(self, path, threads):
        import onnxruntime as ort
        o = ort.SessionOptions()
        o.intra_op_num_threads, o.inter_op_num_threads = threads, 1
        o.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        self.sess = ort.InferenceSession(path, o, providers=["CPUExecutionProvider"])
        self.name = self.sess.get_inputs()[0].name

    def run(self, x):
        return self.sess.run(None, {self.name: x})[0]


class NCNN:
    def __init__(self, param, weights, threads):
        import ncnn
        self.ncnn = ncnn
        self.net = ncnn.Net()
        self.net.opt.num_threads = threads
        # f32 throughout: ncnn's fp16 storage (on by default) rounds some weights to fp16 on x86 too
        # (TF-28: 73 dB against ORT f32 with it, 129 dB without; 1-3% faster with it, measured)
        self.net.opt.use_fp16_storage = self.net.opt.use_fp16_packed = self.net.opt.use_fp16_arithmetic = False
        self.net.load_param(param)
        self.net.load_model(weights)

    def run(self, x):
        out = []
        for sample in x:  # ncnn runs one sample per extractor
            ex = self.net.create_extractor()
            ex.input("in0", self.ncnn.Mat(np.ascontiguousarray(sample.reshape(sample.shape if sample.ndim > 1 else (-1,)))))
            _, y = ex.extract("out0")
            out.append(np.array(y))
        return np.stack(out)


def kiln(args, *rest):
    return subprocess.run([args.kiln, *rest], check=True, capture_output=True, text=True).stdout


def prepare(name, args):
    build, kind, shape = MODELS[name]
    d = os.path.join(args.work, name)
    if not os.path.exists(os.path.join(d, "model.onnx")):
        build(d)
    onnx_path = os.path.join(d, "model.onnx")
    files = {"kiln-f32": os.path.join(d, "model.kiln")}
    if not os.path.exists(files["kiln-f32"]):
        kiln(args, "convert", onnx_path, "-o", files["kiln-f32"], "--latent", "normal" if kind == "latent" else "none")
    cal = os.path.join(d, "calibration.npy")
    np.save(cal, inputs(kind, shape, 32, 7))
    for precision in ("fp16", "int8"):
        files[f"kiln-{precision}"] = os.path.join(d, f"model-{precision}.kiln")
        if not os.path.exists(files[f"kiln-{precision}"]):
            extra = [] if kind == "latent" or precision == "fp16" else ["--calibration-data", cal]
            kiln(args, "quantize", files["kiln-f32"], "--to", precision, "-o", files[f"kiln-{precision}"], *extra)
    qdq = os.path.join(d, "model-qdq.onnx")
    if not os.path.exists(qdq):
        from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static

        class Reader(CalibrationDataReader):
            def __init__(self):
                self.it = iter([{"input": x[None]} for x in np.load(cal)])

            def get_next(self):
                return next(self.it, None)

        quantize_static(onnx_path, qdq, Reader(), quant_format=QuantFormat.QDQ, per_channel=True,
                        weight_type=QuantType.QInt8, activation_type=QuantType.QInt8)
    if litert and not all(os.path.exists(litert.path(d, k, b)) for k in ("f32", "int8") for b in args.batch):
        litert.convert(onnx_path, np.load(cal), d, args.batch)
    # pnnx stores fp16 weights unless told fp16=0 (ncnn then computes in f32 with fp16-rounded
    # weights: 70-78 dB against ORT f32, like Kiln fp16, at the same speed); the f32 row is f32.
    ncnn_dir = os.path.join(d, "ncnn-f32")
    if not os.path.exists(os.path.join(ncnn_dir, "model.ncnn.param")):
        os.makedirs(ncnn_dir, exist_ok=True)
        dims = ",".join(str(v) for v in (1, *shape))
        shutil.copy(onnx_path, os.path.join(ncnn_dir, "model.onnx"))  # pnnx writes beside its input
        subprocess.run(["pnnx", "model.onnx", f"inputshape=[{dims}]", "fp16=0"], cwd=ncnn_dir, check=True, capture_output=True)
    return d, kind, shape, onnx_path, qdq, files


def kiln_output(args, file, x, d):
    xi, yo = os.path.join(d, "x.npy"), os.path.join(d, "y.npy")
    np.save(xi, x)
    kiln(args, "run", file, "-i", xi, "-o", yo)
    return np.load(yo)


def psnr(y, ref):
    mse = float(np.mean((y.astype(np.float64) - ref) ** 2))
    return float("inf") if mse == 0 else 10 * np.log10(4 / mse)


def measure(name, args):
    d, kind, shape, onnx_path, qdq, files = prepare(name, args)
    macs = json.loads(kiln(args, "bench", files["kiln-f32"], "--runs", "1", "--warmup", "0", "--json"))["macs_per_image"]
    rows = {}
    for threads in args.threads:
        for batch in args.batch:
            x = inputs(kind, shape, batch, 1)
            py = {"onnxruntime-f32": ORT(onnx_path, threads), "onnxruntime-int8": ORT(qdq, threads),
                  "ncnn-f32": NCNN(os.path.join(d, "ncnn-f32", "model.ncnn.param"), os.path.join(d, "ncnn-f32", "model.ncnn.bin"), threads)}
            if litert:
                for k in ("f32", "int8"):
                    py[f"litert-{k}"] = litert.LiteRT(d, k, threads, batch, len(shape) == 3)
            ref = py["onnxruntime-f32"].run(x).astype(np.float64)
            py = {k: rt for k, rt in py.items() if k in args.runtimes}
            timed_files = {k: f for k, f in files.items() if k in args.runtimes}
            times = {k: [] for k in list(py) + list(timed_files)}
            per_run = {}  # seconds per kiln run, from the round before: each runtime gets --block seconds
            for _ in range(args.rounds):
                for k, rt in py.items():
                    rt.run(x)
                    end = time.perf_counter() + args.block
                    while time.perf_counter() < end:
                        t = time.perf_counter()
                        rt.run(x)
                        times[k].append((time.perf_counter() - t) / batch)
                for k, f in timed_files.items():
                    runs = int(args.block / per_run[k]) if k in per_run else int(args.block * 1000 / max(1, batch) / 2)
                    per = json.loads(kiln(args, "bench", f, "--threads", str(threads), "--batch", str(batch),
                                          "--runs", str(max(3, runs)), "--warmup", "3", "--json"))
                    times[k].append(per["p50_ms"] / 1e3)
                    per_run[k] = per["p50_ms"] / 1e3 * batch
            quality = {k: psnr(rt.run(x), ref) for k, rt in py.items()}
            quality.update({k: psnr(kiln_output(args, f, x, d), ref) for k, f in timed_files.items()})
            for k in times:
                rows.setdefault(k, {})[(threads, batch)] = (statistics.median(times[k]) * 1e3, quality[k])
    return macs, rows


def table(name, macs, rows, configs):
    base = rows["kiln-int8"]
    head = "| runtime | " + " | ".join(f"{t} thr, batch {b}" for t, b in configs) + " | PSNR vs ORT f32 |"
    lines = [f"### {name} ({macs / 1e6:.1f} M MACs per image); median ms per image (ratio to Kiln int8)", "", head,
             "|" + "---|" * (len(configs) + 2)]
    for k, v in rows.items():
        cells = [f"{v[c][0]:.3f} ({v[c][0] / base[c][0]:.2f}x)" for c in configs]
        q = v[configs[0]][1]
        lines.append(f"| {k} | " + " | ".join(cells) + f" | {'inf' if q == float('inf') else f'{q:.1f} dB'} |")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 1)[1],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kiln", default=os.path.join(ROOT, ".build", "release", "kiln"))
    ap.add_argument("--work", default=os.path.join(tempfile.gettempdir(), "kiln-anchors"))
    ap.add_argument("--models", default=",".join(MODELS))
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--batch", default="1,16")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--block", type=float, default=0.3, help="seconds per runtime per round")
    ap.add_argument("--write", help="also write the tables to this Markdown file")
    ap.add_argument("--runtimes", default=",".join(RUNTIMES),
                    help="the runtimes to time, from " + ", ".join(RUNTIMES) + " (kiln-int8 always: the ratios are to it)")
    ap.add_argument("--fifo", action="store_true",
                    help="run under SCHED_FIFO priority 10 (as chrt -f 10; needs root): on a loaded machine a preempted "
                         "worker thread otherwise stalls every multi-threaded run for a scheduler tick")
    args = ap.parse_args()
    if args.fifo:
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(10))  # inherited by kiln bench
    args.threads = [int(v) for v in args.threads.split(",")]
    args.batch = [int(v) for v in args.batch.split(",")]
    args.runtimes = set(args.runtimes.split(",")) | {"kiln-int8"}
    unknown = args.runtimes - set(RUNTIMES)
    if unknown:
        ap.error(f"unknown runtime(s) {', '.join(sorted(unknown))}: choose from {', '.join(RUNTIMES)}")
    os.makedirs(args.work, exist_ok=True)
    configs = [(t, b) for t in args.threads for b in args.batch]
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
    import ncnn
    import onnxruntime
    if litert:
        import ai_edge_litert
        import tensorflow
    flags = next((l.split(":", 1)[1].split() for l in open("/proc/cpuinfo") if l.startswith("flags")), [])
    simd = " ".join(f for f in ("avx2", "fma", "avx512f", "avx512bw", "avx512_vnni", "avx_vnni") if f in flags)
    family = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("cpu family")), "?")
    out = [f"# Side-by-side results, {datetime.date.today()}", "",
           f"Machine: {cpu} (x86 family {family}; {simd}), {os.cpu_count()} cores, {platform.system()} {platform.release()}. onnxruntime {onnxruntime.__version__}, "
           f"ncnn {ncnn.__version__}, " + (f"ai-edge-litert {ai_edge_litert.__version__} (.tflite from TensorFlow {tensorflow.__version__}), " if litert else "")
           + f"Kiln {kiln(args, '--version').strip()} (release build). Command: "
           f"`python3 Benchmarks/anchors/run.py --rounds {args.rounds} --block {args.block}{' --fifo' if args.fifo else ''}"
           + ("" if args.runtimes == set(RUNTIMES) else f" --runtimes {','.join(r for r in RUNTIMES if r in args.runtimes)}") + "`"
           + (" (every runtime under SCHED_FIFO priority 10, as `chrt -f 10`)" if args.fifo else "") + ".", ""]
    for name in args.models.split(","):
        macs, rows = measure(name, args)
        out += [table(name, macs, rows, configs), ""]
        print(out[-2] + "\n", flush=True)
    if args.write:
        with open(args.write, "w") as f:
            f.write("\n".join(out))


if __name__ == "__main__":
    main()
