"""Reference reader and writer for the .kiln model format, version 1 (see ../SPEC.md).

Needs only numpy and the standard library. It is deliberately small and independent of the Swift
code: the Swift tests check that both write the same bytes for the same model and read each
other's files.

    import kiln
    model = kiln.load("model.kiln")          # validates header, checksums, bounds, graph
    model.tensors["g.0.weight"]               # numpy array
    kiln.save(model, "copy.kiln")             # canonical bytes: same model -> same file
    kiln.latent(seed=7, dim=100)              # the v1 latent sampler, bit-exact with Swift

Command line: `python3 kiln.py copy IN OUT` re-encodes a file; `python3 kiln.py latent SEED DIM
[normal|uniform]` prints a latent vector as hex float32 bit patterns.
"""

from __future__ import annotations

import math
import struct
import sys
import zlib
from dataclasses import dataclass, field

import numpy as np

MAGIC = b"KILN"
VERSION_MAJOR = 1
VERSION_MINOR = 3
HEADER_SIZE = 64
ALIGNMENT = 64
NO_TENSOR = 0xFFFFFFFF

# dtype code -> numpy little-endian dtype
DTYPES = {1: np.dtype("<f4"), 2: np.dtype("<f2"), 3: np.dtype("i1"), 4: np.dtype("<i4"), 5: np.dtype("u1")}
CODES = {v: k for k, v in DTYPES.items()}

# Typed values of metadata and attributes. Python values map to types as follows:
# int -> 1 (i64), float -> 2 (f64), str -> 3, list of int -> 4, list of float -> 5, list of str -> 6.
# An empty list must be wrapped to say its type: Ints([]), Floats([]), Strings([]).


class Ints(list):
    pass


class Floats(list):
    pass


class Strings(list):
    pass


class FormatError(Exception):
    """The file is not a valid .kiln v1 file; the message says what is wrong."""


@dataclass
class TensorEntry:
    array: np.ndarray
    quant_axis: int = -1
    quant_scale: int | None = None
    quant_zero_point: int | None = None


@dataclass
class Node:
    op: str
    name: str
    inputs: list[str]
    outputs: list[str]
    attributes: dict = field(default_factory=dict)


@dataclass
class Model:
    metadata: dict = field(default_factory=dict)
    # name -> TensorEntry, in table order (dicts keep insertion order)
    tensors: dict = field(default_factory=dict)
    # list of (name, dtype code, per-sample shape)
    inputs: list = field(default_factory=list)
    outputs: list = field(default_factory=list)
    nodes: list = field(default_factory=list)
    minor_version: int = VERSION_MINOR

    def add_tensor(self, name: str, array, **quant) -> str:
        self.tensors[name] = TensorEntry(np.ascontiguousarray(array), **quant)
        return name


# ---------------------------------------------------------------- encoding


def _type_code(v) -> int:
    if isinstance(v, bool):
        raise TypeError("booleans are stored as ints (0 or 1)")
    if isinstance(v, (int, np.integer)):
        return 1
    if isinstance(v, (float, np.floating)):
        return 2
    if isinstance(v, str):
        return 3
    if isinstance(v, Ints):
        return 4
    if isinstance(v, Floats):
        return 5
    if isinstance(v, Strings):
        return 6
    if isinstance(v, (list, tuple)) and v:
        if all(isinstance(x, str) for x in v):
            return 6
        if all(isinstance(x, (int, np.integer)) and not isinstance(x, bool) for x in v):
            return 4
        if all(isinstance(x, (int, float, np.integer, np.floating)) for x in v):
            return 5
    raise TypeError(f"cannot store {v!r}: use an int, float, str or a non-empty list of one of them")


class _Writer:
    def __init__(self):
        self.parts = []

    def pack(self, fmt, *v):
        self.parts.append(struct.pack("<" + fmt, *v))

    def string(self, s: str):
        b = s.encode("utf-8")
        self.pack("I", len(b))
        self.parts.append(b)

    def value(self, v):
        t = _type_code(v)
        self.pack("B", t)
        if t == 1:
            self.pack("q", int(v))
        elif t == 2:
            self.pack("d", float(v))
        elif t == 3:
            self.string(v)
        else:
            self.pack("I", len(v))
            for x in v:
                if t == 4:
                    self.pack("q", int(x))
                elif t == 5:
                    self.pack("d", float(x))
                else:
                    self.string(x)

    def bytes(self) -> bytes:
        return b"".join(self.parts)


def _align(n: int) -> int:
    return (n + ALIGNMENT - 1) // ALIGNMENT * ALIGNMENT


def encode(model: Model) -> bytes:
    """The canonical bytes of `model` (see SPEC.md, "Canonical layout")."""
    datas, offsets, size = [], [], 0
    for name, t in model.tensors.items():
        a = t.array
        if a.dtype.newbyteorder("<") not in CODES:
            raise TypeError(f"tensor {name!r} has dtype {a.dtype}; use float32, float16, int8, int32 or uint8")
        raw = np.ascontiguousarray(a, dtype=a.dtype.newbyteorder("<")).tobytes()
        size = _align(size)
        offsets.append(size)
        datas.append(raw)
        size += len(raw)

    w = _Writer()
    w.pack("I", len(model.metadata))
    for k, v in model.metadata.items():
        w.string(k)
        w.value(v)
    w.pack("I", len(model.tensors))
    for (name, t), off, raw in zip(model.tensors.items(), offsets, datas):
        w.string(name)
        w.pack("BBH", CODES[t.array.dtype.newbyteorder("<")], t.array.ndim, 0)
        for d in t.array.shape:
            w.pack("q", d)
        w.pack("QQI", off, len(raw), zlib.crc32(raw))
        w.pack("iII", t.quant_axis,
               NO_TENSOR if t.quant_scale is None else t.quant_scale,
               NO_TENSOR if t.quant_zero_point is None else t.quant_zero_point)
    w.pack("I", len(model.inputs))
    for name, code, shape in model.inputs:
        w.string(name)
        w.pack("BB", code, len(shape))
        for d in shape:
            w.pack("q", d)
    w.pack("I", len(model.outputs))
    for name in model.outputs:
        w.string(name)
    w.pack("I", len(model.nodes))
    for n in model.nodes:
        w.string(n.op)
        w.string(n.name)
        w.pack("I", len(n.inputs))
        for s in n.inputs:
            w.string(s)
        w.pack("I", len(n.outputs))
        for s in n.outputs:
            w.string(s)
        w.pack("I", len(n.attributes))
        for k, v in n.attributes.items():
            w.string(k)
            w.value(v)
    tables = w.bytes()
    data_offset = _align(HEADER_SIZE + len(tables))
    file_size = data_offset + size

    head = MAGIC + struct.pack("<BBHHHIQQQQQI", 1, HEADER_SIZE, VERSION_MAJOR, VERSION_MINOR, 0, 0,
                               file_size, HEADER_SIZE, len(tables), data_offset, size, zlib.crc32(tables))
    head += struct.pack("<I", zlib.crc32(head))
    out = bytearray(head + tables)
    for off, raw in zip(offsets, datas):
        out += bytes(data_offset + off - len(out))
        out += raw
    out += bytes(file_size - len(out))
    return bytes(out)


def save(model: Model, path: str) -> None:
    with open(path, "wb") as f:
        f.write(encode(model))


# ---------------------------------------------------------------- decoding


class _Reader:
    def __init__(self, buf: bytes):
        self.buf, self.pos = buf, 0

    def unpack(self, fmt, what):
        size = struct.calcsize("<" + fmt)
        if self.pos + size > len(self.buf):
            raise FormatError(f"the tables end in the middle of {what}")
        v = struct.unpack_from("<" + fmt, self.buf, self.pos)
        self.pos += size
        return v if len(v) > 1 else v[0]

    def string(self, what):
        n = self.unpack("I", what)
        if self.pos + n > len(self.buf):
            raise FormatError(f"the tables end in the middle of {what}")
        b = self.buf[self.pos:self.pos + n]
        self.pos += n
        try:
            return b.decode("utf-8")
        except UnicodeDecodeError:
            raise FormatError(f"{what} is not valid UTF-8") from None

    def value(self, what):
        t = self.unpack("B", what)
        if t == 1:
            return self.unpack("q", what)
        if t == 2:
            return self.unpack("d", what)
        if t == 3:
            return self.string(what)
        if t in (4, 5, 6):
            n = self.unpack("I", what)
            if n > len(self.buf) - self.pos:
                raise FormatError(f"the tables end in the middle of {what}")
            if t == 4:
                return Ints(self.unpack("q", what) for _ in range(n))
            if t == 5:
                return Floats(self.unpack("d", what) for _ in range(n))
            return Strings(self.string(what) for _ in range(n))
        raise FormatError(f"{what} has unknown value type code {t}")


def decode(buf: bytes) -> Model:
    """Decodes and validates a .kiln file's bytes; raises FormatError naming the problem."""
    if len(buf) < HEADER_SIZE:
        raise FormatError(f"the file is {len(buf)} bytes, shorter than the 64-byte header")
    if buf[:4] != MAGIC:
        raise FormatError(f"not a .kiln file: magic is {buf[:4]!r}, not b'KILN'")
    (order, header_size, major, minor, reserved, flags, file_size, tables_offset, tables_size, data_offset,
     data_size, tables_crc, header_crc) = struct.unpack_from("<BBHHHIQQQQQII", buf, 4)
    if order != 1:
        raise FormatError(f"byte-order flag {order} is not 1 (little-endian)")
    if major != VERSION_MAJOR:
        raise FormatError(f"format version {major}.{minor}; this reader reads major version {VERSION_MAJOR}")
    if zlib.crc32(buf[:60]) != header_crc:
        raise FormatError("header checksum mismatch")
    if header_size != HEADER_SIZE:
        raise FormatError(f"header size field is {header_size}, not 64")
    if flags != 0 or reserved != 0:
        raise FormatError(f"header flags are {flags} and reserved bits {reserved}; v1 defines neither")
    if file_size != len(buf):
        raise FormatError(f"the header says {file_size} bytes but the file has {len(buf)}")
    if tables_offset != HEADER_SIZE or tables_offset + tables_size > len(buf):
        raise FormatError("the tables lie outside the file")
    if (data_offset % ALIGNMENT or data_offset < tables_offset + tables_size or data_offset > len(buf)
            or data_size != len(buf) - data_offset):
        raise FormatError("the data section lies outside the file or is misaligned")
    tables = buf[tables_offset:tables_offset + tables_size]
    if zlib.crc32(tables) != tables_crc:
        raise FormatError("tables checksum mismatch")
    if any(buf[tables_offset + tables_size:data_offset]):
        raise FormatError("the padding after the tables is not zero")
    data = memoryview(buf)[data_offset:]

    r = _Reader(tables)
    m = Model(minor_version=minor)
    end = 0  # where the previous tensor's bytes end
    for i in range(r.unpack("I", "metadata count")):
        key = r.string(f"metadata key #{i}")
        if key in m.metadata:
            raise FormatError(f"metadata key {key!r} appears twice")
        m.metadata[key] = r.value(f"metadata {key!r}")
    for i in range(r.unpack("I", "tensor count")):
        name = r.string(f"the name of tensor #{i}")
        code, rank, reserved = r.unpack("BBH", name)
        if code not in DTYPES or rank > 8 or reserved:
            raise FormatError(f"tensor {name!r}: bad dtype code {code}, rank {rank} or reserved bits")
        shape = tuple(r.unpack("q", name) for _ in range(rank))
        off, size, crc = r.unpack("QQI", name)
        axis, scale, zp = r.unpack("iII", name)
        if off % ALIGNMENT or off + size > len(data):
            raise FormatError(f"the data of tensor {name!r} lies outside the data section or is misaligned")
        if off != _align(end) or any(data[end:off]):
            raise FormatError(f"tensor {name!r} is not at the first 64-byte boundary after the previous "
                              "tensor, or the padding before it is not zero")
        end = off + size
        raw = bytes(data[off:off + size])
        if zlib.crc32(raw) != crc:
            raise FormatError(f"checksum mismatch in tensor {name!r}")
        count = 1
        for d in shape:
            if d < 0:
                raise FormatError(f"tensor {name!r} has a negative dimension")
            count *= d
        if count * DTYPES[code].itemsize != size:
            raise FormatError(f"tensor {name!r} has shape {shape}, which does not match its {size} bytes")
        if name in m.tensors:
            raise FormatError(f"the name {name!r} is defined twice")
        m.tensors[name] = TensorEntry(np.frombuffer(raw, dtype=DTYPES[code]).reshape(shape), axis,
                                      None if scale == NO_TENSOR else scale,
                                      None if zp == NO_TENSOR else zp)
    if end != len(data):
        raise FormatError(f"the data section has {len(data) - end} bytes after the last tensor")
    for i in range(r.unpack("I", "graph input count")):
        name = r.string(f"graph input #{i}")
        code, rank = r.unpack("BB", name)
        m.inputs.append((name, code, tuple(r.unpack("q", name) for _ in range(rank))))
    m.outputs = [r.string(f"graph output #{i}") for i in range(r.unpack("I", "graph output count"))]
    for i in range(r.unpack("I", "node count")):
        op = r.string(f"the op of node #{i}")
        name = r.string(f"the name of node #{i}")
        ins = [r.string(name) for _ in range(r.unpack("I", name))]
        outs = [r.string(name) for _ in range(r.unpack("I", name))]
        attrs = {}
        for _ in range(r.unpack("I", name)):
            key = r.string(name)
            attrs[key] = r.value(f"attribute {key!r} of node {name!r}")
        m.nodes.append(Node(op, name, ins, outs, attrs))
    if r.pos != len(tables):
        raise FormatError(f"{len(tables) - r.pos} unexpected bytes follow the graph")
    _validate_graph(m)
    return m


def _validate_graph(m: Model) -> None:
    defined = set(m.tensors)
    for name, _, _ in m.inputs:
        if name in defined:
            raise FormatError(f"the name {name!r} is defined twice")
        defined.add(name)
    for n in m.nodes:
        for s in n.inputs:
            if s and s not in defined:
                raise FormatError(f"node {n.name!r} reads {s!r}, which is not defined before it "
                                  "(dangling reference, cycle, or nodes out of topological order)")
        for s in n.outputs:
            if s in defined:
                raise FormatError(f"the name {s!r} is defined twice")
            defined.add(s)
    for s in m.outputs:
        if s not in defined:
            raise FormatError(f"graph output {s!r} is not defined")


def load(path: str) -> Model:
    with open(path, "rb") as f:
        return decode(f.read())


# ---------------------------------------------------------------- latent sampler v1

_MASK = (1 << 64) - 1
_SQRT2 = struct.unpack("<d", struct.pack("<Q", 0x3FF6A09E667F3BCD))[0]
_LN2 = struct.unpack("<d", struct.pack("<Q", 0x3FE62E42FEFA39EF))[0]


class SplitMix64:
    def __init__(self, seed: int):
        self.state = seed & _MASK

    def next(self) -> int:
        self.state = (self.state + 0x9E3779B97F4A7C15) & _MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
        return z ^ (z >> 31)

    def unit(self) -> float:
        return (self.next() >> 11) * 2.0 ** -53


def kiln_log(x: float) -> float:
    """SPEC.md's logarithm: the same correctly rounded double operations, in the same order."""
    bits = struct.unpack("<Q", struct.pack("<d", x))[0]
    e = ((bits >> 52) & 0x7FF) - 1023
    m = struct.unpack("<d", struct.pack("<Q", (bits & 0x000FFFFFFFFFFFFF) | 0x3FF0000000000000))[0]
    if m > _SQRT2:
        m = m / 2
        e += 1
    t = (m - 1) / (m + 1)
    t2 = t * t
    q = 1.0 / 21.0
    for k in range(19, 0, -2):
        q = q * t2 + 1.0 / k
    return float(e) * _LN2 + (2 * t) * q


def latent(seed: int, dim: int, distribution: str = "normal") -> np.ndarray:
    """The latent vector of `seed` (float32[dim]), bit-exact with every other implementation."""
    rng = SplitMix64(seed)
    out = []
    if distribution == "uniform":
        out = [2 * rng.unit() - 1 for _ in range(dim)]
    elif distribution == "normal":
        while len(out) < dim:
            u = 2 * rng.unit() - 1
            v = 2 * rng.unit() - 1
            s = u * u + v * v
            if s >= 1 or s == 0:
                continue
            f = math.sqrt(-2 * kiln_log(s) / s)
            out += [u * f, v * f]
    else:
        raise ValueError(f"unknown distribution {distribution!r}; use 'normal' or 'uniform'")
    return np.array(out[:dim], dtype=np.float64).astype(np.float32)


def _main(argv):
    if len(argv) == 3 and argv[0] == "copy":
        save(load(argv[1]), argv[2])
    elif len(argv) in (3, 4) and argv[0] == "latent":
        z = latent(int(argv[1]), int(argv[2]), argv[3] if len(argv) == 4 else "normal")
        print(" ".join(f"{b:08x}" for b in z.view("<u4")))
    else:
        print(__doc__.split("Command line:")[1].strip(), file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
