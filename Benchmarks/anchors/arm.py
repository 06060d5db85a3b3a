#!/usr/bin/env python3
"""ARM, estimated: Kiln against LiteRT on a Raspberry Pi 4 (Cortex-A72), a Pi 5 (Cortex-A76) and an
AVX2 board (Haswell), from instruction profiles under qemu turned into cycles by llvm-mca
(Tools/arm64/profile.sh), since no board is at hand. One thread, batch 1.

Models: the three reference models of run.py (dcgan64, tf28, unet64), Kiln int8 and f32 against
LiteRT int8 and f32 (the .tflite files of litert.py: needs tensorflow-cpu here), and every model
shipped in Formats/models (Kiln only).

    Tools/arm64/build.sh --no-tests && Tools/arm64/litert_root.sh    # as root, once
    pip install numpy onnx tensorflow-cpu ai-edge-litert
    swift build -c release
    python3 Benchmarks/anchors/arm.py --write Benchmarks/anchors/ARM.md
"""

import argparse
import datetime
import glob
import json
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import run  # noqa: E402  (the reference models and their inputs)
import litert  # noqa: E402

CORES = {"cortex-a72": "Pi 4 (A72, 1.8 GHz)", "cortex-a76": "Pi 5 (A76, 2.4 GHz)", "haswell": "AVX2 (Haswell, 3.0 GHz)"}


def prepare(name, work, kiln):
    """The reference model's Kiln f32 and int8 files and LiteRT f32 and int8 files (batch 1)."""
    build, kind, shape = run.MODELS[name]
    d = os.path.join(work, name)
    onnx_path = os.path.join(d, "model.onnx")
    if not os.path.exists(onnx_path):
        build(d)
    cal = os.path.join(d, "calibration.npy")
    if not os.path.exists(cal):
        np.save(cal, run.inputs(kind, shape, 32, 7))
    f32, int8 = os.path.join(d, "model.kiln"), os.path.join(d, "model-int8.kiln")
    if not os.path.exists(f32):
        subprocess.run([kiln, "convert", onnx_path, "-o", f32, "--latent", "normal" if kind == "latent" else "none"], check=True)
    if not os.path.exists(int8):
        extra = [] if kind == "latent" else ["--calibration-data", cal]
        subprocess.run([kiln, "quantize", f32, "--to", "int8", "-o", int8, *extra], check=True)
    if not all(os.path.exists(litert.path(d, k, 1)) for k in ("f32", "int8")):
        litert.convert(onnx_path, np.load(cal), d, [1])
    return {"kiln-int8": int8, "kiln-f32": f32, "litert-int8": litert.path(d, "int8", 1), "litert-f32": litert.path(d, "f32", 1)}


def profile(path, core, macs=None):
    cmd = [os.path.join(ROOT, "Tools", "arm64", "profile.sh"), path, "--cpu", core, "--json"]
    if path.endswith(".tflite"):
        cmd += ["--litert"] + (["--macs", str(macs)] if macs else [])
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed: {out.stderr.strip()}")
    return json.loads(out.stdout)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--kiln", default=os.path.join(ROOT, ".build", "release", "kiln"))
    ap.add_argument("--work", default=os.path.join(tempfile.gettempdir(), "kiln-anchors"))
    ap.add_argument("--cores", default=",".join(CORES))
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="profiles run at once")
    ap.add_argument("--write", help="also write the tables to this Markdown file")
    a = ap.parse_args()
    cores = a.cores.split(",")
    anchors = {name: prepare(name, a.work, a.kiln) for name in run.MODELS}
    shipped = sorted(glob.glob(os.path.join(ROOT, "Formats", "models", "*.kiln")))

    # Kiln first (it knows the MAC counts), then LiteRT with the same counts.
    jobs = [(f, c) for files in anchors.values() for k, f in files.items() if k.startswith("kiln") for c in cores]
    jobs += [(f, c) for f in shipped for c in cores]
    with ThreadPoolExecutor(a.jobs) as pool:
        results = dict(zip(jobs, pool.map(lambda j: profile(*j), jobs)))
        macs = {name: results[(files["kiln-f32"], cores[0])]["macs"] for name, files in anchors.items()}
        lite = [(f, c, macs[name]) for name, files in anchors.items() for k, f in files.items() if k.startswith("litert") for c in cores]
        results.update(zip([(f, c) for f, c, _ in lite], pool.map(lambda j: profile(*j), lite)))

    def cell(r):
        return f"{r['instructions'] / 1e6:.1f} M / {r['estimated_ms']:.2f} ms"

    lines = ["## ARM, estimated", "",
             f"{datetime.date.today()}: instructions per inference counted under qemu 7.2 (TCG plugin), "
             "cycles from llvm-mca 19 per hot block (Cortex-A72 model for the Pi 4, Neoverse N1 for the "
             "Pi 5's A76, Haswell), at the boards' clocks; 1 thread, batch 1. Estimates, not timings: "
             "caches, memory bandwidth and branch mispredictions are not seen (Tools/arm64/profiler/README.md). "
             "Ratio: Kiln's estimated ms over LiteRT's (below 1: Kiln faster).", "",
             "| model | board | Kiln int8 | LiteRT int8 | ratio | Kiln f32 | LiteRT f32 | ratio |",
             "|---|---|---|---|---|---|---|---|"]
    for name, files in anchors.items():
        for c in cores:
            r = {k: results[(f, c)] for k, f in files.items()}
            lines.append(f"| {name} | {CORES[c]} | {cell(r['kiln-int8'])} | {cell(r['litert-int8'])} | "
                         f"{r['kiln-int8']['estimated_ms'] / r['litert-int8']['estimated_ms']:.2f} | "
                         f"{cell(r['kiln-f32'])} | {cell(r['litert-f32'])} | "
                         f"{r['kiln-f32']['estimated_ms'] / r['litert-f32']['estimated_ms']:.2f} |")
    lines += ["", "Instructions per MAC (Kiln / LiteRT): " + "; ".join(
        f"{name} {c} int8 {results[(files['kiln-int8'], c)]['instructions_per_mac']:.3f} / "
        f"{results[(files['litert-int8'], c)]['instructions_per_mac']:.3f}, f32 "
        f"{results[(files['kiln-f32'], c)]['instructions_per_mac']:.3f} / "
        f"{results[(files['litert-f32'], c)]['instructions_per_mac']:.3f}"
        for name, files in anchors.items() for c in cores), "",
        "### Shipped models (Kiln), estimated ms per image", "",
        "| model | " + " | ".join(CORES[c] for c in cores) + " | instructions / MAC |",
        "|---|" + "---|" * (len(cores) + 1)]
    for f in shipped:
        rs = [results[(f, c)] for c in cores]
        lines.append(f"| {os.path.basename(f)} | " + " | ".join(f"{r['estimated_ms']:.2f}" for r in rs) + " | "
                     + " / ".join(f"{r['instructions_per_mac']:.3f}" for r in rs) + " |")
    lines += ["", "Made by `python3 Benchmarks/anchors/arm.py --write Benchmarks/anchors/ARM.md`."]
    text = "\n".join(lines) + "\n"
    print(text)
    if a.write:
        with open(a.write, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
