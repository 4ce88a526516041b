"""More array ops: tile, pad, slice, gather, gather_nd, split, reverse, sort, ranges,
eye, meshgrid, boolean_mask, tensordot and einsum."""
import builtins

import numpy as np

from ..framework import dtypes
from ..framework.errors import InvalidArgumentError
from ..framework.graph import graph_for_building
from ..framework.registry import ALL, CONST, constant_in_graph, execute, op
from ..framework.shape_fns import broadcast_shape, unary
from ..framework.tensor import EagerTensor, SymbolicTensor, TensorLike
from ..framework.tensor_shape import TensorShape
from . import array_ops as A
from . import math_ops as M

_NO = {}
# `slice` and `range` are public op names in this module; these are Python's own
_slice, _range = builtins.slice, builtins.range


def _static_ints(value, what, op_name):
    """A list of Python ints from ints, lists, NumPy arrays or eager tensors."""
    if isinstance(value, EagerTensor):
        value = value._value
    if isinstance(value, SymbolicTensor):
        if value.op.op_def is CONST:
            value = value.op.attrs["value"]
        else:
            raise NotImplementedError(f"{op_name}: {what} given as a symbolic tensor is not "
                                      "supported; pass Python ints.")
    arr = np.asarray(value)
    if arr.dtype.kind not in "iu" and arr.size:
        raise TypeError(f"{op_name}: {what} must be integers, got {value!r}.")
    return [int(v) for v in arr.reshape(-1)] if arr.ndim else [int(arr)]


def _axis_in_range(op_name, axis, rank):
    if rank is not None and not -rank <= axis < max(rank, 1):
        raise InvalidArgumentError(f"{op_name}: axis {axis} is out of range for a tensor of "
                                   f"rank {rank}.")
    return axis % rank if rank else axis


# --- take_along_axis (the gather behind sort and top_k gradients) ----------------------------------

@op("TakeAlongAxis", grad_inputs=(0,),
    infer=lambda ts, a: [(ts[1].shape, ts[0].dtype)])
def TAKE_ALONG_AXIS(xp, x, indices, axis):
    return xp.take_along_axis(x, indices, axis=axis)


@op("TakeAlongAxisGrad", grad_inputs=(0,),
    infer=lambda ts, a: [(ts[1].shape, ts[0].dtype)])
def TAKE_ALONG_AXIS_GRAD(xp, g, x, indices, axis):
    out = xp.zeros(x.shape, dtype=g.dtype)
    index = list(xp.ogrid[tuple(_slice(n) for n in indices.shape)])
    index[axis] = indices
    xp.add.at(out, tuple(index), g)  # accumulates where an index repeats
    return out


@TAKE_ALONG_AXIS.gradient
def _take_along_axis_grad(op, g):
    return [take_along_axis_grad(g, op.inputs[0], op.inputs[1], op.attrs["axis"]), None]


@TAKE_ALONG_AXIS_GRAD.gradient
def _take_along_axis_grad_grad(op, gg):
    return [take_along_axis(gg, op.inputs[2], op.attrs["axis"]), None, None]


def take_along_axis(x, indices, axis):
    return execute(TAKE_ALONG_AXIS, (x, indices), {"axis": int(axis)})


def take_along_axis_grad(g, x, indices, axis):
    return execute(TAKE_ALONG_AXIS_GRAD, (g, x, indices), {"axis": int(axis)})


# --- tile --------------------------------------------------------------------------------------

def _tile_infer(ts, attrs):
    x, multiples = ts[0], attrs["multiples"]
    if x.shape.rank is None:
        return [(TensorShape([None] * len(multiples)), x.dtype)]
    if len(multiples) != x.shape.rank:
        raise InvalidArgumentError(f"Tile: expected multiples of length {x.shape.rank} for an "
                                   f"input of shape {x.shape}, got {list(multiples)}.")
    dims = [None if d is None else d * m for d, m in zip(x.shape.dims, multiples)]
    return [(TensorShape(dims), x.dtype)]


@op("Tile", infer=_tile_infer)
def TILE(xp, x, multiples):
    if len(multiples) != x.ndim:
        raise InvalidArgumentError(f"Tile: expected multiples of length {x.ndim} for an input "
                                   f"of shape {x.shape}, got {list(multiples)}.")
    return xp.tile(x, multiples)


@op("TileGrad", grad_inputs=(0,), infer=lambda ts, a: [(ts[1].shape, ts[0].dtype)])
def TILE_GRAD(xp, g, x, multiples):
    # view g as (m0, d0, m1, d1, ...) and sum over the copies
    split = []
    for m, d in zip(multiples, x.shape):
        split += [m, d]
    return g.reshape(split).sum(axis=tuple(_range(0, 2 * x.ndim, 2)))


@TILE.gradient
def _tile_grad(op, g):
    return [execute(TILE_GRAD, (g, op.inputs[0]), op.attrs)]


@TILE_GRAD.gradient
def _tile_grad_grad(op, gg):
    return [execute(TILE, (gg,), op.attrs), None]


def tile(input, multiples, name=None):  # noqa: A002
    multiples = _static_ints(multiples, "multiples", "tile")
    if any(m < 0 for m in multiples):
        raise InvalidArgumentError(f"tile: multiples must be non-negative, got {multiples}.")
    return execute(TILE, (input,), {"multiples": tuple(multiples)}, name)


# --- pad ---------------------------------------------------------------------------------------

_PAD_MODES = {"CONSTANT": "constant", "REFLECT": "reflect", "SYMMETRIC": "symmetric"}


def _check_paddings(op_name, shape, paddings, mode):
    if shape.rank is None:
        return
    if len(paddings) != shape.rank:
        raise InvalidArgumentError(f"{op_name}: paddings must have one [before, after] pair per "
                                   f"dimension of the input of shape {shape}, got "
                                   f"{[list(p) for p in paddings]}.")
    for i, ((before, after), d) in enumerate(zip(paddings, shape.dims)):
        limit = None if d is None else (d - 1 if mode == "REFLECT" else d)
        if mode != "CONSTANT" and limit is not None and max(before, after) > limit:
            raise InvalidArgumentError(
                f"{op_name}: paddings {[before, after]} of dimension {i} must be at most {limit} "
                f"in {mode} mode for an input of shape {shape}.")


def _pad_infer(ts, attrs):
    x, paddings = ts[0], attrs["paddings"]
    _check_paddings("Pad", x.shape, paddings, attrs["mode"])
    if x.shape.rank is None:
        return [(TensorShape([None] * len(paddings)), x.dtype)]
    dims = [None if d is None else d + b + a for d, (b, a) in zip(x.shape.dims, paddings)]
    return [(TensorShape(dims), x.dtype)]


@op("Pad", infer=_pad_infer)
def PAD(xp, x, paddings, mode, constant_values):
    _check_paddings("Pad", TensorShape(x.shape), paddings, mode)
    if mode == "CONSTANT":
        return xp.pad(x, paddings, mode="constant", constant_values=constant_values)
    return xp.pad(x, paddings, mode=_PAD_MODES[mode])


def _mirror_source(n, before, after, mode):
    """For each position of a mirror-padded axis, the input position it copies."""
    shift = 0 if mode == "REFLECT" else 1
    left = [before - i - shift for i in _range(before)]
    right = [n - 2 + shift - j for j in _range(after)]
    return np.array(left + list(_range(n)) + right, dtype=np.intp)


@op("MirrorPadGrad", grad_inputs=(0,), infer=lambda ts, a: [(ts[1].shape, ts[0].dtype)])
def MIRROR_PAD_GRAD(xp, g, x, paddings, mode, constant_values):
    for axis, (before, after) in enumerate(paddings):
        n = x.shape[axis]
        source = _mirror_source(n, before, after, mode)
        shape = list(g.shape)
        shape[axis] = n
        folded = xp.zeros(shape, dtype=g.dtype)
        xp.add.at(folded, (_slice(None),) * axis + (source,), g)
        g = folded
    return g


@PAD.gradient
def _pad_grad(op, g):
    paddings = op.attrs["paddings"]
    if op.attrs["mode"] == "CONSTANT":
        key = tuple(_slice(b, -a if a else None) for b, a in paddings)
        return [execute(A.GETITEM, (g,), {"key": key})]
    return [execute(MIRROR_PAD_GRAD, (g, op.inputs[0]), op.attrs)]


@MIRROR_PAD_GRAD.gradient
def _mirror_pad_grad_grad(op, gg):
    return [execute(PAD, (gg,), op.attrs), None]


def pad(tensor, paddings, mode="CONSTANT", constant_values=0, name=None):
    mode = str(mode).upper()
    if mode not in _PAD_MODES:
        raise ValueError(f"pad: mode must be one of CONSTANT, REFLECT, SYMMETRIC, got {mode!r}.")
    flat = _static_ints(paddings, "paddings", "pad")
    if len(flat) % 2:
        raise InvalidArgumentError(f"pad: paddings must have shape [rank, 2], got {paddings!r}.")
    pairs = tuple((flat[i], flat[i + 1]) for i in _range(0, len(flat), 2))
    if any(v < 0 for v in flat):
        raise InvalidArgumentError(f"pad: paddings must be non-negative, got {paddings!r}.")
    if isinstance(constant_values, EagerTensor):
        constant_values = constant_values._value.item()
    return execute(PAD, (tensor,), {"paddings": pairs, "mode": mode,
                                    "constant_values": constant_values}, name)


# --- slice -------------------------------------------------------------------------------------

def _slice_key(begin, size):
    return tuple(_slice(b, None if s == -1 else b + s) for b, s in zip(begin, size))


def _slice_infer(ts, attrs):
    x, begin, size = ts[0], attrs["begin"], attrs["size"]
    if x.shape.rank is None:
        return [(TensorShape([None if s == -1 else s for s in size]), x.dtype)]
    if len(begin) != x.shape.rank or len(size) != x.shape.rank:
        raise InvalidArgumentError(f"Slice: begin {list(begin)} and size {list(size)} must have "
                                   f"one entry per dimension of the input of shape {x.shape}.")
    dims = []
    for i, (b, s, d) in enumerate(zip(begin, size, x.shape.dims)):
        if b < 0 or s < -1 or (d is not None and b + max(s, 0) > d):
            raise InvalidArgumentError(
                f"Slice: expected begin[{i}] = {b} and size[{i}] = {s} to fit in dimension "
                f"{i} of the input of shape {x.shape}.")
        dims.append(s if s != -1 else (None if d is None else d - b))
    return [(TensorShape(dims), x.dtype)]


@op("Slice", infer=_slice_infer)
def SLICE(xp, x, begin, size):
    _slice_infer([_ShapeOnly(x)], {"begin": begin, "size": size})  # same checks at run time
    return x[_slice_key(begin, size)]


class _ShapeOnly:
    """What an infer function reads of an array: its static shape and dtype."""
    def __init__(self, array):
        self.shape = TensorShape(array.shape)
        self.dtype = None


@SLICE.gradient
def _slice_grad(op, g):
    key = _slice_key(op.attrs["begin"], op.attrs["size"])
    return [execute(A.GETITEM_GRAD, (g, op.inputs[0]), {"key": key})]


def slice(input_, begin, size, name=None):  # noqa: A001 - TensorFlow's public name
    begin = _static_ints(begin, "begin", "slice")
    size = _static_ints(size, "size", "slice")
    return execute(SLICE, (input_,), {"begin": tuple(begin), "size": tuple(size)}, name)


# --- gather ------------------------------------------------------------------------------------

def _check_indices(op_name, indices, limit, axis):
    if indices.size and (indices.min() < 0 or indices.max() >= limit):
        bad = indices[(indices < 0) | (indices >= limit)].reshape(-1)[0]
        raise InvalidArgumentError(f"{op_name}: indices contain {int(bad)}, which is not in "
                                   f"[0, {limit}) (the size of axis {axis} of params).")


def _gather_infer(ts, attrs):
    params, indices = ts[0].shape, ts[1].shape
    axis, batch_dims = attrs["axis"], attrs["batch_dims"]
    dtype = ts[0].dtype
    if params.rank is None or indices.rank is None:
        return [(TensorShape(None), dtype)]
    if not batch_dims <= axis < params.rank:
        raise InvalidArgumentError(f"GatherV2: axis {axis} must be in [{batch_dims}, "
                                   f"{params.rank}) for params of shape {params} and "
                                   f"batch_dims {batch_dims}.")
    dims = list(params.dims[:axis]) + list(indices.dims[batch_dims:]) + \
        list(params.dims[axis + 1:])
    return [(TensorShape(dims), dtype)]


def _per_batch(params, indices, batch_dims):
    """params and indices with their batch dimensions merged into one leading axis."""
    return (params.reshape((-1,) + params.shape[batch_dims:]),
            indices.reshape((-1,) + indices.shape[batch_dims:]))


@op("GatherV2", grad_inputs=(0,), infer=_gather_infer)
def GATHER(xp, params, indices, axis, batch_dims):
    _check_indices("GatherV2", indices, params.shape[axis], axis)
    if batch_dims == 0:
        return xp.take(params, indices, axis=axis)
    out_shape = params.shape[:axis] + indices.shape[batch_dims:] + params.shape[axis + 1:]
    p, i = _per_batch(params, indices, batch_dims)
    out = xp.empty((p.shape[0],) + out_shape[batch_dims:], dtype=params.dtype)
    for b in _range(p.shape[0]):
        out[b] = xp.take(p[b], i[b], axis=axis - batch_dims)
    return out.reshape(out_shape)


@op("GatherGrad", grad_inputs=(0,), infer=lambda ts, a: [(ts[1].shape, ts[0].dtype)])
def GATHER_GRAD(xp, g, params, indices, axis, batch_dims):
    out = xp.zeros(params.shape, dtype=g.dtype)
    if batch_dims == 0:
        xp.add.at(out, (_slice(None),) * axis + (indices,), g)
        return out
    flat_out, flat_indices = _per_batch(out, indices, batch_dims)
    flat_g = g.reshape((flat_out.shape[0],) + g.shape[batch_dims:])
    key = (_slice(None),) * (axis - batch_dims)
    for b in _range(flat_out.shape[0]):
        xp.add.at(flat_out[b], key + (flat_indices[b],), flat_g[b])
    return out


@GATHER.gradient
def _gather_grad(op, g):
    return [execute(GATHER_GRAD, (g,) + tuple(op.inputs), op.attrs), None]


@GATHER_GRAD.gradient
def _gather_grad_grad(op, gg):
    return [execute(GATHER, (gg, op.inputs[2]), op.attrs), None, None]


def gather(params, indices, validate_indices=None, axis=None, batch_dims=0, name=None):
    params = A.convert_to_tensor(params)
    indices = indices if isinstance(indices, TensorLike) else A.convert_to_tensor(indices)
    if not indices.dtype.is_integer:
        raise TypeError(f"gather: indices must be int32 or int64, got {indices.dtype.name}.")
    rank, index_rank = params.shape.rank, indices.shape.rank
    batch_dims = int(batch_dims)
    if batch_dims < 0 and index_rank is not None:
        batch_dims += index_rank
    axis = batch_dims if axis is None else int(_static_ints(axis, "axis", "gather")[0])
    if axis < 0 and rank is not None:
        axis += rank
    return execute(GATHER, (params, indices), {"axis": axis, "batch_dims": batch_dims}, name)


def _gather_nd_infer(ts, attrs):
    params, indices = ts[0].shape, ts[1].shape
    if params.rank is None or indices.rank is None or indices.dims[-1] is None:
        return [(TensorShape(None), ts[0].dtype)]
    depth = indices.dims[-1]
    if depth > params.rank:
        raise InvalidArgumentError(f"GatherNd: index depth {depth} (last dimension of indices "
                                   f"of shape {indices}) exceeds the rank of params {params}.")
    return [(TensorShape(list(indices.dims[:-1]) + list(params.dims[depth:])), ts[0].dtype)]


def _nd_key(params, indices):
    for axis in _range(indices.shape[-1]):
        _check_indices("GatherNd", indices[..., axis], params.shape[axis], axis)
    return tuple(np.moveaxis(indices, -1, 0))


@op("GatherNd", grad_inputs=(0,), infer=_gather_nd_infer)
def GATHER_ND(xp, params, indices):
    return params[_nd_key(params, indices)]


@op("GatherNdGrad", grad_inputs=(0,), infer=lambda ts, a: [(ts[1].shape, ts[0].dtype)])
def GATHER_ND_GRAD(xp, g, params, indices):
    out = xp.zeros(params.shape, dtype=g.dtype)
    xp.add.at(out, _nd_key(params, indices), g)
    return out


@GATHER_ND.gradient
def _gather_nd_grad(op, g):
    return [execute(GATHER_ND_GRAD, (g,) + tuple(op.inputs), _NO), None]


@GATHER_ND_GRAD.gradient
def _gather_nd_grad_grad(op, gg):
    return [execute(GATHER_ND, (gg, op.inputs[2]), _NO), None, None]


def gather_nd(params, indices, batch_dims=0, name=None):
    if batch_dims != 0:
        raise NotImplementedError("gather_nd: only batch_dims=0 is supported.")
    indices = indices if isinstance(indices, TensorLike) else A.convert_to_tensor(indices)
    if not indices.dtype.is_integer:
        raise TypeError(f"gather_nd: indices must be int32 or int64, got {indices.dtype.name}.")
    return execute(GATHER_ND, (params, indices), _NO, name)


# --- split -------------------------------------------------------------------------------------

def _split_sizes(op_name, dim, num, sizes):
    """The size of each piece along the split axis (None where unknown)."""
    if sizes is None:
        if dim is not None and dim % num:
            raise InvalidArgumentError(f"{op_name}: the dimension to split ({dim}) must be "
                                       f"evenly divisible by the number of splits ({num}).")
        return [None if dim is None else dim // num] * num
    if sizes.count(-1) > 1:
        raise InvalidArgumentError(f"{op_name}: only one size may be -1, got {list(sizes)}.")
    known = sum(s for s in sizes if s != -1)
    if dim is not None and (known > dim or (-1 not in sizes and known != dim)):
        raise InvalidArgumentError(f"{op_name}: sizes {list(sizes)} do not add up to the "
                                   f"dimension to split ({dim}).")
    return [(None if dim is None else dim - known) if s == -1 else s for s in sizes]


def _split_infer(ts, attrs):
    x, axis = ts[0], attrs["axis"]
    count = attrs["num"] if attrs["sizes"] is None else len(attrs["sizes"])
    if x.shape.rank is None:
        return [(TensorShape(None), x.dtype)] * count
    axis = _axis_in_range("SplitV", axis, x.shape.rank)
    pieces = _split_sizes("SplitV", x.shape.dims[axis], attrs["num"], attrs["sizes"])
    out = []
    for size in pieces:
        dims = list(x.shape.dims)
        dims[axis] = size
        out.append((TensorShape(dims), x.dtype))
    return out


@op("SplitV", multi_output=True, infer=_split_infer)
def SPLIT(xp, x, num, sizes, axis):
    pieces = _split_sizes("SplitV", x.shape[axis], num, sizes)
    return xp.split(x, np.cumsum(pieces)[:-1], axis=axis)


@SPLIT.gradient
def _split_grad(op, *grads):
    grads = [g if g is not None else A.zeros_like(o) for g, o in zip(grads, op.outputs)]
    return [A.concat(grads, op.attrs["axis"])]


def split(value, num_or_size_splits, axis=0, num=None, name="split"):
    value = A.convert_to_tensor(value)
    axis = int(_static_ints(axis, "axis", "split")[0])
    if isinstance(num_or_size_splits, (int, np.integer)) or (
            isinstance(num_or_size_splits, EagerTensor) and num_or_size_splits.ndim == 0):
        count = int(_static_ints(num_or_size_splits, "num_or_size_splits", "split")[0])
        if count <= 0:
            raise InvalidArgumentError(f"split: the number of splits must be positive, got "
                                       f"{count}.")
        attrs = {"num": count, "sizes": None, "axis": axis}
    else:
        sizes = _static_ints(num_or_size_splits, "num_or_size_splits", "split")
        attrs = {"num": len(sizes), "sizes": tuple(sizes), "axis": axis}
    return execute(SPLIT, (value,), attrs, name)


# --- reverse -----------------------------------------------------------------------------------

def _reverse_infer(ts, attrs):
    rank = ts[0].shape.rank
    for a in attrs["axis"]:
        _axis_in_range("ReverseV2", a, rank)
    return unary(ts, attrs)


@op("ReverseV2", infer=_reverse_infer)
def REVERSE(xp, x, axis):
    return xp.flip(x, axis=axis) if axis else x


@REVERSE.gradient
def _reverse_grad(op, g):
    return [execute(REVERSE, (g,), op.attrs)]


def reverse(tensor, axis, name=None):
    return execute(REVERSE, (tensor,), {"axis": tuple(_static_ints(axis, "axis", "reverse"))},
                   name)


# --- sorting -----------------------------------------------------------------------------------

@op("ArgSort", differentiable=False, infer=lambda ts, a: [(ts[0].shape, dtypes.int32)])
def ARGSORT(xp, x, axis, descending, stable):
    if descending:  # stable on the negated values: equal values keep their order, like TF
        keys = ~x if x.dtype.kind in "ub" else -x
        return xp.argsort(keys, axis=axis, kind="stable").astype(np.int32)
    return xp.argsort(x, axis=axis, kind="stable").astype(np.int32)


def _direction(direction, op_name):
    direction = str(direction).upper()
    if direction not in ("ASCENDING", "DESCENDING"):
        raise ValueError(f"{op_name}: direction must be 'ASCENDING' or 'DESCENDING', got "
                         f"{direction!r}.")
    return direction == "DESCENDING"


def argsort(values, axis=-1, direction="ASCENDING", stable=False, name=None):
    values = A.convert_to_tensor(values)
    axis = _axis_in_range("argsort", int(axis), values.shape.rank)
    return execute(ARGSORT, (values,), {"axis": axis, "descending":
                                        _direction(direction, "argsort"), "stable": True}, name)


def sort(values, axis=-1, direction="ASCENDING", name=None):
    values = A.convert_to_tensor(values)
    axis = _axis_in_range("sort", int(axis), values.shape.rank)
    order = argsort(values, axis=axis, direction=direction)
    return take_along_axis(values, order, axis)


# --- ranges and constants --------------------------------------------------------------------

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
    if limit is None:
        start, limit = 0, start
    dtype = _range_dtype((start, limit, delta)) if dtype is None else dtypes.as_dtype(dtype)
    args = [A.cast(v, dtype) if isinstance(v, TensorLike) else A.convert_to_tensor(v, dtype)
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
    start = A.convert_to_tensor(start) if isinstance(start, TensorLike) or not isinstance(
        start, int) else A.convert_to_tensor(float(start))
    if start.dtype.is_integer:
        start = A.cast(start, dtypes.float64)
    num = int(_static_ints(num, "num", "linspace")[0])
    if num < 0:
        raise InvalidArgumentError(f"linspace: num must be non-negative, got {num}.")
    return execute(LINSPACE, (start, stop), {"num": num, "axis": int(axis)}, name)


def eye(num_rows, num_columns=None, batch_shape=None, dtype=dtypes.float32, name=None):
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
    """N-D coordinate grids from 1-D tensors; indexing 'xy' (default) or 'ij'."""
    indexing = kwargs.pop("indexing", "xy")
    kwargs.pop("name", None)
    if kwargs:
        raise TypeError(f"meshgrid: unexpected keyword arguments {sorted(kwargs)}.")
    if indexing not in ("xy", "ij"):
        raise ValueError(f"meshgrid: indexing must be 'xy' or 'ij', got {indexing!r}.")
    tensors = [A.convert_to_tensor(a) for a in args]
    n = len(tensors)
    columns = []
    for i, t in enumerate(tensors):
        position = i
        if indexing == "xy" and n > 1 and i < 2:  # x varies along columns, y along rows
            position = 1 - i
        shape = [1] * n
        shape[position] = -1
        columns.append(A.reshape(t, shape))
    # broadcasting every column against the sum of zeros of all gives the full grid
    full = columns[0] * 0
    for c in columns[1:]:
        full = full + c * 0
    return [A.broadcast_to_like(c, full) for c in columns]


# --- boolean_mask ------------------------------------------------------------------------------

def boolean_mask(tensor, mask, axis=None, name="boolean_mask"):
    tensor = A.convert_to_tensor(tensor)
    mask = mask if isinstance(mask, TensorLike) else A.convert_to_tensor(mask)
    if not mask.dtype.is_bool:
        raise TypeError(f"boolean_mask: mask must be a bool tensor, got {mask.dtype.name}.")
    axis = 0 if axis is None else int(axis)
    mask_rank = mask.shape.rank
    if mask_rank == 0:
        raise ValueError("boolean_mask: mask cannot be a scalar.")
    if tensor.shape.rank is not None and mask_rank is not None:
        axis %= tensor.shape.rank
        covered = TensorShape(tensor.shape.dims[axis:axis + mask_rank])
        if not covered.is_compatible_with(mask.shape) or covered.rank != mask_rank:
            raise InvalidArgumentError(f"boolean_mask: mask of shape {mask.shape} does not match "
                                       f"dimensions {axis}..{axis + mask_rank - 1} of the "
                                       f"tensor of shape {tensor.shape}.")
    return A.getitem(tensor, (_slice(None),) * axis + (mask,))



# --- tensordot ---------------------------------------------------------------------------------

def _tensordot_axes(axes, rank_a, rank_b):
    if isinstance(axes, EagerTensor):
        axes = axes._value.tolist()
    if isinstance(axes, (int, np.integer)):
        n = int(axes)
        if n < 0 or n > min(rank_a, rank_b):
            raise ValueError(f"tensordot: axes must be in [0, {min(rank_a, rank_b)}] for ranks "
                             f"{rank_a} and {rank_b}, got {n}.")
        return list(_range(rank_a - n, rank_a)), list(_range(n))
    if len(axes) != 2:
        raise ValueError(f"tensordot: axes must be an int or a pair of lists, got {axes!r}.")
    a_axes, b_axes = ([int(v)] if isinstance(v, (int, np.integer)) else [int(i) for i in v]
                      for v in axes)
    if len(a_axes) != len(b_axes):
        raise ValueError(f"tensordot: the two axis lists must have the same length, got "
                         f"{a_axes} and {b_axes}.")
    return [a % rank_a for a in a_axes], [b % rank_b for b in b_axes]



def _reshape_target(t, groups):
    """Target shape for reshaping t into one dimension per group of axes: ints where
    known, -1 for a single unknown one, scalar tensors when several are unknown."""
    sizes = []
    for axes in groups:
        dims = [t.shape.dims[a] for a in axes]
        sizes.append(None if None in dims else int(np.prod(dims, dtype=np.int64)))
    if sizes.count(None) <= 1:
        return [-1 if s is None else s for s in sizes]
    dynamic = A.shape(t)
    return [s if s is not None else
            M.reduce_prod(A.stack([dynamic[a] for a in axes])) for s, axes in zip(sizes, groups)]


def tensordot(a, b, axes, name=None):
    """Sums products over the given axes: transposes, reshapes to matrices and one matmul."""
    a = A.convert_to_tensor(a)
    # a NumPy/Python operand takes the other's dtype, as in TensorFlow's binary ops
    b = b if isinstance(b, TensorLike) else A.convert_to_tensor(b, dtype=a.dtype)
    if a.shape.rank is None or b.shape.rank is None:
        raise ValueError("tensordot: the ranks of both inputs must be known.")
    a_axes, b_axes = _tensordot_axes(axes, a.shape.rank, b.shape.rank)
    for i, j in zip(a_axes, b_axes):
        da, db = a.shape.dims[i], b.shape.dims[j]
        if da is not None and db is not None and da != db:
            raise InvalidArgumentError(f"tensordot: dimension {i} of a (shape {a.shape}) and "
                                       f"dimension {j} of b (shape {b.shape}) differ: {da} vs "
                                       f"{db}.")
    free_a = [i for i in _range(a.shape.rank) if i not in a_axes]
    free_b = [i for i in _range(b.shape.rank) if i not in b_axes]
    a_matrix = _as_matrix(a, free_a + a_axes, _reshape_target(a, [free_a, a_axes]))
    b_matrix = _as_matrix(b, b_axes + free_b, _reshape_target(b, [b_axes, free_b]))
    product = M.matmul(a_matrix, b_matrix)
    free = [(a, i) for i in free_a] + [(b, i) for i in free_b]
    unknown = sum(1 for t, i in free if t.shape.dims[i] is None)
    if unknown <= 1:
        out_dims = [-1 if t.shape.dims[i] is None else t.shape.dims[i] for t, i in free]
    else:
        out_dims = [t.shape.dims[i] if t.shape.dims[i] is not None else A.shape(t)[i]
                    for t, i in free]
    return A.reshape(product, out_dims, name=name)


def _as_matrix(t, perm, shape):
    if perm != list(_range(len(perm))):
        t = A.transpose(t, perm)
    return A.reshape(t, shape)


from .einsum_ops import einsum  # noqa: E402

from ..util.export import export_many  # noqa: E402

export_many("", {
    "tile": tile, "pad": pad, "slice": slice, "gather": gather, "gather_nd": gather_nd,
    "split": split, "eye": eye, "range": range, "linspace": linspace, "reverse": reverse,
    "boolean_mask": boolean_mask, "sort": sort, "argsort": argsort, "meshgrid": meshgrid,
    "tensordot": tensordot, "einsum": einsum,
})
export_many("linalg", {"eye": eye, "tensordot": tensordot, "einsum": einsum})
export_many("v1", {"lin_space": linspace, "reverse_v2": reverse})
