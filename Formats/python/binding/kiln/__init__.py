"""Kiln's runtime from Python: open a .kiln model, read what it declares, generate images, run it.

    import kiln
    with kiln.load("fashion-dcgan-int8.kiln", threads=2) as model:
        images = model.generate(seed=7, count=4)   # float32 [4, C, H, W] in model.info["output_range"]

A ctypes binding over libKilnC (kiln.h); see README.md for where the library is found. Int8 models
give the same bytes for every thread count and batch size. A Model is not meant to be shared by
threads: a call while another thread's call runs raises BusyError (open one Model per thread).
"""

import ctypes

import numpy as np

from . import _capi
from ._capi import lib
from .errors import (ArgumentError, BusyError, ClosedError, FileError, FormatError, KilnError, ModelError,
                     NotGeneratorError, RunError, BY_STATUS)

__all__ = ["load", "load_bytes", "Model", "version", "format_version", "KilnError", "ArgumentError", "BusyError",
           "ClosedError", "FileError", "FormatError", "ModelError", "NotGeneratorError", "RunError"]

_DTYPES = {1: np.float32, 2: np.float16, 3: np.int8, 4: np.int32, 5: np.uint8}


def _check(status):
    if status != _capi.KILN_OK:
        name = lib.kiln_status_name(status).decode()
        raise BY_STATUS.get(status, KilnError)(name, lib.kiln_last_error().decode("utf-8", "replace"))


def version():
    """The library's version, "MAJOR.MINOR.PATCH"."""
    return lib.kiln_version().decode()


def format_version():
    """The .kiln format version the library reads, (major, minor)."""
    return lib.kiln_format_version_major(), lib.kiln_format_version_minor()


def load(path, threads=1, batch=16):
    """Opens and validates the .kiln file at `path`. `threads`: 1 to 256; `batch`: images per run
    of generate (1 to 4096; any count is generated, in runs of this many)."""
    handle = _capi.Model()
    _check(lib.kiln_model_open(str(path).encode(), ctypes.byref(handle)))
    return Model(handle, threads, batch)


def load_bytes(data, threads=1, batch=16):
    """Opens a model from the bytes of a .kiln file (copied)."""
    data = bytes(data)
    handle = _capi.Model()
    _check(lib.kiln_model_open_memory(data, len(data), ctypes.byref(handle)))
    return Model(handle, threads, batch)


class Model:
    """An open model with its sessions (one per batch size used). Close it, or use `with`."""

    def __init__(self, handle, threads, batch):
        self._model, self._threads, self._sessions = handle, threads, {}
        try:
            raw = _capi.ModelInfo()
            _check(lib.kiln_model_get_info(handle, ctypes.byref(raw)))
            self.info = self._describe(raw)
            self._generate = self._session(batch)
        except BaseException:
            self.close()
            raise

    def _describe(self, raw):
        def tensor(get, i):
            t = _capi.TensorInfo()
            _check(get(self._model, i, ctypes.byref(t)))
            return {"name": t.name.decode(), "dtype": np.dtype(_DTYPES[t.dtype]).name, "shape": tuple(t.shape[:t.rank])}

        def class_name(i):
            name = ctypes.c_char_p()
            _check(lib.kiln_model_get_class_name(self._model, i, ctypes.byref(name)))
            return name.value.decode()

        return {
            "name": raw.name.decode(), "architecture": raw.architecture.decode(), "precision": raw.precision.decode(),
            "latent_dim": raw.latent_dim, "conditional": bool(raw.conditional),
            "classes": [class_name(i) for i in range(raw.class_count)],
            "output_range": (raw.output_lo, raw.output_hi) if raw.latent_dim else None,
            "macs_per_sample": raw.macs_per_sample, "file_bytes": raw.file_bytes,
            "format_version": (raw.format_major, raw.format_minor),
            "inputs": [tensor(lib.kiln_model_get_input, i) for i in range(raw.input_count)],
            "outputs": [tensor(lib.kiln_model_get_output, i) for i in range(raw.output_count)],
        }

    def _session(self, batch):
        if self._sessions is None:
            raise ClosedError("KILN_E_HANDLE", "the model is closed; load it again")
        if batch not in self._sessions:
            if not isinstance(batch, int) or isinstance(batch, bool):
                raise ArgumentError("KILN_E_ARGUMENT", f"batch must be an int, not {batch!r}")
            s = _capi.Session()
            _check(lib.kiln_session_create(self._model, _uint(self._threads, "threads"), _uint(batch, "batch"), ctypes.byref(s)))
            self._sessions[batch] = s
        return self._sessions[batch]

    def latent(self, seed):
        """The latent vector of `seed` (float32 [latent_dim]), as generate uses it."""
        z = np.empty(max(self.info["latent_dim"], 1), np.float32)
        _check(lib.kiln_model_latent(self._model, _seed(seed), z.ctypes.data, z.size))
        return z

    def generate(self, seed=0, count=1, cls=None):
        """`count` images from the latent vectors of seeds seed, seed + 1, ...: float32 [count, C, H,
        W] in info["output_range"]. `cls`: the class of every image for a conditional model (an index,
        or a name from info["classes"]); None gives image k class k mod classes."""
        out = self._output(_uint(count, "count"))
        _check(lib.kiln_session_generate(self._generate, _seed(seed), count, self._class(cls), out.ctypes.data, out.size))
        return out

    def generate_latent(self, z, cls=None):
        """Images from your own latent vectors z (float32 [count, latent_dim]); `cls` an int or a
        sequence of count ints for a conditional model."""
        z = np.ascontiguousarray(z, np.float32)
        if z.ndim != 2 or z.shape[1] != self.info["latent_dim"]:
            raise ArgumentError("KILN_E_ARGUMENT", f"z has shape {z.shape}; pass [count, {self.info['latent_dim']}]")
        labels = None
        if cls is not None:
            labels = np.ascontiguousarray(np.broadcast_to(np.asarray([self._class(c) for c in np.atleast_1d(cls)]), (z.shape[0],)), np.int32)
        out = self._output(z.shape[0])
        _check(lib.kiln_session_generate_latent(self._generate, z.ctypes.data, z.shape[0],
                                                None if labels is None else labels.ctypes.data, out.ctypes.data, out.size))
        return out

    def run(self, *inputs):
        """Runs the graph on numpy arrays, one per graph input (batch first; converted to the
        input's dtype). Returns the output array, or a tuple of them for several outputs."""
        spec = self.info["inputs"]
        if len(inputs) != len(spec):
            raise ArgumentError("KILN_E_ARGUMENT", f"the model takes {len(spec)} input(s) ({', '.join(s['name'] for s in spec)}), got {len(inputs)}")
        arrays = [np.ascontiguousarray(x, s["dtype"]) for x, s in zip(inputs, spec)]
        batch = arrays[0].shape[0] if arrays and arrays[0].ndim else 0
        for a, s in zip(arrays, spec):
            if a.shape != (batch,) + s["shape"]:
                raise ArgumentError("KILN_E_ARGUMENT", f"input '{s['name']}' has shape {a.shape}; the model takes [batch] + {list(s['shape'])}, the same batch for every input")
        outs = [np.empty((batch,) + o["shape"], o["dtype"]) for o in self.info["outputs"]]
        pointers = (ctypes.c_void_p * max(len(arrays), 1))(*[a.ctypes.data for a in arrays])
        sizes = (ctypes.c_size_t * max(len(arrays), 1))(*[a.nbytes for a in arrays])
        out_pointers = (ctypes.c_void_p * len(outs))(*[o.ctypes.data for o in outs])
        out_sizes = (ctypes.c_size_t * len(outs))(*[o.nbytes for o in outs])
        session = self._session(batch)
        _check(lib.kiln_session_run(session, pointers, sizes, len(arrays), out_pointers, out_sizes, len(outs)))
        return outs[0] if len(outs) == 1 else tuple(outs)

    def _output(self, count):
        shape = self.info["outputs"][0]["shape"]
        return np.empty((count,) + shape, np.float32)

    def _class(self, cls):
        if cls is None:
            return -1
        if isinstance(cls, str):
            if cls not in self.info["classes"]:
                raise ArgumentError("KILN_E_ARGUMENT", f"unknown class {cls!r}; the model's classes are {self.info['classes']}")
            return self.info["classes"].index(cls)
        if isinstance(cls, bool) or not isinstance(cls, (int, np.integer)) or not 0 <= cls < 2**31:
            raise ArgumentError("KILN_E_ARGUMENT", f"cls must be a class index (0 to {len(self.info['classes']) - 1}) or name, not {cls!r}")
        return int(cls)

    def close(self):
        """Releases the sessions and the model; using the model afterwards raises ClosedError."""
        if self._sessions is None:
            return
        for s in self._sessions.values():
            lib.kiln_session_release(s)
        self._sessions = None
        self._generate = _capi.Session()  # the zero handle: calls raise ClosedError
        lib.kiln_model_release(self._model)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        if getattr(self, "_sessions", None) is not None:
            self.close()

    def __repr__(self):
        return f"<kiln.Model {self.info['name']!r} {self.info['precision']}>"


def _uint(v, what):
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or not 0 <= v < 2**32:
        raise ArgumentError("KILN_E_ARGUMENT", f"{what} must be a whole number from 1 up, not {v!r}")
    return int(v)


def _seed(v):
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
        raise ArgumentError("KILN_E_ARGUMENT", f"seed must be an int, not {v!r}")
    return int(v) % 2**64
