""".npz archives read without pickle and without trusting their headers.

Every member's .npy header is checked against the bytes the member really holds before an
array is allocated, object arrays are refused, and every failure is a DataLossError that
names the file. Archives ndflow writes carry a SHA-256 of their arrays (member
`ndflow_sha256`), verified on read, so a corrupted file is always detected; archives
without one (Keras's mnist.npz) load as NumPy loads them.
"""
import hashlib
import math
import zipfile
import zlib

import numpy as np

from ...framework.errors import DataLossError

CHECKSUM_MEMBER = "ndflow_sha256"


def digest_arrays(arrays):
    """SHA-256 (hex) of named arrays: names, dtypes, shapes and bytes, in name order."""
    digest = hashlib.sha256()
    for name in sorted(arrays):
        a = np.ascontiguousarray(arrays[name])
        digest.update(f"{name}|{a.dtype.str}|{a.shape}|".encode("utf-8"))
        digest.update(a.tobytes())
    return digest.hexdigest()


def with_checksum(arrays):
    """`arrays` plus the checksum member that `read_npz` verifies."""
    arrays = dict(arrays)
    arrays[CHECKSUM_MEMBER] = np.frombuffer(digest_arrays(arrays).encode("ascii"), np.uint8)
    return arrays


def read_npy_header(f):
    """(shape, fortran_order, dtype) from the header of the .npy stream `f` (format versions
    1 to 3), leaving `f` at the data; ValueError for another version."""
    version = np.lib.format.read_magic(f)
    if version == (1, 0):
        return np.lib.format.read_array_header_1_0(f)
    if version in ((2, 0), (3, 0)):
        return np.lib.format.read_array_header_2_0(f)
    raise ValueError(f"unsupported .npy version {version}")


def _check_member(archive, name, path):
    info = archive.getinfo(name)
    with archive.open(info) as f:
        shape, _, dtype = read_npy_header(f)
        header = f.tell()
    if dtype.hasobject:
        raise DataLossError(f"{path}: cannot read as .npz without pickle: array "
                            f"{name[:-4]!r} holds Python objects; refused")
    claimed = math.prod(shape) * dtype.itemsize
    if claimed > info.file_size - header:
        raise DataLossError(f"{path}: array {name[:-4]!r} claims shape {shape} of {dtype} "
                            f"({claimed} bytes) but its member holds only "
                            f"{info.file_size - header} bytes of data; the file is corrupted")


def read_npz(path, required=(), what=".npz"):
    """All arrays of the .npz at `path` as a dict, checked as the module says.

    Args:
      path: the file.
      required: array names that must be present.
      what: how error messages call the file ("a dataset .npz", "a backup"...).

    Raises:
      DataLossError: naming `path`, when it is not a readable .npz (truncated, corrupted,
        not a zip), lacks a required array, an array's header claims more data than stored,
        or its arrays do not match the checksum ndflow stored with them.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if n.endswith(".npy")]
            missing = [k for k in required if k + ".npy" not in names]
            if missing:
                raise DataLossError(f"{path}: not {what}: missing arrays {missing} "
                                    f"(found {sorted(n[:-4] for n in names)})")
            for name in names:
                _check_member(archive, name, path)
        with np.load(path, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
    except DataLossError:
        raise
    except (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile, zlib.error,
            NotImplementedError, SyntaxError, OverflowError, TypeError, RecursionError) as e:
        raise DataLossError(f"{path}: cannot read as {what} without pickle "
                            f"({type(e).__name__}: {e})") from None
    stored = arrays.pop(CHECKSUM_MEMBER, None)
    if stored is not None:
        if stored.dtype != np.uint8 or bytes(stored).decode("ascii", "replace") != \
                digest_arrays(arrays):
            raise DataLossError(f"{path}: its arrays do not match the checksum ndflow stored "
                                "with them (the file is corrupted).")
    return arrays
