"""tf.random.Generator: a random-number generator whose state is a variable.

The state of a Philox generator is three int64 words, `[counter_low, counter_high, key]`.
Each draw reads the key and the 128-bit counter, moves the counter on by 256 per value
drawn (TensorFlow's reservation) and computes the values from that key and counter with
the Philox conversions of the stateless ops (ndflow/ops/philox.py), so a generator made
with `from_seed(s)` gives TensorFlow's numbers for `s`, eagerly and inside tf.function.
"""
import numpy as np

from ..framework import dtypes
from ..framework.registry import execute, op
from ..framework.tensor_shape import TensorShape
from ..framework.variables import Variable
from ..module import Module
from . import philox
from .array_ops import _static_ints, convert_to_tensor

PHILOX = 1  # tf.random.Algorithm.PHILOX
_MASK64 = (1 << 64) - 1


def _int64(value):
    value &= _MASK64
    return value - (1 << 64) if value >= 1 << 63 else value


def _counter_key(state):
    low, high, key = (int(v) & _MASK64 for v in np.asarray(state).reshape(-1)[:3])
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
    old = np.asarray(store.read(var)).copy()
    counter, _ = _counter_key(old)
    counter = (counter + 256 * int(delta)) % (1 << 128)
    new = np.array([_int64(counter), _int64(counter >> 64), int(old[2])], np.int64)
    store.write(var, xp.asarray(new))
    return xp.asarray(old)


_DRAWS = {"normal": philox.normal, "truncated_normal": philox.truncated_normal,
          "uniform": philox.uniform}


@op("StatelessRandomFromState", differentiable=False,
    infer=lambda ts, a: [(TensorShape(a["shape"]), a["dtype"])])
def STATELESS_RANDOM_FROM_STATE(xp, state, kind, shape, dtype, minval=0, maxval=0):
    """`shape` values of distribution `kind` from a generator state's key and counter."""
    counter, key = _counter_key(state)
    n = int(np.prod(shape))
    np_dtype = dtype._np
    if kind == "uniform_int":
        values = philox.uniform_int(key, counter, n, minval, maxval, np_dtype)
    elif kind == "full_int":
        if np.dtype(np_dtype).itemsize == 8:  # two words per value: low word first
            w = philox.words(key, counter, 2 * n).astype(np.uint64)
            values = (w[0::2] | (w[1::2] << np.uint64(32))).view(np.uint64).astype(np_dtype)
        else:
            values = philox.words(key, counter, n).astype(np_dtype)
    else:
        values = _DRAWS[kind](key, counter, n, np_dtype)
    return xp.asarray(np.asarray(values).reshape(shape))


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
        from .join_ops import stack
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


from ..util.export import export_many  # noqa: E402

_NAMES = {"Generator": Generator, "get_global_generator": get_global_generator,
          "set_global_generator": set_global_generator, "create_rng_state": create_rng_state}
export_many("random", _NAMES)
export_many("random.experimental", _NAMES)
