"""tf.ragged functions: constant, range, stack, boolean_mask, map_flat_values, placeholder."""
import builtins

import numpy as np

from ..framework import dtypes
from ..framework.coercion import cast_array, default_array
from ..framework.constant_op import convert_to_tensor, placeholder as _placeholder
from ..framework.errors import InvalidArgumentError
from ..framework.registry import execute
from ..framework.tensor import TensorLike
from ..ops import array_ops, indexing_ops, join_ops
from . import ragged_ops as R
from .ragged_tensor import RaggedTensor, RaggedTensorValue

_NO = {}


def _is_seq(x):
    return isinstance(x, (list, tuple)) or (isinstance(x, np.ndarray) and x.ndim > 0)


def _depths(x, depth=0, out=None):
    """The set of nesting depths at which scalars appear in `x`."""
    out = set() if out is None else out
    if _is_seq(x):
        if len(x) == 0:
            out.add(("empty", depth))
        for v in x:
            _depths(v, depth + 1, out)
    else:
        out.add(depth)
    return out


def _parts(pylist, dtype, ragged_rank, inner_shape):
    """(flat values as a NumPy array, [row splits arrays], ragged_rank) of a nested list;
    ragged_rank 0 gives (dense array, [], 0)."""
    found = _depths(pylist)
    scalar_depths = {d for d in found if isinstance(d, int)}
    if len(scalar_depths) > 1:
        raise ValueError(f"tf.ragged.constant: all scalar values must have the same nesting "
                         f"depth, got depths {sorted(scalar_depths)} in {pylist!r}.")
    empty_depths = [d for _, d in (x for x in found if isinstance(x, tuple))]
    inner_rank = len(inner_shape) if inner_shape is not None else 0
    depth = scalar_depths.pop() if scalar_depths else \
        max(empty_depths, default=0) + max(inner_rank, 1)
    if ragged_rank is None:
        ragged_rank = max(0, depth - 1 - inner_rank)
    ragged_rank = int(ragged_rank)
    if depth and ragged_rank >= depth:
        raise ValueError(f"tf.ragged.constant: ragged_rank={ragged_rank} must be less than the "
                         f"nesting depth {depth} of pylist.")
    dt = None if dtype is None else dtypes.as_dtype(dtype)

    def array(v):
        return cast_array(v, dt._np) if dt is not None else default_array(v)
    if ragged_rank == 0:
        arr = array(pylist)
        return (arr.reshape(inner_shape) if inner_shape is not None else arr), [], 0
    rows = list(pylist)
    nested = []
    for _ in builtins.range(ragged_rank):
        lengths = [len(r) for r in rows]
        nested.append(np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64))
        rows = [v for r in rows for v in r]
    if rows:
        try:
            flat = array(rows)
        except ValueError as e:
            raise ValueError(f"tf.ragged.constant: inner values have different shapes "
                             f"(ragged_rank={ragged_rank}): {e}") from None
    else:
        shape = [0] + list(inner_shape or [0] * max(depth - 1 - ragged_rank, 0))
        flat = np.zeros(shape, (dt or dtypes.float32)._np)
    if inner_shape is not None:
        flat = flat.reshape([-1] + list(inner_shape))
    return flat, nested, ragged_rank


def constant(pylist, dtype=None, ragged_rank=None, inner_shape=None, name=None,
             row_splits_dtype=dtypes.int64):
    """tf.ragged.constant: a RaggedTensor from a nested Python list.

    Args:
      pylist: nested lists (or tuples/arrays) of scalars, all at one nesting depth.
      dtype: the values' dtype (inferred as tf.constant does by default).
      ragged_rank: how many dimensions are ragged (default: all but those in inner_shape).
      inner_shape: the shape of each innermost uniform value (default: from pylist).

    Raises:
      ValueError: scalars at different depths, or inner values of different shapes.
    """
    flat, nested, _ = _parts(pylist, dtype, ragged_rank, inner_shape)
    result = convert_to_tensor(flat)
    for splits in reversed(nested):
        result = RaggedTensor(result, convert_to_tensor(splits), internal=True)
    return result


def constant_value(pylist, dtype=None, ragged_rank=None, inner_shape=None,
                   row_splits_dtype="int64"):
    """tf.compat.v1.ragged.constant_value: a RaggedTensorValue (NumPy) from a nested list."""
    flat, nested, _ = _parts(pylist, dtype, ragged_rank, inner_shape)
    result = flat
    for splits in reversed(nested):
        result = RaggedTensorValue(result, splits)
    return result


def convert_to_ragged(value, name=None):
    """A RaggedTensor (unchanged), a RaggedTensorValue or dense value as a RaggedTensor."""
    if isinstance(value, RaggedTensor):
        return value
    if isinstance(value, RaggedTensorValue):
        return RaggedTensor.from_nested_row_splits(value.flat_values, value.nested_row_splits)
    t = convert_to_tensor(value)
    if t.shape.rank is not None and t.shape.rank < 2:
        raise ValueError(f"Expected a ragged tensor or a dense tensor of rank >= 2, got shape "
                         f"{t.shape}.")
    return RaggedTensor.from_tensor(t)


def range(starts, limits=None, deltas=1, dtype=None, name=None,  # noqa: A001 - TF's name
          row_splits_dtype=dtypes.int64):
    """tf.ragged.range: row i is tf.range(starts[i], limits[i], deltas[i])."""
    if limits is None:
        starts, limits = 0, starts
    args = [starts, limits, deltas]
    if dtype is None:
        tensors = [a for a in args if isinstance(a, TensorLike)]
        floats = any(isinstance(a, float) or np.asarray(a).dtype.kind == "f" for a in args
                     if not isinstance(a, TensorLike))
        dtype = tensors[0].dtype if tensors else (dtypes.float32 if floats else dtypes.int32)
    xs = [array_ops.cast(convert_to_tensor(a), dtype) for a in args]
    values, splits = execute(R.RANGE, tuple(xs), _NO, name)
    return RaggedTensor(values, splits, internal=True)


def map_flat_values(op, *args, **kwargs):
    """tf.ragged.map_flat_values: `op` applied to the flat values of the ragged arguments
    (which must share their row partitions), the result keeping that partition."""
    ragged = []

    def swap(x):
        if isinstance(x, RaggedTensor):
            ragged.append(x)
            return x.flat_values
        if isinstance(x, (list, tuple)):
            return type(x)(swap(v) for v in x)
        if isinstance(x, dict):
            return {k: swap(v) for k, v in x.items()}
        return x
    new_args = swap(list(args))
    new_kwargs = swap(kwargs)
    if not ragged:
        return op(*new_args, **new_kwargs)
    base = ragged[0]
    for other in ragged[1:]:
        _same_partition(base, other, "map_flat_values")
    return base.with_flat_values(op(*new_args, **new_kwargs))


def _same_partition(a, b, what):
    if a.ragged_rank != b.ragged_rank:
        raise InvalidArgumentError(f"{what}: ragged tensors have different ragged ranks "
                                   f"({a.ragged_rank} and {b.ragged_rank}).")
    return [s if s is t else execute(R.SAME_SPLITS, (s, t), {"what": what})
            for s, t in zip(a.nested_row_splits, b.nested_row_splits)]


def boolean_mask(data, mask, name=None):
    """tf.ragged.boolean_mask: the items of `data` where `mask` is True.

    `mask` is a bool tensor (dense or ragged) whose shape is a prefix of data's: a 1-D mask
    picks rows; a mask with data's row partition picks values inside each row (the result
    is ragged in that dimension).
    """
    if isinstance(mask, RaggedTensor) or (isinstance(data, RaggedTensor) and
                                          _rank(mask) is not None and _rank(mask) > 1):
        mask = convert_to_ragged(mask)
        if mask.dtype != dtypes.bool:
            raise TypeError(f"boolean_mask: mask must be a bool tensor, got {mask.dtype.name}.")
        data = convert_to_ragged(data)
        if mask.ragged_rank != data.ragged_rank:
            raise ValueError(f"boolean_mask: mask (ragged_rank {mask.ragged_rank}) and data "
                             f"(ragged_rank {data.ragged_rank}) must have the same row "
                             "partitions.")
        _same_partition(data, mask, "boolean_mask")
        if data.ragged_rank > 1:
            return data.with_values(boolean_mask(data.values, mask.values))
        values = indexing_ops.boolean_mask(data.values, mask.values)
        lengths = _row_sums(array_ops.cast(mask.values, dtypes.int64), mask)
        return RaggedTensor.from_row_lengths(values, lengths, validate=False)
    m = convert_to_tensor(mask)
    if m.dtype != dtypes.bool:
        raise TypeError(f"boolean_mask: mask must be a bool tensor, got {m.dtype.name}.")
    if isinstance(data, RaggedTensor):
        if m.shape.rank != 1:
            raise ValueError(f"boolean_mask: a dense mask of a ragged tensor must be 1-D (one "
                             f"value per row), got shape {m.shape}.")
        idx = array_ops.reshape(array_ops.where(m), [-1])
        from .ragged_dispatch import gather
        return gather(data, idx)
    if m.shape.rank == 1:
        return indexing_ops.boolean_mask(data, m)
    return boolean_mask(RaggedTensor.from_tensor(convert_to_tensor(data)),
                        RaggedTensor.from_tensor(m))


def _rank(x):
    if isinstance(x, RaggedTensor):
        return x.shape.rank
    return np.ndim(x) if not isinstance(x, TensorLike) else x.shape.rank


def _row_sums(values, rt):
    from ..ops.segment_ops import unsorted_segment_sum
    return unsorted_segment_sum(values, rt.value_rowids(), rt.nrows())


def stack(values, axis=0, name=None):
    """tf.ragged.stack: ragged or dense tensors stacked along a new `axis` (0 or 1 here)."""
    rts = [convert_to_ragged(v) if not isinstance(v, RaggedTensor) and
           _rank(v) is not None and _rank(v) >= 2 else v for v in values]
    if axis == 0:
        parts = [v if isinstance(v, RaggedTensor) else convert_to_tensor(v) for v in rts]
        if all(not isinstance(p, RaggedTensor) and p.shape.rank == 1 for p in parts):
            lengths = [array_ops.shape(p, out_type=dtypes.int64)[0] for p in parts]
            return RaggedTensor.from_row_lengths(join_ops.concat(parts, 0),
                                                 join_ops.stack(lengths), validate=False)
        from .ragged_dispatch import concat
        rows = concat(parts, 0)
        counts = join_ops.stack([p.nrows() if isinstance(p, RaggedTensor) else
                                 array_ops.shape(p, out_type=dtypes.int64)[0] for p in parts])
        return RaggedTensor.from_row_lengths(rows, counts, validate=False)
    if axis == 1:
        from .ragged_dispatch import concat
        expanded = [RaggedTensor.from_row_lengths(v if isinstance(v, RaggedTensor) else
                                                  convert_to_tensor(v),
                                                  array_ops.ones_like(_nrows_vec(v)),
                                                  validate=False) for v in rts]
        return concat(expanded, 1)
    raise NotImplementedError(f"tf.ragged.stack: axis={axis} is not supported (0 and 1 are).")


def _nrows_vec(v):
    n = v.nrows() if isinstance(v, RaggedTensor) else \
        array_ops.shape(convert_to_tensor(v), out_type=dtypes.int64)[0]
    return array_ops.zeros(array_ops.reshape(n, [1]), dtypes.int64)


def stack_rows(rows, spec):
    """The RaggedTensor whose rows are `rows` (dense tensors or RaggedTensors), for
    tf.data's batching of ragged elements."""
    return stack(list(rows), axis=0)


def placeholder(dtype, ragged_rank, value_shape=None, name=None):
    """tf.compat.v1.ragged.placeholder: a RaggedTensor of placeholders (flat values of shape
    [None] + value_shape, and ragged_rank row splits) that Session.run feeds."""
    value_shape = [] if value_shape is None else list(value_shape)
    flat = _placeholder(dtype, [None] + value_shape, name=(name or "RaggedPlaceholder") +
                        "/flat_values")
    splits = [_placeholder(dtypes.int64, [None], name=(name or "RaggedPlaceholder") +
                           f"/row_splits_{i}") for i in builtins.range(int(ragged_rank))]
    result = flat
    for s in reversed(splits):
        result = RaggedTensor(result, s, internal=True)
    return result

