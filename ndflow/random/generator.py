"""tf.random.Generator: a random-number generator whose state is a variable.

The state of a Philox generator is three int64 words, `[counter_low, counter_high, key]`.
Each draw reads the key and the 128-bit counter, moves the counter on by 256 per value
drawn (TensorFlow's reservation) and computes the values from that key and counter with
the Philox conversions of the stateless ops (ndflow/ops/philox.py), so a generator made
with `from_seed(s)` gives TensorFlow's numbers for `s`, eagerly and inside tf.function.
"""
import numpy as np

from ..framework import dtypes
from ..framework.registry import execute
from ..framework.variables import Variable
from ..module import Module
from ..ops.array_ops import _static_ints, convert_to_tensor
from ..ops.stateful_random_ops import (RNG_READ_AND_SKIP, STATELESS_RANDOM_FROM_STATE,
                                       _algorithm, _int64, create_rng_state)


class Generator(Module):
    """A random-number generator whose state lives in a variable (tf.random.Generator).

    Every draw moves the state on, so successive draws differ; two generators made from the
    same seed give the same sequence (TensorFlow's numbers for that seed). Draws work
    eagerly and inside `tf.function`, and the state is saved by `tf.train.Checkpoint`.

    Args:
      copy_from: Another Generator to copy the state of.
      state: The initial state, an int64 vector of 3 words.
      alg: "philox" (the only algorithm ndflow has).

    Example:

    >>> g = ndflow.random.Generator.from_seed(1234)
    >>> g.normal([2]).numpy()
    array([0.9356609, 1.0854305], dtype=float32)
    """

    def __init__(self, copy_from=None, state=None, alg=None):
        super().__init__(name="generator")
        if copy_from is not None:
            state, alg = copy_from.state.numpy(), copy_from.algorithm
        if state is None:
            raise ValueError("Generator: give `copy_from` or `state`, or use from_seed / "
                             "from_non_deterministic_state.")
        self._alg = _algorithm(alg)
        state = np.asarray(state, np.int64).reshape(-1)
        if state.shape != (3,):
            raise ValueError(f"Generator: a Philox state has shape [3], got {list(state.shape)}.")
        # public, so tf.train.Checkpoint saves it (as "state")
        self.state = Variable(state, dtype=dtypes.int64, trainable=False, name="StateVar")

    @classmethod
    def from_seed(cls, seed, alg=None):
        """A generator whose state comes from the int `seed` (see `create_rng_state`)."""
        return cls(state=create_rng_state(seed, alg), alg=alg)

    @classmethod
    def from_state(cls, state, alg):
        """A generator with the given state `[counter_low, counter_high, key]`."""
        return cls(state=state, alg=alg)

    @classmethod
    def from_key_counter(cls, key, counter, alg):
        """A generator with the given 64-bit `key` and 2-word `counter`."""
        counter = [int(c) for c in np.asarray(counter).reshape(-1)]
        if len(counter) != 2:
            raise ValueError(f"from_key_counter: counter must have 2 words, got {counter}.")
        return cls(state=[_int64(counter[0]), _int64(counter[1]), _int64(int(key))], alg=alg)

    @classmethod
    def from_non_deterministic_state(cls, alg=None):
        """A generator seeded from the operating system's entropy."""
        words = np.random.default_rng().integers(0, 2 ** 63, size=3, dtype=np.int64)
        return cls(state=words, alg=alg)

    @property
    def algorithm(self):
        return self._alg

    @property
    def key(self):
        return self.state.read_value()[-1]

    def reset(self, state):
        """Sets the state to `state`."""
        self.state.assign(np.asarray(state, np.int64).reshape(3))

    def reset_from_seed(self, seed):
        """Sets the state as `from_seed(seed)` would."""
        self.reset(create_rng_state(seed, self._alg))

    def reset_from_key_counter(self, key, counter):
        """Sets the state from a key and a 2-word counter."""
        self.reset(Generator.from_key_counter(key, counter, self._alg).state.numpy())

    def skip(self, delta):
        """Moves the state on as drawing `delta` values would."""
        execute(RNG_READ_AND_SKIP, (convert_to_tensor(int(delta), dtypes.int64),),
                {"var": self.state})

    def _draw(self, kind, shape, dtype, name, **attrs):
        shape = tuple(int(d) for d in _static_ints(shape, "shape", "Generator"))
        old = execute(RNG_READ_AND_SKIP,
                      (convert_to_tensor(int(np.prod(shape)), dtypes.int64),),
                      {"var": self.state})
        return execute(STATELESS_RANDOM_FROM_STATE, (old,),
                       {"kind": kind, "shape": shape, "dtype": dtypes.as_dtype(dtype), **attrs},
                       name)

    def normal(self, shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, name=None):
        """Values from a normal distribution.

        Args:
          shape: The output shape (ints).
          mean, stddev: The distribution's mean and standard deviation.
          dtype: A float dtype.
          name: A name for the operation (optional).
        """
        values = self._draw("normal", shape, dtype, name)
        return values * stddev + mean

    def truncated_normal(self, shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, name=None):
        """Values from a normal distribution cut at two standard deviations (redrawn)."""
        values = self._draw("truncated_normal", shape, dtype, name)
        return values * stddev + mean

    def uniform(self, shape, minval=0, maxval=None, dtype=dtypes.float32, name=None):
        """Values uniform in `[minval, maxval)`: floats (maxval default 1) or ints (maxval
        required, unless both bounds are None: the full integer range).

        Args:
          shape: The output shape (ints).
          minval, maxval: The bounds (Python numbers).
          dtype: A float dtype, or int32 / int64 (also uint32 / uint64 for the full range).
          name: A name for the operation (optional).
        """
        dtype = dtypes.as_dtype(dtype)
        if dtype.is_integer:
            if minval is None and maxval is None:
                return self.uniform_full_int(shape, dtype, name)
            if maxval is None:
                raise ValueError("Generator.uniform: must specify maxval for integer dtype "
                                 f"{dtype.name}.")
            if not int(minval) < int(maxval):
                raise ValueError(f"Generator.uniform: need minval < maxval, got {minval} >= "
                                 f"{maxval}.")
            return self._draw("uniform_int", shape, dtype, name, minval=int(minval),
                              maxval=int(maxval))
        maxval = 1.0 if maxval is None else maxval
        values = self._draw("uniform", shape, dtype, name)
        low, high = dtype._np.type(minval), dtype._np.type(maxval)
        return values * (high - low) + low

    def uniform_full_int(self, shape, dtype=dtypes.uint64, name=None):
        """Integers uniform over the whole range of `dtype` (int32, int64, uint32, uint64)."""
        return self._draw("full_int", shape, dtype, name)

    def make_seeds(self, count=1):
        """`count` new seeds for the stateless random ops: an int64 tensor `[2, count]`."""
        from ..ops.join_ops import stack
        keys = self.uniform_full_int([count], dtypes.int64)
        return stack([keys, keys * 0])

    def split(self, count=1):
        """`count` new independent generators, each keyed by a value this one draws."""
        keys = self.uniform_full_int([count], dtypes.int64).numpy()
        return [Generator(state=[0, 0, int(k)], alg=self._alg) for k in keys]


_GLOBAL = []


def get_global_generator():
    """The global Generator (made from non-deterministic state on first use)."""
    if not _GLOBAL:
        _GLOBAL.append(Generator.from_non_deterministic_state())
    return _GLOBAL[0]


def set_global_generator(generator):
    """Replaces the global Generator."""
    _GLOBAL[:] = [generator]


