"""Indexing and slicing a RaggedTensor: `rt[1]`, `rt[1:3]`, `rt[:, 0]`, `rt[:, :2]`, `rt[1, 2]`.

The first key picks rows (a gather of row indices); a slice on a ragged dimension slices
every row; an int on a ragged dimension is refused, as in TensorFlow (rows may be too
short). Keys after those apply to the values.
"""
from ..framework.registry import execute
from ..framework.tensor import EagerTensor, TensorLike
from ..ops import array_ops, creation_ops, indexing_ops
from . import ragged_ops as R
from .ragged_tensor import RaggedTensor

_NO = {}


def _getitem(x, key):
    if isinstance(x, RaggedTensor):
        return ragged_getitem(x, key)
    return indexing_ops.getitem(x, key)


def _int_key(k):
    if isinstance(k, EagerTensor):
        return int(k.numpy())
    if isinstance(k, TensorLike):
        return k
    return int(k)


def ragged_getitem(rt, key):
    from .ragged_dispatch import gather
    if not isinstance(key, tuple):
        key = (key,)
    if not key:
        return rt
    if key[0] is Ellipsis:
        if len(key) == 1:
            return rt
        raise NotImplementedError("RaggedTensor indexing with Ellipsis before other keys.")
    first, rest = key[0], key[1:]
    if isinstance(first, slice):
        if first == slice(None):
            rows = rt
        else:
            idx = creation_ops.range(rt.nrows())[first]
            rows = gather(rt, idx)
        if not rest:
            return rows
        return _inner(rows, rest[0], rest[1:])
    if isinstance(first, (list, tuple)) or first is None:
        raise TypeError(f"RaggedTensor indices must be ints or slices, got {first!r}.")
    i = _int_key(first)
    if not isinstance(i, TensorLike):
        n = rt.shape[0]
        if n is not None and not -n <= i < n:
            raise IndexError(f"RaggedTensor index {i} is out of range for {n} rows "
                             f"(shape {rt.shape}).")
    row = gather(rt, array_ops.reshape(i, [1]) if isinstance(i, TensorLike) else [i]).values
    return _getitem(row, rest) if rest else row


def _inner(rows, k, rest):
    """`rows[:, k, *rest]`: key k on the ragged dimension of every row."""
    values = rows.values
    if isinstance(k, slice):
        if k == slice(None):
            if not rest:
                return rows
            return rows.with_values(_getitem(values, (slice(None),) + tuple(rest)))
        attrs = {"start": _opt(k.start), "stop": _opt(k.stop), "step": _opt(k.step)}
        splits, positions = execute(R.ROW_SLICE, (rows.row_splits,), attrs)
        picked = _gather_values(values, positions)
        out = RaggedTensor(picked, splits, internal=True)
        return out.with_values(_getitem(picked, (slice(None),) + tuple(rest))) if rest else out
    raise ValueError(f"An int key ({k!r}) on a ragged dimension of a RaggedTensor of shape "
                     f"{rows.shape} is not supported: rows may be too short. Use a slice, or "
                     "rt.to_tensor() first.")


def _opt(v):
    return None if v is None else int(v)


def _gather_values(values, positions):
    from .ragged_dispatch import gather
    if isinstance(values, RaggedTensor):
        return gather(values, positions)
    return indexing_ops.gather(values, positions)
