"""Reading parts of tensors: NumPy-style indexing (tensor[...]), slice, gather, gather_nd,
take_along_axis and boolean_mask, each with a scatter-add gradient op."""
import builtins

import numpy as np

from ..framework.errors import InvalidArgumentError
from ..framework.registry import execute, fallback_infer, op
from ..framework.tensor import EagerTensor, SymbolicTensor, TensorLike
from ..framework.tensor_shape import TensorShape
from . import row_scatter
from .array_ops import _static_ints, convert_to_tensor

_NO = {}
_slice, _range = builtins.slice, builtins.range  # `slice` is a public op name here


# --- indexing ----------------------------------------------------------------------------------

class _TensorIndex:
    """Stands in a getitem key for the index tensor passed as extra input `i`."""
    __slots__ = ("i",)

    def __init__(self, i):
        self.i = i

    def __repr__(self):
        return f"<index input {self.i}>"


def _real_key(key, index_arrays):
    return tuple(index_arrays[k.i] if k.__class__ is _TensorIndex else
                 _real_slice(k, index_arrays) if isinstance(k, _slice) else k for k in key)


def _real_slice(k, index_arrays):
    """A slice whose bounds may stand for scalar index inputs (`x[:tf.shape(y)[1]]`)."""
    bounds = (k.start, k.stop, k.step)
    if not any(b.__class__ is _TensorIndex for b in bounds):
        return k
    return _slice(*(int(index_arrays[b.i]) if b.__class__ is _TensorIndex else b
                    for b in bounds))


def _index_shape(shape, key, index_tensors=()):
    """Static result shape of indexing `shape` with ints, slices, None, Ellipsis and at most
    one index array or tensor; a slice of an unknown dimension stays unknown. None when
    it cannot be told statically."""
    advanced = [k for k in key if not _is_basic((k,))]
    if len(advanced) > 1:
        return None
    dims = list(shape.dims)
    ranks = [_index_rank(k, index_tensors) for k in key if k is not None and k is not Ellipsis]
    if None in ranks:
        return None
    consumed = sum(ranks)
    if consumed > len(dims):
        raise InvalidArgumentError(f"GetItem: too many indices ({consumed}) for a tensor of "
                                   f"shape {shape}.")
    out, pos = [], 0
    for k in key:
        if k is None:
            out.append(1)
        elif k is Ellipsis:
            skip = len(dims) - consumed
            out.extend(dims[pos:pos + skip])
            pos += skip
        elif isinstance(k, _slice):
            d = dims[pos]
            known = not any(b.__class__ is _TensorIndex for b in (k.start, k.stop, k.step))
            out.append(None if d is None or not known else len(_range(*k.indices(d))))
            pos += 1
        elif not _is_basic((k,)):  # the index array's own dimensions replace those it uses
            index = index_tensors[k.i] if k.__class__ is _TensorIndex else k
            rank = _index_rank(k, index_tensors)
            if index.dtype == bool or getattr(index.dtype, "is_bool", False):
                out.append(int(index.sum()) if isinstance(index, np.ndarray) else None)
            else:
                out.extend(index.shape.as_list() if hasattr(index.shape, "as_list")
                           else index.shape)
            pos += rank
        else:
            d = dims[pos]
            if d is not None and not -d <= k < d:
                raise InvalidArgumentError(f"GetItem: index {k} is out of bounds for dimension "
                                           f"{pos} of size {d} (shape {shape}).")
            pos += 1
    return TensorShape(out + dims[pos:])


def _index_rank(k, index_tensors):
    """How many dimensions of the indexed tensor key item `k` uses (None: unknown)."""
    if _is_basic((k,)):
        return 1
    index = index_tensors[k.i] if k.__class__ is _TensorIndex else k
    is_bool = index.dtype == bool or getattr(index.dtype, "is_bool", False)
    rank = index.ndim if isinstance(index, np.ndarray) else index.shape.rank
    return (rank if is_bool else 1) if rank is not None else None


def _getitem_infer(ts, attrs):
    key = attrs["key"]
    x = ts[0]
    if x.shape.rank is not None:
        shape = _index_shape(x.shape, key, ts[1:])
        if shape is not None:
            return [(shape, x.dtype)]
    specs = fallback_infer(GETITEM, ts, attrs)
    if x.shape.rank is not None and None in x.shape.dims and specs[0][0].rank is not None:
        # stand-in sizes for unknown dims leak into advanced-index results: keep the rank only
        specs = [(TensorShape([None] * specs[0][0].rank), specs[0][1])]
    if any(t.dtype.is_bool for t in ts[1:]):
        return [(TensorShape(None if specs[0][0].rank is None else [None] * specs[0][0].rank),
                 specs[0][1])]
    return specs


@op("GetItem", infer=lambda ts, a: _getitem_infer(ts, a), grad_inputs=(0,))
def GETITEM(xp, x, *index_arrays, key):
    out = x[_real_key(key, index_arrays) if index_arrays else key]
    if x.dtype == object and not isinstance(out, xp.ndarray):  # one string: a 0-d array,
        out = xp.asarray(out, dtype=object)  # not the bytes object itself
    return out


@GETITEM.gradient
def _getitem_grad(op, g):
    return [execute(GETITEM_GRAD, (g,) + tuple(op.inputs), {"key": op.attrs["key"]})] + \
        [None] * (len(op.inputs) - 1)


@op("GetItemGrad", infer=lambda ts, a: [(ts[1].shape, ts[0].dtype)], grad_inputs=(0,))
def GETITEM_GRAD(xp, g, x, *index_arrays, key):
    real = _real_key(key, index_arrays) if index_arrays else key
    out = xp.zeros(x.shape, dtype=g.dtype)
    if _is_basic(real):
        out[real] = g
    else:
        xp.add.at(out, real, g)
    return out


@GETITEM_GRAD.gradient
def _getitem_grad_grad(op, gg):
    return [execute(GETITEM, (gg,) + tuple(op.inputs[2:]), {"key": op.attrs["key"]})] + \
        [None] * (len(op.inputs) - 1)


def _is_basic(key):
    return all(k is None or k is Ellipsis or isinstance(k, (int, np.integer, _slice))
               for k in key)


def getitem(x, key):
    """NumPy-style indexing: ints, slices, Ellipsis, None/newaxis, negative steps, tensors."""
    items, extra = normalize_key(key)
    return execute(GETITEM, (x,) + tuple(extra), {"key": tuple(items)})


def normalize_key(key):
    """A getitem key as (items, index tensors): static items (ints, slices, arrays) stay in
    the key; symbolic index tensors become extra inputs that `_TensorIndex(i)` stands for."""
    if not isinstance(key, tuple):
        key = (key,)
    items = []
    extra = []
    for k in key:
        if isinstance(k, EagerTensor):
            k = k._value
            items.append(k.item() if k.ndim == 0 and k.dtype.kind in "iu" else k)
        elif isinstance(k, TensorLike):
            items.append(_TensorIndex(len(extra)))
            extra.append(k)
        elif isinstance(k, _slice):
            bounds = []
            for v in (k.start, k.stop, k.step):
                if isinstance(v, SymbolicTensor):  # a bound known when the graph runs
                    bounds.append(_TensorIndex(len(extra)))
                    extra.append(v)
                else:
                    bounds.append(None if v is None else _index_int(v))
            items.append(_slice(*bounds))
        elif isinstance(k, list):
            items.append(np.asarray(k))
        elif isinstance(k, (bool, np.bool_)):
            items.append(np.asarray(k))
        elif isinstance(k, (int, np.integer)):
            items.append(int(k))
        else:
            items.append(k)
    return items, extra


def _index_int(v):
    if isinstance(v, EagerTensor):
        return int(v._value)
    if isinstance(v, SymbolicTensor):
        raise NotImplementedError("Slice bounds given as symbolic tensors are not supported; "
                                  "use tf.slice or tf.gather.")
    return int(v)


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
    return [execute(GETITEM_GRAD, (g, op.inputs[0]), {"key": key})]


def slice(input_, begin, size, name=None):  # noqa: A001 - TensorFlow's public name
    """Extracts a slice of `size` elements starting at `begin` from each dimension.

    Args:
      input_: A `Tensor`.
      begin: A list/1-D integer tensor of start offsets, one per dimension.
      size: A list/1-D integer tensor of lengths; -1 means "to the end".
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of shape `size` (with -1 resolved).

    Raises:
      InvalidArgumentError: If the slice goes out of bounds.
    """
    begin = _static_ints(begin, "begin", "slice")
    size = _static_ints(size, "size", "slice")
    return execute(SLICE, (input_,), {"begin": tuple(begin), "size": tuple(size)}, name)


def _entries(value, what, op_name):
    """A begin/end/strides argument as a list of Python ints and scalar graph tensors."""
    if isinstance(value, (list, tuple)):
        return [v if isinstance(v, SymbolicTensor) else _index_int(v) for v in value]
    if isinstance(value, SymbolicTensor) and value.op.type != "Const":
        n = value.shape[0] if value.shape.rank == 1 else None
        if n is None:
            raise InvalidArgumentError(f"{op_name}: {what} must be a 1-D tensor of known "
                                       f"length, got shape {value.shape}.")
        return [getitem(value, i) for i in _range(n)]
    return _static_ints(value, what, op_name)


def strided_slice(input_, begin, end, strides=None, begin_mask=0, end_mask=0, ellipsis_mask=0,
                  new_axis_mask=0, shrink_axis_mask=0, var=None, name=None):
    """Extracts a strided slice: `input_[begin[0]:end[0]:strides[0], ...]`.

    Bit `i` of a mask applies to entry `i` of `begin`/`end`/`strides`: `begin_mask` and
    `end_mask` ignore that bound (the full range), `ellipsis_mask` makes the entry `...`,
    `new_axis_mask` a new dimension of size 1, and `shrink_axis_mask` an index that removes
    the dimension (`begin[i]` alone).

    Args:
      input_: A `Tensor`.
      begin: Start offsets: a list of ints or scalar tensors, or a 1-D integer tensor.
      end: End offsets (exclusive), in the same forms.
      strides: Steps (default 1 for every entry); a step may be negative.
      begin_mask, end_mask, ellipsis_mask, new_axis_mask, shrink_axis_mask: int bit masks.
      var: Accepted for TensorFlow compatibility (the variable being sliced).
      name: A name for the operation (optional).

    Returns:
      A `Tensor`; its gradient scatters `dy` back into the sliced positions.

    Example:

    >>> x = ndflow.reshape(ndflow.range(12), [3, 4])
    >>> ndflow.strided_slice(x, [0, 1], [3, 4], [2, 2]).numpy()
    array([[ 1,  3],
           [ 9, 11]], dtype=int32)
    """
    begin = _entries(begin, "begin", "strided_slice")
    end = _entries(end, "end", "strided_slice")
    strides = [1] * len(begin) if strides is None else _entries(strides, "strides",
                                                                "strided_slice")
    if not len(begin) == len(end) == len(strides):
        raise InvalidArgumentError(f"strided_slice: begin, end and strides must have the same "
                                   f"length, got {len(begin)}, {len(end)} and {len(strides)}.")
    key = []
    for i, (b, e, s) in enumerate(zip(begin, end, strides)):
        bit = 1 << i
        if ellipsis_mask & bit:
            key.append(Ellipsis)
        elif new_axis_mask & bit:
            key.append(None)
        elif shrink_axis_mask & bit:
            key.append(b)
        else:
            key.append(_slice(None if begin_mask & bit else b, None if end_mask & bit else e,
                              s))
    items, extra = normalize_key(tuple(key))
    return execute(GETITEM, (input_,) + tuple(extra), {"key": tuple(items)}, name)


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
    if batch_dims == 0 and axis == 0:  # an embedding's gradient: the exact fast row sum
        return row_scatter.sum_rows(xp, g, xp.asarray(indices), params.shape[0])
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
    """Gathers slices of `params` along `axis` at `indices`.

    The result has shape `params.shape[:axis] + indices.shape + params.shape[axis + 1:]` (with
    `batch_dims` leading dimensions shared by both).

    Args:
      params: The `Tensor` to gather from.
      indices: An integer `Tensor` of indices into dimension `axis`.
      validate_indices: Deprecated and ignored (indices are always checked).
      axis: The dimension of `params` to index (default `batch_dims`, usually 0).
      batch_dims: The number of leading batch dimensions.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of `params`' dtype.

    Raises:
      InvalidArgumentError: If an index is out of range.

    Gradient: an `IndexedSlices` scattering `dy` back into `params`' shape.

    Example:

    >>> ndflow.gather([10, 20, 30], [2, 0]).numpy()
    array([30, 10], dtype=int32)
    """
    for x in (params, indices):  # a RaggedTensor gathers its rows (or is the indices) itself
        if hasattr(x, "_dispatch_function"):
            return x._dispatch_function("gather", (params, indices),
                                        {"axis": axis, "batch_dims": batch_dims})
    params = convert_to_tensor(params)
    indices = indices if isinstance(indices, TensorLike) else convert_to_tensor(indices)
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


def _nd_key(xp, params, indices):
    for axis in _range(indices.shape[-1]):
        _check_indices("GatherNd", indices[..., axis], params.shape[axis], axis)
    return tuple(xp.moveaxis(indices, -1, 0))


@op("GatherNd", grad_inputs=(0,), infer=_gather_nd_infer)
def GATHER_ND(xp, params, indices):
    return params[_nd_key(xp, params, indices)]


@op("GatherNdGrad", grad_inputs=(0,), infer=lambda ts, a: [(ts[1].shape, ts[0].dtype)])
def GATHER_ND_GRAD(xp, g, params, indices):
    out = xp.zeros(params.shape, dtype=g.dtype)
    xp.add.at(out, _nd_key(xp, params, indices), g)
    return out


@GATHER_ND.gradient
def _gather_nd_grad(op, g):
    return [execute(GATHER_ND_GRAD, (g,) + tuple(op.inputs), _NO), None]


@GATHER_ND_GRAD.gradient
def _gather_nd_grad_grad(op, gg):
    return [execute(GATHER_ND, (gg, op.inputs[2]), _NO), None, None]


def gather_nd(params, indices, batch_dims=0, name=None):
    """Gathers slices of `params` addressed by the last axis of `indices`.

    Each row `indices[..., :]` of length K names the element (K == rank) or slice (K < rank) of
    `params` to take.

    Args:
      params: The `Tensor` to gather from.
      indices: An integer `Tensor` whose last dimension has length K <= rank of `params`.
      batch_dims: The number of leading batch dimensions.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of shape `indices.shape[:-1] + params.shape[K:]`.

    Raises:
      InvalidArgumentError: If an index is out of range.

    Example:

    >>> ndflow.gather_nd([[1, 2], [3, 4]], [[0, 1], [1, 0]]).numpy()
    array([2, 3], dtype=int32)
    """
    if batch_dims != 0:
        raise NotImplementedError("gather_nd: only batch_dims=0 is supported.")
    indices = indices if isinstance(indices, TensorLike) else convert_to_tensor(indices)
    if not indices.dtype.is_integer:
        raise TypeError(f"gather_nd: indices must be int32 or int64, got {indices.dtype.name}.")
    return execute(GATHER_ND, (params, indices), _NO, name)


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


# --- boolean_mask ------------------------------------------------------------------------------

def boolean_mask(tensor, mask, axis=None, name="boolean_mask"):
    """Keeps the entries of `tensor` where `mask` is true.

    `mask`'s shape must match `tensor`'s dimensions `axis .. axis + mask.rank`; those dimensions
    are flattened into one, of length `count_nonzero(mask)`.

    Args:
      tensor: A `Tensor`.
      mask: A `bool` `Tensor`.
      axis: The first dimension of `tensor` that `mask` covers (default 0).
      name: A name for the operation (default "boolean_mask").

    Returns:
      A `Tensor` with the selected entries.

    Raises:
      InvalidArgumentError: If `mask`'s shape does not match.

    Example:

    >>> ndflow.boolean_mask([1, 2, 3], [True, False, True]).numpy()
    array([1, 3], dtype=int32)
    """
    if hasattr(tensor, "_dispatch_function"):  # a RaggedTensor (tf.ragged.boolean_mask)
        return tensor._dispatch_function("boolean_mask", (tensor, mask), {"axis": axis})
    tensor = convert_to_tensor(tensor)
    mask = mask if isinstance(mask, TensorLike) else convert_to_tensor(mask)
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
    return getitem(tensor, (_slice(None),) * axis + (mask,))


from ..util.export import export_many  # noqa: E402

export_many("", {"slice": slice, "strided_slice": strided_slice, "gather": gather,
                 "gather_nd": gather_nd,
                 "boolean_mask": boolean_mask})
