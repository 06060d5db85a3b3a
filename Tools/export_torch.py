#!/usr/bin/env python3
"""Export a PyTorch generator to ONNX for `kiln convert`.

Bring your own checkpoint: this script loads a state_dict into a generator class, puts it in eval
mode (BatchNorm uses its running statistics, Dropout is off), and calls torch.onnx.export with the
settings `kiln convert` expects: opset 17, constant folding on, a dynamic batch dimension only,
input "input" and output "output". Then convert and check:

    pip install torch onnx onnxruntime
    python3 Tools/export_torch.py --checkpoint netG.pth -o generator.onnx          # PyTorch DCGAN example
    python3 Tools/export_torch.py --checkpoint g.pt --model mymodels:Generator \\
        --kwargs '{"nz": 128}' --input-shape 128 -o generator.onnx                    # your own class
    kiln convert generator.onnx -o generator.kiln
    kiln generate generator.kiln --count 16

The built-in model is the Generator of PyTorch's DCGAN example (github.com/pytorch/examples,
dcgan/main.py): nz=100, ngf=64, nc=3, 64x64 output, latent input [N, nz, 1, 1]. Checkpoints saved
with torch.save(netG.state_dict(), ...) load directly; a "module." prefix from DataParallel is
stripped. With --check, the ONNX file is run by ONNX Runtime and compared with PyTorch on a few
random latents.

Note: this script was written against the torch.onnx.export API of PyTorch 2.x; PyTorch is not
installed on the machine Kiln is developed on, so it has not been run there. The ONNX files it
writes have the shape of Formats/fixtures/onnx_dcgan64, which the tests convert.
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
    ap.add_argument("--opset", type=int, default=17, help="ONNX opset (kiln converts 11 to 21)")
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
    state = torch.load(args.checkpoint, map_location="cpu")
    state = state.get("state_dict", state) if isinstance(state, dict) else state
    state = {k.removeprefix("module."): v for k, v in state.items()}
    net.load_state_dict(state)
    net.eval()

    shape = [int(s) for s in args.input_shape.split(",")]
    z = torch.randn(2, *shape)
    torch.onnx.export(net, (z,), args.output, opset_version=args.opset, do_constant_folding=True,
                      input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
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
