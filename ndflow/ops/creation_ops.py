"""Tensors generated from a few numbers: range, linspace, eye and meshgrid. (Filled tensors,
zeros/ones/fill and the *_like ops, live in array_ops next to the gradients that use them.)"""
import numpy as np

from ..framework import dtypes
from ..framework.errors import InvalidArgumentError
from ..framework.graph import graph_for_building
from ..framework.registry import ALL, CONST, constant_in_graph, execute, op
from ..framework.shape_fns import broadcast_shape
from ..framework.tensor import EagerTensor, TensorLike
from ..framework.tensor_shape import TensorShape
from .array_ops import _static_ints, broadcast_to_like, cast, convert_to_tensor, reshape

_NO = {}


# --- ranges, identity matrices and grids --------------------------------------------------------------------

_RANGE_ORDER = [dtypes.int32, dtypes.int64, dtypes.float32, dtypes.float64]


def _range_infer(ts, attrs):
    dtype = ts[0].dtype
    if all(t.op.op_def is CONST for t in ts):
        values = [t.op.attrs["value"] for t in ts]
        return [(TensorShape([len(np.arange(*values))]), dtype)]
    return [(TensorShape([None]), dtype)]


@op("Range", unify=ALL, differentiable=False, infer=_range_infer)
def RANGE(xp, start, limit, delta):
    if delta == 0:
        raise InvalidArgumentError("Range: requires delta != 0.")
    if (delta > 0 and start > limit) or (delta < 0 and start < limit):
        raise InvalidArgumentError(f"Range: requires start <= limit when delta > 0 (and start >= "
                                   f"limit when delta < 0): got start {start}, limit {limit}, "
                                   f"delta {delta}.")
    return xp.arange(start, limit, delta, dtype=start.dtype)


def _range_dtype(values):
    """TensorFlow's inference: the widest of int32 < int64 < float32 < float64."""
    best = 0
    for v in values:
        if isinstance(v, TensorLike):
            d = v.dtype
        elif isinstance(v, (np.ndarray, np.generic)):
            d = dtypes.from_numpy(v.dtype)
        else:
            d = dtypes.float32 if isinstance(v, float) else dtypes.int32
        best = max(best, _RANGE_ORDER.index(d) if d in _RANGE_ORDER else 0)
    return _RANGE_ORDER[best]


def range(start, limit=None, delta=1, dtype=None, name="range"):  # noqa: A001
    """Returns the sequence `start, start + delta, ...` stopping before `limit`.

    Called with one argument, it is the limit and the sequence starts at 0 (like Python's
    `range`).

    Args:
      start: The first value (or the limit, when `limit` is None).
      limit: The exclusive upper (lower, for negative `delta`) bound.
      delta: The step (default 1); must not be 0.
      dtype: The dtype; by default `int32` for integer arguments and `float32` for floats.
      name: A name for the operation (default "range").

    Returns:
      A 1-D `Tensor`.

    Raises:
      InvalidArgumentError: If `delta` is 0.

    Example:

    >>> ndflow.range(1, 7, 2).numpy()
    array([1, 3, 5], dtype=int32)
    """
    if limit is None:
        start, limit = 0, start
    dtype = _range_dtype((start, limit, delta)) if dtype is None else dtypes.as_dtype(dtype)
    args = [cast(v, dtype) if isinstance(v, TensorLike) else convert_to_tensor(v, dtype)
            for v in (start, limit, delta)]
    return execute(RANGE, tuple(args), _NO, name)


def _linspace_infer(ts, attrs):
    shape = broadcast_shape([ts[0].shape, ts[1].shape], "LinSpace")
    if shape.rank is None:
        return [(TensorShape(None), ts[0].dtype)]
    dims = list(shape.dims)
    dims.insert(attrs["axis"] % (len(dims) + 1), attrs["num"])
    return [(TensorShape(dims), ts[0].dtype)]


@op("LinSpace", unify=ALL, differentiable=False, infer=_linspace_infer)
def LINSPACE(xp, start, stop, num, axis):
    return xp.linspace(start, stop, num, axis=axis).astype(start.dtype, copy=False)


def linspace(start, stop, num, name=None, axis=0):
    """Returns `num` evenly spaced values from `start` to `stop`, both included.

    Args:
      start: A floating-point scalar (or tensor, for batches): the first value.
      stop: A scalar (or tensor) of `start`'s dtype: the last value.
      num: The number of values.
      name: A name for the operation (optional).
      axis: Where the new axis goes when `start`/`stop` are tensors.

    Returns:
      A `Tensor` of `start`'s dtype.

    Example:

    >>> ndflow.linspace(0.0, 1.0, 3).numpy()
    array([0. , 0.5, 1. ], dtype=float32)
    """
    start = convert_to_tensor(start) if isinstance(start, TensorLike) or not isinstance(
        start, int) else convert_to_tensor(float(start))
    if start.dtype.is_integer:
        start = cast(start, dtypes.float64)
    num = int(_static_ints(num, "num", "linspace")[0])
    if num < 0:
        raise InvalidArgumentError(f"linspace: num must be non-negative, got {num}.")
    return execute(LINSPACE, (start, stop), {"num": num, "axis": int(axis)}, name)


def eye(num_rows, num_columns=None, batch_shape=None, dtype=dtypes.float32, name=None):
    """Creates an identity matrix (or a batch of them).

    Args:
      num_rows: The number of rows.
      num_columns: The number of columns (default `num_rows`).
      batch_shape: Optional list of leading batch dimensions.
      dtype: The dtype (default `float32`).
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of shape `batch_shape + [num_rows, num_columns]` with ones on the diagonal.

    Example:

    >>> ndflow.eye(2).numpy()
    array([[1., 0.],
           [0., 1.]], dtype=float32)
    """
    dtype = dtypes.as_dtype(dtype)
    rows = _static_ints(num_rows, "num_rows", "eye")[0]
    cols = rows if num_columns is None else _static_ints(num_columns, "num_columns", "eye")[0]
    if rows < 0 or cols < 0:
        raise InvalidArgumentError(f"eye: num_rows and num_columns must be non-negative, got "
                                   f"{rows} and {cols}.")
    matrix = np.eye(rows, cols, dtype=dtype._np)
    if batch_shape is not None:
        batch = tuple(_static_ints(batch_shape, "batch_shape", "eye"))
        matrix = np.broadcast_to(matrix, batch + matrix.shape).copy()
    g = graph_for_building()
    if g is not None:
        return constant_in_graph(matrix, g, name or "eye")
    return EagerTensor(matrix)


def meshgrid(*args, **kwargs):
    """Builds N-D coordinate grids from N 1-D tensors.

    Output `i` repeats input `i` along every other axis. With indexing "xy" (the default,
    Cartesian) the first two output axes are swapped relative to "ij" (matrix indexing).

    Args:
      *args: 1-D tensors of one dtype.
      **kwargs: `indexing` ("xy" or "ij") and `name`.

    Returns:
      A list of N tensors, each of the grid's shape.

    Example:

    >>> x, y = ndflow.meshgrid([1, 2, 3], [4, 5])
    >>> x.shape
    TensorShape([2, 3])
    """
    indexing = kwargs.pop("indexing", "xy")
    kwargs.pop("name", None)
    if kwargs:
        raise TypeError(f"meshgrid: unexpected keyword arguments {sorted(kwargs)}.")
    if indexing not in ("xy", "ij"):
        raise ValueError(f"meshgrid: indexing must be 'xy' or 'ij', got {indexing!r}.")
    tensors = [convert_to_tensor(a) for a in args]
    n = len(tensors)
    columns = []
    for i, t in enumerate(tensors):
        position = i
        if indexing == "xy" and n > 1 and i < 2:  # x varies along columns, y along rows
            position = 1 - i
        shape = [1] * n
        shape[position] = -1
        columns.append(reshape(t, shape))
    # broadcasting every column against the sum of zeros of all gives the full grid
    full = columns[0] * 0
    for c in columns[1:]:
        full = full + c * 0
    return [broadcast_to_like(c, full) for c in columns]


def sequence_mask(lengths, maxlen=None, dtype=dtypes.bool, name=None):
    """Returns a mask whose row `i` is true at the first `lengths[i]` positions.

    `mask[i..., j] = j < lengths[i...]` for `j < maxlen`.

    Args:
      lengths: An integer tensor of sequence lengths.
      maxlen: The length of the new last axis (default: the largest length).
      dtype: The mask's dtype (default `bool`).
      name: A name for the operation (optional).

    Returns:
      A tensor of shape `lengths.shape + [maxlen]`.

    Raises:
      ValueError: If `maxlen` is not a scalar.

    Example:

    >>> ndflow.sequence_mask([1, 3], 4).numpy()
    array([[ True, False, False, False],
           [ True,  True,  True, False]])
    """
    from . import math_ops
    from .array_ops import cast, convert_to_tensor, expand_dims
    lengths = convert_to_tensor(lengths)
    if maxlen is None:
        maxlen = math_ops.reduce_max(lengths)
    else:
        maxlen = convert_to_tensor(maxlen)
        if maxlen.shape.rank not in (None, 0):
            raise ValueError(f"sequence_mask: maxlen must be scalar, got shape {maxlen.shape}.")
    positions = range(0, cast(maxlen, lengths.dtype), 1, dtype=lengths.dtype)
    mask = math_ops.less(positions, expand_dims(lengths, -1))
    dtype = dtypes.as_dtype(dtype)
    return mask if dtype == dtypes.bool else cast(mask, dtype, name=name)


from ..util.export import export_many  # noqa: E402

export_many("", {"sequence_mask": sequence_mask})
export_many("", {"range": range, "linspace": linspace, "eye": eye, "meshgrid": meshgrid})
export_many("linalg", {"eye": eye})
export_many("v1", {"lin_space": linspace})
