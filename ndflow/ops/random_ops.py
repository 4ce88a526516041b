"""Random tensors: seeded per TensorFlow's global/op seed rules (see framework.random_seed)."""
import math

import numpy as np

from ..framework import dtypes
from ..framework.errors import InvalidArgumentError
from ..framework.graph import graph_for_building
from ..framework.random_seed import eager_seeds, graph_seeds
from ..framework.registry import execute, op
from ..framework.tensor import EagerTensor, TensorLike
from ..framework.tensor_shape import TensorShape
from . import philox
from .array_ops import (_from_shape_input_infer, _is_symbolic_shape, _shape_as_tensor,
                        _static_shape, convert_to_tensor)


def _shape_infer(ts, attrs):
    return [(TensorShape(list(attrs["shape"])), attrs["dtype"])]


def _attrs(shape, dtype, seed, **extra):
    attrs = {"dtype": dtypes.as_dtype(dtype), "seed": None if seed is None else int(seed)}
    if not _is_symbolic_shape(shape):
        attrs["shape"] = _static_shape(shape)
    attrs.update(extra)
    return _with_seeds(attrs)


def _with_seeds(attrs):
    """attrs["seeds"]: the (seed, seed2) pair TensorFlow would give the op (None: unseeded)."""
    g = graph_for_building()
    attrs["seeds"] = graph_seeds(g, attrs["seed"]) if g is not None else eager_seeds(
        attrs["seed"])
    return attrs


def philox_stream(rng, seeds):
    """The Philox stream a random kernel draws from: kept with the op's generator `rng`, so
    each run continues where the last one stopped, as TensorFlow's stateful kernels do."""
    stream = getattr(rng, "philox", None)
    if stream is None:
        stream = (philox.PhiloxStream.from_entropy(rng) if seeds is None else
                  philox.PhiloxStream.from_seeds(*seeds))
        try:
            rng.philox = stream
        except AttributeError:  # a plain NumPy generator: the stream lives for one run
            pass
    return stream


# TensorFlow's own numbers for these float dtypes (others: the device's NumPy generator).
_PHILOX_FLOATS = (np.float16, np.float32, np.float64)


def _philox_draw(draw, rng, shape, dtype, seeds):
    n = math.prod(shape)
    key, counter = philox_stream(rng, seeds).reserve(n * philox.RESERVED_PER_OUTPUT)
    return draw(key, counter, n, dtype).reshape(shape)


@op("RandomStandardNormal", needs_rng=True, differentiable=False, infer=_shape_infer)
def RANDOM_NORMAL(xp, rng, shape, dtype, seed, mean, stddev, seeds=None):
    np_dtype = dtype._np
    if np_dtype not in _PHILOX_FLOATS:
        out = rng.standard_normal(shape, dtype=np.float32).astype(np_dtype)
    else:
        out = _philox_draw(philox.normal, rng, shape, np_dtype, seeds)
    # TensorFlow scales in the op's dtype: value * stddev, then + mean
    return xp.asarray(out * np_dtype.type(stddev) + np_dtype.type(mean))


@op("TruncatedNormal", needs_rng=True, differentiable=False, infer=_shape_infer)
def TRUNCATED_NORMAL(xp, rng, shape, dtype, seed, mean, stddev, seeds=None):
    np_dtype = dtype._np
    draw_dtype = np_dtype if np_dtype in _PHILOX_FLOATS else np.float32
    out = _philox_draw(philox.truncated_normal, rng, shape, draw_dtype, seeds).astype(np_dtype)
    return xp.asarray(out * np_dtype.type(stddev) + np_dtype.type(mean))


@op("RandomUniform", needs_rng=True, differentiable=False, infer=_shape_infer)
def RANDOM_UNIFORM(xp, rng, shape, dtype, seed, minval, maxval, seeds=None):
    np_dtype = dtype._np
    if dtype.is_integer:
        if np.dtype(np_dtype) not in (np.int32, np.int64):  # TensorFlow: int32/int64 only
            return xp.asarray(rng.integers(minval, maxval, size=shape).astype(np_dtype))
        if not minval < maxval:
            raise ValueError(f"Need minval < maxval: {minval} >= {maxval}")
        n = math.prod(shape)
        key, counter = philox_stream(rng, seeds).reserve(n * philox.RESERVED_PER_OUTPUT)
        return xp.asarray(philox.uniform_int(key, counter, n, minval, maxval, np_dtype)
                          .reshape(shape))
    if np_dtype not in _PHILOX_FLOATS:
        out = rng.random(shape, dtype=np.float32).astype(np_dtype)
    else:
        out = _philox_draw(philox.uniform, rng, shape, np_dtype, seeds)
    lo, hi = np_dtype.type(minval), np_dtype.type(maxval)
    return xp.asarray(out * (hi - lo) + lo)  # in the op's dtype, as TensorFlow computes it


@op("RandomShuffle", needs_rng=True, differentiable=False,
    infer=lambda ts, a: [(ts[0].shape, ts[0].dtype)])
def RANDOM_SHUFFLE(xp, rng, x, seed, seeds=None):
    if x.ndim == 0 or x.size <= 1 or len(x) <= 1:  # nothing to shuffle, nothing reserved
        return x
    n = len(x)
    key, counter = philox_stream(rng, seeds).reserve(philox.shuffle_reservation(n))
    return x[xp.asarray(philox.shuffle_permutation(key, counter, n))]


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


def _is_number(v):
    """Whether `v` can be an attribute of the op: a Python or NumPy scalar, or a scalar
    eager tensor (not a graph tensor, a variable or an array with dimensions)."""
    if isinstance(v, TensorLike):
        return isinstance(v, EagerTensor) and v.shape.rank == 0
    return np.ndim(v) == 0


def _scaled(opdef, shape, dtype, seed, name, scale, shift, unit):
    """`opdef` scaled in the op when `scale` and `shift` are numbers; otherwise, as
    TensorFlow does, the unit draw (attributes `unit`) scaled in ops, `draw * scale + shift`,
    so graph tensors and variables work as parameters."""
    (shift_attr, _), (scale_attr, _) = unit.items()
    if _is_number(scale) and _is_number(shift):
        attrs = _attrs(shape, dtype, seed, **{shift_attr: _num(shift), scale_attr: _num(scale)})
        return _random(opdef, shape, attrs, name)
    from .math_ops import add, multiply
    dtype = dtypes.as_dtype(dtype)
    scale = convert_to_tensor(scale, dtype=dtype)
    shift = convert_to_tensor(shift, dtype=dtype)
    draw = _random(opdef, shape, _attrs(shape, dtype, seed, **unit), None)
    return add(multiply(draw, scale), shift, name=name)


def random_normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    """Draws samples from a normal distribution.

    Args:
      shape: A list/tuple of ints or a 1-D integer tensor: the output shape.
      mean: The mean (a scalar, or a tensor broadcastable to `shape`).
      stddev: The standard deviation.
      dtype: A floating-point dtype (default `float32`).
      seed: An optional int; with the global seed (`ndflow.random.set_seed`) it makes the
        sequence reproducible, as in TensorFlow.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of `shape` and `dtype`. In a graph (or `tf.function`) each run draws anew.

    Example:

    >>> ndflow.random.normal([2, 3]).shape
    TensorShape([2, 3])
    """
    return _scaled(RANDOM_NORMAL, shape, dtype, seed, name, stddev, mean,
                   {"mean": 0.0, "stddev": 1.0})


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    """Draws samples from a normal distribution truncated to two standard deviations.

    Values further than `2 * stddev` from the mean are redrawn, so every sample lies within
    `[mean - 2 stddev, mean + 2 stddev]`.

    Args:
      shape: A list/tuple of ints or a 1-D integer tensor: the output shape.
      mean: The mean of the untruncated distribution.
      stddev: Its standard deviation.
      dtype: A floating-point dtype (default `float32`).
      seed: An optional int; with the global seed (`ndflow.random.set_seed`) it makes the
        sequence reproducible, as in TensorFlow.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of `shape` and `dtype`.
    """
    return _scaled(TRUNCATED_NORMAL, shape, dtype, seed, name, stddev, mean,
                   {"mean": 0.0, "stddev": 1.0})


def random_uniform(shape, minval=0, maxval=None, dtype=dtypes.float32, seed=None, name=None):
    """Draws samples uniformly from `[minval, maxval)`.

    Args:
      shape: A list/tuple of ints or a 1-D integer tensor: the output shape.
      minval: The inclusive lower bound (default 0).
      maxval: The exclusive upper bound (default 1 for floating-point dtypes; required for
        integer dtypes).
      dtype: The dtype (default `float32`); integer dtypes draw integers.
      seed: An optional int; with the global seed (`ndflow.random.set_seed`) it makes the
        sequence reproducible, as in TensorFlow.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of `shape` and `dtype`.

    Raises:
      ValueError: If `dtype` is an integer type and `maxval` is None.

    Example:

    >>> x = ndflow.random.uniform([100], minval=-1.0, maxval=1.0)
    >>> bool(ndflow.reduce_all((x >= -1.0) & (x < 1.0)))
    True
    """
    dtype = dtypes.as_dtype(dtype)
    if maxval is None:
        if dtype.is_integer:
            raise ValueError("random_uniform: maxval must be given for integer dtypes.")
        maxval = 1.0
    if dtype.is_integer or (_is_number(minval) and _is_number(maxval)):
        attrs = _attrs(shape, dtype, seed, minval=_num(minval), maxval=_num(maxval))
        return _random(RANDOM_UNIFORM, shape, attrs, name)
    from .math_ops import subtract
    minval = convert_to_tensor(minval, dtype=dtype)
    maxval = convert_to_tensor(maxval, dtype=dtype)
    return _scaled(RANDOM_UNIFORM, shape, dtype, seed, name, subtract(maxval, minval), minval,
                   {"minval": 0.0, "maxval": 1.0})


def random_shuffle(value, seed=None, name=None):
    """Shuffles a tensor along its first dimension.

    Args:
      value: A `Tensor`; its rows (slices along axis 0) are permuted.
      seed: An optional int; with the global seed (`ndflow.random.set_seed`) it makes the
        sequence reproducible, as in TensorFlow.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of `value`'s shape and dtype.
    """
    attrs = _with_seeds({"seed": None if seed is None else int(seed)})
    return execute(RANDOM_SHUFFLE, (value,), attrs, name)


# --- stateless ops: the numbers are a function of (shape, seed) alone ----------------------

_STATELESS = {"normal": philox.normal, "truncated_normal": philox.truncated_normal,
              "uniform": philox.uniform}


def _stateless_infer(ts, attrs):
    if "shape" in attrs:
        return [(TensorShape(list(attrs["shape"])), attrs["dtype"])]
    return _from_shape_input_infer(ts, attrs)


def _seed_pair(seed):
    seed = np.asarray(seed)
    if seed.shape != (2,) or seed.dtype.kind not in "iu":
        raise ValueError(f"seed must be an integer tensor of shape [2], got shape "
                         f"{list(seed.shape)} and dtype {seed.dtype.name}")
    return seed


@op("StatelessRandom", differentiable=False, infer=_stateless_infer, host=True)
def STATELESS_RANDOM(xp, seed, *shape_input, kind, dtype, a, b, shape=None):
    """TensorFlow's StatelessRandom{Normal,TruncatedNormal,Uniform}V2 on the CPU (Philox,
    key and counter from StatelessRandomGetKeyCounter), then TensorFlow's scaling."""
    if shape is None:
        shape = tuple(int(d) for d in shape_input[0])
    np_dtype = dtype._np
    key, counter = philox.stateless_key_counter(_seed_pair(seed))
    if np_dtype.kind in "iu":  # StatelessRandomUniformIntV2: minval + bits % (maxval - minval)
        return philox.uniform_int(key, counter, math.prod(shape), int(a), int(b),
                                  np_dtype).reshape(shape)
    out = _STATELESS[kind](key, counter, math.prod(shape), np_dtype).reshape(shape)
    lo_or_scale, hi_or_shift = np_dtype.type(a), np_dtype.type(b)
    if kind == "uniform":  # rnd * (maxval - minval) + minval
        return out * (hi_or_shift - lo_or_scale) + lo_or_scale
    return out * lo_or_scale + hi_or_shift  # rnd * stddev + mean


def _stateless(kind, shape, seed, dtype, a, b, name):
    dtype = dtypes.as_dtype(dtype)
    if dtype in (dtypes.int32, dtypes.int64) and kind == "uniform":
        if b is None:
            raise ValueError("stateless_uniform: maxval must be given for integer dtypes.")
        if not int(a) < int(b):
            raise InvalidArgumentError(f"stateless_uniform: need minval < maxval, got "
                                       f"[{a}, {b}).")
    elif not dtype.is_floating:
        raise ValueError(f"stateless_{kind}: dtype must be a floating type (or int32/int64 "
                         f"for uniform), got {dtype.name}")
    attrs = {"kind": kind, "dtype": dtype, "a": _num(a), "b": _num(b)}
    if not _is_symbolic_shape(shape):
        attrs["shape"] = _static_shape(shape)
        return execute(STATELESS_RANDOM, (seed,), attrs, name)
    return execute(STATELESS_RANDOM, (seed, _shape_as_tensor(shape)), attrs, name)


def stateless_random_normal(shape, seed, mean=0.0, stddev=1.0, dtype=dtypes.float32,
                            name=None, alg="auto_select"):
    """tf.random.stateless_normal: normals fixed by `seed` (int tensor of shape [2]).

    Args:
      shape: the output shape. seed: shape-[2] int32/int64 seed. mean, stddev: numbers.
      dtype: a float dtype. name: op name. alg: only TensorFlow's CPU choice (Philox).

    Returns:
      A tensor of `shape`: TensorFlow's values (float32: bit for bit).
    """
    return _stateless("normal", shape, seed, dtype, stddev, mean, name)


def stateless_truncated_normal(shape, seed, mean=0.0, stddev=1.0, dtype=dtypes.float32,
                               name=None, alg="auto_select"):
    """tf.random.stateless_truncated_normal: as stateless_normal, redrawn beyond 2 stddev."""
    return _stateless("truncated_normal", shape, seed, dtype, stddev, mean, name)


def stateless_random_uniform(shape, seed, minval=0, maxval=None, dtype=dtypes.float32,
                             name=None, alg="auto_select"):
    """tf.random.stateless_uniform: values in [minval, maxval) (floats; int32/int64 with
    both bounds given, as TensorFlow requires)."""
    if maxval is None and dtypes.as_dtype(dtype).is_floating:
        maxval = 1.0
    return _stateless("uniform", shape, seed, dtype, minval, maxval, name)


from ..util.export import export_many  # noqa: E402
from ..framework.random_seed import set_seed  # noqa: E402

export_many("random", {"normal": random_normal, "truncated_normal": truncated_normal,
                       "uniform": random_uniform, "shuffle": random_shuffle,
                       "set_seed": set_seed, "stateless_normal": stateless_random_normal,
                       "stateless_truncated_normal": stateless_truncated_normal,
                       "stateless_uniform": stateless_random_uniform})
export_many("v1", {"random_normal": random_normal, "truncated_normal": truncated_normal,
                   "random_uniform": random_uniform, "random_shuffle": random_shuffle})
export_many("v1.random", {"normal": random_normal, "truncated_normal": truncated_normal,
                          "uniform": random_uniform, "shuffle": random_shuffle,
                          "set_random_seed": set_seed})
