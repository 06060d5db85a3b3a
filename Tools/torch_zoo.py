#!/usr/bin/env python3
"""Small, seeded PyTorch versions of the generators people train, exported by both exporters.

The architectures follow their papers' and reference code's layer definitions, written afresh
here: the CycleGAN ResnetGenerator (reflection padding, instance norm, transposed or bilinear
upsampling), the pix2pix U-Net generator, SRGAN's SRResNet (PReLU, PixelShuffle), ESRGAN's RRDBNet
(dense blocks, 0.2 residual scaling, nearest upsampling) and StyleGAN2's mapping network
(F.normalize, equalized-learning-rate linear layers). Channel counts and sizes are small so that
the files can be committed; the layer patterns are the real ones.

    python3 Tools/torch_zoo.py                      # writes Formats/fixtures/zoo_* (needs torch)
    python3 Tools/torch_zoo.py --only srgan --exporter dynamo --out /tmp/zoo
    python3 Tools/torch_zoo.py --save-state-dict srgan /tmp/srgan.pt   # a checkpoint for export_torch.py

Each fixture folder holds model.onnx (and model.onnx.data when the exporter writes external
weights), input.npy and expected.npy, ONNX Runtime's output on input.npy; the tool also checks that
ONNX Runtime matches PyTorch. torch is never needed in CI: `Tools/make_fixtures.py --check` re-runs
ONNX Runtime on the committed files. Classes are importable for export_torch.py --model
torch_zoo:SRResNet.
"""

import argparse
import math
import os
import shutil
import sys

import numpy as np

try:
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except ImportError:  # the classes need torch; make_fixtures.py imports only ZOO_NAMES
    torch = None
    nn = type("nn", (), {"Module": object})

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class ResnetBlock(nn.Module):
    """CycleGAN's residual block: reflect pad, conv 3x3, norm, ReLU, reflect pad, conv 3x3, norm, + x."""

    def __init__(self, dim):
        super().__init__()
        self.conv_block = nn.Sequential(nn.ReflectionPad2d(1), nn.Conv2d(dim, dim, 3), nn.InstanceNorm2d(dim), nn.ReLU(True),
                                        nn.ReflectionPad2d(1), nn.Conv2d(dim, dim, 3), nn.InstanceNorm2d(dim))

    def forward(self, x):
        return x + self.conv_block(x)


class ResnetGenerator(nn.Module):
    """CycleGAN's generator: c7s1-ngf, two stride-2 downsamplings, n residual blocks, two
    upsamplings (transposed convs, or bilinear resize + conv), c7s1-3, Tanh."""

    def __init__(self, ngf=8, n_blocks=2, bilinear=False):
        super().__init__()
        layers = [nn.ReflectionPad2d(3), nn.Conv2d(3, ngf, 7), nn.InstanceNorm2d(ngf), nn.ReLU(True)]
        for m in (1, 2):
            layers += [nn.Conv2d(ngf * m, ngf * m * 2, 3, stride=2, padding=1), nn.InstanceNorm2d(ngf * m * 2), nn.ReLU(True)]
        layers += [ResnetBlock(ngf * 4) for _ in range(n_blocks)]
        for m in (4, 2):
            if bilinear:
                layers += [nn.Upsample(scale_factor=2, mode="bilinear", align_corners=False), nn.Conv2d(ngf * m, ngf * m // 2, 3, padding=1)]
            else:
                layers += [nn.ConvTranspose2d(ngf * m, ngf * m // 2, 3, stride=2, padding=1, output_padding=1)]
            layers += [nn.InstanceNorm2d(ngf * m // 2), nn.ReLU(True)]
        layers += [nn.ReflectionPad2d(3), nn.Conv2d(ngf, 3, 7), nn.Tanh()]
        self.model = nn.Sequential(*layers)

    def forward(self, x):
        return self.model(x)


class UnetBlock(nn.Module):
    """pix2pix's skip-connection block: [LeakyReLU 0.2,] conv k4 s2, [norm,] inner, ReLU,
    transposed conv k4 s2, norm (Tanh outermost); the input is concatenated to the output."""

    def __init__(self, outer, inner, sub=None, outermost=False, innermost=False):
        super().__init__()
        self.outermost = outermost
        down = [nn.Conv2d(3 if outermost else outer, inner, 4, 2, 1, bias=False)]
        up_in = inner if innermost else inner * 2
        up = [nn.ReLU(True), nn.ConvTranspose2d(up_in, 3 if outermost else outer, 4, 2, 1, bias=outermost)]
        if outermost:
            self.model = nn.Sequential(*down, sub, *up, nn.Tanh())
        elif innermost:
            self.model = nn.Sequential(nn.LeakyReLU(0.2, True), *down, *up, nn.BatchNorm2d(outer))
        else:
            self.model = nn.Sequential(nn.LeakyReLU(0.2, True), *down, nn.BatchNorm2d(inner), sub, *up, nn.BatchNorm2d(outer))

    def forward(self, x):
        return self.model(x) if self.outermost else torch.cat([x, self.model(x)], 1)


class UnetGenerator(nn.Module):
    """pix2pix's U-Net with `downs` halvings (5 for 32x32)."""

    def __init__(self, ngf=4, downs=5):
        super().__init__()
        block = UnetBlock(ngf * 8, ngf * 8, innermost=True)
        for _ in range(downs - 5):
            block = UnetBlock(ngf * 8, ngf * 8, block)
        for m in (4, 2, 1):
            block = UnetBlock(ngf * m, ngf * m * 2, block)
        self.model = UnetBlock(3, ngf, block, outermost=True)

    def forward(self, x):
        return self.model(x)


class SRResNet(nn.Module):
    """SRGAN's generator: conv 9x9 + PReLU, residual blocks (conv, BN, PReLU, conv, BN, + x), conv +
    BN + the first features, x2 upsamplings (conv to 4C, PixelShuffle, PReLU), conv 9x9, Tanh."""

    def __init__(self, nf=16, blocks=2, upsamplings=2):
        super().__init__()
        self.head = nn.Sequential(nn.Conv2d(3, nf, 9, padding=4), nn.PReLU(nf))
        self.blocks = nn.ModuleList(nn.Sequential(nn.Conv2d(nf, nf, 3, padding=1), nn.BatchNorm2d(nf), nn.PReLU(nf),
                                                  nn.Conv2d(nf, nf, 3, padding=1), nn.BatchNorm2d(nf)) for _ in range(blocks))
        self.trunk = nn.Sequential(nn.Conv2d(nf, nf, 3, padding=1), nn.BatchNorm2d(nf))
        self.up = nn.Sequential(*[m for _ in range(upsamplings) for m in (nn.Conv2d(nf, nf * 4, 3, padding=1), nn.PixelShuffle(2), nn.PReLU(nf))])
        self.tail = nn.Conv2d(nf, 3, 9, padding=4)

    def forward(self, x):
        h = self.head(x)
        r = h
        for b in self.blocks:
            r = r + b(r)
        return torch.tanh(self.tail(self.up(h + self.trunk(r))))


class DenseBlock(nn.Module):
    """ESRGAN's residual dense block: five 3x3 convs, each reading all earlier features, LeakyReLU
    0.2 after the first four; output x + 0.2 * the fifth."""

    def __init__(self, nf, gc):
        super().__init__()
        self.convs = nn.ModuleList(nn.Conv2d(nf + i * gc, gc if i < 4 else nf, 3, padding=1) for i in range(5))

    def forward(self, x):
        feats = [x]
        for i, conv in enumerate(self.convs):
            y = conv(torch.cat(feats, 1))
            if i < 4:
                feats.append(F.leaky_relu(y, 0.2))
        return x + y * 0.2


class RRDBNet(nn.Module):
    """ESRGAN's generator: conv, residual-in-residual dense blocks (three dense blocks, x + 0.2 *
    out), trunk conv + features, two nearest x2 upsamplings with conv + LeakyReLU, two convs."""

    def __init__(self, nf=8, gc=4, blocks=1):
        super().__init__()
        self.conv_first = nn.Conv2d(3, nf, 3, padding=1)
        self.rrdb = nn.ModuleList(nn.ModuleList(DenseBlock(nf, gc) for _ in range(3)) for _ in range(blocks))
        self.trunk = nn.Conv2d(nf, nf, 3, padding=1)
        self.up1, self.up2 = nn.Conv2d(nf, nf, 3, padding=1), nn.Conv2d(nf, nf, 3, padding=1)
        self.hr, self.last = nn.Conv2d(nf, nf, 3, padding=1), nn.Conv2d(nf, 3, 3, padding=1)

    def forward(self, x):
        fea = self.conv_first(x)
        h = fea
        for block in self.rrdb:
            r = h
            for d in block:
                r = d(r)
            h = h + r * 0.2
        h = fea + self.trunk(h)
        h = F.leaky_relu(self.up1(F.interpolate(h, scale_factor=2, mode="nearest")), 0.2)
        h = F.leaky_relu(self.up2(F.interpolate(h, scale_factor=2, mode="nearest")), 0.2)
        return self.last(F.leaky_relu(self.hr(h), 0.2))


class EqualLinear(nn.Module):
    """StyleGAN2's linear layer: weight ~ N(0, 1) / lr_mul scaled at run time by lr_mul / sqrt(in),
    bias * lr_mul, then the fused LeakyReLU 0.2 times sqrt(2)."""

    def __init__(self, dim_in, dim_out, lr_mul=0.01):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(dim_out, dim_in) / lr_mul)
        self.bias = nn.Parameter(torch.randn(dim_out) * 0.1 / lr_mul)
        self.scale, self.lr_mul = lr_mul / math.sqrt(dim_in), lr_mul

    def forward(self, x):
        return F.leaky_relu(F.linear(x, self.weight * self.scale) + self.bias * self.lr_mul, 0.2) * math.sqrt(2)


class MappingNetwork(nn.Module):
    """StyleGAN2's mapping network: z normalized with F.normalize (times sqrt(dim), the unit
    second moment), then `layers` EqualLinear layers to w."""

    def __init__(self, dim=64, layers=4):
        super().__init__()
        self.dim = dim
        self.layers = nn.Sequential(*[EqualLinear(dim, dim) for _ in range(layers)])

    def forward(self, z):
        return self.layers(F.normalize(z, dim=1) * math.sqrt(self.dim))


# name: (constructor, per-sample input shape)
ZOO = {
    "cyclegan": (lambda: ResnetGenerator(), (3, 32, 32)),
    "cyclegan_bilinear": (lambda: ResnetGenerator(bilinear=True), (3, 32, 32)),
    "pix2pix_unet": (lambda: UnetGenerator(), (3, 32, 32)),
    "srgan": (lambda: SRResNet(), (3, 8, 8)),
    "esrgan": (lambda: RRDBNet(), (3, 8, 8)),
    "stylegan_mapping": (lambda: MappingNetwork(), (64,)),
}
ZOO_NAMES = [f"zoo_{name}_{exporter}" for name in ZOO for exporter in ("legacy", "dynamo")]


def build(name, seed=0):
    """The seeded model in eval mode, with non-trivial BatchNorm statistics."""
    torch.manual_seed(seed)
    net = ZOO[name][0]()
    g = torch.Generator().manual_seed(seed + 1)
    for m in net.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.copy_(torch.rand(m.num_features, generator=g) * 0.4 - 0.2)
            m.running_var.copy_(torch.rand(m.num_features, generator=g) + 0.5)
            m.weight.data.copy_(torch.rand(m.num_features, generator=g) + 0.5)
    return net.eval()


def export(net, x, path, exporter, opset=17):
    """torch.onnx.export with a dynamic batch, by the legacy (TorchScript) or the dynamo exporter."""
    if exporter == "legacy":
        torch.onnx.export(net, (x,), path, dynamo=False, opset_version=opset, do_constant_folding=True, input_names=["input"],
                          output_names=["output"], dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
    else:
        torch.onnx.export(net, (x,), path, dynamo=True, input_names=["input"], output_names=["output"], external_data=True,
                          dynamic_shapes=({0: torch.export.Dim("batch", min=1, max=1024)},))


def write_fixture(name, exporter, folder):
    import onnxruntime as ort

    net = build(name)
    shape = ZOO[name][1]
    x = torch.from_numpy(np.random.default_rng(7).uniform(-1, 1, (3, *shape)).astype(np.float32))
    if os.path.isdir(folder):
        shutil.rmtree(folder)
    os.makedirs(folder)
    path = os.path.join(folder, "model.onnx")
    with torch.no_grad():
        export(net, x, path, exporter)
        want = net(x).numpy()
    if os.path.exists(path + ".data") and os.path.getsize(path + ".data") == 0:
        os.remove(path + ".data")
    opts = ort.SessionOptions()
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    (got,) = ort.InferenceSession(path, opts, providers=["CPUExecutionProvider"]).run(None, {"input": x.numpy()})
    np.save(os.path.join(folder, "input.npy"), x.numpy())
    np.save(os.path.join(folder, "expected.npy"), got)
    size = sum(os.path.getsize(os.path.join(folder, f)) for f in os.listdir(folder))
    print(f"{os.path.basename(folder)}: ONNX Runtime vs PyTorch max abs {np.max(np.abs(got - want)):.1e}, {size:,} bytes")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 1)[1],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(ROOT, "Formats", "fixtures"), help="folder for the zoo_* fixtures")
    ap.add_argument("--only", choices=sorted(ZOO), help="one architecture")
    ap.add_argument("--exporter", choices=["legacy", "dynamo", "both"], default="both")
    ap.add_argument("--save-state-dict", nargs=2, metavar=("NAME", "FILE"), help="save the seeded model's state_dict and exit")
    args = ap.parse_args()
    if torch is None:
        sys.exit("PyTorch is not installed: pip install torch onnxscript")
    if args.save_state_dict:
        name, file = args.save_state_dict
        torch.save(build(name).state_dict(), file)
        print(f"wrote {file} ({name}, per-sample input {ZOO[name][1]})")
        return
    for name in [args.only] if args.only else ZOO:
        for exporter in ["legacy", "dynamo"] if args.exporter == "both" else [args.exporter]:
            write_fixture(name, exporter, os.path.join(args.out, f"zoo_{name}_{exporter}"))


if __name__ == "__main__":
    main()
