#!/usr/bin/env python3
"""`kiln train` side by side with PyTorch on the same recipe, batch, thread count and steps.

Both train from Fashion-MNIST for --steps steps of batch 64 and report images per second over the
steps alone (data loading excluded). PyTorch runs the recipe in a plain training loop, written
here layer for layer as Kiln's trainer builds it:

  dcgan28    G: ConvT(100->256, k7) BN ReLU, ConvT(256->128, k4 s2 p1) BN ReLU, ConvT(128->1) Tanh;
             D: Conv(1->64, k4 s2 p1) LReLU, Conv(64->128) BN LReLU, Conv(128->1, k7); BCE with
             logits; per step D on a real and a fake batch, then G through the updated D (three D
             forwards, as Kiln). Kiln also updates an EMA of G's weights each step; PyTorch does not.
  pix2pix32  U-Net G (w 32, Conv k4 s2 down to 1x1, ConvT up, skips by concatenation, dropout 0.5 in
             the two innermost up blocks, Tanh) and PatchGAN D (w 64) on (sketch, image) pairs; BCE
             with logits (D's loss halved) + 100 x L1. The sketches are thresholded images here (the
             speed does not depend on their values); Kiln draws them with its edge detector.

Adam 2e-4, betas (0.5, 0.999), weights N(0, 0.02), both. Rounds are interleaved (Kiln, PyTorch,
Kiln, ...), each run in a fresh process; the table gives each round's images/s and the median
ratio Kiln / PyTorch.

    python3 -m venv --system-site-packages /opt/torch-venv
    /opt/torch-venv/bin/pip install torch --index-url https://download.pytorch.org/whl/cpu
    swift build -c release
    /opt/torch-venv/bin/python Benchmarks/training/run.py --arch dcgan28 pix2pix32 --threads 1 2 --rounds 3
"""

import argparse
import gzip
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

IDX = "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"


def fashion(count, pad):
    """The first `count` training images as float32 [N, 1, H, W] in [-1, 1], padded by `pad` with -1."""
    import numpy as np
    with gzip.open(IDX) as f:
        raw = np.frombuffer(f.read(), dtype=np.uint8, offset=16).reshape(-1, 28, 28)[:count]
    x = raw.astype(np.float32) / 127.5 - 1
    return np.pad(x, ((0, 0), (pad, pad), (pad, pad)), constant_values=-1)[:, None]


def torch_models(arch):
    import torch.nn as nn

    def init(m):
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
            nn.init.normal_(m.weight, 0, 0.02)
            if m.bias is not None:
                nn.init.zeros_(m.bias)

    if arch == "dcgan28":
        g = nn.Sequential(
            nn.ConvTranspose2d(100, 256, 7, bias=False), nn.BatchNorm2d(256), nn.ReLU(),
            nn.ConvTranspose2d(256, 128, 4, 2, 1, bias=False), nn.BatchNorm2d(128), nn.ReLU(),
            nn.ConvTranspose2d(128, 1, 4, 2, 1), nn.Tanh())
        d = nn.Sequential(
            nn.Conv2d(1, 64, 4, 2, 1), nn.LeakyReLU(0.2),
            nn.Conv2d(64, 128, 4, 2, 1, bias=False), nn.BatchNorm2d(128), nn.LeakyReLU(0.2),
            nn.Conv2d(128, 1, 7))
    else:
        g = UNet(nn, 32)
        d = nn.Sequential(
            nn.Conv2d(2, 64, 4, 2, 1), nn.LeakyReLU(0.2),
            nn.Conv2d(64, 128, 4, 2, 1, bias=False), nn.BatchNorm2d(128), nn.LeakyReLU(0.2),
            nn.Conv2d(128, 1, 4, 1, 1))
    g.apply(init)
    d.apply(init)
    return g, d


def UNet(nn, w):
    import torch

    def down(i, o, bn, act):
        layers = [nn.Conv2d(i, o, 4, 2, 1, bias=not bn)] + ([nn.BatchNorm2d(o)] if bn else []) + [act]
        return nn.Sequential(*layers)

    def up(i, o, dropout):
        layers = [nn.ConvTranspose2d(i, o, 4, 2, 1, bias=False), nn.BatchNorm2d(o)]
        return nn.Sequential(*(layers + ([nn.Dropout(0.5)] if dropout else []) + [nn.ReLU()]))

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            lrelu = nn.LeakyReLU(0.2)
            self.down = nn.ModuleList([down(1, w, False, lrelu), down(w, 2 * w, True, lrelu), down(2 * w, 4 * w, True, lrelu),
                                       down(4 * w, 4 * w, True, lrelu), down(4 * w, 4 * w, False, nn.ReLU())])
            self.up = nn.ModuleList([up(4 * w, 4 * w, True), up(8 * w, 4 * w, True), up(8 * w, 2 * w, False), up(4 * w, w, False),
                                     nn.Sequential(nn.ConvTranspose2d(2 * w, 1, 4, 2, 1), nn.Tanh())])

        def forward(self, x):
            skips = []
            for block in self.down:
                x = block(x)
                skips.append(x)
            for k, block in enumerate(self.up):
                x = block(x)
                if k < 4:
                    x = torch.cat([x, skips[3 - k]], 1)
            return x

    return Net()


def dcgan_step(g, d, opt_g, opt_d, real):
    """One step of the dcgan28 recipe: D on the real and a fake batch, then G through the updated D."""
    import torch
    import torch.nn.functional as F
    bce = F.binary_cross_entropy_with_logits
    opt_d.zero_grad()
    out_real = d(real)
    fake = g(torch.randn(len(real), 100, 1, 1))
    out_fake = d(fake.detach())
    (bce(out_real, torch.ones_like(out_real)) + bce(out_fake, torch.zeros_like(out_fake))).backward()
    opt_d.step()
    opt_g.zero_grad()
    out = d(fake)
    bce(out, torch.ones_like(out)).backward()
    opt_g.step()


def torch_run(arch, threads, steps):
    """Images per second of `steps` training steps of batch 64 in PyTorch."""
    import torch
    import torch.nn.functional as F
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    bs = 64
    images = torch.from_numpy(fashion(steps * bs, 0 if arch == "dcgan28" else 2))
    sketches = torch.where(images > 0, -1.0, 1.0) if arch == "pix2pix32" else None
    g, d = torch_models(arch)
    opt_g = torch.optim.Adam(g.parameters(), 2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(d.parameters(), 2e-4, betas=(0.5, 0.999))
    bce = F.binary_cross_entropy_with_logits
    start = time.perf_counter()
    for s in range(steps):
        real = images[s * bs:(s + 1) * bs]
        if arch == "dcgan28":
            dcgan_step(g, d, opt_g, opt_d, real)
            continue
        sketch = sketches[s * bs:(s + 1) * bs]
        opt_d.zero_grad()
        out_real = d(torch.cat([sketch, real], 1))
        fake = g(sketch)
        out_fake = d(torch.cat([sketch, fake.detach()], 1))
        (0.5 * (bce(out_real, torch.ones_like(out_real)) + bce(out_fake, torch.zeros_like(out_fake)))).backward()
        opt_d.step()
        opt_g.zero_grad()
        out = d(torch.cat([sketch, fake], 1))
        (bce(out, torch.ones_like(out)) + 100 * F.l1_loss(fake, real)).backward()
        opt_g.step()
    return steps * bs / (time.perf_counter() - start)


def kiln_run(kiln, arch, threads, steps):
    """The images/s `kiln train` reports for one epoch of `steps` batches of 64."""
    with tempfile.TemporaryDirectory() as out:
        run = subprocess.run([kiln, "train", "--arch", arch, "--limit", str(steps * 64), "--epochs", "1", "--threads", str(threads),
                              "--out-dir", out, "--output", os.path.join(out, "m.kiln")], capture_output=True, text=True)
        if run.returncode != 0:
            sys.exit(f"kiln train failed:\n{run.stderr[-2000:]}")
        rates = re.findall(r"([0-9.]+) img/s", run.stderr.replace("\r", "\n"))
        if not rates:
            sys.exit("kiln train printed no img/s rate; is this the Kiln the script expects?")
        return float(rates[-1])


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--arch", nargs="+", default=["dcgan28", "pix2pix32"], choices=["dcgan28", "pix2pix32"])
    p.add_argument("--threads", nargs="+", type=int, default=[2])
    p.add_argument("--steps", type=int, default=100, help="training steps of batch 64 per run (default 100)")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--kiln", default=".build/release/kiln")
    p.add_argument("--torch-run", nargs=3, metavar=("ARCH", "THREADS", "STEPS"), help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.torch_run:
        print(torch_run(a.torch_run[0], int(a.torch_run[1]), int(a.torch_run[2])))
        return
    if not os.path.exists(IDX):
        sys.exit(f"{IDX} is missing: apt-get install dataset-fashion-mnist")
    if not os.path.exists(a.kiln):
        sys.exit(f"{a.kiln} is missing: run `swift build -c release` first, or pass --kiln")
    import torch
    print(f"PyTorch {torch.__version__}, {a.steps} steps of batch 64 per run, {a.rounds} interleaved rounds\n")
    print("| model | threads | Kiln img/s | PyTorch img/s | Kiln / PyTorch (median) |")
    print("|---|---|---|---|---|")
    for arch in a.arch:
        for threads in a.threads:
            kiln, pt = [], []
            for _ in range(a.rounds):
                kiln.append(kiln_run(a.kiln, arch, threads, a.steps))
                out = subprocess.run([sys.executable, __file__, "--torch-run", arch, str(threads), str(a.steps)],
                                     capture_output=True, text=True, env=dict(os.environ, OMP_NUM_THREADS=str(threads)))
                if out.returncode != 0:
                    sys.exit(f"the PyTorch run failed:\n{out.stderr[-2000:]}")
                pt.append(float(out.stdout.split()[-1]))
            ratio = statistics.median(k / t for k, t in zip(kiln, pt))
            print(f"| {arch} | {threads} | {' / '.join(f'{k:.0f}' for k in kiln)} | {' / '.join(f'{t:.0f}' for t in pt)} | {ratio:.2f} |",
                  flush=True)


if __name__ == "__main__":
    main()
