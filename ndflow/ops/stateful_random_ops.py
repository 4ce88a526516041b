"""The ops of tf.random.Generator (ndflow/random/generator.py), whose state is a variable.

The state of a Philox generator is three int64 words, `[counter_low, counter_high, key]`.
Each draw reads the key and the 128-bit counter, moves the counter on by 256 per value
drawn (TensorFlow's reservation) and computes the values from that key and counter with
the Philox conversions of the stateless ops (ndflow/ops/philox.py), so a generator made
with `from_seed(s)` gives TensorFlow's numbers for `s`, eagerly and inside tf.function.
"""
import math

import numpy as np

from ..framework import dtypes
from ..framework.registry import op
from ..framework.tensor_shape import TensorShape
from . import philox

PHILOX = 1  # tf.random.Algorithm.PHILOX
_MASK64 = (1 << 64) - 1


def _int64(value):
    value &= _MASK64
    return value - (1 << 64) if value >= 1 << 63 else value


def _counter_key(state):
    low, high, key = (int(v) & _MASK64 for v in state.tolist()[:3])
    return low | (high << 64), (key & 0xFFFFFFFF, key >> 32)


def create_rng_state(seed, alg):
    """The initial state `[counter_low, counter_high, key]` a Philox generator gets from
    an int seed (its 64-bit chunks, lowest first) or a list of ints.

    Args:
      seed: A Python int (any size) or a list of up to three ints.
      alg: The algorithm: "philox" (or 1).

    Returns:
      A NumPy int64 array of shape [3].
    """
    _algorithm(alg)
    if isinstance(seed, (int, np.integer)):
        seed = int(seed)
        words = [(seed >> (64 * i)) & _MASK64 for i in range(3)]
    else:
        words = [int(v) & _MASK64 for v in np.asarray(seed).reshape(-1)]
        if len(words) > 3:
            raise ValueError(f"create_rng_state: a Philox state has 3 words, got a seed of "
                             f"{len(words)}.")
        words += [0] * (3 - len(words))
    return np.array([_int64(w) for w in words], np.int64)


def _algorithm(alg):
    if alg is None or alg in ("philox", "PHILOX", PHILOX) or getattr(alg, "value", None) == 1:
        return PHILOX
    raise ValueError(f"Generator: only the Philox algorithm is supported in ndflow, got "
                     f"alg={alg!r}.")


@op("RngReadAndSkip", uses_store=True, side_effect=True, differentiable=False,
    infer=lambda ts, a: [(TensorShape([3]), dtypes.int64)])
def RNG_READ_AND_SKIP(xp, store, delta, var):
    """The state before the draw; the stored counter moves on by 256 per value."""
    old = store.read(var).copy()
    counter, _ = _counter_key(old)
    counter = (counter + 256 * int(delta)) % (1 << 128)
    new = [_int64(counter), _int64(counter >> 64), int(old.tolist()[2])]
    store.write(var, xp.asarray(new, dtype=xp.int64))
    return old


_DRAWS = {"normal": philox.normal, "truncated_normal": philox.truncated_normal,
          "uniform": philox.uniform}


@op("StatelessRandomFromState", differentiable=False,
    infer=lambda ts, a: [(TensorShape(a["shape"]), a["dtype"])])
def STATELESS_RANDOM_FROM_STATE(xp, state, kind, shape, dtype, minval=0, maxval=0):
    """`shape` values of distribution `kind` from a generator state's key and counter."""
    counter, key = _counter_key(state)
    n = math.prod(shape)
    np_dtype = dtype._np
    if kind == "uniform_int":
        values = philox.uniform_int(key, counter, n, minval, maxval, np_dtype)
    elif kind == "full_int":
        values = philox.full_int(key, counter, n, np_dtype)
    else:
        values = _DRAWS[kind](key, counter, n, np_dtype)
    return xp.asarray(values.reshape(shape))
