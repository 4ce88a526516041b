"""keras.ops.numpy: NumPy's names and argument conventions (axis=None reduces everything,
`concatenate`/`stack` default to axis 0, `split` takes NumPy's sections or indices)."""
import builtins

import numpy as np

import ndflow as tf

from ._dtypes import as_float, tensor


def _axis(axis):
    return list(axis) if isinstance(axis, tuple) else axis


# --- creation -------------------------------------------------------------------------------

def arange(start, stop=None, step=1, dtype=None):
    """Evenly spaced values in [start, stop): int32 for ints, float32 otherwise."""
    if stop is None:
        start, stop = 0, start
    if dtype is None:
        ints = builtins.all(isinstance(v, (int, np.integer)) for v in (start, stop, step))
        dtype = "int32" if ints else "float32"
    return tf.constant(np.arange(start, stop, step), dtype=dtype)


def ones(shape, dtype=None):
    return tf.ones(shape, dtype=dtype or "float32")


def zeros(shape, dtype=None):
    return tf.zeros(shape, dtype=dtype or "float32")


def full(shape, fill_value, dtype=None):
    value = tensor(fill_value, dtype or "float32")
    return tf.fill(shape, value) if value.shape.rank == 0 else tf.broadcast_to(value, shape)


def ones_like(x, dtype=None):
    return tf.ones_like(tensor(x), dtype=dtype)


def zeros_like(x, dtype=None):
    return tf.zeros_like(tensor(x), dtype=dtype)


def full_like(x, fill_value, dtype=None):
    x = tensor(x)
    return tf.fill(tf.shape(x), tf.cast(fill_value, dtype or x.dtype))


def eye(N, M=None, k=0, dtype=None):  # noqa: N803 - NumPy's names
    return tf.constant(np.eye(N, M, k), dtype=dtype or "float32")


def identity(n, dtype=None):
    return eye(n, dtype=dtype)


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    if not endpoint or retstep:
        values, step = np.linspace(start, stop, num, endpoint=endpoint, retstep=True)
        out = tf.constant(values, dtype=dtype or "float32")
        return (out, step) if retstep else out
    return tf.cast(tf.linspace(tf.cast(start, "float32"), tf.cast(stop, "float32"), num,
                               axis=axis), dtype or "float32")


def tri(N, M=None, k=0, dtype=None):  # noqa: N803
    return tf.constant(np.tri(N, M, k), dtype=dtype or "float32")


def tril(x, k=0):
    x = tensor(x)
    return x * tf.cast(tri(*x.shape[-2:], k=k), x.dtype)


def triu(x, k=0):
    x = tensor(x)
    return x * tf.cast(1 - tri(*x.shape[-2:], k=k - 1), x.dtype)


def meshgrid(*x, indexing="xy"):
    return tf.meshgrid(*x, indexing=indexing)


# --- elementwise ----------------------------------------------------------------------------

def _binary(fn):
    def op(x1, x2):
        return fn(*_promote(x1, x2))
    op.__name__ = fn.__name__
    return op


def _promote(x1, x2):
    """Keras's promotion of a pair: Python scalars take the tensor's dtype (a float scalar
    next to an integer tensor makes float32)."""
    scalars = [isinstance(v, (int, float, bool, np.number)) and not isinstance(v, np.ndarray)
               for v in (x1, x2)]
    if scalars[0] != scalars[1]:
        scalar, other = (x1, tensor(x2)) if scalars[0] else (x2, tensor(x1))
        dtype = _scalar_dtype(scalar, other.dtype)
        pair = tensor(scalar, dtype), tf.cast(other, dtype)
        return pair if scalars[0] else pair[::-1]
    x1, x2 = tensor(x1), tensor(x2)
    if x1.dtype != x2.dtype:
        dtype = np.result_type(x1.dtype.as_numpy_dtype, x2.dtype.as_numpy_dtype)
        x1, x2 = tf.cast(x1, dtype), tf.cast(x2, dtype)
    return x1, x2


def _scalar_dtype(value, other):
    if isinstance(value, float) and not other.is_floating:
        return "float32"
    return other


add = _binary(tf.add)
subtract = _binary(tf.subtract)
multiply = _binary(tf.multiply)
maximum = _binary(tf.maximum)
minimum = _binary(tf.minimum)
power = _binary(tf.pow)
mod = _binary(tf.math.floormod)
floor_divide = _binary(tf.math.floordiv)
equal = _binary(tf.equal)
not_equal = _binary(tf.not_equal)
greater = _binary(tf.greater)
greater_equal = _binary(tf.greater_equal)
less = _binary(tf.less)
less_equal = _binary(tf.less_equal)


def divide(x1, x2):
    """True division; integer inputs give float32."""
    x1, x2 = _promote(x1, x2)
    return tf.math.truediv(as_float(x1), as_float(x2))


true_divide = divide


def divide_no_nan(x1, x2):
    x1, x2 = _promote(x1, x2)
    return tf.math.divide_no_nan(as_float(x1), as_float(x2))


def logical_and(x1, x2):
    return tf.logical_and(tf.cast(x1, "bool"), tf.cast(x2, "bool"))


def logical_or(x1, x2):
    return tf.logical_or(tf.cast(x1, "bool"), tf.cast(x2, "bool"))


def logical_not(x):
    return tf.logical_not(tf.cast(x, "bool"))


def _unary_float(fn):
    def op(x):
        return fn(as_float(x))
    op.__name__ = fn.__name__
    return op


sqrt = _unary_float(tf.sqrt)
exp = _unary_float(tf.exp)
log = _unary_float(tf.math.log)
log1p = _unary_float(tf.math.log1p)
expm1 = _unary_float(tf.math.expm1)
sin = _unary_float(tf.sin)
cos = _unary_float(tf.cos)
tan = _unary_float(tf.math.tan)
tanh = _unary_float(tf.tanh)
reciprocal = _unary_float(tf.math.reciprocal)
arcsin = _unary_float(tf.math.asin)
arccos = _unary_float(tf.math.acos)
arctan = _unary_float(tf.math.atan)
sinh = _unary_float(tf.math.sinh)
cosh = _unary_float(tf.math.cosh)
arcsinh = _unary_float(tf.math.asinh)
arccosh = _unary_float(tf.math.acosh)
arctanh = _unary_float(tf.math.atanh)


def arctan2(x1, x2):
    x1, x2 = _promote(x1, x2)
    return tf.math.atan2(as_float(x1), as_float(x2))


def abs(x):  # noqa: A001 - NumPy's name
    return tf.abs(tensor(x))


absolute = abs


def negative(x):
    return tf.negative(tensor(x))


def square(x):
    return tf.square(tensor(x))


def sign(x):
    return tf.sign(tensor(x))


def floor(x):
    return tf.floor(as_float(x))


def ceil(x):
    return tf.math.ceil(as_float(x))


def round(x, decimals=0):  # noqa: A001
    x = tensor(x)
    if decimals == 0:
        return tf.round(x) if x.dtype.is_floating else x
    scale = 10.0 ** decimals
    return tf.round(as_float(x) * scale) / scale


def clip(x, x_min, x_max):
    x = tensor(x)
    return tf.clip_by_value(x, tf.cast(x_min, x.dtype), tf.cast(x_max, x.dtype))


def where(condition, x1=None, x2=None):
    if x1 is None and x2 is None:  # NumPy's nonzero: one index vector per dimension
        return nonzero(condition)
    x1, x2 = _promote(x1, x2)
    return tf.where(tf.cast(condition, "bool"), x1, x2)


def nonzero(x):
    """The indices of the nonzero elements: a tuple of one int32 vector per dimension."""
    x = tensor(x)
    found = tf.cast(tf.where(tf.not_equal(x, tf.zeros_like(x))), "int32")
    return tuple(found[:, i] for i in range(x.shape.rank))


def isnan(x):
    x = tensor(x)
    return tf.math.is_nan(x) if x.dtype.is_floating else tf.zeros_like(x, dtype="bool")


def isinf(x):
    x = tensor(x)
    return tf.math.is_inf(x) if x.dtype.is_floating else tf.zeros_like(x, dtype="bool")


def isfinite(x):
    x = tensor(x)
    return tf.math.is_finite(x) if x.dtype.is_floating else tf.ones_like(x, dtype="bool")


# --- reductions -----------------------------------------------------------------------------

def sum(x, axis=None, keepdims=False):  # noqa: A001
    x = tensor(x)
    if x.dtype == tf.bool:
        x = tf.cast(x, "int32")
    return tf.reduce_sum(x, axis=_axis(axis), keepdims=keepdims)


def mean(x, axis=None, keepdims=False):
    """The mean; integer and boolean inputs give float32, as in Keras."""
    return tf.reduce_mean(as_float(x), axis=_axis(axis), keepdims=keepdims)


def max(x, axis=None, keepdims=False, initial=None):  # noqa: A001
    out = tf.reduce_max(tensor(x), axis=_axis(axis), keepdims=keepdims)
    return out if initial is None else tf.maximum(out, tf.cast(initial, out.dtype))


def min(x, axis=None, keepdims=False, initial=None):  # noqa: A001
    out = tf.reduce_min(tensor(x), axis=_axis(axis), keepdims=keepdims)
    return out if initial is None else tf.minimum(out, tf.cast(initial, out.dtype))


amax, amin = max, min


def prod(x, axis=None, keepdims=False, dtype=None):
    x = tensor(x, dtype)
    return tf.reduce_prod(x, axis=_axis(axis), keepdims=keepdims)


def var(x, axis=None, keepdims=False):
    return tf.math.reduce_variance(as_float(x), axis=_axis(axis), keepdims=keepdims)


def std(x, axis=None, keepdims=False):
    return tf.math.reduce_std(as_float(x), axis=_axis(axis), keepdims=keepdims)


def any(x, axis=None, keepdims=False):  # noqa: A001
    return tf.reduce_any(tf.cast(x, "bool"), axis=_axis(axis), keepdims=keepdims)


def all(x, axis=None, keepdims=False):  # noqa: A001
    return tf.reduce_all(tf.cast(x, "bool"), axis=_axis(axis), keepdims=keepdims)


def _flat_axis(x, axis):
    """NumPy's axis=None: the flattened array along axis 0."""
    return (tf.reshape(x, [-1]), 0) if axis is None else (x, axis)


def argmax(x, axis=None, keepdims=False):
    x, axis_ = _flat_axis(tensor(x), axis)
    out = tf.argmax(x, axis=axis_, output_type="int32")
    return tf.expand_dims(out, axis_) if keepdims else out


def argmin(x, axis=None, keepdims=False):
    x, axis_ = _flat_axis(tensor(x), axis)
    out = tf.argmin(x, axis=axis_, output_type="int32")
    return tf.expand_dims(out, axis_) if keepdims else out


def cumsum(x, axis=None, dtype=None):
    return tf.math.cumsum(*_flat_axis(tensor(x, dtype), axis))


def cumprod(x, axis=None, dtype=None):
    return tf.math.cumprod(*_flat_axis(tensor(x, dtype), axis))


def count_nonzero(x, axis=None):
    return tf.math.count_nonzero(tensor(x), axis=_axis(axis), dtype="int32")


# --- shapes and arrangement -----------------------------------------------------------------

def reshape(x, newshape):
    return tf.reshape(tensor(x), newshape)


def transpose(x, axes=None):
    return tf.transpose(tensor(x), perm=axes)


def expand_dims(x, axis):
    x = tensor(x)
    for a in sorted(axis) if isinstance(axis, (list, tuple)) else [axis]:
        x = tf.expand_dims(x, a)
    return x


def squeeze(x, axis=None):
    return tf.squeeze(tensor(x), axis=[axis] if isinstance(axis, int) else axis)


def ravel(x):
    return tf.reshape(tensor(x), [-1])


def concatenate(xs, axis=0):
    return tf.concat([tensor(x) for x in xs], axis=axis)


def append(x1, x2, axis=None):
    if axis is None:
        return tf.concat([ravel(x1), ravel(x2)], 0)
    return tf.concat([tensor(x1), tensor(x2)], axis)


def stack(x, axis=0):
    return tf.stack([tensor(v) for v in x], axis=axis)


def split(x, indices_or_sections, axis=0):
    """NumPy's split: a number of equal sections, or the indices to split before."""
    x = tensor(x)
    if isinstance(indices_or_sections, int):
        return tf.split(x, indices_or_sections, axis=axis)
    size = x.shape[axis]
    bounds = [0] + list(indices_or_sections) + [size]
    return tf.split(x, [b - a for a, b in zip(bounds, bounds[1:])], axis=axis)


def tile(x, repeats):
    x = tensor(x)
    reps = [repeats] if isinstance(repeats, int) else list(repeats)
    if len(reps) < x.shape.rank:
        reps = [1] * (x.shape.rank - len(reps)) + reps
    elif len(reps) > x.shape.rank:
        x = tf.reshape(x, [1] * (len(reps) - x.shape.rank) + x.shape.as_list())
    return tf.tile(x, reps)


def repeat(x, repeats, axis=None):
    """Each element `repeats` times (an int) along `axis` (None: the flattened array)."""
    x = tensor(x)
    if axis is None:
        x, axis = tf.reshape(x, [-1]), 0
    if not isinstance(repeats, int):
        index = np.repeat(np.arange(x.shape[axis]), np.asarray(repeats))
        return tf.gather(x, index, axis=axis)
    axis = axis % x.shape.rank
    return tf.gather(x, np.repeat(np.arange(x.shape[axis]), repeats), axis=axis)


def flip(x, axis=None):
    x = tensor(x)
    axes = list(range(x.shape.rank)) if axis is None else (
        [axis] if isinstance(axis, int) else list(axis))
    return tf.reverse(x, axes)


def roll(x, shift, axis=None):
    x = tensor(x)
    if axis is None:
        return tf.reshape(roll(tf.reshape(x, [-1]), shift, 0), tf.shape(x))
    n = x.shape[axis]
    shift = shift % n
    if shift == 0:
        return x
    return tf.concat(split(x, [n - shift], axis=axis)[::-1], axis=axis)


def swapaxes(x, axis1, axis2):
    x = tensor(x)
    perm = list(range(x.shape.rank))
    perm[axis1], perm[axis2] = perm[axis2], perm[axis1]
    return tf.transpose(x, perm)


def moveaxis(x, source, destination):
    x = tensor(x)
    perm = list(range(x.shape.rank))
    perm.insert(destination % x.shape.rank, perm.pop(source % x.shape.rank))
    return tf.transpose(x, perm)


def broadcast_to(x, shape):
    return tf.broadcast_to(tensor(x), shape)


def pad(x, pad_width, mode="constant", constant_values=None):
    x = tensor(x)
    if isinstance(pad_width, int):
        pad_width = [[pad_width, pad_width]] * x.shape.rank
    return tf.pad(x, pad_width, mode=mode.upper(), constant_values=constant_values or 0)


def take(x, indices, axis=None):
    x, axis = _flat_axis(tensor(x), axis)
    return tf.gather(x, indices, axis=axis)


def take_along_axis(x, indices, axis=None):
    x, indices = tensor(x), tensor(indices)
    if axis is None:
        x, indices, axis = tf.reshape(x, [-1]), tf.reshape(indices, [-1]), 0
    axis = axis % x.shape.rank
    moved = moveaxis(x, axis, -1)
    idx = moveaxis(indices, axis, -1)
    out = tf.gather(moved, idx, batch_dims=x.shape.rank - 1)  # per row of the other axes
    return moveaxis(out, -1, axis)


def sort(x, axis=-1):
    return tf.sort(tensor(x), axis=axis)


def argsort(x, axis=-1):
    return tf.argsort(tensor(x), axis=axis, stable=True)


# --- products -------------------------------------------------------------------------------

def matmul(x1, x2):
    x1, x2 = _promote(x1, x2)
    return tf.matmul(x1, x2)


def dot(x1, x2):
    x1, x2 = _promote(x1, x2)
    if x1.shape.rank == 0 or x2.shape.rank == 0:
        return x1 * x2
    if x2.shape.rank == 1:
        return tf.tensordot(x1, x2, [[x1.shape.rank - 1], [0]])
    return tf.tensordot(x1, x2, [[x1.shape.rank - 1], [x2.shape.rank - 2]])


def tensordot(x1, x2, axes=2):
    x1, x2 = _promote(x1, x2)
    return tf.tensordot(x1, x2, axes)


def einsum(subscripts, *operands):
    return tf.einsum(subscripts, *[tensor(o) for o in operands])


def outer(x1, x2):
    x1, x2 = _promote(x1, x2)
    return tf.reshape(x1, [-1, 1]) * tf.reshape(x2, [1, -1])


def vdot(x1, x2):
    return sum(multiply(ravel(x1), ravel(x2)))


__all__ = [name for name, value in list(globals().items()) if not name.startswith("_")
           and callable(value) and getattr(value, "__module__", None) == __name__]
