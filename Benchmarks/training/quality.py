#!/usr/bin/env python3
"""Kiln's and PyTorch's dcgan28 recipe at equal epochs, judged by the same classifier.

For each seed, `kiln train` and the PyTorch recipe of run.py (the same layers, initialization,
Adam settings, losses and step order, on all 60,000 Fashion-MNIST training images in a shuffled
order per epoch, batch 64) train for --epochs epochs. After each epoch the generator is judged by
`kiln eval --classifier` (the Fréchet distance between the classifier's features of --samples
generated images and of the test split; lower is better): Kiln's exported generator (the EMA of
its weights, what `kiln train` writes), and PyTorch's generator in eval mode, exported to ONNX
and converted by `kiln convert`, so both are judged by the same program from the same seeds.
Kiln continues each epoch with --resume, which gives the uninterrupted run's weights.

Kiln and PyTorch runs go side by side, --jobs at a time, each with --threads threads (speed
does not matter here).

    /opt/torch-venv/bin/python Benchmarks/training/quality.py --seeds 1 2 3 --epochs 5 --write FILE
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run import dcgan_step, fashion, torch_models  # noqa: E402

CLASSIFIER = "Formats/models/fashion-classifier.kiln"


def judge(kiln, model, samples):
    """The Fréchet distance `kiln eval` prints for a generator."""
    run = subprocess.run([kiln, "eval", model, "--classifier", CLASSIFIER, "--samples", str(samples), "--threads", "1"],
                         capture_output=True, text=True)
    match = re.search(r"Fréchet distance, generated vs test\s+([0-9.]+)", run.stdout)
    if run.returncode != 0 or not match:
        sys.exit(f"kiln eval {model} failed:\n{run.stderr[-2000:]}")
    return float(match.group(1))


def kiln_seed(kiln, seed, epochs, threads, samples, work):
    out = os.path.join(work, f"kiln-{seed}")
    distances = []
    for epoch in range(1, epochs + 1):
        model = os.path.join(out, f"epoch-{epoch}.kiln")
        run = subprocess.run([kiln, "train", "--epochs", str(epoch), "--seed", str(seed), "--threads", str(threads),
                              "--out-dir", out, "--output", model] + (["--resume"] if epoch > 1 else []),
                             capture_output=True, text=True)
        if run.returncode != 0:
            sys.exit(f"kiln train failed:\n{run.stderr[-2000:]}")
        distances.append(judge(kiln, model, samples))
    return distances


def torch_seed(kiln, seed, epochs, threads, samples, work):
    import torch
    import torch.nn as nn
    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    images = torch.from_numpy(fashion(60000, 0))
    g, d = torch_models("dcgan28")
    opt_g = torch.optim.Adam(g.parameters(), 2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(d.parameters(), 2e-4, betas=(0.5, 0.999))
    bs = 64

    class Latent(nn.Module):  # z [N, 100] -> the generator's [N, 100, 1, 1], as Kiln's models take it
        def __init__(self, g):
            super().__init__()
            self.g = g

        def forward(self, z):
            return self.g(z.view(-1, 100, 1, 1))

    distances = []
    for epoch in range(1, epochs + 1):
        g.train()
        d.train()
        order = torch.randperm(len(images))
        for s in range(len(images) // bs):
            dcgan_step(g, d, opt_g, opt_d, images[order[s * bs:(s + 1) * bs]])
        g.eval()
        onnx = os.path.join(work, f"torch-{seed}-{epoch}.onnx")
        model = onnx[:-5] + ".kiln"
        torch.onnx.export(Latent(g), torch.randn(1, 100), onnx, input_names=["z"], output_names=["image"],
                          dynamic_axes={"z": {0: "n"}, "image": {0: "n"}}, opset_version=17, dynamo=False)
        run = subprocess.run([kiln, "convert", onnx, "--output", model], capture_output=True, text=True)
        if run.returncode != 0:
            sys.exit(f"kiln convert failed:\n{run.stderr[-2000:]}")
        distances.append(judge(kiln, model, samples))
    return distances


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--seeds", nargs="+", type=int, default=[1, 2, 3])
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--samples", type=int, default=5000, help="generated images per judgement (default 5000)")
    p.add_argument("--threads", type=int, default=1, help="threads per training run (default 1)")
    p.add_argument("--jobs", type=int, default=2, help="runs side by side (default 2)")
    p.add_argument("--kiln", default=".build/release/kiln")
    p.add_argument("--write", help="also write the table to this Markdown file")
    a = p.parse_args()
    import torch
    with tempfile.TemporaryDirectory() as work, ProcessPoolExecutor(a.jobs) as pool:
        jobs = {(who, seed): pool.submit(kiln_seed if who == "Kiln" else torch_seed, a.kiln, seed, a.epochs, a.threads, a.samples, work)
                for seed in a.seeds for who in ("Kiln", "PyTorch")}
        fd = {key: job.result() for key, job in jobs.items()}
    lines = [f"PyTorch {torch.__version__}, dcgan28, batch 64, {a.samples} samples per judgement, seeds {a.seeds}",
             "", "Fréchet distance after each epoch (lower is better): each seed, and the mean",
             "", "| epoch | Kiln | Kiln mean | PyTorch | PyTorch mean | Kiln / PyTorch |", "|---|---|---|---|---|---|"]
    for e in range(a.epochs):
        k = [fd[("Kiln", s)][e] for s in a.seeds]
        t = [fd[("PyTorch", s)][e] for s in a.seeds]
        lines.append(f"| {e + 1} | {' / '.join(f'{v:.2f}' for v in k)} | {statistics.mean(k):.2f} | "
                     f"{' / '.join(f'{v:.2f}' for v in t)} | {statistics.mean(t):.2f} | {statistics.mean(k) / statistics.mean(t):.2f} |")
    print("\n".join(lines))
    if a.write:
        with open(a.write, "w") as f:
            f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
