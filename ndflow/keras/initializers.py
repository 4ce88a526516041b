"""keras.initializers: callables `init(shape, dtype=None)` returning a tensor (Keras 3).

Random initializers draw as Keras 3 on the TensorFlow backend does: TensorFlow's stateless
ops (Philox, ndflow.ops.philox) with the seed pair [seed, 0], so every call of one
initializer gives the same values. An unseeded initializer takes its seed when it is made,
from Python's `random.randint(1, 10**9)` like Keras's make_default_seed (so after
`keras.utils.set_random_seed(s)` the weights are Keras's own, bit for bit); when only
`ndflow.random.set_seed(s)` was called, from a `random.Random(s)` that set_seed restarts,
so a model's weights still repeat from run to run.
"""
import math
import random

import numpy as np

from ..framework import dtypes
from ..framework.context import init_scope, state
from ..framework.errors import InvalidArgumentError
from ._objects import ObjectTable
from ..ops import array_ops as A
from ..ops import philox


def _dtype(dtype):
    return dtypes.as_dtype(dtype or "float32")


def _shape(shape):
    return tuple(int(d) for d in (shape.as_list() if hasattr(shape, "as_list") else shape))


def compute_fans(shape):
    """(fan_in, fan_out) like Keras: kernels are (..., in, out); conv kernels multiply by the
    receptive field."""
    shape = _shape(shape)
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive = int(np.prod(shape[:-2]))
    return shape[-2] * receptive, shape[-1] * receptive


class Initializer:
    """Base class: subclasses implement `__call__(shape, dtype=None)` and `get_config`."""

    def __call__(self, shape, dtype=None):
        raise NotImplementedError

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def clone(self):
        return self.__class__.from_config(self.get_config())


class RandomInitializer(Initializer):
    """Base class of Keras initializers that draw random values.

    Draws use the same counter-based generator as `ndflow.random.stateless_*`, so a seeded
    initializer gives the same values as Keras 3 on TensorFlow for the same seed.

    Args:
      seed: Optional int; an unseeded initializer draws a seed once, at creation.

    Raises:
      InvalidArgumentError: If `seed` is not an int or None, or if called with a non-floating
        dtype.
    """
    def __init__(self, seed=None):
        if seed is not None and not isinstance(seed, (int, np.integer)):
            raise InvalidArgumentError(f"`seed` argument should be an integer or None. "
                                       f"Received: seed={seed!r}")
        self.seed = None if seed is None else int(seed)
        self._seed = make_default_seed() if seed is None else self.seed

    def get_config(self):
        return {"seed": self.seed}

    def _values(self, kind, shape, dtype, a, b):
        """NumPy values of `kind` (normal/truncated_normal/uniform) with parameters (a, b),
        as tf.random.stateless_<kind>(shape, seed=[seed, 0]) * b + a computes them."""
        shape, dtype = _shape(shape), _dtype(dtype)
        if not dtype.is_floating:
            raise InvalidArgumentError(f"{type(self).__name__} only supports floating dtypes; "
                                       f"received dtype={dtype.name}.")
        np_dtype = dtype._np
        key, counter = philox.stateless_key_counter([self._seed % (2**31 - 2), 0])
        draw = {"normal": philox.normal, "truncated_normal": philox.truncated_normal,
                "uniform": philox.uniform}[kind]
        out = draw(key, counter, math.prod(shape), np_dtype).reshape(shape)
        if kind == "uniform":  # minval, maxval cast to the dtype first, as Keras does
            lo, hi = np_dtype.type(a), np_dtype.type(b)
            return out * (hi - lo) + lo
        return out * np_dtype.type(b) + np_dtype.type(a)

    def _draw(self, kind, shape, dtype, a, b):
        values = self._values(kind, shape, dtype, a, b)
        with init_scope():  # initial values are concrete even when built during tracing
            return A.constant(values, dtype=_dtype(dtype))


def make_default_seed():
    """The seed of an unseeded random initializer (see the module docstring)."""
    if state.global_seed is not None and not state.eager_generators.get("keras python seed"):
        draw = state.eager_generators.get("keras default seeds")
        if draw is None:  # set_seed clears eager_generators: the sequence restarts
            draw = state.eager_generators["keras default seeds"] = random.Random(
                state.global_seed)
        return draw.randint(1, int(1e9))
    return random.randint(1, int(1e9))


class Zeros(Initializer):
    """Initializer filling tensors with 0.

    Example:

    >>> from ndflow import keras
    >>> keras.initializers.Zeros()((2,)).numpy()
    array([0., 0.], dtype=float32)
    """
    def __call__(self, shape, dtype=None):
        with init_scope():
            return A.zeros(_shape(shape), _dtype(dtype))


class Ones(Initializer):
    """Initializer filling tensors with 1."""
    def __call__(self, shape, dtype=None):
        with init_scope():
            return A.ones(_shape(shape), _dtype(dtype))


class Constant(Initializer):
    """Initializer filling tensors with a constant (or a broadcast array).

    Args:
      value: A scalar, or an array broadcastable to the requested shape.
    """
    def __init__(self, value=0.0):
        self.value = value

    def __call__(self, shape, dtype=None):
        value = np.broadcast_to(np.asarray(self.value), _shape(shape))
        with init_scope():
            return A.constant(np.array(value, dtype=_dtype(dtype)._np), dtype=_dtype(dtype))

    def get_config(self):
        value = self.value
        return {"value": value.tolist() if isinstance(value, np.ndarray) else value}


class RandomNormal(RandomInitializer):
    """Initializer drawing from a normal distribution.

    Args:
      mean: The mean (default 0).
      stddev: The standard deviation (default 0.05).
      seed: Optional int; an unseeded initializer draws a seed once, at creation.
    """
    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        super().__init__(seed)
        self.mean, self.stddev = float(mean), float(stddev)

    def __call__(self, shape, dtype=None):
        return self._draw("normal", shape, dtype, self.mean, self.stddev)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, **super().get_config()}


class TruncatedNormal(RandomNormal):
    """Initializer drawing from a normal distribution truncated to two standard deviations.

    Samples further than `2 * stddev` from `mean` are redrawn.

    Args:
      mean: The mean (default 0).
      stddev: The standard deviation before truncation (default 0.05).
      seed: Optional int; an unseeded initializer draws a seed once, at creation.
    """
    def __call__(self, shape, dtype=None):
        return self._draw("truncated_normal", shape, dtype, self.mean, self.stddev)


class RandomUniform(RandomInitializer):
    """Initializer drawing uniformly from `[minval, maxval)`.

    Args:
      minval: The lower bound (default -0.05).
      maxval: The upper bound (default 0.05).
      seed: Optional int; an unseeded initializer draws a seed once, at creation.
    """
    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        super().__init__(seed)
        self.minval, self.maxval = float(minval), float(maxval)

    def __call__(self, shape, dtype=None):
        return self._draw("uniform", shape, dtype, self.minval, self.maxval)

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, **super().get_config()}


class VarianceScaling(RandomInitializer):
    """Samples with variance `scale / n` (n: fan_in, fan_out or their mean)."""

    _MODES = ("fan_in", "fan_out", "fan_avg")
    _DISTRIBUTIONS = ("truncated_normal", "untruncated_normal", "uniform", "normal")

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None):
        super().__init__(seed)
        if scale <= 0.0:
            raise InvalidArgumentError(f"Argument `scale` must be positive float. "
                                       f"Received: scale={scale}")
        if mode not in self._MODES:
            raise InvalidArgumentError(f"Invalid `mode` argument: expected one of {self._MODES}. "
                                       f"Received: mode={mode!r}")
        distribution = distribution.lower()
        if distribution not in self._DISTRIBUTIONS:
            raise InvalidArgumentError(f"Invalid `distribution` argument: expected one of "
                                       f"{self._DISTRIBUTIONS}. Received: {distribution!r}")
        self.scale, self.mode, self.distribution = float(scale), mode, distribution

    def __call__(self, shape, dtype=None):
        fan_in, fan_out = compute_fans(shape)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        variance = self.scale / max(1.0, n)
        if self.distribution == "truncated_normal":
            # stddev of a unit normal truncated to [-2, 2]
            return self._draw("truncated_normal", shape, dtype, 0.0,
                              math.sqrt(variance) / 0.87962566103423978)
        if self.distribution in ("normal", "untruncated_normal"):
            return self._draw("normal", shape, dtype, 0.0, math.sqrt(variance))
        limit = math.sqrt(3.0 * variance)
        return self._draw("uniform", shape, dtype, -limit, limit)

    def get_config(self):
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution,
                **super().get_config()}


def _variance_scaling_preset(name, scale, mode, distribution):
    class Preset(VarianceScaling):
        def __init__(self, seed=None):
            super().__init__(scale, mode, distribution, seed)

        def get_config(self):
            return {"seed": self.seed}

    Preset.__name__ = Preset.__qualname__ = name
    n = {"fan_in": "fan_in", "fan_avg": "(fan_in + fan_out) / 2"}[mode]
    if distribution == "uniform":
        how = f"uniformly from `[-limit, limit]` with `limit = sqrt({3 * scale:g} / {n})`"
    else:
        how = (f"from a normal distribution truncated to two standard deviations, scaled to "
               f"variance `{scale:g} / {n}`")
    Preset.__doc__ = (
        f"Initializer drawing {how}.\n\n"
        f"    The same as `VarianceScaling(scale={scale:g}, mode={mode!r}, "
        f"distribution={distribution!r})`. fan_in and fan_out are the input and output sizes "
        f"of the weight (a kernel's receptive field multiplies both).\n\n"
        f"    Args:\n      seed: Optional int; an unseeded initializer draws its seed once, at "
        f"creation, so calling it twice gives the same values.\n\n"
        f"    Example:\n\n    >>> from ndflow import keras\n"
        f"    >>> keras.initializers.{name}(seed=1)((3, 4)).shape\n    TensorShape([3, 4])\n")
    return Preset


GlorotUniform = _variance_scaling_preset("GlorotUniform", 1.0, "fan_avg", "uniform")
GlorotNormal = _variance_scaling_preset("GlorotNormal", 1.0, "fan_avg", "truncated_normal")
HeUniform = _variance_scaling_preset("HeUniform", 2.0, "fan_in", "uniform")
HeNormal = _variance_scaling_preset("HeNormal", 2.0, "fan_in", "truncated_normal")
LecunUniform = _variance_scaling_preset("LecunUniform", 1.0, "fan_in", "uniform")
LecunNormal = _variance_scaling_preset("LecunNormal", 1.0, "fan_in", "truncated_normal")


class Orthogonal(RandomInitializer):
    """A (semi-)orthogonal matrix from the QR decomposition of a normal sample, times `gain`."""

    def __init__(self, gain=1.0, seed=None):
        super().__init__(seed)
        self.gain = float(gain)

    def __call__(self, shape, dtype=None):
        shape = _shape(shape)
        if len(shape) < 2:
            raise InvalidArgumentError(f"The tensor to initialize must be at least "
                                       f"two-dimensional. Received: shape={shape}")
        rows = int(np.prod(shape[:-1]))
        cols = shape[-1]
        flat = (max(rows, cols), min(rows, cols))
        sample = self._values("normal", flat, dtype, 0.0, 1.0)  # Keras's draw, in `dtype`
        q, r = np.linalg.qr(sample.astype(np.float64))
        q = q * np.sign(np.diag(r))  # make the decomposition unique
        if rows < cols:
            q = q.T
        value = (self.gain * q).reshape(shape).astype(_dtype(dtype)._np)
        with init_scope():
            return A.constant(value, dtype=_dtype(dtype))

    def get_config(self):
        return {"gain": self.gain, **super().get_config()}


class Identity(Initializer):
    """Initializer giving `gain` times the identity matrix (2-D shapes only).

    Non-square shapes get ones on the main diagonal.

    Args:
      gain: The diagonal value (default 1).

    Raises:
      InvalidArgumentError: When called with a shape that is not 2-D.
    """
    def __init__(self, gain=1.0):
        self.gain = float(gain)

    def __call__(self, shape, dtype=None):
        shape = _shape(shape)
        if len(shape) != 2:
            raise InvalidArgumentError(f"Identity matrix initializer can only be used for 2D "
                                       f"matrices. Received: shape={shape}")
        with init_scope():
            return A.constant(self.gain * np.eye(*shape, dtype=_dtype(dtype)._np),
                              dtype=_dtype(dtype))

    def get_config(self):
        return {"gain": self.gain}


IdentityInitializer = Identity
OrthogonalInitializer = Orthogonal

_CLASSES = {c.__name__: c for c in (
    Zeros, Ones, Constant, RandomNormal, RandomUniform, TruncatedNormal, VarianceScaling,
    GlorotUniform, GlorotNormal, HeUniform, HeNormal, LecunUniform, LecunNormal, Orthogonal,
    Identity)}
_ALIASES = {
    "zeros": Zeros, "ones": Ones, "constant": Constant, "random_normal": RandomNormal,
    "random_uniform": RandomUniform, "truncated_normal": TruncatedNormal,
    "variance_scaling": VarianceScaling, "glorot_uniform": GlorotUniform,
    "glorot_normal": GlorotNormal, "he_uniform": HeUniform, "he_normal": HeNormal,
    "lecun_uniform": LecunUniform, "lecun_normal": LecunNormal, "orthogonal": Orthogonal,
    "identity": Identity, "zero": Zeros, "one": Ones, "uniform": RandomUniform,
    "normal": RandomNormal, "xavier_uniform": GlorotUniform, "xavier_normal": GlorotNormal,
}
# Lower-case class spellings too (keras.initializers.glorot_uniform is a class alias).
globals().update({name: cls for name, cls in _ALIASES.items()})


_TABLE = ObjectTable("initializer", "keras.initializers", _CLASSES, _ALIASES,
                     case_insensitive=True, base=Initializer)
serialize = _TABLE.serialize
deserialize = _TABLE.deserialize
get = _TABLE.get
