"""More math: cumulative sums and products, top_k, erf, safe division, norms and
clipping by norm, moments, counting."""
import collections
import math

import numpy as np

from ..framework import dtypes
from ..framework.errors import InvalidArgumentError
from ..framework.registry import execute, op
from ..framework.shape_fns import normalize_axes, unary
from ..framework.tensor import EagerTensor, TensorLike
from ..framework.tensor_shape import TensorShape
from . import math_ops as M
from .array_ops import cast, convert_to_tensor, ones_like, squeeze, where, zeros_like
from .array_extra_ops import take_along_axis_grad

_NO = {}


# --- cumulative sum and product ----------------------------------------------------------------

def _check_axis(name, x, axis):
    if not -max(x.ndim, 1) <= axis < max(x.ndim, 1):
        raise InvalidArgumentError(f"{name}: axis {axis} is out of range for an input of shape "
                                   f"{x.shape}.")


def _cumulative(xp, x, axis, exclusive, reverse, accumulate, identity):
    _check_axis("Cumulative op", x, axis)
    if x.ndim == 0:
        return x
    if reverse:
        x = xp.flip(x, axis)
    out = accumulate(x, axis=axis, dtype=x.dtype)
    if exclusive:  # shift by one along axis, starting from the identity element
        first = xp.full_like(xp.take(out, [0], axis=axis), identity)
        rest = xp.take(out, xp.arange(out.shape[axis] - 1), axis=axis)
        out = xp.concatenate([first, rest], axis=axis)
    return xp.flip(out, axis) if reverse else out


@op("Cumsum", infer=unary)
def CUMSUM(xp, x, axis, exclusive, reverse):
    return _cumulative(xp, x, axis, exclusive, reverse, xp.cumsum, 0)


@CUMSUM.gradient
def _cumsum_grad(op, g):
    attrs = dict(op.attrs, reverse=not op.attrs["reverse"])
    return [execute(CUMSUM, (g,), attrs)]


@op("Cumprod", infer=unary)
def CUMPROD(xp, x, axis, exclusive, reverse):
    return _cumulative(xp, x, axis, exclusive, reverse, xp.cumprod, 1)


@CUMPROD.gradient
def _cumprod_grad(op, g):
    # d out_j / d x_i = out_j / x_i for every j that includes x_i (inputs away from zero)
    x, out = op.inputs[0], op.outputs[0]
    attrs = dict(op.attrs, reverse=not op.attrs["reverse"])
    return [execute(CUMSUM, (out * g,), attrs) / x]


def _cumulative_attrs(axis, exclusive, reverse):
    if isinstance(axis, EagerTensor):
        axis = axis._value.item()
    return {"axis": int(axis), "exclusive": bool(exclusive), "reverse": bool(reverse)}


def cumsum(x, axis=0, exclusive=False, reverse=False, name=None):
    return execute(CUMSUM, (x,), _cumulative_attrs(axis, exclusive, reverse), name)


def cumprod(x, axis=0, exclusive=False, reverse=False, name=None):
    return execute(CUMPROD, (x,), _cumulative_attrs(axis, exclusive, reverse), name)


# --- top_k -------------------------------------------------------------------------------------

TopKV2 = collections.namedtuple("TopKV2", ["values", "indices"])


def _top_k_infer(ts, attrs):
    x, k = ts[0], attrs["k"]
    if x.shape.rank is None:
        return [(TensorShape(None), x.dtype), (TensorShape(None), dtypes.int32)]
    if x.shape.rank == 0:
        raise InvalidArgumentError("TopKV2: input must be at least rank 1, got a scalar.")
    last = x.shape.dims[-1]
    if last is not None and last < k:
        raise InvalidArgumentError(f"TopKV2: input must have at least k={k} columns, got shape "
                                   f"{x.shape}.")
    shape = TensorShape(list(x.shape.dims[:-1]) + [k])
    return [(shape, x.dtype), (shape, dtypes.int32)]


@op("TopKV2", multi_output=True, infer=_top_k_infer)
def TOP_K(xp, x, k, sorted):  # noqa: A002 - TensorFlow's attribute name
    if x.ndim == 0 or x.shape[-1] < k:
        raise InvalidArgumentError(f"input must have at least k={k} columns, got shape "
                                   f"{x.shape}.")
    # a stable sort of the negated values keeps the lower index first among ties, like TF
    order = xp.argsort(-x if x.dtype.kind != "u" else ~x, axis=-1, kind="stable")[..., :k]
    return [xp.take_along_axis(x, order, axis=-1), order.astype(np.int32)]


@TOP_K.gradient
def _top_k_grad(op, g_values, g_indices):
    if g_values is None:
        return [None]
    return [take_along_axis_grad(g_values, op.inputs[0], op.outputs[1], -1)]


def top_k(input, k=1, sorted=True, name=None):  # noqa: A002
    if isinstance(k, EagerTensor):
        k = k._value.item()
    if int(k) < 0:
        raise InvalidArgumentError(f"top_k: k must be non-negative, got {k}.")
    values, indices = execute(TOP_K, (input,), {"k": int(k), "sorted": bool(sorted)}, name)
    return TopKV2(values, indices)


# --- erf ---------------------------------------------------------------------------------------

def _erf_function(xp):
    if xp is np:
        try:
            from scipy.special import erf as scipy_erf
            return scipy_erf
        except ImportError:  # SciPy is optional: the standard library's erf, elementwise
            vectorized = np.vectorize(math.erf, otypes=[np.float64])
            return lambda a: vectorized(a).astype(a.dtype, copy=False)
    from cupyx.scipy.special import erf as cupy_erf
    return cupy_erf


@op("Erf", infer=unary)
def ERF(xp, x):
    out = _erf_function(xp)(x)
    return out.astype(x.dtype, copy=False)


@ERF.gradient
def _erf_grad(op, g):
    x = op.inputs[0]
    return [g * (2.0 / math.sqrt(math.pi)) * M.exp(-M.square(x))]


def erf(x, name=None):
    return execute(ERF, (x,), _NO, name)


# --- safe division and x * log(y) ---------------------------------------------------------------

def divide_no_nan(x, y, name=None):
    """x / y, and 0 wherever y is 0 (its gradient too)."""
    x = convert_to_tensor(x)
    y = convert_to_tensor(y, dtype=x.dtype) if not isinstance(y, TensorLike) else y
    is_zero = M.equal(y, 0)
    safe_y = where(is_zero, ones_like(y), y)
    quotient = M.truediv(x, safe_y)
    return where(is_zero, zeros_like(quotient), quotient, name=name)


def xlogy(x, y, name=None):
    """x * log(y), and 0 wherever x is 0 (even where y is 0)."""
    x = convert_to_tensor(x)
    y = convert_to_tensor(y, dtype=x.dtype) if not isinstance(y, TensorLike) else y
    x_is_zero = M.equal(x, 0)
    safe_y = where(x_is_zero, ones_like(y), y)
    product = x * M.log(safe_y)
    return where(x_is_zero, zeros_like(product), product, name=name)


# --- norms and clipping ------------------------------------------------------------------------

def reduce_euclidean_norm(input_tensor, axis=None, keepdims=False, name=None):
    x = convert_to_tensor(input_tensor)
    if x.dtype.is_integer:  # TensorFlow keeps the integer dtype (truncating the root)
        norm_ = reduce_euclidean_norm(cast(x, dtypes.float64), axis, keepdims)
        return cast(norm_, x.dtype, name=name)
    return M.sqrt(M.reduce_sum(M.square(x), axis=axis, keepdims=keepdims), name=name)


def l2_normalize(x, axis=None, epsilon=1e-12, name=None, dim=None):
    axis = dim if axis is None else axis
    x = convert_to_tensor(x)
    square_sum = M.reduce_sum(M.square(x), axis=axis, keepdims=True)
    return M.multiply(x, M.rsqrt(M.maximum(square_sum, epsilon)), name=name)


def _norm_axes(axis, rank):
    if axis is None:
        return None
    if isinstance(axis, EagerTensor):
        axis = axis._value.tolist()
    axes = (int(axis),) if isinstance(axis, (int, np.integer)) else tuple(int(a) for a in axis)
    if len(axes) not in (1, 2):
        raise ValueError(f"norm: axis must be None, an int or a pair of ints, got {axis!r}.")
    return axes


def norm(tensor, ord="euclidean", axis=None, keepdims=None, name=None,  # noqa: A002
         keep_dims=None):
    """Vector p-norms (over all elements or one axis) and matrix norms (a pair of axes)."""
    keep = bool(keepdims if keepdims is not None else (keep_dims or False))
    x = convert_to_tensor(tensor)
    axes = _norm_axes(axis, x.shape.rank)
    if axes is not None and len(axes) == 2:
        return _matrix_norm(x, ord, axes, keep, name)
    axis_arg = None if axes is None else axes[0]
    if ord in ("euclidean", "fro", 2, 2.0):
        return reduce_euclidean_norm(x, axis_arg, keep, name=name)
    if ord in (1, 1.0):
        return M.reduce_sum(M.abs(x), axis=axis_arg, keepdims=keep, name=name)
    if ord == np.inf:
        return M.reduce_max(M.abs(x), axis=axis_arg, keepdims=keep, name=name)
    if isinstance(ord, (int, float)) and ord > 0:
        summed = M.reduce_sum(M.pow(M.abs(x), float(ord)), axis=axis_arg, keepdims=keep)
        return M.pow(summed, 1.0 / ord, name=name)
    raise ValueError(f"norm: ord must be 'euclidean', 'fro', a positive number or np.inf, got "
                     f"{ord!r}.")


def _matrix_norm(x, ord, axes, keep, name):  # noqa: A002
    rows, cols = axes
    if ord in ("euclidean", "fro"):
        return M.sqrt(M.reduce_sum(M.square(x), axis=axes, keepdims=keep), name=name)
    if ord in (1, np.inf):  # max column sum / max row sum of absolute values
        summed_axis, max_axis = (rows, cols) if ord == 1 else (cols, rows)
        sums = M.reduce_sum(M.abs(x), axis=summed_axis, keepdims=True)
        out = M.reduce_max(sums, axis=max_axis, keepdims=True)
        return out if keep else squeeze(out, axis=axes, name=name)
    raise ValueError(f"norm: for matrices (a pair of axes) ord must be 'euclidean', 'fro', 1 or "
                     f"np.inf, got {ord!r}.")


def clip_by_norm(t, clip_norm, axes=None, name=None):
    """t * clip_norm / max(||t||_2, clip_norm): rescaled only where its norm exceeds clip_norm."""
    t = convert_to_tensor(t)
    square_sum = M.reduce_sum(M.square(t), axis=axes, keepdims=True)
    positive = M.greater(square_sum, 0)
    # sqrt has an infinite gradient at 0: take it of a safe value and select afterwards
    safe = where(positive, square_sum, ones_like(square_sum))
    l2norm = where(positive, M.sqrt(safe), square_sum)
    clip_norm = cast(clip_norm, t.dtype) if isinstance(clip_norm, TensorLike) else clip_norm
    return M.truediv(t * clip_norm, M.maximum(l2norm, clip_norm), name=name)


def global_norm(t_list, name=None):
    """sqrt(sum of squares of every element of every tensor in t_list); None entries skipped."""
    tensors = [convert_to_tensor(t) for t in t_list if t is not None]
    if not tensors:
        raise ValueError("global_norm: t_list must contain at least one tensor.")
    sums = [M.reduce_sum(M.square(t)) for t in tensors]
    return M.sqrt(M.add_n(sums) if len(sums) > 1 else sums[0], name=name)


def clip_by_global_norm(t_list, clip_norm, use_norm=None, name=None):
    """Scales every tensor by clip_norm / max(global_norm, clip_norm); returns
    (clipped list, global norm)."""
    if isinstance(t_list, TensorLike) or not isinstance(t_list, (list, tuple)):
        raise TypeError("clip_by_global_norm: t_list should be a sequence of tensors.")
    norm_ = global_norm(t_list) if use_norm is None else use_norm
    first = next(t for t in t_list if t is not None)
    dtype = convert_to_tensor(first).dtype
    clip = cast(clip_norm, dtype) if isinstance(clip_norm, TensorLike) else clip_norm
    scale = clip * M.minimum(1.0 / norm_, 1.0 / clip)
    clipped = [None if t is None else M.multiply(t, scale) for t in t_list]
    return clipped, norm_


# --- statistics and counting -------------------------------------------------------------------

def moments(x, axes, shift=None, keepdims=False, name=None, keep_dims=None):
    """(mean, variance) of x over `axes`."""
    keep = bool(keepdims or keep_dims)
    x = convert_to_tensor(x)
    axes = _norm_axes_list(axes)
    mean = M.reduce_mean(x, axis=axes, keepdims=True)
    # TensorFlow stops the gradient through the mean here: harmless for first derivatives
    # (that term is zero) but it makes second derivatives wrong, so ndflow keeps it
    variance = M.reduce_mean(M.squared_difference(x, mean), axis=axes, keepdims=True)
    if not keep:
        mean, variance = squeeze(mean, axis=axes), squeeze(variance, axis=axes)
    return mean, variance


def _norm_axes_list(axes):
    if isinstance(axes, EagerTensor):
        axes = axes._value.tolist()
    if isinstance(axes, (int, np.integer)):
        return [int(axes)]
    return [int(a) for a in axes]


def count_nonzero(input, axis=None, keepdims=None, dtype=dtypes.int64, name=None,  # noqa: A002
                  reduction_indices=None, keep_dims=None):
    axis = reduction_indices if axis is None else axis
    keep = bool(keepdims if keepdims is not None else (keep_dims or False))
    x = convert_to_tensor(input)
    nonzero = M.not_equal(x, False if x.dtype.is_bool else 0)
    return M.reduce_sum(cast(nonzero, dtype), axis=axis, keepdims=keep, name=name)


@op("Bincount", differentiable=False,
    infer=lambda ts, a: [(TensorShape([None]), a["dtype"])])
def BINCOUNT(xp, values, *weights, minlength, maxlength, dtype):
    values = values.reshape(-1)
    if values.size and values.min() < 0:
        raise InvalidArgumentError(f"bincount: values must be non-negative, got "
                                   f"{int(values.min())}.")
    w = weights[0].reshape(-1) if weights else None
    if maxlength is not None and values.size:
        keep = values < maxlength
        values, w = values[keep], (None if w is None else w[keep])
    counts = xp.bincount(values, weights=w, minlength=minlength or 0)
    if maxlength is not None:
        counts = counts[:maxlength]
    return counts.astype(dtype._np)


def bincount(arr, weights=None, minlength=None, maxlength=None, dtype=dtypes.int32, name=None):
    arr = convert_to_tensor(arr)
    inputs = (arr,) if weights is None else (arr, weights)
    if weights is not None:
        dtype = convert_to_tensor(weights).dtype
    attrs = {"minlength": None if minlength is None else int(minlength),
             "maxlength": None if maxlength is None else int(maxlength),
             "dtype": dtypes.as_dtype(dtype)}
    return execute(BINCOUNT, inputs, attrs, name)


from ..util.export import export_many  # noqa: E402

export_many("math", {
    "cumsum": cumsum, "cumprod": cumprod, "top_k": top_k, "erf": erf,
    "divide_no_nan": divide_no_nan, "xlogy": xlogy, "l2_normalize": l2_normalize,
    "count_nonzero": count_nonzero, "reduce_euclidean_norm": reduce_euclidean_norm,
    "bincount": bincount,
})
export_many("nn", {"top_k": top_k, "l2_normalize": l2_normalize, "moments": moments})
export_many("linalg", {"norm": norm, "global_norm": global_norm, "l2_normalize": l2_normalize})
export_many("", {"cumsum": cumsum, "norm": norm, "clip_by_norm": clip_by_norm,
                 "clip_by_global_norm": clip_by_global_norm})
export_many("v1", {"cumprod": cumprod, "erf": erf, "count_nonzero": count_nonzero,
                   "global_norm": global_norm, "div_no_nan": divide_no_nan,
                   "bincount": bincount})
