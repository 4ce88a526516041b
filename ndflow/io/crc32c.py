"""CRC-32C (Castagnoli), the checksum of TFRecord files, and TensorFlow's masking of it.

Uses the `crc32c` or `google-crc32c` package when one is installed (C speed); otherwise a
table-driven Python implementation that handles eight bytes per step.
"""
import struct

_POLY = 0x82F63B78  # the reflected Castagnoli polynomial
_MASK_DELTA = 0xA282EAD8


def _make_tables():
    first = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ _POLY if c & 1 else c >> 1
        first.append(c)
    tables = [first]
    for _ in range(7):
        prev = tables[-1]
        tables.append([(prev[n] >> 8) ^ first[prev[n] & 0xFF] for n in range(256)])
    return tables


_T = None


def _python_crc32c(data, crc=0):
    global _T
    if _T is None:
        _T = _make_tables()
    t0, t1, t2, t3, t4, t5, t6, t7 = _T
    crc ^= 0xFFFFFFFF
    data = memoryview(data).cast("B")
    n = len(data)
    head = n - n % 8
    if head:
        for lo, hi in struct.iter_unpack("<II", data[:head]):
            lo ^= crc
            crc = (t7[lo & 0xFF] ^ t6[(lo >> 8) & 0xFF] ^ t5[(lo >> 16) & 0xFF] ^ t4[lo >> 24]
                   ^ t3[hi & 0xFF] ^ t2[(hi >> 8) & 0xFF] ^ t1[(hi >> 16) & 0xFF] ^ t0[hi >> 24])
    for b in data[head:]:
        crc = (crc >> 8) ^ t0[(crc ^ b) & 0xFF]
    return crc ^ 0xFFFFFFFF


def _fast_implementation():
    try:
        import crc32c as _c
        return lambda data: _c.crc32c(bytes(data))
    except ImportError:
        pass
    try:
        import google_crc32c as _g
        return lambda data: _g.value(bytes(data))
    except ImportError:
        return None


_fast = _fast_implementation()


def crc32c(data):
    """The CRC-32C of `data` (bytes-like) as an unsigned 32-bit int."""
    if _fast is not None:
        return _fast(data)
    return _python_crc32c(data)


def masked_crc32c(data):
    """TensorFlow's masked CRC: rotated right by 15 bits plus a constant, so a CRC stored
    inside the checked data does not check itself."""
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + _MASK_DELTA) & 0xFFFFFFFF
