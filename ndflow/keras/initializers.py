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
    def __call__(self, shape, dtype=None):
        with init_scope():
            return A.zeros(_shape(shape), _dtype(dtype))


class Ones(Initializer):
    def __call__(self, shape, dtype=None):
        with init_scope():
            return A.ones(_shape(shape), _dtype(dtype))


class Constant(Initializer):
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
    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        super().__init__(seed)
        self.mean, self.stddev = float(mean), float(stddev)

    def __call__(self, shape, dtype=None):
        return self._draw("normal", shape, dtype, self.mean, self.stddev)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, **super().get_config()}


class TruncatedNormal(RandomNormal):
    def __call__(self, shape, dtype=None):
        return self._draw("truncated_normal", shape, dtype, self.mean, self.stddev)


class RandomUniform(RandomInitializer):
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
