#!/usr/bin/env python3
"""Draws the hand-made test sketches in Formats/models/sketches/ as pen strokes.

Each sketch is a list of polylines through pixel centres of a 32x32 frame (the frame of Kiln's pix2pix32 models: a
Fashion-MNIST item in the middle 28x28), drawn at 256x256 with a round pen 7 pixels wide, dark on
white, as someone would draw them with a mouse. They are not made by the edge detector: they are
what `kiln translate` is shown in the README.

    python3 Tools/draw_sketches.py            # writes Formats/models/sketches/*.png
"""
import os
import struct
import zlib

import numpy as np

SIZE, SCALE, PEN = 256, 8, 3.5

# Polylines, in 32x32 coordinates (x right, y down).
SKETCHES = {
    "sneaker": [
        [(27, 12), (28.5, 15), (29, 20), (29, 22), (3.5, 22), (2.5, 20), (4, 18.5), (10, 16.5),
         (15, 14), (19, 12), (23, 12.5), (27, 12)],
        [(3.5, 20), (29, 20)],
        [(13, 15), (16, 17.5)],
    ],
    "ankle-boot": [
        [(15, 4), (26, 4), (26.5, 18), (29, 23), (29, 27), (3, 27), (3, 24), (9, 21.5), (14, 18.5), (15, 13), (15, 4)],
        [(3, 25), (29, 25)],
    ],
    "sandal": [
        [(3, 21), (29, 21), (29, 23), (3, 23), (3, 21)],
        [(7, 21), (11, 16), (15, 21)],
        [(14, 21), (19, 15), (24, 15), (27, 21)],
    ],
    "bag": [
        [(5, 13), (27, 13), (28, 27), (4, 27), (5, 13)],
        [(10, 13), (11, 8), (14, 5.5), (18, 5.5), (21, 8), (22, 13)],
        [(14, 17), (18, 17)],
    ],
    "t-shirt": [
        [(11, 4), (16, 6.5), (21, 4), (28, 8), (26, 13), (23, 11.5), (23, 28), (9, 28), (9, 11.5), (6, 13), (4, 8), (11, 4)],
    ],
    "trousers": [
        [(10, 3), (22, 3), (24, 29), (18.5, 29), (16, 10), (13.5, 29), (8, 29), (10, 3)],
    ],
}


def draw(polylines):
    """White page with the polylines stroked by a round pen."""
    ys, xs = np.mgrid[0:SIZE, 0:SIZE] + 0.5
    ink = np.zeros((SIZE, SIZE), bool)
    for line in polylines:
        pts = [((x + 0.5) * SCALE, (y + 0.5) * SCALE) for x, y in line]  # cell centres
        for (x0, y0), (x1, y1) in zip(pts, pts[1:]):
            dx, dy = x1 - x0, y1 - y0
            t = np.clip(((xs - x0) * dx + (ys - y0) * dy) / max(dx * dx + dy * dy, 1e-9), 0, 1)
            ink |= (xs - x0 - t * dx) ** 2 + (ys - y0 - t * dy) ** 2 <= PEN ** 2
    return np.where(ink, 0, 255).astype(np.uint8)


def png(gray):
    """An 8-bit gray PNG."""
    h, w = gray.shape
    raw = b"".join(b"\x00" + gray[y].tobytes() for y in range(h))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def main():
    out = os.path.join(os.path.dirname(__file__), "..", "Formats", "models", "sketches")
    os.makedirs(out, exist_ok=True)
    for name, lines in SKETCHES.items():
        with open(os.path.join(out, name + ".png"), "wb") as f:
            f.write(png(draw(lines)))
        print("wrote", os.path.join(out, name + ".png"))


if __name__ == "__main__":
    main()
