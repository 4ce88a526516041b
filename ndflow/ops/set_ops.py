"""tf.sets (intersection, union, difference, size over the last dimension), tf.unique,
tf.unique_with_counts and tf.compat.v1.setdiff1d. All run on the host: their output sizes
depend on the values."""
import collections

import numpy as np

from ..framework import dtypes
from ..framework.constant_op import convert_to_tensor
from ..framework.errors import InvalidArgumentError
from ..framework.registry import execute, op
from ..framework.tensor import SymbolicTensor, TensorLike
from ..framework.tensor_shape import TensorShape
from .sparse_tensor import SparseTensor, SparseTensorValue

_I64 = dtypes.int64


# --- unique ----------------------------------------------------------------------------------

def _unique_infer(ts, attrs):
    x = ts[0]
    n = x.shape.dims[0] if x.shape.rank == 1 else None
    return [(TensorShape([None]), x.dtype), (TensorShape([n]), attrs["out_idx"]),
            (TensorShape([None]), attrs["out_idx"])]


@op("UniqueWithCounts", host=True, differentiable=False, multi_output=True,
    infer=_unique_infer)
def UNIQUE(xp, x, out_idx):
    if x.ndim != 1:
        raise InvalidArgumentError(f"unique: x must be a vector; got shape {x.shape}.")
    values, first, inverse, counts = np.unique(x, return_index=True, return_inverse=True,
                                               return_counts=True)
    order = np.argsort(first, kind="stable")  # TensorFlow: order of first occurrence
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    idx = out_idx._np
    return [values[order], rank[inverse.reshape(-1)].astype(idx), counts[order].astype(idx)]


UniqueOutput = collections.namedtuple("Unique", ["y", "idx"])
UniqueWithCountsOutput = collections.namedtuple("UniqueWithCounts", ["y", "idx", "count"])


def _out_idx(out_idx):
    out_idx = dtypes.as_dtype(out_idx)
    if out_idx not in (dtypes.int32, dtypes.int64):
        raise TypeError(f"out_idx must be int32 or int64; got {out_idx.name}.")
    return out_idx


def unique(x, out_idx=dtypes.int32, name=None):
    """Finds the distinct elements of a vector, in order of first occurrence.

    Args:
      x: A 1-D `Tensor`.
      out_idx: The dtype of `idx`: `int32` (default) or `int64`.
      name: A name for the operation (optional).

    Returns:
      A namedtuple `(y, idx)`: `y` holds the distinct values and `idx[i]` is the position of
      `x[i]`'s value in `y` (so `gather(y, idx)` rebuilds `x`).

    Example:

    >>> y, idx = ndflow.unique([1, 1, 2])
    >>> y.numpy(), idx.numpy()
    (array([1, 2], dtype=int32), array([0, 0, 1], dtype=int32))
    """
    y, idx, _ = execute(UNIQUE, (convert_to_tensor(x),), {"out_idx": _out_idx(out_idx)}, name)
    return UniqueOutput(y, idx)


def unique_with_counts(x, out_idx=dtypes.int32, name=None):
    """tf.unique_with_counts: tf.unique plus how often each distinct value occurs."""
    return UniqueWithCountsOutput(*execute(UNIQUE, (convert_to_tensor(x),),
                                           {"out_idx": _out_idx(out_idx)}, name))


@op("ListDiff", host=True, differentiable=False, multi_output=True,
    infer=lambda ts, a: [(TensorShape([None]), ts[0].dtype), (TensorShape([None]),
                                                              a["out_idx"])])
def LIST_DIFF(xp, x, y, out_idx):
    for what, v in (("x", x), ("y", y)):
        if v.ndim != 1:
            raise InvalidArgumentError(f"setdiff1d: {what} must be a vector; got shape "
                                       f"{v.shape}.")
    keep = ~np.isin(x, y)
    return [x[keep], np.flatnonzero(keep).astype(out_idx._np)]


def setdiff1d(x, y, index_dtype=dtypes.int32, name=None):
    """tf.compat.v1.setdiff1d: the elements of `x` not in `y` (in x's order, repeats kept)
    and their positions in `x`."""
    x = convert_to_tensor(x)
    y = convert_to_tensor(y, dtype=x.dtype if not isinstance(y, TensorLike) else None)
    return UniqueOutput(*execute(LIST_DIFF, (x, y), {"out_idx": _out_idx(index_dtype)}, name))


# --- sets ----------------------------------------------------------------------------------

def _groups(indices, values, shape):
    """{row prefix: sorted distinct values} of a set tensor in sparse form."""
    groups = collections.defaultdict(set)
    for row, v in zip(map(tuple, indices[:, :-1].tolist()), values.tolist()):
        groups[row].add(v)
    return groups


def _check_sparse(name, what, indices, shape):
    if len(indices) and (np.any(indices < 0) or np.any(indices >= shape)):
        i = int(np.flatnonzero(np.any((indices < 0) | (indices >= shape), axis=1))[0])
        raise InvalidArgumentError(f"{name}: {what} indices[{i}] = {indices[i].tolist()} is out "
                                   f"of bounds for dense_shape {shape.tolist()}.")


@op("SetOperation", host=True, differentiable=False, multi_output=True,
    infer=lambda ts, a: [(TensorShape([None, None]), _I64), (TensorShape([None]), ts[1].dtype),
                         (TensorShape([None]), _I64)])
def SET_OPERATION(xp, a_indices, a_values, a_shape, b_indices, b_values, b_shape,
                  set_operation):
    name = f"sets.{set_operation}"
    if len(a_shape) != len(b_shape) or len(a_shape) < 2:
        raise InvalidArgumentError(f"{name}: a and b must have the same rank >= 2; got shapes "
                                   f"{a_shape.tolist()} and {b_shape.tolist()}.")
    if a_shape[:-1].tolist() != b_shape[:-1].tolist():
        raise InvalidArgumentError(f"{name}: a and b must have the same dimensions except the "
                                   f"last; got shapes {a_shape.tolist()} and "
                                   f"{b_shape.tolist()}.")
    _check_sparse(name, "a", a_indices, a_shape)
    _check_sparse(name, "b", b_indices, b_shape)
    ga, gb = _groups(a_indices, a_values, a_shape), _groups(b_indices, b_values, b_shape)
    fn = {"intersection": lambda x, y: x & y, "union": lambda x, y: x | y,
          "a-b": lambda x, y: x - y, "b-a": lambda x, y: y - x}[set_operation]
    out_indices, out_values, width = [], [], 0
    for row in sorted(set(ga) | set(gb)):
        items = sorted(fn(ga.get(row, set()), gb.get(row, set())))
        width = max(width, len(items))
        for j, v in enumerate(items):
            out_indices.append(row + (j,))
            out_values.append(v)
    rank = len(a_shape)
    indices = np.asarray(out_indices, np.int64).reshape(-1, rank)
    values = np.asarray(out_values, a_values.dtype) if a_values.dtype.kind != "O" else \
        np.array(out_values + [None], dtype=object)[:-1]
    return [indices, values, np.asarray(list(a_shape[:-1]) + [width], np.int64)]


def _as_set_parts(x, what, dtype=None):
    """(indices, values, dense_shape) tensors of a dense or sparse set tensor."""
    if isinstance(x, SparseTensorValue):
        x = SparseTensor.from_value(x)
    if isinstance(x, SparseTensor):
        return x.indices, x.values, x.dense_shape, x.shape
    from . import array_ops, indexing_ops
    x = convert_to_tensor(x, dtype=dtype)
    if x.shape.rank is not None and x.shape.rank < 2:
        raise InvalidArgumentError(f"sets: {what} must have rank >= 2 (sets along the last "
                                   f"dimension); got shape {x.shape}.")
    ones = array_ops.ones_like(x, dtype=dtypes.bool)
    indices = array_ops.where(ones)
    return indices, indexing_ops.gather_nd(x, indices), \
        array_ops.shape(x, out_type=_I64), x.shape


def _set_op(a, b, operation, validate_indices):
    a_parts = _as_set_parts(a, "a")
    b_parts = _as_set_parts(b, "b", dtype=a_parts[1].dtype if not isinstance(
        b, (TensorLike, SparseTensor, SparseTensorValue)) else None)
    if a_parts[1].dtype != b_parts[1].dtype:
        raise TypeError(f"sets.{operation}: a and b must have the same dtype; got "
                        f"{a_parts[1].dtype.name} and {b_parts[1].dtype.name}.")
    if a_parts[1].dtype.is_floating:
        raise TypeError(f"sets.{operation}: sets of {a_parts[1].dtype.name} are not supported "
                        "(integers and strings only, as in TensorFlow).")
    indices, values, shape = execute(SET_OPERATION, tuple(a_parts[:3]) + tuple(b_parts[:3]),
                                     {"set_operation": operation})
    rank = a_parts[3].rank
    return SparseTensor._from_parts(indices, values, shape,
                                    None if rank is None else [None] * rank)


def set_intersection(a, b, validate_indices=True):
    """tf.sets.intersection: per row of the last dimension, the values in both a and b, as a
    SparseTensor with each row's values sorted.

    Args:
      a, b: dense tensors or SparseTensors of one rank (>= 2), equal but in the last
        dimension; integers or strings.
    """
    return _set_op(a, b, "intersection", validate_indices)


def set_union(a, b, validate_indices=True):
    """tf.sets.union: per row, the values in a or b (sorted)."""
    return _set_op(a, b, "union", validate_indices)


def set_difference(a, b, aminusb=True, validate_indices=True):
    """tf.sets.difference: per row, the values of a not in b (b not in a if not aminusb)."""
    return _set_op(a, b, "a-b" if aminusb else "b-a", validate_indices)


@op("SetSize", host=True, differentiable=False,
    infer=lambda ts, a: [(TensorShape(None), dtypes.int32)])
def SET_SIZE(xp, indices, values, dense_shape):
    _check_sparse("sets.size", "a", indices, dense_shape)
    out = np.zeros(tuple(dense_shape[:-1]), np.int32)
    for row, items in _groups(indices, values, dense_shape).items():
        out[row] = len(items)
    return out


def set_size(a, validate_indices=True):
    """tf.sets.size: the number of distinct values in each row of the last dimension (int32,
    of a's shape without its last dimension). `a` must be a SparseTensor, as in TensorFlow.

    Raises:
      TypeError: `a` is not a SparseTensor.
    """
    if not isinstance(a, (SparseTensor, SparseTensorValue)):
        raise TypeError(f"sets.size: expected a SparseTensor for a; got {type(a).__name__} "
                        f"{a!r} (tf.sparse.from_dense converts a dense tensor).")
    indices, values, shape, static = _as_set_parts(a, "a")
    out = execute(SET_SIZE, (indices, values, shape), {})
    if static.rank is not None and isinstance(out, SymbolicTensor):
        out.set_shape(static.dims[:-1])
    return out


from ..util.export import export_many  # noqa: E402

export_many("", {"unique": unique, "unique_with_counts": unique_with_counts})
export_many("sets", {"intersection": set_intersection, "union": set_union,
                     "difference": set_difference, "size": set_size,
                     "set_intersection": set_intersection, "set_union": set_union,
                     "set_difference": set_difference, "set_size": set_size})
export_many("v1", {"setdiff1d": setdiff1d, "unique": unique,
                   "unique_with_counts": unique_with_counts})
export_many("v1.sets", {"set_intersection": set_intersection, "set_union": set_union,
                        "set_difference": set_difference, "set_size": set_size})
