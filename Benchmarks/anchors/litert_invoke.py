"""Runs a .tflite file N times in the ai-edge-litert interpreter (default XNNPACK delegate, one
thread): the program Tools/arm64/profile.sh --litert profiles, with N and N + K runs.

    python3 litert_invoke.py MODEL.tflite N

With KILN_PROFILE_MAPS=FILE set, it copies /proc/self/maps there at the end (under qemu-user,
the guest's), so that the profile can name the library of each hot block.
"""

import os
import sys

import numpy as np
from ai_edge_litert.interpreter import Interpreter


def main():
    path, runs = sys.argv[1], int(sys.argv[2])
    it = Interpreter(model_path=path, num_threads=1)
    it.allocate_tensors()
    inp = it.get_input_details()[0]
    x = np.random.default_rng(7).standard_normal(inp["shape"]).astype(inp["dtype"])
    it.set_tensor(inp["index"], x)
    for _ in range(runs):
        it.invoke()
    it.get_tensor(it.get_output_details()[0]["index"])
    if os.environ.get("KILN_PROFILE_MAPS"):  # the guest's mappings, for the profile's labels
        with open("/proc/self/maps") as src, open(os.environ["KILN_PROFILE_MAPS"], "w") as dst:
            dst.write(src.read())


if __name__ == "__main__":
    main()
