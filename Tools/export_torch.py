#!/usr/bin/env python3
"""Export a PyTorch generator to ONNX for `kiln convert`.

Bring your own checkpoint: this script loads a state_dict into the class that defines your
generator, puts it in eval mode (BatchNorm uses its running statistics, Dropout is off), and calls
torch.onnx.export with the settings `kiln convert` expects: a dynamic batch dimension only, input
"input" and output "output", by the legacy exporter (opset 17, constant folding) or the dynamo
exporter (opset 20, weights in FILE.onnx.data). Then convert and check:

    pip install torch onnxscript onnx onnxruntime
    python3 Tools/export_torch.py --checkpoint netG.pth -o generator.onnx          # PyTorch DCGAN example
    python3 Tools/export_torch.py --checkpoint g.pt --model mymodels:Generator \\
        --kwargs '{"nz": 128}' --input-shape 128 -o generator.onnx                    # your own class
    kiln convert generator.onnx -o generator.kiln
    kiln generate generator.kiln --count 16

The built-in model is the Generator of PyTorch's DCGAN example (github.com/pytorch/examples,
dcgan/main.py): nz=100, ngf=64, nc=3, 64x64 output, latent input [N, nz, 1, 1]. --model takes any
importable MODULE:CLASS (the folder of MODULE on PYTHONPATH), for example torch_zoo:SRResNet from
Tools/torch_zoo.py. Checkpoints saved with torch.save(net.state_dict(), ...) load directly, also
inside a {"state_dict": ...} dictionary; a "module." prefix from DataParallel or
DistributedDataParallel is stripped. With --check, ONNX Runtime runs the file and is compared
with PyTorch on four random inputs.
"""

import argparse
import importlib
import json
import sys


def dcgan_generator(nz=100, ngf=64, nc=3):
    import torch.nn as nn

    class Generator(nn.Module):
        def __init__(self):
            super().__init__()
            self.main = nn.Sequential(
                nn.ConvTranspose2d(nz, ngf * 8, 4, 1, 0, bias=False), nn.BatchNorm2d(ngf * 8), nn.ReLU(True),
                nn.ConvTranspose2d(ngf * 8, ngf * 4, 4, 2, 1, bias=False), nn.BatchNorm2d(ngf * 4), nn.ReLU(True),
                nn.ConvTranspose2d(ngf * 4, ngf * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(ngf * 2), nn.ReLU(True),
                nn.ConvTranspose2d(ngf * 2, ngf, 4, 2, 1, bias=False), nn.BatchNorm2d(ngf), nn.ReLU(True),
                nn.ConvTranspose2d(ngf, nc, 4, 2, 1, bias=False), nn.Tanh())

        def forward(self, x):
            return self.main(x)

    return Generator()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 1)[1],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--checkpoint", required=True, help="a state_dict saved with torch.save")
    ap.add_argument("--model", help="MODULE:CLASS of your generator (default: the DCGAN example's)")
    ap.add_argument("--kwargs", default="{}", help="JSON keyword arguments for the class")
    ap.add_argument("--input-shape", default="100,1,1", help="per-sample input shape, e.g. 100 or 100,1,1")
    ap.add_argument("--exporter", choices=["legacy", "dynamo"], default="legacy",
                    help="torch.onnx.export(dynamo=False), or the dynamo exporter (needs onnxscript)")
    ap.add_argument("--opset", type=int, help="ONNX opset (kiln converts 11 to 21; default 17 legacy, 20 dynamo)")
    ap.add_argument("--check", action="store_true", help="compare ONNX Runtime with PyTorch on 4 latents")
    ap.add_argument("-o", "--output", required=True, help="the .onnx file to write")
    args = ap.parse_args()

    try:
        import torch
    except ImportError:
        sys.exit("PyTorch is not installed: pip install torch")
    kwargs = json.loads(args.kwargs)
    if args.model:
        module, _, cls = args.model.partition(":")
        net = getattr(importlib.import_module(module), cls)(**kwargs)
    else:
        net = dcgan_generator(**kwargs)
    state = torch.load(args.checkpoint, map_location="cpu", weights_only=True)
    state = state.get("state_dict", state) if isinstance(state, dict) else state
    state = {k.removeprefix("module."): v for k, v in state.items()}
    net.load_state_dict(state)
    net.eval()

    shape = [int(s) for s in args.input_shape.split(",")]
    z = torch.randn(2, *shape)
    if args.exporter == "legacy":
        torch.onnx.export(net, (z,), args.output, dynamo=False, opset_version=args.opset or 17, do_constant_folding=True,
                          input_names=["input"], output_names=["output"],
                          dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
    else:
        torch.onnx.export(net, (z,), args.output, dynamo=True, opset_version=args.opset or 20, input_names=["input"],
                          output_names=["output"], external_data=True,
                          dynamic_shapes=({0: torch.export.Dim("batch", min=1, max=1024)},))
    print(f"wrote {args.output}; next: kiln convert {args.output} -o {args.output.rsplit('.', 1)[0]}.kiln")

    if args.check:
        import numpy as np
        import onnxruntime as ort
        z = torch.randn(4, *shape)
        with torch.no_grad():
            want = net(z).numpy()
        got = ort.InferenceSession(args.output, providers=["CPUExecutionProvider"]).run(None, {"input": z.numpy()})[0]
        print(f"ONNX Runtime vs PyTorch: max abs difference {np.max(np.abs(got - want)):.2e}")


if __name__ == "__main__":
    main()
