"""Random tensors: seeded per TensorFlow's global/op seed rules (see framework.random_seed)."""
import math

import numpy as np

from ..framework import dtypes
from ..framework.graph import graph_for_building
from ..framework.random_seed import graph_seeds
from ..framework.registry import execute, op
from ..framework.tensor_shape import TensorShape
from .array_ops import _from_shape_input_infer, _is_symbolic_shape, _shape_as_tensor, _static_shape


def _shape_infer(ts, attrs):
    return [(TensorShape(list(attrs["shape"])), attrs["dtype"])]


def _attrs(shape, dtype, seed, **extra):
    attrs = {"dtype": dtypes.as_dtype(dtype), "seed": None if seed is None else int(seed)}
    if not _is_symbolic_shape(shape):
        attrs["shape"] = _static_shape(shape)
    attrs.update(extra)
    g = graph_for_building()
    if g is not None:
        attrs["seeds"] = graph_seeds(g, attrs["seed"])
    return attrs


@op("RandomStandardNormal", needs_rng=True, differentiable=False, infer=_shape_infer)
def RANDOM_NORMAL(xp, rng, shape, dtype, seed, mean, stddev, seeds=None):
    out = rng.standard_normal(shape, dtype=np.float32 if dtype._np != np.float64 else np.float64)
    return (out * stddev + mean).astype(dtype._np, copy=False)


@op("TruncatedNormal", needs_rng=True, differentiable=False, infer=_shape_infer)
def TRUNCATED_NORMAL(xp, rng, shape, dtype, seed, mean, stddev, seeds=None):
    n = math.prod(shape)
    out = xp.empty(n, dtype=xp.float64)
    filled = 0
    while filled < n:  # redraw values beyond two standard deviations, like TensorFlow
        draw = rng.standard_normal(max(2 * (n - filled), 16))  # on the host, like rng
        draw = draw[abs(draw) <= 2.0][: n - filled]
        out[filled:filled + draw.size] = xp.asarray(draw)
        filled += draw.size
    return (out.reshape(shape) * stddev + mean).astype(dtype._np)


@op("RandomUniform", needs_rng=True, differentiable=False, infer=_shape_infer)
def RANDOM_UNIFORM(xp, rng, shape, dtype, seed, minval, maxval, seeds=None):
    if dtype.is_integer:
        return rng.integers(minval, maxval, size=shape).astype(dtype._np)
    out = rng.random(shape, dtype=np.float64 if dtype._np == np.float64 else np.float32)
    return (out * (maxval - minval) + minval).astype(dtype._np, copy=False)


@op("RandomShuffle", needs_rng=True, differentiable=False,
    infer=lambda ts, a: [(ts[0].shape, ts[0].dtype)])
def RANDOM_SHUFFLE(xp, rng, x, seed, seeds=None):
    return x[rng.permutation(len(x))] if x.ndim else x


# Variants taking the shape as an int tensor input (a shape known only when the graph runs).

def _dynamic(opdef):
    def kernel(xp, rng, shape, **attrs):
        return opdef.kernel(xp, rng, tuple(int(d) for d in shape), **attrs)
    return op(opdef.name + "Dynamic", needs_rng=True, differentiable=False,
              infer=_from_shape_input_infer)(kernel)


_DYNAMIC = {o: _dynamic(o) for o in (RANDOM_NORMAL, TRUNCATED_NORMAL, RANDOM_UNIFORM)}


def _random(opdef, shape, attrs, name):
    if "shape" in attrs:
        return execute(opdef, (), attrs, name)
    return execute(_DYNAMIC[opdef], (_shape_as_tensor(shape),), attrs, name)


def _num(v):
    from ..framework.tensor import EagerTensor
    if isinstance(v, EagerTensor):
        return v._value.item()
    return v


def random_normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    attrs = _attrs(shape, dtype, seed, mean=_num(mean), stddev=_num(stddev))
    return _random(RANDOM_NORMAL, shape, attrs, name)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    attrs = _attrs(shape, dtype, seed, mean=_num(mean), stddev=_num(stddev))
    return _random(TRUNCATED_NORMAL, shape, attrs, name)


def random_uniform(shape, minval=0, maxval=None, dtype=dtypes.float32, seed=None, name=None):
    dtype = dtypes.as_dtype(dtype)
    if maxval is None:
        if dtype.is_integer:
            raise ValueError("random_uniform: maxval must be given for integer dtypes.")
        maxval = 1.0
    attrs = _attrs(shape, dtype, seed, minval=_num(minval), maxval=_num(maxval))
    return _random(RANDOM_UNIFORM, shape, attrs, name)


def random_shuffle(value, seed=None, name=None):
    attrs = {"seed": None if seed is None else int(seed)}
    g = graph_for_building()
    if g is not None:
        attrs["seeds"] = graph_seeds(g, attrs["seed"])
    return execute(RANDOM_SHUFFLE, (value,), attrs, name)


from ..util.export import export_many  # noqa: E402
from ..framework.random_seed import set_seed  # noqa: E402

export_many("random", {"normal": random_normal, "truncated_normal": truncated_normal,
                       "uniform": random_uniform, "shuffle": random_shuffle,
                       "set_seed": set_seed})
export_many("v1", {"random_normal": random_normal, "truncated_normal": truncated_normal,
                   "random_uniform": random_uniform, "random_shuffle": random_shuffle})
export_many("v1.random", {"normal": random_normal, "truncated_normal": truncated_normal,
                          "uniform": random_uniform, "shuffle": random_shuffle,
                          "set_random_seed": set_seed})
