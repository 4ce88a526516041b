"""tf.sparse: ops on SparseTensors.

Two kinds of primitives: index bookkeeping (which coordinates a result has, where each of its
values comes from) runs on the host as small non-differentiable ops, and the values are then
moved with differentiable ops (gather, segment sums, where), so every sparse op has
TensorFlow's gradients to its values without a gradient of its own. SparseToDense and
SparseTensorDenseMatMul are the two compute primitives, with their own gradients.
"""
import builtins

import numpy as np

from ..framework import dtypes
from ..framework.constant_op import convert_to_tensor
from ..framework.errors import InvalidArgumentError
from ..framework.registry import execute, op
from ..framework.tensor import SymbolicTensor, TensorLike
from ..framework.tensor_shape import TensorShape
from . import array_ops, math_ops
from .indexing_ops import boolean_mask, gather, gather_nd
from .join_ops import concat as _dense_concat, stack
from .segment_ops import unsorted_segment_max, unsorted_segment_sum
from .sparse_tensor import SparseTensor, SparseTensorSpec, SparseTensorValue, _static_value

_NO = {}
_range = builtins.range
_I64 = dtypes.int64


def _unknown(*dtype_list):
    """Inference for index ops: the first output is indices [None, rank of input 0's
    indices] (the rank is kept), the others unknown."""
    def infer(ts, attrs):
        first = ts[0].shape
        cols = first.dims[1] if first.rank == 2 else None
        return [(TensorShape([None, cols]), dtype_list[0])] + \
            [(TensorShape(None), d) for d in dtype_list[1:]]
    return infer


def _sparse(sp_input, what="sp_input"):
    if isinstance(sp_input, SparseTensorValue):
        return SparseTensor.from_value(sp_input)
    if not isinstance(sp_input, SparseTensor):
        raise TypeError(f"{what} must be a SparseTensor; got {type(sp_input).__name__}: "
                        f"{sp_input!r}.")
    return sp_input


def _index_str(row):
    return "[" + ",".join(str(int(v)) for v in row) + "]"


def _validate(xp, name, indices, shape, order=True):
    """TensorFlow's checks of sparse indices: in bounds, and (for `order`) strictly
    increasing in row-major order, which also rules out repeats."""
    if not indices.shape[0]:
        return
    shape = xp.asarray(shape)
    bad = xp.any((indices < 0) | (indices >= shape), axis=1)
    if bool(bad.any()):
        i = int(xp.argmax(bad))
        raise InvalidArgumentError(f"{name}: indices[{i}] = {_index_str(indices[i])} is out of "
                                   f"bounds: need 0 <= index < {_index_str(shape)}.")
    if order and indices.shape[0] > 1:
        diff = indices[1:] - indices[:-1]
        nonzero = diff != 0
        first = xp.argmax(nonzero, axis=1)
        lead = xp.take_along_axis(diff, first[:, None], axis=1)[:, 0]
        repeated = ~nonzero.any(axis=1)
        wrong = repeated | (lead < 0)
        if bool(wrong.any()):
            i = int(xp.argmax(wrong)) + 1
            what = "is repeated" if bool(repeated[i - 1]) else \
                "is out of order. Many sparse ops require sorted indices. Use " \
                "`tf.sparse.reorder` to create a correctly ordered copy"
            raise InvalidArgumentError(f"{name}: indices[{i}] = {_index_str(indices[i])} "
                                       f"{what}.")


# --- SparseToDense -------------------------------------------------------------------------------

def _to_dense_infer(ts, attrs):
    shape = _static_value(ts[2])
    dims = [int(d) for d in np.reshape(shape, -1)] if shape is not None else None
    if dims is None and ts[2].shape.rank == 1 and ts[2].shape.dims[0] is not None:
        dims = [None] * ts[2].shape.dims[0]
    return [(TensorShape(dims), ts[1].dtype)]


@op("SparseToDense", grad_inputs=(1, 3), infer=_to_dense_infer)
def SPARSE_TO_DENSE(xp, indices, values, dense_shape, default_value, validate_indices):
    if indices.ndim < 2:  # tf.sparse_to_dense: a scalar or vector of 1-D positions
        indices = indices.reshape(-1, 1)
    shape = tuple(int(d) for d in dense_shape.reshape(-1))
    if indices.shape[1] != len(shape):
        raise InvalidArgumentError(f"SparseToDense: indices of shape {indices.shape} give "
                                   f"{indices.shape[1]} coordinates but output_shape "
                                   f"{list(shape)} has {len(shape)} dimensions.")
    if values.ndim and values.shape[0] != indices.shape[0]:
        raise InvalidArgumentError(f"SparseToDense: values of shape {values.shape} do not match "
                                   f"the {indices.shape[0]} indices (shape {indices.shape}).")
    _validate(xp, "SparseToDense", indices, shape, order=validate_indices)
    out = xp.full(shape, default_value, dtype=values.dtype)
    out[tuple(indices.T)] = values
    return out


@SPARSE_TO_DENSE.gradient
def _sparse_to_dense_grad(op_, g):
    indices = op_.inputs[0]
    if indices.shape.rank is not None and indices.shape.rank < 2:
        indices = array_ops.reshape(indices, [-1, 1])
    picked = gather_nd(g, indices)
    values = op_.inputs[1]
    g_values = picked if values.shape.rank != 0 else math_ops.reduce_sum(picked)
    g_default = math_ops.subtract(math_ops.reduce_sum(g), math_ops.reduce_sum(picked))
    return [None, g_values, None, g_default]


def to_dense(sp_input, default_value=None, validate_indices=True, name=None):
    """tf.sparse.to_dense: the dense tensor a SparseTensor stands for.

    Args:
      sp_input: a SparseTensor.
      default_value: the value of the positions not stored (default zero).
      validate_indices: check that indices are in bounds, sorted and without repeats.
    Returns:
      A dense tensor of shape `sp_input.dense_shape`.
    Raises:
      InvalidArgumentError: indices out of bounds, out of order or repeated.
    """
    sp = _sparse(sp_input)
    default = np.asarray(0 if default_value is None else default_value, sp.dtype._np) \
        if not isinstance(default_value, TensorLike) else default_value
    out = execute(SPARSE_TO_DENSE, (sp.indices, sp.values, sp.dense_shape, default),
                  {"validate_indices": bool(validate_indices)}, name)
    if isinstance(out, SymbolicTensor):
        out.set_shape(sp.shape)  # the static shape the SparseTensor knows
    return out


def sparse_to_dense(sparse_indices, output_shape, sparse_values, default_value=0,
                    validate_indices=True, name=None):
    """tf.compat.v1.sparse_to_dense: indices (scalar, vector or [N, rank] matrix), the output
    shape and values (a vector or one scalar for all) as a dense tensor."""
    indices = convert_to_tensor(sparse_indices)
    shape = convert_to_tensor(output_shape)
    values = convert_to_tensor(sparse_values)
    default = default_value if isinstance(default_value, TensorLike) else \
        np.asarray(default_value, values.dtype._np)
    return execute(SPARSE_TO_DENSE, (indices, values, shape, default),
                   {"validate_indices": bool(validate_indices)}, name)


def sparse_tensor_to_dense(sp_input, default_value=None, validate_indices=True, name=None):
    """TF1 name of `ndflow.sparse.to_dense`: a dense tensor from a `SparseTensor`.

    Args:
      sp_input: A `SparseTensor`.
      default_value: The value of positions not stored (default 0 / empty string).
      validate_indices: If true, indices must be sorted and unique.
      name: A name for the operation (optional).

    Returns:
      A dense `Tensor` of `sp_input.dense_shape`.
    """
    return to_dense(sp_input, default_value, validate_indices, name)


def from_dense(tensor, name=None):
    """tf.sparse.from_dense: the nonzero elements of a dense tensor as a SparseTensor."""
    tensor = convert_to_tensor(tensor)
    zero = array_ops.zeros_like(tensor)
    indices = array_ops.where(math_ops.not_equal(tensor, zero))
    return SparseTensor._from_parts(indices, gather_nd(tensor, indices),
                                    array_ops.shape(tensor, out_type=_I64), tensor.shape)


# --- SparseTensorDenseMatMul ---------------------------------------------------------------------

def _matmul_infer(ts, attrs):
    b = ts[3].shape
    a = _static_value(ts[2])
    m = None if a is None else int(a[1] if attrs["adjoint_a"] else a[0])
    n = None
    if b.rank == 2:
        n = b.dims[0] if attrs["adjoint_b"] else b.dims[1]
    return [(TensorShape([m, n]), ts[3].dtype)]


@op("SparseTensorDenseMatMul", grad_inputs=(1, 3), infer=_matmul_infer)
def SPARSE_MATMUL(xp, indices, values, dense_shape, b, adjoint_a, adjoint_b):
    rows, cols = int(dense_shape[0]), int(dense_shape[1])
    if adjoint_b:
        b = b.T
    if adjoint_a:
        rows, cols = cols, rows
    if b.ndim != 2 or b.shape[0] != cols:
        raise InvalidArgumentError(
            f"SparseTensorDenseMatMul: cannot multiply A and B because inner dimension does "
            f"not match: {cols} vs. {b.shape[0] if b.ndim else None}. Dimensions of A: "
            f"[{int(dense_shape[0])}, {int(dense_shape[1])}]{' (adjoint_a)' if adjoint_a else ''}"
            f". Dimensions of B: {list(b.T.shape if adjoint_b else b.shape)}"
            f"{' (adjoint_b)' if adjoint_b else ''}.")
    r, c = (indices[:, 1], indices[:, 0]) if adjoint_a else (indices[:, 0], indices[:, 1])
    for what, ids, limit in (("m", r, rows), ("k", c, cols)):
        if ids.size and (int(ids.max()) >= limit or int(ids.min()) < 0):
            i = int(xp.argmax((ids >= limit) | (ids < 0)))
            raise InvalidArgumentError(
                f"SparseTensorDenseMatMul: {what} ({int(ids[i])}) from index[{i},"
                f"{int(what == 'k') ^ int(adjoint_a)}] out of bounds (>={limit}).")
    out = xp.zeros((rows, b.shape[1]), dtype=b.dtype)
    if not values.size:
        return out
    terms = values[:, None].astype(b.dtype) * b[c]
    if b.shape[1] <= 16 and b.dtype.kind == "f":  # bincount per column beats add.at
        for j in _range(b.shape[1]):
            out[:, j] = xp.bincount(r, weights=terms[:, j], minlength=rows)
    else:
        xp.add.at(out, r, terms)
    return out


@SPARSE_MATMUL.gradient
def _sparse_matmul_grad(op_, g):
    indices, values, dense_shape, b = op_.inputs
    adj_a, adj_b = op_.attrs["adjoint_a"], op_.attrs["adjoint_b"]
    # d b' = op(A)^T g, then transposed back when b was; d values = <g[i], b'[j]>
    g_b = execute(SPARSE_MATMUL, (indices, values, dense_shape, g),
                  {"adjoint_a": not adj_a, "adjoint_b": False})
    if adj_b:
        g_b = array_ops.transpose(g_b)
    i, j = (indices[:, 1], indices[:, 0]) if adj_a else (indices[:, 0], indices[:, 1])
    b_rows = gather(array_ops.transpose(b) if adj_b else b, j)
    g_values = math_ops.reduce_sum(math_ops.multiply(gather(g, i), b_rows), axis=1)
    return [None, array_ops.cast(g_values, values.dtype), None, g_b]


def sparse_dense_matmul(sp_a, b, adjoint_a=False, adjoint_b=False, name=None):
    """tf.sparse.sparse_dense_matmul: a SparseTensor (rank 2) times a dense matrix, without
    densifying it. Gradients flow to the sparse values and to `b`.

    Args:
      sp_a: a SparseTensor of rank 2 (or a dense matrix, with `b` a SparseTensor).
      b: a dense matrix.
      adjoint_a, adjoint_b: use the transpose of `sp_a` / `b`.
    Returns:
      A dense matrix.
    """
    if isinstance(b, SparseTensor) and not isinstance(sp_a, SparseTensor):
        # dense @ sparse = (sparse^T @ dense^T)^T
        out = sparse_dense_matmul(b, sp_a, adjoint_a=not adjoint_b, adjoint_b=not adjoint_a)
        return array_ops.transpose(out, name=name)
    sp = _sparse(sp_a, "sp_a")
    if sp.shape.rank not in (None, 2):
        raise InvalidArgumentError(f"sparse_dense_matmul: sp_a must be a matrix; got shape "
                                   f"{sp.shape}.")
    b = convert_to_tensor(b, dtype=sp.dtype if not isinstance(b, TensorLike) else None)
    values = sp.values if sp.dtype == b.dtype else array_ops.cast(sp.values, b.dtype)
    return execute(SPARSE_MATMUL, (sp.indices, values, sp.dense_shape, b),
                   {"adjoint_a": bool(adjoint_a), "adjoint_b": bool(adjoint_b)}, name)


# --- index bookkeeping (host) ----------------------------------------------------------------

@op("SparseReorderIndices", host=True, differentiable=False, multi_output=True,
    infer=lambda ts, a: [(ts[0].shape, _I64), (TensorShape([ts[0].shape.dims[0]]
                                                           if ts[0].shape.rank else None),
                                               _I64)])
def SPARSE_REORDER(xp, indices, dense_shape):
    """(indices in row-major order, the permutation that sorts them)."""
    if not indices.shape[0]:
        return [indices, np.zeros(0, np.int64)]
    perm = np.lexsort(indices.T[::-1]).astype(np.int64)
    return [indices[perm], perm]


def _linear(indices, shape):
    """Row-major position of each index row in a tensor of `shape`."""
    strides = np.cumprod([1] + [int(d) for d in shape[:0:-1]])[::-1].astype(np.int64)
    return indices @ strides if indices.size else np.zeros(indices.shape[0], np.int64)


def _unravel(positions, shape):
    if not len(shape):
        return np.zeros((len(positions), 0), np.int64)
    return np.stack(np.unravel_index(positions, tuple(int(d) for d in shape)),
                    axis=1).astype(np.int64).reshape(len(positions), len(shape))


@op("SparseReshapeIndices", host=True, differentiable=False, multi_output=True,
    infer=lambda ts, a: [(TensorShape([ts[0].shape.dims[0] if ts[0].shape.rank else None,
                                       ts[2].shape.dims[0] if ts[2].shape.rank else None]),
                          _I64), (ts[2].shape, _I64)])
def SPARSE_RESHAPE(xp, indices, dense_shape, new_shape):
    total = int(np.prod(dense_shape))
    new = [int(d) for d in new_shape]
    if new.count(-1) > 1:
        raise InvalidArgumentError(f"SparseReshape: at most one dimension can be -1; got "
                                   f"{new}.")
    if -1 in new:
        known = int(np.prod([d for d in new if d != -1]))
        if known == 0 or total % known:
            raise InvalidArgumentError(f"SparseReshape: cannot reshape a SparseTensor of shape "
                                       f"{dense_shape.tolist()} ({total} elements) into {new}.")
        new[new.index(-1)] = total // known
    if int(np.prod(new)) != total:
        raise InvalidArgumentError(f"SparseReshape: cannot reshape a SparseTensor of shape "
                                   f"{dense_shape.tolist()} ({total} elements) into {new} "
                                   f"({int(np.prod(new))} elements).")
    out = np.asarray(new, np.int64)
    return [_unravel(_linear(indices, dense_shape), out), out]


@op("SparseUnionIndices", host=True, differentiable=False, multi_output=True,
    infer=lambda ts, a: [(TensorShape([None, ts[0].shape.dims[1] if ts[0].shape.rank == 2
                                       else None]), _I64), (TensorShape([None]), _I64),
                         (TensorShape([None]), _I64), (TensorShape([]), _I64)])
def SPARSE_UNION(xp, a_indices, b_indices, dense_shape):
    """The sorted union of two index sets: (indices, position in it of each of a's and of b's
    rows, its size)."""
    for name, ind in (("a", a_indices), ("b", b_indices)):
        _validate(np, f"SparseAdd ({name})", ind, dense_shape, order=False)
    pos = np.concatenate([_linear(a_indices, dense_shape), _linear(b_indices, dense_shape)])
    unique, inverse = np.unique(pos, return_inverse=True)
    n = len(a_indices)
    return [_unravel(unique, dense_shape), inverse[:n].astype(np.int64),
            inverse[n:].astype(np.int64), np.asarray(len(unique), np.int64)]


@op("SparseReduceIndices", host=True, differentiable=False, multi_output=True,
    infer=lambda ts, a: [(TensorShape([None]), _I64), (TensorShape([None]), _I64),
                         (TensorShape([]), _I64)])
def SPARSE_REDUCE(xp, indices, dense_shape, axes, keepdims):
    """For a reduction over `axes`: (output position of each value, output shape, output
    size)."""
    rank = len(dense_shape)
    axes = sorted({a % rank for a in axes}) if axes is not None else list(_range(rank))
    kept = [d for d in _range(rank) if d not in axes]
    sub = dense_shape[kept]
    positions = _linear(indices[:, kept], sub) if kept else np.zeros(len(indices), np.int64)
    shape = np.asarray([1 if d in axes else dense_shape[d] for d in _range(rank)]
                       if keepdims else sub, np.int64)
    return [positions.astype(np.int64), shape, np.asarray(int(np.prod(sub)), np.int64)]


@op("SparseConcatIndices", host=True, differentiable=False, multi_output=True,
    infer=_unknown(_I64, _I64, _I64))
def SPARSE_CONCAT(xp, *parts, axis, expand_nonconcat_dims):
    """(sorted concatenated indices, output shape, where each output value comes from in the
    concatenated values)."""
    k = len(parts) // 2
    indices, shapes = parts[:k], [np.asarray(s) for s in parts[k:]]
    rank = len(shapes[0])
    axis %= rank
    for i, s in enumerate(shapes):
        if len(s) != rank:
            raise InvalidArgumentError(f"SparseConcat: input {i} has rank {len(s)} but input 0 "
                                       f"has rank {rank} (shapes {[x.tolist() for x in shapes]}).")
        other = [d for d in _range(rank) if d != axis]
        if not expand_nonconcat_dims and list(s[other]) != list(shapes[0][other]):
            raise InvalidArgumentError(
                f"SparseConcat: input {i} has shape {list(s)} but input 0 has shape "
                f"{shapes[0].tolist()}: dimensions other than axis {axis} must match (or pass "
                f"expand_nonconcat_dims=True).")
    out_shape = np.max(np.stack(shapes), axis=0)
    out_shape[axis] = sum(int(s[axis]) for s in shapes)
    shifted, offset = [], 0
    for ind, s in zip(indices, shapes):
        ind = ind.copy()
        ind[:, axis] += offset
        offset += int(s[axis])
        shifted.append(ind)
    out = np.concatenate(shifted) if shifted else np.zeros((0, rank), np.int64)
    perm = np.lexsort(out.T[::-1]).astype(np.int64) if len(out) else np.zeros(0, np.int64)
    return [out[perm], out_shape.astype(np.int64), perm]


@op("SparseSliceIndices", host=True, differentiable=False, multi_output=True,
    infer=lambda ts, a: [_unknown(_I64)(ts, a)[0], (ts[1].shape, _I64),
                         (TensorShape([None]), _I64)])
def SPARSE_SLICE(xp, indices, dense_shape, start, size):
    start = np.asarray(start, np.int64)
    rank = len(dense_shape)
    if len(start) != rank or len(size) != rank:
        raise InvalidArgumentError(f"SparseSlice: start {start.tolist()} and size {list(np.asarray(size).tolist())} "
                                   f"must have {rank} entries (dense_shape "
                                   f"{dense_shape.tolist()}).")
    stop = np.minimum(start + np.asarray(size, np.int64), dense_shape)
    keep = np.all((indices >= start) & (indices < stop), axis=1)
    out_shape = np.maximum(stop - np.minimum(start, dense_shape), 0)
    return [indices[keep] - start, out_shape.astype(np.int64),
            np.flatnonzero(keep).astype(np.int64)]


@op("SparseFillEmptyRowsIndices", host=True, differentiable=False, multi_output=True,
    infer=lambda ts, a: [_unknown(_I64)(ts, a)[0], (TensorShape([None]), dtypes.bool),
                         (TensorShape([None]), _I64)])
def SPARSE_FILL_EMPTY_ROWS(xp, indices, dense_shape):
    """(indices with [r, 0, ...] added for each empty row r, sorted by row; the empty-row
    indicator; where each output value comes from: its input position or -1)."""
    rows = int(dense_shape[0])
    _validate(np, "SparseFillEmptyRows", indices, dense_shape, order=False)
    empty = np.ones(rows, bool)
    empty[indices[:, 0]] = False
    new_rows = np.flatnonzero(empty)
    added = np.zeros((len(new_rows), len(dense_shape)), np.int64)
    added[:, 0] = new_rows
    out = np.concatenate([indices, added])
    source = np.concatenate([np.arange(len(indices)), -np.ones(len(new_rows), np.int64)])
    order = np.argsort(out[:, 0], kind="stable")
    return [out[order], empty, source[order].astype(np.int64)]


# --- public ops ----------------------------------------------------------------------------

def _shape_arg(shape):
    return shape if isinstance(shape, TensorLike) else \
        convert_to_tensor(np.asarray(shape, np.int64))


def reorder(sp_input, name=None):
    """tf.sparse.reorder: the same SparseTensor with its indices in row-major order."""
    sp = _sparse(sp_input)
    indices, perm = execute(SPARSE_REORDER, (sp.indices, sp.dense_shape), _NO, name)
    return SparseTensor._from_parts(indices, gather(sp.values, perm), sp.dense_shape, sp.shape)


def reshape(sp_input, shape, name=None):
    """tf.sparse.reshape: the SparseTensor with a new dense shape (one dimension may be -1)."""
    sp = _sparse(sp_input)
    new_shape = _shape_arg(shape)
    indices, out_shape = execute(SPARSE_RESHAPE, (sp.indices, sp.dense_shape, new_shape), _NO,
                                 name)
    static = None
    value = _static_value(new_shape)
    if value is not None and -1 not in list(value):
        static = [int(d) for d in value]
    return SparseTensor._from_parts(indices, sp.values, out_shape, static)


def _scatter_union(values, positions, count):
    return unsorted_segment_sum(values, positions, count)


def add(a, b, threshold=0, name=None):
    """tf.sparse.add: SparseTensor + SparseTensor (a SparseTensor; sums with magnitude below
    `threshold` are dropped), or SparseTensor + dense tensor (a dense tensor).

    Raises:
      InvalidArgumentError: the two dense shapes differ.
    """
    if not isinstance(a, (SparseTensor, SparseTensorValue)):
        a, b = b, a
    a = _sparse(a, "a")
    if not isinstance(b, (SparseTensor, SparseTensorValue)):
        return math_ops.add(to_dense(a, validate_indices=False), b, name=name)
    b = _sparse(b, "b")
    _same_shapes("sparse.add", a, b)
    if a.dtype != b.dtype:
        raise TypeError(f"sparse.add: a and b must have the same dtype; got {a.dtype.name} "
                        f"and {b.dtype.name}.")
    indices, pa, pb, count = execute(SPARSE_UNION, (a.indices, b.indices, a.dense_shape), _NO)
    total = math_ops.add(_scatter_union(a.values, pa, count), _scatter_union(b.values, pb, count))
    thresh = _static_value(convert_to_tensor(threshold)) if not isinstance(
        threshold, TensorLike) else None
    if thresh is None or float(thresh) > 0:
        keep = math_ops.greater_equal(math_ops.abs(total), array_ops.cast(threshold, total.dtype)
                                      if not isinstance(threshold, TensorLike) else
                                      array_ops.cast(threshold, total.dtype))
        indices, total = boolean_mask(indices, keep), boolean_mask(total, keep)
    return SparseTensor._from_parts(indices, total, a.dense_shape, a.shape)


def _same_shapes(what, a, b):
    if a.shape.is_fully_defined() and b.shape.is_fully_defined() and a.shape != b.shape:
        raise InvalidArgumentError(f"{what}: operands' shapes do not match: {a.shape} and "
                                   f"{b.shape}.")


def _binary_union(a, b, fn, what):
    a, b = _sparse(a, "sp_a"), _sparse(b, "sp_b")
    _same_shapes(what, a, b)
    indices, pa, pb, count = execute(SPARSE_UNION, (a.indices, b.indices, a.dense_shape), _NO)
    values = fn(_scatter_union(a.values, pa, count), _scatter_union(b.values, pb, count))
    return SparseTensor._from_parts(indices, values, a.dense_shape, a.shape)


def maximum(sp_a, sp_b, name=None):
    """tf.sparse.maximum: elementwise maximum of two SparseTensors of one shape (missing
    entries count as zero)."""
    return _binary_union(sp_a, sp_b, math_ops.maximum, "sparse.maximum")


def minimum(sp_a, sp_b, name=None):
    """Elementwise minimum of two `SparseTensor`s of the same dense shape.

    Positions present in only one input are compared with 0 (the implicit value).

    Args:
      sp_a: A `SparseTensor`.
      sp_b: A `SparseTensor` of the same dense shape and dtype.
      name: A name for the operation (optional).

    Returns:
      A `SparseTensor` over the union of both inputs' indices.

    Raises:
      ValueError: If the dense shapes differ.
    """
    return _binary_union(sp_a, sp_b, math_ops.minimum, "sparse.minimum")


def _reduce(sp_input, axis, keepdims, kind, name):
    sp = _sparse(sp_input)
    axes = None if axis is None else [int(a) for a in np.reshape(
        _static_value(convert_to_tensor(axis)), -1)]
    rank = sp.shape.rank
    if axes is not None and rank is not None:
        for a in axes:
            if not -rank <= a < rank:
                raise InvalidArgumentError(f"sparse.reduce_{kind}: axis {a} is out of range for "
                                           f"a SparseTensor of rank {rank}.")
    positions, shape, size = execute(SPARSE_REDUCE, (sp.indices, sp.dense_shape),
                                     {"axes": axes, "keepdims": bool(keepdims)})
    if kind == "sum":
        flat = unsorted_segment_sum(sp.values, positions, size)
    else:  # only stored values take part; an output with none of them is 0 (TensorFlow's)
        flat = unsorted_segment_max(sp.values, positions, size)
        count = unsorted_segment_sum(array_ops.ones_like(positions), positions, size)
        flat = array_ops.where(math_ops.greater(count, array_ops.zeros_like(count)), flat,
                               array_ops.zeros_like(flat))
    out = array_ops.reshape(flat, shape, name=name)
    if rank is not None:  # the static shape (unknown dims stay None: a batch's rows)
        dims = sp.shape.as_list()
        kept = range(rank) if axes is None else [a % rank for a in axes]
        if isinstance(out, SymbolicTensor):
            out.set_shape([1 if i in kept else d for i, d in enumerate(dims)] if keepdims
                          else [d for i, d in enumerate(dims) if i not in kept])
    return out


def reduce_sum(sp_input, axis=None, keepdims=None, output_is_sparse=False, name=None):
    """tf.sparse.reduce_sum: sums over `axis` of a SparseTensor, as a dense tensor (a
    SparseTensor with output_is_sparse=True)."""
    out = _reduce(sp_input, axis, keepdims, "sum", name)
    return from_dense(out) if output_is_sparse else out


def reduce_max(sp_input, axis=None, keepdims=None, output_is_sparse=False, name=None):
    """tf.sparse.reduce_max: maxima over `axis` of the stored values (positions not stored do
    not take part; an output with no stored value is 0)."""
    out = _reduce(sp_input, axis, keepdims, "max", name)
    return from_dense(out) if output_is_sparse else out


def reduce_sum_sparse(sp_input, axis=None, keepdims=None, name=None):
    """Sums a `SparseTensor` over `axis`, returning a `SparseTensor`.

    Args:
      sp_input: A `SparseTensor`.
      axis: `None` (every axis), an int or a list of ints.
      keepdims: If true, reduced axes are kept with length 1.
      name: A name for the operation (optional).

    Returns:
      A `SparseTensor` holding the sums of the non-empty output positions.
    """
    return reduce_sum(sp_input, axis, keepdims, output_is_sparse=True, name=name)


def reduce_max_sparse(sp_input, axis=None, keepdims=None, name=None):
    """Maximum of a `SparseTensor` over `axis`, returned as a `SparseTensor`.

    Only the stored values take part (implicit zeros are not compared), as in TensorFlow.

    Args:
      sp_input: A `SparseTensor`.
      axis: `None` (every axis), an int or a list of ints.
      keepdims: If true, reduced axes are kept with length 1.
      name: A name for the operation (optional).

    Returns:
      A `SparseTensor` of the maxima.
    """
    return reduce_max(sp_input, axis, keepdims, output_is_sparse=True, name=name)


def concat(axis, sp_inputs, name=None, expand_nonconcat_dims=False, concat_dim=None):
    """tf.sparse.concat: SparseTensors joined along `axis` (indices sorted).

    With expand_nonconcat_dims, the other dimensions grow to the largest input's."""
    if concat_dim is not None:
        axis = concat_dim
    sps = [_sparse(s, "sp_inputs") for s in sp_inputs]
    if not sps:
        raise ValueError("sparse.concat: sp_inputs is empty.")
    indices, shape, perm = execute(
        SPARSE_CONCAT, tuple(s.indices for s in sps) + tuple(s.dense_shape for s in sps),
        {"axis": int(axis), "expand_nonconcat_dims": bool(expand_nonconcat_dims)}, name)
    values = _dense_concat([s.values for s in sps], 0)
    return SparseTensor._from_parts(indices, gather(values, perm), shape)


def slice(sp_input, start, size, name=None):  # noqa: A001 - TensorFlow's name
    """tf.sparse.slice: the part of a SparseTensor in [start, start + size)."""
    sp = _sparse(sp_input)
    indices, shape, keep = execute(SPARSE_SLICE, (sp.indices, sp.dense_shape, _shape_arg(start),
                                                  _shape_arg(size)), _NO, name)
    return SparseTensor._from_parts(indices, gather(sp.values, keep), shape)


def retain(sp_input, to_retain):
    """tf.sparse.retain: the entries where the boolean vector `to_retain` is True."""
    sp = _sparse(sp_input)
    to_retain = convert_to_tensor(to_retain)
    n, m = sp.values.shape.dims[0] if sp.values.shape.rank else None, \
        to_retain.shape.dims[0] if to_retain.shape.rank == 1 else None
    if to_retain.shape.rank not in (None, 1) or (n is not None and m is not None and n != m):
        raise InvalidArgumentError(f"sparse.retain: to_retain of shape {to_retain.shape} must "
                                   f"be a vector of one entry per value ({sp.values.shape}).")
    return SparseTensor._from_parts(boolean_mask(sp.indices, to_retain),
                                    boolean_mask(sp.values, to_retain), sp.dense_shape, sp.shape)


def fill_empty_rows(sp_input, default_value, name=None):
    """tf.sparse.fill_empty_rows: puts `default_value` at [r, 0, ...] of every empty row r.

    Returns:
      (the filled SparseTensor, a bool vector saying which rows were empty).
    """
    sp = _sparse(sp_input)
    indices, empty, source = execute(SPARSE_FILL_EMPTY_ROWS, (sp.indices, sp.dense_shape), _NO,
                                     name)
    zero = array_ops.zeros_like(source)
    taken = gather(sp.values, math_ops.maximum(source, zero))
    default = array_ops.fill(array_ops.shape(source), array_ops.cast(default_value, sp.dtype))
    values = array_ops.where(math_ops.greater_equal(source, zero), taken, default)
    return SparseTensor._from_parts(indices, values, sp.dense_shape, sp.shape), empty


def transpose(sp_input, perm=None, name=None):
    """tf.sparse.transpose: dimensions permuted by `perm` (default: reversed), reordered."""
    sp = _sparse(sp_input)
    rank = sp.shape.rank
    if perm is None:
        if rank is None:
            raise ValueError("sparse.transpose: the rank must be known when perm is None.")
        perm = list(_range(rank))[::-1]
    perm_t = _shape_arg(perm)
    indices = gather(sp.indices, perm_t, axis=1)
    shape = gather(sp.dense_shape, perm_t)
    static = None
    if sp.shape.is_fully_defined() and _static_value(perm_t) is not None:
        static = [sp.shape.as_list()[int(p)] for p in _static_value(perm_t)]
    return reorder(SparseTensor._from_parts(indices, sp.values, shape, static), name)


def expand_dims(sp_input, axis=None, name=None):
    """tf.sparse.expand_dims: a dimension of size 1 inserted at `axis`."""
    sp = _sparse(sp_input)
    rank = sp.shape.rank
    if rank is None:
        raise ValueError("sparse.expand_dims needs a SparseTensor of known rank.")
    axis = -1 if axis is None else int(axis)
    if not -rank - 1 <= axis <= rank:
        raise InvalidArgumentError(f"sparse.expand_dims: axis {axis} is out of range for rank "
                                   f"{rank}.")
    axis %= rank + 1
    n = array_ops.shape(sp.indices, out_type=_I64)[0]
    zeros = array_ops.zeros(stack([n, 1]), dtype=_I64)
    indices = _dense_concat([sp.indices[:, :axis], zeros, sp.indices[:, axis:]], 1)
    shape = _dense_concat([sp.dense_shape[:axis], np.ones(1, np.int64), sp.dense_shape[axis:]], 0)
    static = None
    if sp.shape.dims is not None:
        static = sp.shape.dims[:axis] + [1] + sp.shape.dims[axis:]
    return SparseTensor._from_parts(indices, sp.values, shape, static)


def split(sp_input=None, num_split=None, axis=None, name=None, split_dim=None):
    """tf.sparse.split: `num_split` SparseTensors along `axis` (the first size % num_split
    parts one larger)."""
    sp = _sparse(sp_input)
    axis = split_dim if axis is None else axis
    if axis is None or num_split is None:
        raise ValueError("sparse.split needs num_split and axis.")
    num, axis = int(num_split), int(axis)
    rank = sp.shape.rank
    if rank is not None:
        axis %= rank
    if rank is None:
        raise ValueError("sparse.split needs a SparseTensor of known rank.")
    size = sp.dense_shape[axis]
    num64 = np.int64(num)
    base, extra = math_ops.floordiv(size, num64), math_ops.mod(size, num64)
    zero = np.int64(0)
    out = []
    for i in _range(num):
        i64 = np.int64(i)
        begin = math_ops.add(math_ops.multiply(base, i64), math_ops.minimum(extra, i64))
        length = math_ops.add(base, array_ops.cast(math_ops.greater(extra, i64), _I64))
        start = stack([begin if d == axis else zero for d in _range(rank)])
        sizes = stack([length if d == axis else sp.dense_shape[d] for d in _range(rank)])
        out.append(slice(sp, start, sizes))
    return out


def eye(num_rows, num_columns=None, dtype=dtypes.float32, name=None):
    """tf.sparse.eye: the identity matrix as a SparseTensor."""
    num_columns = num_rows if num_columns is None else num_columns
    rows, cols = int(_static_value(convert_to_tensor(num_rows))), \
        int(_static_value(convert_to_tensor(num_columns)))
    diag = np.arange(min(rows, cols), dtype=np.int64)
    dtype = dtypes.as_dtype(dtype)
    return SparseTensor(np.stack([diag, diag], axis=1), np.ones(len(diag), dtype._np),
                        [rows, cols])


def to_indicator(sp_input, vocab_size, name=None):
    """tf.sparse.to_indicator: a dense bool tensor [..., vocab_size] that is True at each
    stored id of the last dimension's rows."""
    sp = _sparse(sp_input)
    if not sp.dtype.is_integer:
        raise TypeError(f"sparse.to_indicator: sp_input must hold integer ids; got "
                        f"{sp.dtype.name}.")
    ids = array_ops.expand_dims(array_ops.cast(sp.values, _I64), 1)
    indices = _dense_concat([sp.indices[:, :-1], ids], 1)
    shape = _dense_concat([sp.dense_shape[:-1], np.asarray([int(vocab_size)], np.int64)], 0)
    ones = array_ops.ones_like(sp.values, dtype=dtypes.bool)
    return execute(SPARSE_TO_DENSE, (indices, ones, shape, np.asarray(False)),
                   {"validate_indices": False}, name)


def mask(a, mask_indices, name=None):
    """tf.sparse.mask: the rows of IndexedSlices `a` whose index is not in `mask_indices`."""
    from .indexed_slices import IndexedSlices
    from .set_ops import setdiff1d
    keep, positions = setdiff1d(a.indices, mask_indices)
    return IndexedSlices(gather(a.values, positions), keep, a.dense_shape)


def _cwise(sp, other, kind):
    """SparseTensor * or / a dense tensor (broadcast to the sparse shape, read only at the
    stored positions) or a scalar: a SparseTensor of the same indices."""
    if isinstance(other, (SparseTensor, SparseTensorValue)):
        raise TypeError(f"SparseTensor {'*' if kind == 'mul' else '/'} SparseTensor is not "
                        "supported; densify one operand (tf.sparse.to_dense).")
    other = convert_to_tensor(other, dtype=sp.dtype if not isinstance(other, TensorLike)
                              else None)
    fn = math_ops.multiply if kind == "mul" else math_ops.truediv
    if other.shape.rank == 0:
        return sp.with_values(fn(sp.values, other))
    rank, orank = sp.shape.rank, other.shape.rank
    if rank is None or orank is None or orank > rank:
        raise InvalidArgumentError(f"SparseTensor {kind}: cannot broadcast a dense tensor of "
                                   f"shape {other.shape} to the SparseTensor's {sp.shape}.")
    dims = [1] * (rank - orank) + list(other.shape.dims)
    for d, s in zip(dims, sp.shape.dims):
        if d not in (1, None) and s is not None and d != s:
            raise InvalidArgumentError(f"SparseTensor {kind}: cannot broadcast a dense tensor "
                                       f"of shape {other.shape} to the SparseTensor's "
                                       f"{sp.shape}.")
    if None in dims:
        full = array_ops.broadcast_to(other, sp.dense_shape)
        return sp.with_values(fn(sp.values, gather_nd(full, sp.indices)))
    dense = array_ops.reshape(other, dims)
    keep = np.asarray([0 if d == 1 else 1 for d in dims], np.int64)
    return sp.with_values(fn(sp.values, gather_nd(dense, math_ops.multiply(sp.indices, keep))))


def sparse_placeholder(dtype, shape=None, name=None):
    """tf.compat.v1.sparse_placeholder: a SparseTensor of three placeholders, fed with a
    SparseTensorValue or an (indices, values, dense_shape) tuple."""
    from ..framework.constant_op import placeholder
    shape = TensorShape(shape)
    rank = shape.rank
    prefix = name or "Placeholder"
    values = placeholder(dtype, [None], name=f"{prefix}/values")
    indices = placeholder(_I64, [None, rank], name=f"{prefix}/indices")
    dense_shape = placeholder(_I64, [rank], name=f"{prefix}/shape")
    return SparseTensor._from_parts(indices, values, dense_shape, shape)


def sparse_add(a, b, threshold=0, thresh=None, name=None):
    """tf.compat.v1.sparse_add (`thresh` is its old name for threshold)."""
    return add(a, b, threshold if thresh is None else thresh, name)


from ..util.export import export_many  # noqa: E402

export_many("sparse", {
    "SparseTensor": SparseTensor, "from_dense": from_dense, "to_dense": to_dense,
    "reorder": reorder, "reshape": reshape, "add": add, "sparse_dense_matmul":
    sparse_dense_matmul, "matmul": sparse_dense_matmul, "reduce_sum": reduce_sum,
    "reduce_max": reduce_max, "concat": concat, "slice": slice, "retain": retain,
    "fill_empty_rows": fill_empty_rows, "transpose": transpose, "mask": mask,
    "to_indicator": to_indicator, "maximum": maximum, "minimum": minimum,
    "expand_dims": expand_dims, "split": split, "eye": eye})
export_many("", {"SparseTensor": SparseTensor, "SparseTensorSpec": SparseTensorSpec})
export_many("v1.sparse", {"reduce_sum_sparse": reduce_sum_sparse,
                          "reduce_max_sparse": reduce_max_sparse,
                          "sparse_dense_matmul": sparse_dense_matmul})
export_many("v1", {
    "SparseTensorValue": SparseTensorValue, "sparse_placeholder": sparse_placeholder,
    "sparse_tensor_to_dense": sparse_tensor_to_dense, "sparse_to_dense": sparse_to_dense,
    "sparse_tensor_dense_matmul": sparse_dense_matmul, "sparse_add": sparse_add,
    "sparse_reorder": reorder, "sparse_reshape": reshape, "sparse_concat": concat,
    "sparse_slice": slice, "sparse_retain": retain, "sparse_fill_empty_rows": fill_empty_rows,
    "sparse_transpose": transpose, "sparse_reduce_sum": reduce_sum,
    "sparse_reduce_max": reduce_max, "sparse_reduce_sum_sparse": reduce_sum_sparse,
    "sparse_mask": mask, "sparse_to_indicator": to_indicator, "sparse_maximum": maximum,
    "sparse_minimum": minimum, "sparse_split": split, "SparseTensor": SparseTensor})


# --- embeddings of sparse ids ----------------------------------------------------------------

def embedding_lookup_sparse(params, sp_ids, sp_weights, partition_strategy="mod", name=None,
                            combiner=None, max_norm=None, allow_fast_lookup=False):
    """tf.nn.embedding_lookup_sparse: per row of `sp_ids` (a SparseTensor of ids, rank 2),
    the combination of the embeddings `params[id]` of its ids, weighted by `sp_weights`.

    Args:
      params: the embedding matrix [vocab, dim] (or a list of one, as TensorFlow shards).
      sp_ids: SparseTensor of int ids, [batch, max_ids].
      sp_weights: SparseTensor of float weights with sp_ids' indices, or None (weights 1).
      combiner: "mean" (default), "sum" or "sqrtn" (sum / sqrt of the sum of squared
        weights).
    Returns:
      A dense tensor [last row with ids + 1, dim] (as TensorFlow: trailing empty rows are not
      in the result; safe_embedding_lookup_sparse keeps them).
    """
    from .segment_ops import _reduce as segment_reduce, sparse_segment_mean, \
        sparse_segment_sqrt_n, sparse_segment_sum
    combiner = "mean" if combiner is None else combiner
    if combiner not in ("mean", "sum", "sqrtn"):
        raise ValueError(f"embedding_lookup_sparse: combiner must be 'mean', 'sqrtn' or 'sum'; "
                         f"got {combiner!r}.")
    if isinstance(params, (list, tuple)):
        if len(params) != 1:
            raise NotImplementedError("embedding_lookup_sparse: sharded params (a list of more "
                                      "than one tensor) are not supported.")
        params = params[0]
    params = convert_to_tensor(params)
    sp_ids = _sparse(sp_ids, "sp_ids")
    if not sp_ids.dtype.is_integer:
        raise TypeError(f"embedding_lookup_sparse: sp_ids must hold integer ids; got "
                        f"{sp_ids.dtype.name}.")
    rows = sp_ids.indices[:, 0]
    ids = sp_ids.values
    if max_norm is not None:
        raise NotImplementedError("embedding_lookup_sparse: max_norm is not supported.")
    if sp_weights is None:
        fn = {"sum": sparse_segment_sum, "mean": sparse_segment_mean,
              "sqrtn": sparse_segment_sqrt_n}[combiner]
        return fn(params, ids, rows, name=name)
    sp_weights = _sparse(sp_weights, "sp_weights")
    weights = array_ops.cast(sp_weights.values, params.dtype) \
        if sp_weights.dtype != params.dtype else sp_weights.values
    embedded = math_ops.multiply(gather(params, ids), array_ops.expand_dims(weights, 1))
    total = segment_reduce("sum", True, embedded, rows, None, None)
    if combiner == "sum":
        return total
    norm = weights if combiner == "mean" else math_ops.square(weights)
    denom = segment_reduce("sum", True, norm, rows, None, None)
    if combiner == "sqrtn":
        denom = math_ops.sqrt(denom)
    return math_ops.divide_no_nan(total, array_ops.expand_dims(denom, 1), name=name)


def safe_embedding_lookup_sparse(embedding_weights, sparse_ids, sparse_weights=None,
                                 combiner="mean", default_id=None, name=None,
                                 partition_strategy="div", max_norm=None,
                                 allow_fast_lookup=False):
    """tf.nn.safe_embedding_lookup_sparse: embedding_lookup_sparse that drops invalid ids
    (< 0) and non-positive weights, gives rows without ids the embedding of `default_id`
    (zeros when None), and keeps every row of `sparse_ids` (any rank >= 2: the result is
    [d0, ..., d(n-2), dim])."""
    sp_ids = _sparse(sparse_ids, "sparse_ids")
    if isinstance(embedding_weights, (list, tuple)):
        if len(embedding_weights) != 1:
            raise NotImplementedError("safe_embedding_lookup_sparse: sharded weights are not "
                                      "supported.")
        embedding_weights = embedding_weights[0]
    params = convert_to_tensor(embedding_weights)
    rank = sp_ids.shape.rank
    if rank is None:
        raise ValueError("safe_embedding_lookup_sparse: sparse_ids must have a known rank.")
    outer = sp_ids.dense_shape[:-1]
    batch = math_ops.reduce_prod(outer)
    if rank != 2:  # rows are every dimension but the last, flattened
        sp_ids = reshape(sp_ids, stack([batch, sp_ids.dense_shape[-1]]))
        if sparse_weights is not None:
            sparse_weights = reshape(_sparse(sparse_weights, "sparse_weights"),
                                     stack([batch, sp_ids.dense_shape[-1]]))
    keep = math_ops.greater_equal(sp_ids.values, array_ops.zeros_like(sp_ids.values))
    if sparse_weights is not None:
        sparse_weights = _sparse(sparse_weights, "sparse_weights")
        keep = math_ops.logical_and(keep, math_ops.greater(
            sparse_weights.values, array_ops.zeros_like(sparse_weights.values)))
        sparse_weights = retain(sparse_weights, keep)
    sp_ids = retain(sp_ids, keep)
    sp_ids, empty = fill_empty_rows(sp_ids, 0 if default_id is None else default_id)
    if sparse_weights is not None:
        sparse_weights, _ = fill_empty_rows(sparse_weights, 1.0)
    result = embedding_lookup_sparse(params, sp_ids, sparse_weights, combiner=combiner)
    if default_id is None:  # rows that had no valid id are zeros
        mask_rows = array_ops.expand_dims(empty, 1)
        result = array_ops.where(mask_rows, array_ops.zeros_like(result), result)
    dim = array_ops.shape(params, out_type=_I64)[1:]
    return array_ops.reshape(result, _dense_concat([outer, dim], 0), name=name)


export_many("nn", {"embedding_lookup_sparse": embedding_lookup_sparse,
                   "safe_embedding_lookup_sparse": safe_embedding_lookup_sparse})
