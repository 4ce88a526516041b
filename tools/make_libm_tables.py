"""Writes ndflow/ops/philox_libm.npz: where the C library's float32 `logf` and `sincosf`
differ from the correctly rounded value, over every input TensorFlow's Box-Muller can give.

TensorFlow's normal and truncated normal kernels (CPU, Linux) turn two uint32 words into
floats with 23 random mantissa bits, then call the C library's single-precision `logf` and
`sincosf` (glibc). Those are accurate to within one ulp but not always correctly rounded,
and NumPy has no binding to them. Each Box-Muller input has only 2**23 possible values, so
this program calls glibc once for each of them and records, as a bitmap over the 23-bit
mantissa, where glibc's result is the other float neighbour of the exact value. The
kernels compute in float64, round, and step those marked entries one ulp toward the exact
value: the result is glibc's, bit for bit, at NumPy speed.

Run on Linux with glibc >= 2.28 (the implementation TensorFlow's Linux wheels call):
    python tools/make_libm_tables.py
"""
import ctypes
import ctypes.util
import math
import os
import platform
import sys
import tempfile

import numpy as np

N = 1 << 23


def _mantissa_floats():
    m = np.arange(N, dtype=np.uint32)
    return (m | np.uint32(0x3F800000)).view(np.float32) - np.float32(1.0)


def _check_neighbour(glibc, exact, name):
    """glibc's value is the correctly rounded one or the other float neighbour of `exact`."""
    rounded = exact.astype(np.float32)
    toward = np.nextafter(rounded, np.where(exact > rounded, np.float32(np.inf),
                                            np.float32(-np.inf)).astype(np.float32))
    bad = (glibc != rounded) & (glibc != toward)
    if bad.any():
        raise SystemExit(f"{name}: glibc is further than one ulp from the exact value at "
                         f"{int(bad.sum())} inputs; the table cannot describe it.")
    return glibc != rounded


def main():
    if platform.system() != "Linux":
        raise SystemExit("Run this on Linux with glibc (the C library TensorFlow calls).")
    libm = ctypes.CDLL(ctypes.util.find_library("m") or "libm.so.6")
    logf = libm.logf
    logf.restype, logf.argtypes = ctypes.c_float, [ctypes.c_float]
    sincosf = libm.sincosf
    sincosf.argtypes = [ctypes.c_float, ctypes.POINTER(ctypes.c_float),
                        ctypes.POINTER(ctypes.c_float)]
    u = _mantissa_floats()
    u1 = np.maximum(u, np.float32(1e-7))
    v1 = (2.0 * math.pi * u.astype(np.float64)).astype(np.float32)  # as the C code rounds
    log_glibc = np.fromiter((logf(x) for x in u1.tolist()), np.float32, N)
    s_out, c_out = ctypes.c_float(), ctypes.c_float()
    sin_glibc = np.empty(N, np.float32)
    cos_glibc = np.empty(N, np.float32)
    ps, pc = ctypes.byref(s_out), ctypes.byref(c_out)
    for i, x in enumerate(v1.tolist()):
        sincosf(x, ps, pc)
        sin_glibc[i] = s_out.value
        cos_glibc[i] = c_out.value
    v64 = v1.astype(np.float64)
    tables = {
        "log": _check_neighbour(log_glibc, np.log(u1.astype(np.float64)), "logf"),
        "sin": _check_neighbour(sin_glibc, np.sin(v64), "sinf"),
        "cos": _check_neighbour(cos_glibc, np.cos(v64), "cosf"),
    }
    libc = " ".join(platform.libc_ver())
    out = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                       "ndflow", "ops", "philox_libm.npz")
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(out), suffix=".npz")
    os.close(fd)
    np.savez_compressed(tmp, libc=np.array(libc),
                        **{k: np.packbits(v, bitorder="little") for k, v in tables.items()})
    os.chmod(tmp, 0o644)
    os.replace(tmp, out)
    print(f"{out}: {libc}; marked " + ", ".join(f"{k} {int(v.sum())}" for k, v in
                                                 tables.items()), file=sys.stderr)


if __name__ == "__main__":
    main()
