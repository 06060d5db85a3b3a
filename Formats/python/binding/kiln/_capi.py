"""The C API of kiln.h, declared for ctypes, and the library found by $KILN_LIBRARY or beside this file."""

import ctypes
import os

KILN_OK = 0


class Model(ctypes.Structure):
    _fields_ = [("id", ctypes.c_uint64)]


class Session(ctypes.Structure):
    _fields_ = [("id", ctypes.c_uint64)]


class ModelInfo(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("architecture", ctypes.c_char_p), ("precision", ctypes.c_char_p),
                ("input_count", ctypes.c_uint32), ("output_count", ctypes.c_uint32), ("latent_dim", ctypes.c_uint32),
                ("class_count", ctypes.c_uint32), ("conditional", ctypes.c_int32),
                ("output_lo", ctypes.c_float), ("output_hi", ctypes.c_float),
                ("macs_per_sample", ctypes.c_uint64), ("file_bytes", ctypes.c_uint64),
                ("format_major", ctypes.c_uint16), ("format_minor", ctypes.c_uint16)]


class TensorInfo(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("dtype", ctypes.c_int), ("rank", ctypes.c_uint32),
                ("shape", ctypes.c_int64 * 8), ("elements", ctypes.c_uint64), ("bytes", ctypes.c_uint64)]


def _find():
    path = os.environ.get("KILN_LIBRARY")
    if path:
        if not os.path.isfile(path):
            raise OSError(f"KILN_LIBRARY is {path!r}, which is not a file; point it at libKilnC.so "
                          "(swift build -c release --product KilnC writes .build/release/libKilnC.so)")
        return path
    here = os.path.dirname(os.path.abspath(__file__))
    for name in ("libKilnC.so", "libKilnC.dylib"):
        if os.path.isfile(os.path.join(here, name)):
            return os.path.join(here, name)
    raise OSError("libKilnC.so was not found: set KILN_LIBRARY to its path, or copy it next to "
                  f"{__file__} before pip install (swift build -c release --product KilnC builds it)")


lib = ctypes.CDLL(_find())

_status = ctypes.c_int
_sig = {
    "kiln_version": (ctypes.c_char_p, []),
    "kiln_format_version_major": (ctypes.c_uint16, []),
    "kiln_format_version_minor": (ctypes.c_uint16, []),
    "kiln_status_name": (ctypes.c_char_p, [ctypes.c_int]),
    "kiln_last_error": (ctypes.c_char_p, []),
    "kiln_model_open": (_status, [ctypes.c_char_p, ctypes.POINTER(Model)]),
    "kiln_model_open_memory": (_status, [ctypes.c_void_p, ctypes.c_size_t, ctypes.POINTER(Model)]),
    "kiln_model_release": (_status, [Model]),
    "kiln_model_get_info": (_status, [Model, ctypes.POINTER(ModelInfo)]),
    "kiln_model_get_input": (_status, [Model, ctypes.c_uint32, ctypes.POINTER(TensorInfo)]),
    "kiln_model_get_output": (_status, [Model, ctypes.c_uint32, ctypes.POINTER(TensorInfo)]),
    "kiln_model_get_class_name": (_status, [Model, ctypes.c_uint32, ctypes.POINTER(ctypes.c_char_p)]),
    "kiln_model_latent": (_status, [Model, ctypes.c_uint64, ctypes.c_void_p, ctypes.c_size_t]),
    "kiln_session_create": (_status, [Model, ctypes.c_uint32, ctypes.c_uint32, ctypes.POINTER(Session)]),
    "kiln_session_release": (_status, [Session]),
    "kiln_session_get_batch": (_status, [Session, ctypes.POINTER(ctypes.c_uint32)]),
    "kiln_session_run": (_status, [Session, ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(ctypes.c_size_t), ctypes.c_uint32,
                                   ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(ctypes.c_size_t), ctypes.c_uint32]),
    "kiln_session_generate": (_status, [Session, ctypes.c_uint64, ctypes.c_uint32, ctypes.c_int32, ctypes.c_void_p, ctypes.c_size_t]),
    "kiln_session_generate_latent": (_status, [Session, ctypes.c_void_p, ctypes.c_uint32, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t]),
}
for _name, (_res, _args) in _sig.items():
    _f = getattr(lib, _name)
    _f.restype, _f.argtypes = _res, _args
