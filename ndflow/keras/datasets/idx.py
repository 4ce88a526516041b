"""The IDX file format (MNIST's): a 4-byte magic, big-endian uint32 dims, then the raw data.

Magic: two zero bytes, a data-type code, the number of dimensions. Files may be gzip-
compressed; they are recognised by their content (gzip's 1f 8b header), not their name.
"""
import gzip
import io
import math
import os
import zlib

import numpy as np

from ...framework.errors import DataLossError

GZIP_MAGIC = b"\x1f\x8b"

# IDX type code -> (big-endian dtype as stored, native dtype returned)
_TYPE_CODES = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_CODE_OF_DTYPE = {dtype.newbyteorder("="): code for code, dtype in _TYPE_CODES.items()}
_CHUNK = 1 << 24


def is_gzip(path):
    with open(path, "rb") as f:
        return f.read(2) == GZIP_MAGIC


def open_decompressed(path):
    """A binary file object over `path`'s contents, gunzipped when the file is gzip."""
    return gzip.open(path, "rb") if is_gzip(path) else open(path, "rb")


def read_idx(path):
    """The array stored in the IDX file `path` (gzip or raw), in native byte order.

    Raises DataLossError naming the file and what is wrong with it: not IDX, unknown data
    type, truncated, extra bytes after the data, corrupt gzip stream.
    """
    path = os.fspath(path)
    try:
        with open_decompressed(path) as f:
            return _parse(f, path)
    except (EOFError, zlib.error, gzip.BadGzipFile) as e:
        raise DataLossError(f"{path}: corrupt or truncated gzip data ({e})") from None


def _parse(f, path):
    magic = f.read(4)
    if len(magic) < 4:
        raise DataLossError(f"{path}: not an IDX file: only {len(magic)} bytes, "
                            "too short for the 4-byte IDX magic number")
    if magic[:2] != b"\0\0":
        raise DataLossError(f"{path}: not an IDX file: it starts with {magic!r}, "
                            "while an IDX file starts with two zero bytes, a type code "
                            "and a dimension count")
    code, ndim = magic[2], magic[3]
    if code not in _TYPE_CODES:
        raise DataLossError(f"{path}: wrong IDX magic number 0x{magic.hex()}: unknown data "
                            f"type code 0x{code:02x} (expected one of "
                            f"{', '.join(f'0x{c:02x}' for c in _TYPE_CODES)})")
    dims_bytes = f.read(4 * ndim)
    if len(dims_bytes) < 4 * ndim:
        raise DataLossError(f"{path}: truncated IDX header: {ndim} dimensions announced "
                            f"but only {len(dims_bytes)} of {4 * ndim} dimension bytes present")
    shape = tuple(int(d) for d in np.frombuffer(dims_bytes, dtype=">u4"))
    stored = _TYPE_CODES[code]
    expected = math.prod(shape) * stored.itemsize  # Python ints: no int64 overflow
    data = _read_at_most(f, expected + 1)  # one byte more reveals trailing garbage
    if len(data) < expected:
        raise DataLossError(f"{path}: truncated IDX data: shape {shape} of {stored.name} "
                            f"needs {expected} bytes after the header, found {len(data)}")
    if len(data) > expected:
        raise DataLossError(f"{path}: wrong IDX length: more bytes than the {expected} that "
                            f"shape {shape} of {stored.name} needs after the header")
    # astype copies: the result is writable and in native byte order
    return np.frombuffer(data, dtype=stored).astype(stored.newbyteorder("=")).reshape(shape)


def _read_at_most(f, limit):
    """Reads up to `limit` bytes without allocating `limit` up front (the header may lie)."""
    chunks, total = [], 0
    while total < limit:
        chunk = f.read(min(_CHUNK, limit - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def idx_bytes(array):
    """The IDX encoding of `array` (uint8, int8, int16, int32, float32 or float64)."""
    array = np.asarray(array)
    code = _CODE_OF_DTYPE.get(array.dtype.newbyteorder("="))
    if code is None:
        raise ValueError(f"IDX cannot store dtype {array.dtype}; expected one of uint8, int8, "
                         "int16, int32, float32, float64")
    if array.ndim > 255:
        raise ValueError(f"IDX stores at most 255 dimensions, got {array.ndim}")
    header = bytes([0, 0, code, array.ndim]) + np.asarray(array.shape, dtype=">u4").tobytes()
    return header + array.astype(_TYPE_CODES[code], copy=False).tobytes()


def write_idx(path, array, compress=None):
    """Writes `array` as IDX to `path`, gzip-compressed (deterministic bytes) when `compress`
    is true or, if None, when the name ends in .gz. Atomic: a temporary file is renamed."""
    path = os.fspath(path)
    if compress is None:
        compress = path.endswith(".gz")
    payload = idx_bytes(array)
    if compress:
        payload = gzip.compress(payload, compresslevel=9, mtime=0)
    from ..utils.data_utils import write_atomically
    write_atomically(path, io.BytesIO(payload))
    return path
