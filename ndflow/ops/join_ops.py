"""Tensors assembled from pieces along an axis and their inverses: stack/unstack,
concat/split, tile (repeated copies), pad (borders) and reverse."""
import builtins
import itertools

import numpy as np

from ..framework.errors import InvalidArgumentError
from ..framework.registry import ALL, execute, op
from ..framework.shape_fns import unary
from ..framework.tensor import EagerTensor, TensorLike
from ..framework.tensor_shape import TensorShape
from .array_ops import (_axis_in_range, _is_symbolic_shape, _shape_as_tensor, _static_ints,
                        convert_to_tensor, identity, shape_tensor_dims, zeros_like)
from .indexing_ops import GETITEM

_NO = {}
_slice, _range = builtins.slice, builtins.range  # Python's own (ops modules name ops so)


# --- joining and splitting -------------------------------------------------------------------

def _stack_infer(ts, attrs):
    shape = ts[0].shape
    for t in ts[1:]:
        if not shape.is_compatible_with(t.shape):
            raise InvalidArgumentError(f"stack: shapes of all inputs must match: {shape} vs "
                                       f"{t.shape}.")
        shape = shape.merge_with(t.shape)
    if shape.rank is None:
        return [(TensorShape(None), ts[0].dtype)]
    dims = list(shape.dims)
    axis = attrs["axis"]
    dims.insert(axis if axis >= 0 else len(dims) + 1 + axis, len(ts))
    return [(TensorShape(dims), ts[0].dtype)]


@op("Pack", unify=ALL, infer=_stack_infer)
def PACK(xp, *values, axis):
    return xp.stack(values, axis=axis)


@PACK.gradient
def _pack_grad(op, g):
    return unstack(g, num=len(op.inputs), axis=op.attrs["axis"])


def stack(values, axis=0, name="stack"):
    """Stacks tensors of one shape along a new axis.

    Args:
      values: A list of `Tensor`s of the same shape and dtype.
      axis: Where the new axis goes, in `[-(rank + 1), rank]`.
      name: A name for the operation (default "stack").

    Returns:
      A `Tensor` with one more dimension, of length `len(values)`.

    Raises:
      InvalidArgumentError: If the shapes or dtypes differ.

    Example:

    >>> ndflow.stack([[1, 2], [3, 4]], axis=1).numpy()
    array([[1, 3],
           [2, 4]], dtype=int32)
    """
    values = tuple(values)
    tensors = [v for v in values if isinstance(v, TensorLike)]
    arrays = [v for v in values if isinstance(v, (np.ndarray, np.generic))]
    if tensors:  # Python numbers and lists next to tensors take the first tensor's dtype
        dtype = tensors[0].dtype
    elif arrays:  # NumPy values keep their dtype, and give it to Python numbers beside them
        dtype = np.result_type(*arrays)
    else:  # one dtype for the whole list, as TensorFlow converts it (Python numbers take
        try:  # int32/float32, not NumPy's 64-bit defaults)
            dtype = convert_to_tensor(list(values)).dtype
        except (ValueError, TypeError, InvalidArgumentError):  # shapes differ: Pack says so
            dtype = None
    values = tuple(v if isinstance(v, TensorLike) else convert_to_tensor(v, dtype=dtype)
                   for v in values)
    return execute(PACK, values, {"axis": int(axis)}, name)


def _unstack_infer(ts, attrs):
    s = ts[0].shape
    axis, num = attrs["axis"], attrs["num"]
    if s.rank is None:
        return [(TensorShape(None), ts[0].dtype)] * num
    dims = list(s.dims)
    del dims[axis]
    return [(TensorShape(dims), ts[0].dtype)] * num


@op("Unpack", multi_output=True, infer=_unstack_infer)
def UNPACK(xp, x, num, axis):
    moved = xp.moveaxis(x, axis, 0) if axis != 0 else x
    return [moved[i] for i in range(num)]


@UNPACK.gradient
def _unpack_grad(op, *grads):
    grads = [g if g is not None else zeros_like(o) for g, o in zip(grads, op.outputs)]
    return [stack(grads, axis=op.attrs["axis"])]


def unstack(value, num=None, axis=0, name="unstack"):
    """Splits a tensor into a list of tensors along `axis`, removing that axis.

    Args:
      value: A `Tensor` of rank R > 0.
      num: The length of `axis`; needed only when it is not known statically.
      axis: The axis to unstack along.
      name: A name for the operation (default "unstack").

    Returns:
      A list of `num` tensors of rank R - 1.

    Raises:
      ValueError: If the length of `axis` is unknown and `num` is not given.
    """
    value = convert_to_tensor(value)
    if num is None:
        num = value.shape[axis] if value.shape.rank is not None else None
        if num is None:
            raise ValueError(f"unstack: cannot infer num from shape {value.shape}.")
    return execute(UNPACK, (value,), {"num": int(num), "axis": int(axis)}, name)


def _concat_infer(ts, attrs):
    axis = attrs["axis"]
    if any(t.shape.rank is None for t in ts):
        return [(TensorShape(None), ts[0].dtype)]
    rank = ts[0].shape.rank
    if not -rank <= axis < rank:
        raise InvalidArgumentError(f"ConcatV2: axis {axis} is out of range for rank {rank}.")
    axis %= rank
    dims = list(ts[0].shape.dims)
    total = 0
    for t in ts:
        if t.shape.rank != rank:
            raise InvalidArgumentError(f"ConcatV2: ranks of all inputs must match: {ts[0].shape} "
                                       f"vs {t.shape}.")
        for i, (a, b) in enumerate(zip(dims, t.shape.dims)):
            if i != axis and a is not None and b is not None and a != b:
                raise InvalidArgumentError(
                    f"ConcatV2: dimension {i} of the inputs must match: {ts[0].shape} vs "
                    f"{t.shape}.")
            if i != axis and a is None:
                dims[i] = b
        d = t.shape.dims[axis]
        total = None if total is None or d is None else total + d
    dims[axis] = total
    return [(TensorShape(dims), ts[0].dtype)]


@op("ConcatV2", unify=ALL, infer=_concat_infer)
def CONCAT(xp, *values, axis):
    return xp.concatenate(values, axis=axis)


@CONCAT.gradient
def _concat_grad(op, g):
    return execute(CONCAT_GRAD, (g,) + tuple(op.inputs), {"axis": op.attrs["axis"]})


def _concat_grad_infer(ts, attrs):
    return [(t.shape, ts[0].dtype) for t in ts[1:]]


@op("ConcatGrad", multi_output=True, infer=_concat_grad_infer, grad_inputs=(0,))
def CONCAT_GRAD(xp, g, *inputs, axis):
    ends = list(itertools.accumulate(x.shape[axis] for x in inputs))[:-1]
    return xp.split(g, ends, axis=axis)


@CONCAT_GRAD.gradient
def _concat_grad_grad(op, *ggs):
    ggs = [g if g is not None else zeros_like(o) for g, o in zip(ggs, op.outputs)]
    return [concat(list(ggs), op.attrs["axis"])] + [None] * (len(op.inputs) - 1)


def concat(values, axis, name="concat"):
    """Joins tensors along an existing axis.

    Args:
      values: A list of `Tensor`s of one dtype and rank, equal in every dimension but `axis`.
      axis: The axis to join along; negative values count from the end.
      name: A name for the operation (default "concat").

    Returns:
      A `Tensor` whose `axis` dimension is the sum of the inputs'.

    Raises:
      InvalidArgumentError: If ranks, dtypes or the other dimensions differ.

    Gradient: `dy` split back into the inputs' slices.

    Example:

    >>> ndflow.concat([[[1, 2]], [[3, 4]]], axis=0).numpy()
    array([[1, 2],
           [3, 4]], dtype=int32)
    """
    # a list mixing tensors and numbers ([groups, 3] with groups = tf.shape(x)[-1] // 3) is
    # packed into one tensor of the tensors' dtype, as TensorFlow's auto-packing does
    values = [convert_to_tensor(v) if isinstance(v, (list, tuple)) and any(
        isinstance(e, TensorLike) for e in v) else v for v in values]
    if len(values) == 1:
        return identity(values[0], name=name)
    return execute(CONCAT, tuple(values), {"axis": int(axis)}, name)


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


def _tile_dynamic_infer(ts, attrs):
    x, multiples = ts[0], shape_tensor_dims(ts[1])
    if multiples is None or x.shape.rank is None:
        rank = x.shape.rank if multiples is None else len(multiples)
        return [(TensorShape(None if rank is None else [None] * rank), x.dtype)]
    if len(multiples) != x.shape.rank:
        raise InvalidArgumentError(f"Tile: expected multiples of length {x.shape.rank} for an "
                                   f"input of shape {x.shape}, got {len(multiples)} entries.")
    dims = [None if d is None or m is None else d * m for d, m in zip(x.shape.dims, multiples)]
    return [(TensorShape(dims), x.dtype)]


def _multiples_of(multiples):
    values = tuple(int(m) for m in multiples.reshape(-1))
    if any(m < 0 for m in values):
        raise InvalidArgumentError(f"tile: multiples must be non-negative, got {list(values)}.")
    return values


# multiples known only when the graph runs (a placeholder, tf.shape(x)[0], ...)
@op("TileDynamic", grad_inputs=(0,), infer=_tile_dynamic_infer)
def TILE_DYNAMIC(xp, x, multiples):
    return TILE.kernel(xp, x, _multiples_of(multiples))


@op("TileDynamicGrad", grad_inputs=(0,), infer=lambda ts, a: [(ts[1].shape, ts[0].dtype)])
def TILE_DYNAMIC_GRAD(xp, g, x, multiples):
    return TILE_GRAD.kernel(xp, g, x, _multiples_of(multiples))


@TILE_DYNAMIC.gradient
def _tile_dynamic_grad(op, g):
    return [execute(TILE_DYNAMIC_GRAD, (g, op.inputs[0], op.inputs[1]), _NO), None]


@TILE_DYNAMIC_GRAD.gradient
def _tile_dynamic_grad_grad(op, gg):
    return [execute(TILE_DYNAMIC, (gg, op.inputs[2]), _NO), None, None]


def tile(input, multiples, name=None):  # noqa: A002
    """Repeats `input` `multiples[i]` times along each dimension `i`.

    Args:
      input: A `Tensor`.
      multiples: A list or 1-D integer tensor with one entry per dimension of `input`; it
        may hold tensors whose values are known only when the graph runs.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` whose dimension `i` is `input.shape[i] * multiples[i]`.

    Example:

    >>> ndflow.tile([[1, 2]], [2, 1]).numpy()
    array([[1, 2],
           [1, 2]], dtype=int32)
    """
    if _is_symbolic_shape(multiples):
        return execute(TILE_DYNAMIC, (input, _shape_as_tensor(multiples)), _NO, name)
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


def _mirror_source(xp, n, before, after, mode):
    """For each position of a mirror-padded axis, the input position it copies."""
    shift = 0 if mode == "REFLECT" else 1
    left = [before - i - shift for i in _range(before)]
    right = [n - 2 + shift - j for j in _range(after)]
    return xp.asarray(left + list(_range(n)) + right, dtype=xp.intp)


@op("MirrorPadGrad", grad_inputs=(0,), infer=lambda ts, a: [(ts[1].shape, ts[0].dtype)])
def MIRROR_PAD_GRAD(xp, g, x, paddings, mode, constant_values):
    for axis, (before, after) in enumerate(paddings):
        n = x.shape[axis]
        source = _mirror_source(xp, n, before, after, mode)
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
        return [execute(GETITEM, (g,), {"key": key})]
    return [execute(MIRROR_PAD_GRAD, (g, op.inputs[0]), op.attrs)]


@MIRROR_PAD_GRAD.gradient
def _mirror_pad_grad_grad(op, gg):
    return [execute(PAD, (gg,), op.attrs), None]


def pad(tensor, paddings, mode="CONSTANT", constant_values=0, name=None):
    """Pads a tensor.

    `paddings[i] = [before, after]` adds `before` values ahead of dimension `i` and `after`
    values behind it.

    Args:
      tensor: A `Tensor`.
      paddings: An integer tensor/list of shape `[rank, 2]`.
      mode: "CONSTANT" (fill with `constant_values`), "REFLECT" (mirror without the edge) or
        "SYMMETRIC" (mirror including the edge); case-insensitive.
      constant_values: The fill value for "CONSTANT" mode.
      name: A name for the operation (optional).

    Returns:
      The padded `Tensor`.

    Raises:
      ValueError: If `mode` is not one of the three.

    Example:

    >>> ndflow.pad([1, 2], [[1, 2]]).numpy()
    array([0, 1, 2, 0, 0], dtype=int32)
    """
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
    return xp.split(x, list(itertools.accumulate(pieces))[:-1], axis=axis)


@SPLIT.gradient
def _split_grad(op, *grads):
    grads = [g if g is not None else zeros_like(o) for g, o in zip(grads, op.outputs)]
    return [concat(grads, op.attrs["axis"])]


def split(value, num_or_size_splits, axis=0, num=None, name="split"):
    """Splits a tensor into pieces along `axis`.

    Args:
      value: The `Tensor` to split.
      num_or_size_splits: An int N (N equal pieces; the axis length must be divisible by N) or a
        list of piece sizes summing to the axis length (one entry may be -1, meaning the rest).
      axis: The axis to split along.
      num: The number of pieces, when it cannot be inferred from `num_or_size_splits`.
      name: A name for the operation (default "split").

    Returns:
      A list of `Tensor`s.

    Raises:
      InvalidArgumentError: If the sizes do not add up to the axis length.

    Example:

    >>> [t.numpy().tolist() for t in ndflow.split([1, 2, 3, 4], [1, 3])]
    [[1], [2, 3, 4]]
    """
    value = convert_to_tensor(value)
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
    """Reverses the order of elements along the given axes.

    Args:
      tensor: A `Tensor`.
      axis: A list of ints (or a 1-D integer tensor): the axes to reverse.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of the same shape.
    """
    return execute(REVERSE, (tensor,), {"axis": tuple(_static_ints(axis, "axis", "reverse"))},
                   name)


from ..util.export import export_many  # noqa: E402

export_many("", {"stack": stack, "unstack": unstack, "concat": concat, "split": split,
                 "tile": tile, "pad": pad, "reverse": reverse})
export_many("v1", {"reverse_v2": reverse})
