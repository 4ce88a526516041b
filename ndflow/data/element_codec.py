"""A dataset element (flat tuple of arrays) as bytes and back, for `Dataset.cache(filename)`.

Per component: dtype name, shape, then the raw little-endian data (strings: their lengths,
then their bytes). Nothing is unpickled when reading.
"""
import struct

import numpy as np

from ..framework.errors import DataLossError


def encode(arrays):
    parts = [struct.pack("<I", len(arrays))]
    for a in arrays:
        kind = "string" if a.dtype.kind in "OSU" else a.dtype.str
        name = kind.encode("ascii")
        parts.append(struct.pack("<B", len(name)) + name)
        parts.append(struct.pack("<B", a.ndim) + struct.pack(f"<{a.ndim}q", *a.shape))
        if kind == "string":
            items = [bytes(v) for v in a.reshape(-1)]
            parts.append(struct.pack(f"<{len(items)}q", *map(len, items)))
            parts.extend(items)
        else:
            parts.append(np.ascontiguousarray(a).astype(a.dtype.newbyteorder("<"),
                                                       copy=False).tobytes())
    return b"".join(parts)


def decode(data, where):
    try:
        return _decode(memoryview(data))
    except (struct.error, ValueError, TypeError) as e:
        raise DataLossError(f"{where}: the cache file holds a malformed element: {e}") from e


def _decode(view):
    (n,), pos = struct.unpack_from("<I", view, 0), 4
    out = []
    for _ in range(n):
        (ln,) = struct.unpack_from("<B", view, pos)
        kind = bytes(view[pos + 1:pos + 1 + ln]).decode("ascii")
        pos += 1 + ln
        (ndim,) = struct.unpack_from("<B", view, pos)
        shape = struct.unpack_from(f"<{ndim}q", view, pos + 1)
        pos += 1 + 8 * ndim
        count = int(np.prod(shape, dtype=np.int64))
        if kind == "string":
            lengths = struct.unpack_from(f"<{count}q", view, pos)
            pos += 8 * count
            items = np.empty(count, dtype=object)
            for i, ln in enumerate(lengths):
                items[i] = bytes(view[pos:pos + ln])
                pos += ln
            out.append(items.reshape(shape))
        else:
            dtype = np.dtype(kind)
            size = count * dtype.itemsize
            if pos + size > len(view):
                raise ValueError("the data is shorter than its shape says")
            out.append(np.frombuffer(view[pos:pos + size], dtype).astype(
                dtype.newbyteorder("="), copy=True).reshape(shape))
            pos += size
    return tuple(out)
