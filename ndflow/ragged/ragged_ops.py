"""Primitives of ragged tensors: index computations on row splits, ragged <-> dense.

A ragged tensor's values are dense tensors and its row partition int64 `row_splits`; every
ragged operation is a dense op on the values (gathers, segment reductions...) steered by
indices these primitives compute from the splits. Only RaggedToTensor and its transpose
carry gradients (to the flat values); the index ops are integer-valued.
"""
from ..framework import dtypes
from ..framework.errors import InvalidArgumentError
from ..framework.registry import execute, op
from ..framework.tensor_shape import TensorShape

_NO = {}
_VEC = TensorShape([None])


def _ints(ts, a, n=2):
    return [(_VEC, dtypes.int64)] * n


def _check_splits(xp, splits, what="row_splits"):
    if splits.ndim != 1 or splits.shape[0] < 1:
        raise InvalidArgumentError(f"{what} must be a non-empty vector, got shape "
                                   f"{tuple(splits.shape)}.")


# --- row ids and positions ---------------------------------------------------------------

@op("RaggedRowIds", differentiable=False, infer=lambda ts, a: [(_VEC, dtypes.int64)])
def ROW_IDS(xp, splits):
    """The row of each value: value_rowids."""
    lengths = xp.diff(splits)
    return xp.repeat(xp.arange(lengths.shape[0], dtype=xp.int64), lengths)


@op("RaggedColumnIds", differentiable=False, multi_output=True,
    infer=lambda ts, a: [(_VEC, dtypes.int64), (TensorShape([]), dtypes.int64)])
def COLUMN_IDS(xp, splits):
    """Each value's position inside its row, and the longest row's length."""
    lengths = xp.diff(splits)
    rows = xp.repeat(xp.arange(lengths.shape[0], dtype=xp.int64), lengths)
    cols = xp.arange(int(splits[-1]), dtype=xp.int64) - splits[rows]
    width = int(lengths.max()) if lengths.shape[0] else 0
    return cols, xp.asarray(width, dtype=xp.int64)


@op("RaggedCheckSplits", differentiable=False, infer=lambda ts, a: [(ts[0].shape, dtypes.int64)])
def CHECK_SPLITS(xp, splits, nvalues, arg):
    """`splits` unchanged when they partition `nvalues` values; else an error naming `arg`."""
    _check_splits(xp, splits, arg)
    s = splits.tolist()
    if s[0] != 0:
        raise InvalidArgumentError(f"{arg} must start with 0, got {s[0]} (row_splits = {s}).")
    drops = [i for i in range(1, len(s)) if s[i] < s[i - 1]]
    if drops:
        i = drops[0]
        raise InvalidArgumentError(f"{arg} must be sorted in ascending order: {arg}[{i - 1}] = "
                                   f"{s[i - 1]} > {arg}[{i}] = {s[i]} (row_splits = {s}).")
    if s[-1] != int(nvalues):
        raise InvalidArgumentError(f"{arg}[-1] = {s[-1]} must equal the number of values "
                                   f"{int(nvalues)} (row_splits = {s}).")
    return splits


@op("RaggedSameSplits", differentiable=False, infer=lambda ts, a: [(ts[0].shape, dtypes.int64)])
def SAME_SPLITS(xp, a, b, what):
    """`a` when the two row partitions are equal (elementwise ops need identical splits)."""
    if a.shape != b.shape or not bool((a == b).all()):
        raise InvalidArgumentError(f"{what}: inputs must have identical ragged splits, but got "
                                   f"row_splits {a.tolist()} and {b.tolist()}.")
    return a


# --- selections: values indices of gathered rows and sliced rows --------------------------

@op("RaggedGatherIndices", differentiable=False, multi_output=True, infer=_ints)
def GATHER_INDICES(xp, splits, indices):
    """Row splits of the rows `indices` picked, and the value positions they hold."""
    nrows = splits.shape[0] - 1
    flat = indices.reshape(-1).astype(xp.int64)
    bad = (flat < -nrows) | (flat >= nrows)
    if bool(bad.any()):
        i = int(xp.argmax(bad))
        raise InvalidArgumentError(f"gather: indices[{i}] = {int(flat[i])} is not in "
                                   f"[0, {nrows}) (the ragged tensor has {nrows} rows).")
    flat = xp.where(flat < 0, flat + nrows, flat)
    starts, lengths = splits[flat], splits[flat + 1] - splits[flat]
    return _ranges(xp, starts, lengths)


def _ranges(xp, starts, lengths):
    """(splits, positions): concatenated ranges [start, start + length)."""
    new_splits = xp.zeros(lengths.shape[0] + 1, dtype=xp.int64)
    new_splits[1:] = xp.cumsum(lengths)
    owner = xp.repeat(xp.arange(lengths.shape[0], dtype=xp.int64), lengths)
    offset = xp.arange(int(new_splits[-1]), dtype=xp.int64) - new_splits[owner]
    return new_splits, (starts[owner] + offset).astype(xp.int64)


@op("RaggedRowSlice", differentiable=False, multi_output=True, infer=_ints)
def ROW_SLICE(xp, splits, start, stop, step):
    """`rt[:, start:stop:step]` on each row: new splits and the value positions kept."""
    starts, limits = splits[:-1], splits[1:]
    rows, idx = [], []
    for b, e in zip(starts.tolist(), limits.tolist()):
        picked = list(range(b, e))[start:stop:step]
        rows.append(len(picked))
        idx.extend(picked)
    new_splits = xp.zeros(len(rows) + 1, dtype=xp.int64)
    new_splits[1:] = xp.cumsum(xp.asarray(rows, dtype=xp.int64))
    return new_splits, xp.asarray(idx, dtype=xp.int64)


@op("RaggedConcatRows", differentiable=False, multi_output=True, infer=_ints)
def CONCAT_ROWS(xp, *splits_list):
    """Row-wise concatenation (axis 1) of ragged tensors with equal nrows: new splits and
    the order in which the inputs' concatenated values are taken."""
    nrows = {s.shape[0] for s in splits_list}
    if len(nrows) != 1:
        raise InvalidArgumentError(f"concat(axis=1): inputs must have the same number of rows, "
                                   f"got {sorted(n - 1 for n in nrows)}.")
    offsets, base = [], 0
    for s in splits_list:
        offsets.append(base)
        base += int(s[-1])
    lengths = sum(xp.diff(s) for s in splits_list)
    new_splits = xp.zeros(lengths.shape[0] + 1, dtype=xp.int64)
    new_splits[1:] = xp.cumsum(lengths)
    order = []
    for r in range(lengths.shape[0]):
        for s, off in zip(splits_list, offsets):
            order.extend(range(off + int(s[r]), off + int(s[r + 1])))
    return new_splits, xp.asarray(order, dtype=xp.int64)


@op("RaggedGroupColumns", differentiable=False, multi_output=True,
    infer=lambda ts, a: [(_VEC, dtypes.int64), (_VEC, dtypes.int64),
                         (TensorShape([]), dtypes.int64)])
def GROUP_COLUMNS(xp, group_of_row, num_groups, inner_splits):
    """Reducing a ragged dimension whose items are rows (`inner_splits` partitions the values
    into rows; row r belongs to group `group_of_row[r]`): each group becomes one row as long
    as its longest member row, and each value goes to segment (group start + its column)."""
    lengths = xp.diff(inner_splits)
    widths = xp.zeros(int(num_groups), dtype=xp.int64)
    if lengths.shape[0]:
        xp.maximum.at(widths, group_of_row, lengths)
    new_splits = xp.zeros(int(num_groups) + 1, dtype=xp.int64)
    new_splits[1:] = xp.cumsum(widths)
    row_of_value = xp.repeat(xp.arange(lengths.shape[0], dtype=xp.int64), lengths)
    cols = xp.arange(int(inner_splits[-1]), dtype=xp.int64) - inner_splits[row_of_value]
    ids = new_splits[group_of_row[row_of_value]] + cols
    return new_splits, ids.astype(xp.int64), xp.asarray(int(new_splits[-1]), dtype=xp.int64)


@op("RaggedRange", differentiable=False, multi_output=True,
    infer=lambda ts, a: [(_VEC, ts[0].dtype), (_VEC, dtypes.int64)])
def RANGE(xp, starts, limits, deltas):
    starts, limits, deltas = xp.broadcast_arrays(starts, limits, deltas)
    if bool((deltas == 0).any()):
        raise InvalidArgumentError(f"tf.ragged.range: deltas must be nonzero, got "
                                   f"{deltas.tolist()}.")
    rows = [xp.arange(s, l, d, dtype=starts.dtype) for s, l, d in
            zip(starts.reshape(-1).tolist(), limits.reshape(-1).tolist(),
                deltas.reshape(-1).tolist())]
    splits = xp.zeros(len(rows) + 1, dtype=xp.int64)
    splits[1:] = xp.cumsum(xp.asarray([r.shape[0] for r in rows], dtype=xp.int64))
    values = xp.concatenate(rows) if rows else xp.zeros(0, starts.dtype)
    return values.astype(starts.dtype), splits


@op("RaggedLengthsFromPadding", differentiable=False,
    infer=lambda ts, a: [(_VEC, dtypes.int64)])
def LENGTHS_FROM_PADDING(xp, tensor, padding):
    """Row lengths of `tensor` [nrows, ncols, ...] without its trailing `padding` items."""
    same = tensor == padding
    same = same.reshape(same.shape[:2] + (-1,)).all(axis=2) if same.ndim > 2 else same
    keep = ~same[:, ::-1].cumprod(axis=1).astype(bool)  # False on the trailing padding run
    return keep.sum(axis=1).astype(xp.int64)


@op("RaggedLengthsMask", differentiable=False,
    infer=lambda ts, a: [(TensorShape([ts[0].shape[0], None]), dtypes.bool)])
def LENGTHS_MASK(xp, lengths, ncols):
    lengths = lengths.astype(xp.int64)
    if bool((lengths < 0).any()) or bool((lengths > int(ncols)).any()):
        raise InvalidArgumentError(f"from_tensor: lengths must be in [0, {int(ncols)}] (the "
                                   f"tensor's second dimension), got {lengths.tolist()}.")
    return xp.arange(int(ncols))[None, :] < lengths[:, None]


# --- ragged <-> dense ----------------------------------------------------------------------

def _coords(xp, splits_list):
    """[n_flat, ragged_rank + 1] dense coordinates of every flat value, and the bounding
    ragged dims (nrows, longest row at each level)."""
    n0 = splits_list[0].shape[0] - 1
    coords = xp.arange(n0, dtype=xp.int64)[:, None]
    dims = [n0]
    for splits in splits_list:
        lengths = xp.diff(splits)
        ids = xp.repeat(xp.arange(lengths.shape[0], dtype=xp.int64), lengths)
        pos = xp.arange(int(splits[-1]), dtype=xp.int64) - splits[ids]
        coords = xp.concatenate([coords[ids], pos[:, None]], axis=1)
        dims.append(int(lengths.max()) if lengths.shape[0] else 0)
    return coords, dims


def _dense_layout(xp, values, splits_list, shape):
    coords, dims = _coords(xp, splits_list)
    full = tuple(dims) + tuple(values.shape[1:])
    if shape is not None:
        if len(shape) != len(full):
            raise InvalidArgumentError(f"to_tensor: shape {list(shape)} must have rank "
                                       f"{len(full)} (the ragged tensor's rank).")
        full = tuple(f if s is None or s < 0 else int(s) for s, f in zip(shape, full))
    r = len(dims)
    keep = (coords < xp.asarray(full[:r])[None, :]).all(axis=1)
    return coords, keep, full


def _to_tensor_infer(ts, attrs):
    shape = attrs["shape"]
    nsplits = len(ts) - 2
    inner = ts[0].shape.dims[1:] if ts[0].shape.rank is not None else None
    if shape is not None:
        return [(TensorShape([None if d is None or d < 0 else d for d in shape]), ts[0].dtype)]
    if inner is None:
        return [(TensorShape(None), ts[0].dtype)]
    n0 = ts[2].shape[0] - 1 if ts[2].shape.rank and ts[2].shape[0] is not None else None
    return [(TensorShape([n0] + [None] * nsplits + list(inner)), ts[0].dtype)]


def _inner_region(values, full, r):
    """Slices of the inner (uniform) dims shared by the values and the dense result."""
    return tuple(slice(0, min(v, f)) for v, f in zip(values.shape[1:], full[r:]))


@op("RaggedToTensor", grad_inputs=(0,), infer=_to_tensor_infer)
def TO_TENSOR(xp, values, default, *splits_list, shape):
    coords, keep, full = _dense_layout(xp, values, splits_list, shape)
    region = _inner_region(values, full, len(splits_list) + 1)
    out = xp.empty(full, dtype=values.dtype)
    out[...] = default
    out[tuple(coords[keep].T) + region] = values[keep][(slice(None),) + region]
    return out


@op("RaggedToTensorGrad", grad_inputs=(0,), infer=lambda ts, a: [(ts[1].shape, ts[0].dtype)])
def TO_TENSOR_GRAD(xp, g, values, *splits_list, shape):
    """The flat values' gradient of RaggedToTensor: g read back at every value's place."""
    coords, keep, full = _dense_layout(xp, values, splits_list, shape)
    region = _inner_region(values, full, len(splits_list) + 1)
    out = xp.zeros(values.shape, dtype=g.dtype)
    kept = xp.zeros((int(keep.sum()),) + tuple(values.shape[1:]), dtype=g.dtype)
    kept[(slice(None),) + region] = g[tuple(coords[keep].T) + region]
    out[keep] = kept
    return out


@TO_TENSOR.gradient
def _to_tensor_grad(op_, g):
    values, splits = op_.inputs[0], op_.inputs[2:]
    return [execute(TO_TENSOR_GRAD, (g, values) + tuple(splits), op_.attrs)]


@TO_TENSOR_GRAD.gradient
def _to_tensor_grad_grad(op_, gg):
    from ..ops.array_ops import cast, convert_to_tensor
    zero = cast(convert_to_tensor(0), gg.dtype)
    return [execute(TO_TENSOR, (gg, zero) + tuple(op_.inputs[2:]), op_.attrs), None]


# --- ragged <-> sparse ---------------------------------------------------------------------

def _to_sparse_infer(ts, attrs):
    rank = None if ts[0].shape.rank is None else ts[0].shape.rank + len(ts) - 1
    return [(TensorShape([None, rank]), dtypes.int64), (TensorShape([rank]), dtypes.int64)]


@op("RaggedToSparseIndices", differentiable=False, multi_output=True, infer=_to_sparse_infer)
def TO_SPARSE_INDICES(xp, values, *splits_list):
    """The coordinates of every element of the flat values (their uniform inner dims too),
    row-major, and the bounding shape."""
    coords, dims = _coords(xp, splits_list)
    inner = tuple(values.shape[1:])
    if inner:
        grid = xp.indices(inner).reshape(len(inner), -1).T.astype(xp.int64)
        coords = xp.concatenate([xp.repeat(coords, grid.shape[0], axis=0),
                                 xp.tile(grid, (coords.shape[0], 1))], axis=1)
    return coords, xp.asarray(list(dims) + list(inner), dtype=xp.int64)


@op("RaggedCheckRightRagged", differentiable=False,
    infer=lambda ts, a: [(ts[0].shape, dtypes.int64)])
def CHECK_RIGHT_RAGGED(xp, indices):
    """`indices` unchanged when every row's last coordinates run 0, 1, 2... (the values
    are packed to the left, as a RaggedTensor holds them)."""
    if indices.shape[0]:
        prefix, last = indices[:, :-1], indices[:, -1]
        new_row = (prefix[1:] != prefix[:-1]).any(axis=1)
        ok = xp.where(new_row, last[1:] == 0, last[1:] == last[:-1] + 1)
        if int(last[0]) != 0 or not bool(ok.all()):
            raise InvalidArgumentError(  # the words of TensorFlow's eager Assert
                f"Expected 'tf.Tensor(False, shape=(), dtype=bool)' to be true. Summarized "
                f"data: b'SparseTensor is not right-ragged'\nb'SparseTensor.indices ='\n"
                f"{xp.asarray(indices)}")
    return indices
