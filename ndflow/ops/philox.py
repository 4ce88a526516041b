"""TensorFlow's random numbers in NumPy: the Philox4x32-10 generator and its conversions.

Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011) maps
a 128-bit counter and a 64-bit key to four uint32 words; block `i` of a stream is the
function applied to counter + i, so every block is computed at once, vectorised over i.

TensorFlow's kernels turn the words into numbers as described below, and a stateful
kernel (one per graph op, or per op type/dtype/seed pair in eager code) moves its counter
on by a fixed reservation per run. Following those rules exactly gives TensorFlow's
float32 values bit for bit on Linux: `logf`/`sincosf` are the C library's (see
tools/make_libm_tables.py: a float64 computation corrected by a bitmap of glibc's
roundings). float64 and float16 use the same streams; float64 normals are not
guaranteed to match TensorFlow's last bit (glibc's double log/sincos are not modelled).
"""
import math
import os

import numpy as np

_M0, _M1 = np.uint64(0xD2511F53), np.uint64(0xCD9E8D57)  # multipliers of the rounds
_W0, _W1 = 0x9E3779B9, 0xBB67AE85                      # key increments (Weyl sequence)
_LO32 = np.uint64(0xFFFFFFFF)
_S32 = np.uint64(32)
_MASK64 = (1 << 64) - 1
_MASK128 = (1 << 128) - 1
RESERVED_PER_OUTPUT = 256    # counters a stateful kernel reserves per output element
_TRUNCATE_GROUP_SKIP = 256   # counters between truncated-normal output groups (float32)


def blocks(key, counter, n=None, offsets=None):
    """Philox4x32-10 output words, shape (blocks, 4), uint32.

    Args:
      key: (k0, k1), two uint32 words.
      counter: the 128-bit counter of block 0 (a Python int).
      n: how many consecutive blocks; or `offsets`, a uint64 array of block indices.
    """
    idx = np.arange(n, dtype=np.uint64) if offsets is None else offsets.astype(np.uint64)
    base_lo = np.uint64(counter & _MASK64)
    lo = base_lo + idx
    hi = np.uint64((counter >> 64) & _MASK64) + (lo < base_lo).astype(np.uint64)
    c0, c1, c2, c3 = lo & _LO32, lo >> _S32, hi & _LO32, hi >> _S32
    k0, k1 = int(key[0]) & 0xFFFFFFFF, int(key[1]) & 0xFFFFFFFF
    for _ in range(10):
        p0 = _M0 * c0
        p1 = _M1 * c2
        c0, c1, c2, c3 = ((p1 >> _S32) ^ c1 ^ np.uint64(k0), p1 & _LO32,
                          (p0 >> _S32) ^ c3 ^ np.uint64(k1), p0 & _LO32)
        k0, k1 = (k0 + _W0) & 0xFFFFFFFF, (k1 + _W1) & 0xFFFFFFFF
    return np.stack([c0, c1, c2, c3], axis=-1).astype(np.uint32)


def words(key, counter, count):
    """`count` uint32 words of the stream from `counter`, in order."""
    return blocks(key, counter, -(-count // 4)).reshape(-1)[:count]


class PhiloxStream:
    """The generator a stateful TensorFlow random kernel keeps: a key and a counter that
    each run moves on by what the run reserved."""

    def __init__(self, key, counter):
        self.key = (int(key[0]) & 0xFFFFFFFF, int(key[1]) & 0xFFFFFFFF)
        self.counter = int(counter) & _MASK128

    @classmethod
    def from_seeds(cls, seed, seed2):
        """TensorFlow's kernel generator for the op attributes (seed, seed2): the key is
        `seed`, the high half of the counter is `seed2`."""
        seed, seed2 = int(seed) & _MASK64, int(seed2) & _MASK64
        return cls((seed & 0xFFFFFFFF, seed >> 32), seed2 << 64)

    @classmethod
    def from_entropy(cls, rng=None):
        """A stream with fresh random seeds (both seeds unset: nondeterministic)."""
        s = (rng or np.random.default_rng()).integers(0, 2**63, size=2)
        return cls.from_seeds(int(s[0]), int(s[1]))

    def reserve(self, count):
        """(key, counter) for the next `count` blocks; the stream moves past them."""
        start = self.counter
        self.counter = (self.counter + int(count)) & _MASK128
        return self.key, start


def stateless_key_counter(seed):
    """(key, counter) TensorFlow's stateless ops derive from a shape-[2] integer seed
    (StatelessRandomGetKeyCounter): one Philox round trip scrambles the seed."""
    s0, s1 = (int(v) & _MASK64 for v in np.asarray(seed).reshape(-1)[:2])
    mix = blocks((0x3EC8F720, 0x02461E29), s0 | (s1 << 64), 1)[0].tolist()
    return (mix[0], mix[1]), (mix[2] << 64) | (mix[3] << 96)


# --- conversions ----------------------------------------------------------------------------

def _unit_float32(w):
    """[0, 1) from the 23 low bits of each word (a float in [1, 2), minus one)."""
    return ((w & np.uint32(0x7FFFFF)) | np.uint32(0x3F800000)).view(np.float32) - \
        np.float32(1.0)


def _unit_float64(hi, lo):
    man = ((hi & np.uint32(0xFFFFF)).astype(np.uint64) << _S32) | lo.astype(np.uint64)
    return (man | np.uint64(1023 << 52)).view(np.float64) - 1.0


def _unit_float16(w):
    return ((w & np.uint32(0x3FF)).astype(np.uint16) | np.uint16(15 << 10)).view(
        np.float16) - np.float16(1.0)


_LIBM = None


def _libm_tables():
    """Bitmaps over the 23-bit mantissa: where glibc's logf/sinf/cosf round the other way."""
    global _LIBM
    if _LIBM is None:
        path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "philox_libm.npz")
        try:
            with np.load(path, allow_pickle=False) as data:
                _LIBM = {k: np.unpackbits(data[k], bitorder="little").astype(bool)
                         for k in ("log", "sin", "cos")}
        except OSError:
            _LIBM = {}
    return _LIBM


def _glibc_round(exact, mantissa, table):
    """float32 of `exact` (float64) as glibc rounds it, at inputs indexed by `mantissa`."""
    out = exact.astype(np.float32)
    marks = _libm_tables().get(table)
    if marks is not None:
        flip = marks[mantissa]
        if flip.any():
            e, o = exact[flip], out[flip]
            out[flip] = np.nextafter(o, np.where(e > o, np.float32(np.inf),
                                                 np.float32(-np.inf)).astype(np.float32))
    return out


def box_muller_float32(x0, x1):
    """TensorFlow's float32 Box-Muller: two normals from each pair of words (x0, x1)."""
    m0 = x0 & np.uint32(0x7FFFFF)
    m1 = x1 & np.uint32(0x7FFFFF)
    u1 = _unit_float32(x0)
    small = u1 < np.float32(1e-7)
    u1 = np.where(small, np.float32(1e-7), u1)
    log_index = np.where(small, np.uint32(0), m0)  # table entry 0 holds log(1e-7)
    log_u1 = _glibc_round(np.log(u1.astype(np.float64)), log_index, "log")
    radius = np.sqrt(np.float32(-2.0) * log_u1)
    # 2*pi*u is computed in double and rounded to float, as the C expression does
    angle = (2.0 * math.pi * _unit_float32(x1).astype(np.float64)).astype(np.float32)
    angle64 = angle.astype(np.float64)
    sin = _glibc_round(np.sin(angle64), m1, "sin")
    cos = _glibc_round(np.cos(angle64), m1, "cos")
    return sin * radius, cos * radius


def _box_muller_float64(x0, x1, x2, x3):
    u1 = np.maximum(_unit_float64(x0, x1), 1e-7)
    angle = 2.0 * math.pi * _unit_float64(x2, x3)
    radius = np.sqrt(-2.0 * np.log(u1))
    return np.sin(angle) * radius, np.cos(angle) * radius


def _interleave(a, b):
    out = np.empty(a.size + b.size, dtype=a.dtype)
    out[0::2], out[1::2] = a, b
    return out


def uniform(key, counter, count, dtype=np.float32):
    """`count` uniform [0, 1) values of `dtype` (float16/32/64), TensorFlow's layout."""
    dtype = np.dtype(dtype)
    if dtype == np.float64:
        w = blocks(key, counter, -(-count // 2)).reshape(-1)
        return _unit_float64(w[0::2], w[1::2])[:count]
    w = words(key, counter, count)
    return _unit_float16(w) if dtype == np.float16 else _unit_float32(w)


def normal(key, counter, count, dtype=np.float32):
    """`count` standard normal values of `dtype`, TensorFlow's layout."""
    dtype = np.dtype(dtype)
    w = blocks(key, counter, -(-count // (2 if dtype == np.float64 else 4))).reshape(-1)
    if dtype == np.float64:
        return _interleave(*_box_muller_float64(w[0::4], w[1::4], w[2::4], w[3::4]))[:count]
    return _interleave(*box_muller_float32(w[0::2], w[1::2]))[:count].astype(dtype)


def truncated_normal(key, counter, count, dtype=np.float32):
    """`count` standard normals redrawn beyond two standard deviations, as TensorFlow does:
    output group g (4 float32 values, or 2 float64) starts its own run of words 256
    (float64: 128) counters after group g-1 and keeps the first values with |x| < 2."""
    dtype = np.dtype(dtype)
    wide = dtype == np.float64
    group = 2 if wide else 4
    groups = -(-count // group)
    start = np.arange(groups, dtype=np.uint64) * np.uint64(_TRUNCATE_GROUP_SKIP * group // 4)
    out = np.empty((groups, group), dtype=np.float64 if wide else np.float32)
    todo = np.arange(groups)
    found = [np.empty((groups, 0), out.dtype)]
    step = 0
    while todo.size:
        # two more blocks for each unfinished group: 4 more candidate pairs (float32)
        offs = np.stack([start[todo] + np.uint64(step), start[todo] + np.uint64(step + 1)], 1)
        w = blocks(key, counter, offsets=offs.reshape(-1)).reshape(todo.size, -1)
        if wide:
            a, b = _box_muller_float64(w[:, 0::4], w[:, 1::4], w[:, 2::4], w[:, 3::4])
        else:
            a, b = box_muller_float32(w[:, 0::2], w[:, 1::2])
        pairs = np.stack([a, b], -1).reshape(todo.size, -1)
        cand = np.concatenate([found[-1], pairs], axis=1) if step else pairs
        keep = np.abs(cand) < 2.0
        done = keep.sum(1) >= group
        order = np.argsort(~keep, axis=1, kind="stable")[:, :group]
        out[todo[done]] = np.take_along_axis(cand[done], order[done], axis=1)
        todo = todo[~done]
        found.append(cand[~done])
        step += 2
    return out.reshape(-1)[:count].astype(dtype)


def uniform_int(key, counter, count, minval, maxval, dtype):
    """`count` integers in [minval, maxval) as TensorFlow draws them (minval + word % range;
    64-bit types take two words per value)."""
    dtype = np.dtype(dtype)
    span = (int(maxval) - int(minval)) & ((1 << (8 * dtype.itemsize)) - 1)
    if dtype.itemsize == 8:
        w = blocks(key, counter, -(-count // 2)).reshape(-1)
        bits = w[0::2].astype(np.uint64) | (w[1::2].astype(np.uint64) << _S32)
        draw = bits[:count] % np.uint64(span)
        return (draw + np.uint64(int(minval) & _MASK64)).view(np.int64).astype(dtype)
    draw = words(key, counter, count) % np.uint32(span)
    return (draw + np.uint32(int(minval) & 0xFFFFFFFF)).view(np.int32).astype(dtype)


def full_int(key, counter, count, dtype):
    """`count` integers over the whole range of `dtype` (uniform_full_int): one word each,
    or two for 64-bit types (the first word the low half)."""
    dtype = np.dtype(dtype)
    if dtype.itemsize == 8:
        w = words(key, counter, 2 * count).astype(np.uint64)
        return (w[0::2] | (w[1::2] << _S32)).astype(dtype)
    return words(key, counter, count).astype(dtype)


def shuffle_permutation(key, counter, n):
    """TensorFlow's RandomShuffle order of `n` rows: a forward Fisher-Yates walk that
    swaps row i with row i + word_i % (n - i), using n - 1 words."""
    perm = np.arange(n)
    if n <= 1:
        return perm
    i = np.arange(n - 1, dtype=np.uint32)
    j = (i + words(key, counter, n - 1) % (np.uint32(n) - i)).tolist()
    for a, b in enumerate(j):  # the swaps depend on one another: in order
        perm[a], perm[b] = perm[b], perm[a]
    return perm


def shuffle_reservation(n):
    """Counters a RandomShuffle run of `n` rows reserves (n - 1 words, four per block)."""
    return (n - 1 + 3) // 4 if n > 1 else 0
