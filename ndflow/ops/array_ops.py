"""Tensors as arrays: conversion, casting, shape queries, identity, broadcasting, filled
tensors (zeros, ones, fill, *_like), reshaping and transposing, where and one_hot, and the
helpers that read shape and axis arguments (used by every op library)."""
import functools

import numpy as np

from ..framework import dtypes
from ..framework.errors import InvalidArgumentError
from ..framework.graph import graph_for_building
from ..framework.registry import CONST, constant_in_graph, execute, get_op, op
from ..framework.shape_fns import broadcast_shape, unary
from ..framework.tensor import EagerTensor, SymbolicTensor, TensorLike
from ..framework.tensor_shape import TensorShape

_NO = {}


# --- conversion and constants ---------------------------------------------------------------

# convert_to_tensor, constant and placeholder are the engine's; every op library uses them
from ..framework.constant_op import constant, convert_to_tensor, placeholder  # noqa: E402,F401


def placeholder_with_default(input, shape, name=None):  # noqa: A002 - TF's name
    return identity(input, name=name)


# --- casting and shape queries ---------------------------------------------------------------

@op("Cast", infer=lambda ts, a: [(ts[0].shape, a["dtype"])])
def CAST(xp, x, dtype):
    return x.astype(dtype._np)


@CAST.gradient
def _cast_grad(op, g):
    src, dst = op.inputs[0].dtype, op.outputs[0].dtype
    if (src.is_floating or src.is_complex) and (dst.is_floating or dst.is_complex):
        return [cast(g, src)]
    return [None]  # as in TensorFlow, no gradient flows through a cast to or from integers


def cast(x, dtype, name=None):
    dtype = dtypes.as_dtype(dtype)
    if x.__class__ is not EagerTensor and x.__class__ is not SymbolicTensor and \
            not hasattr(x, "_dispatch_op"):  # a composite (RaggedTensor) casts its values
        x = convert_to_tensor(x)
    if x.dtype == dtype:
        return x
    return execute(CAST, (x,), {"dtype": dtype}, name)


def saturate_cast(value, dtype, name=None):
    return cast(value, dtype, name)


def to_float(x, name="ToFloat"):
    return cast(x, dtypes.float32, name)


def to_int32(x, name="ToInt32"):
    return cast(x, dtypes.int32, name)


@op("Shape", differentiable=False,
    infer=lambda ts, a: [(TensorShape([ts[0].shape.rank]), a["out_type"])])
def SHAPE(xp, x, out_type):
    return xp.asarray(x.shape, dtype=out_type._np)


def shape(input, out_type=dtypes.int32, name=None):  # noqa: A002
    return execute(SHAPE, (input,), {"out_type": dtypes.as_dtype(out_type)}, name)


@op("Size", differentiable=False, infer=lambda ts, a: [(TensorShape([]), a["out_type"])])
def SIZE(xp, x, out_type):
    return xp.asarray(x.size, dtype=out_type._np)


def size(input, out_type=dtypes.int32, name=None):  # noqa: A002
    return execute(SIZE, (input,), {"out_type": dtypes.as_dtype(out_type)}, name)


@op("Rank", differentiable=False, infer=lambda ts, a: [(TensorShape([]), dtypes.int32)])
def RANK(xp, x):
    return xp.asarray(x.ndim, dtype=xp.int32)


def rank(input, name=None):  # noqa: A002
    return execute(RANK, (input,), _NO, name)


# --- identity and gradient control -------------------------------------------------------------

@op("Identity", infer=unary)
def IDENTITY(xp, x):
    return x


@IDENTITY.gradient
def _identity_grad(op, g):
    return [g]


def identity(input, name=None):  # noqa: A002
    return execute(IDENTITY, (input,), _NO, name)


@op("StopGradient", infer=unary, differentiable=False)
def STOP_GRADIENT(xp, x):
    return x


def stop_gradient(input, name=None):  # noqa: A002
    return execute(STOP_GRADIENT, (input,), _NO, name)


# --- broadcasting helpers used by autodiff -------------------------------------------------

def _sum_to_shape(g, shape):
    if g.shape == shape:
        return g
    lead = g.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(i + lead for i, d in enumerate(shape)
                                      if d == 1 and g.shape[i + lead] != 1)
    out = g.sum(axis=axes, keepdims=True) if axes else g
    return out.reshape(shape) if out.shape != shape else out


@op("SumToLike", infer=lambda ts, a: [(ts[1].shape, ts[0].dtype)], grad_inputs=(0,))
def SUM_TO_LIKE(xp, g, x):
    return _sum_to_shape(g, x.shape)


@SUM_TO_LIKE.gradient
def _sum_to_like_grad(op, gg):
    return [broadcast_to_like(gg, op.inputs[0]), None]


def sum_to_like(g, x, name=None):
    """Sums `g` over broadcast dimensions so it has the shape of `x`."""
    return execute(SUM_TO_LIKE, (g, x), _NO, name)


@op("BroadcastToLike", grad_inputs=(0,),
    infer=lambda ts, a: [(broadcast_shape([ts[0].shape, ts[1].shape], "BroadcastToLike"),
                          ts[0].dtype)])
def BROADCAST_TO_LIKE(xp, g, x):
    return xp.broadcast_to(g, x.shape)


@BROADCAST_TO_LIKE.gradient
def _broadcast_like_grad(op, gg):
    return [sum_to_like(gg, op.inputs[0]), None]


def broadcast_to_like(g, x, name=None):
    return execute(BROADCAST_TO_LIKE, (g, x), _NO, name)


@op("BroadcastTo")
def BROADCAST_TO(xp, x, shape):
    return xp.broadcast_to(x, shape)


@BROADCAST_TO.gradient
def _broadcast_to_grad(op, g):
    return [sum_to_like(g, op.inputs[0])]


def broadcast_to(input, shape, name=None):  # noqa: A002
    return execute(BROADCAST_TO, (input,), {"shape": _static_shape(shape)}, name)


def _static_shape(shape):
    if isinstance(shape, EagerTensor):
        return tuple(int(d) for d in shape._value)
    if isinstance(shape, TensorShape):
        return tuple(shape.as_list())
    if isinstance(shape, SymbolicTensor):
        raise NotImplementedError("A shape given as a symbolic tensor is not supported here; "
                                  "pass a list of ints.")
    if isinstance(shape, (int, np.integer)):
        return (int(shape),)
    return tuple(int(d._value) if isinstance(d, EagerTensor) else
                 (-1 if d is None else int(d)) for d in shape)


def shape_tensor_dims(t):
    """Static dims (None where unknown) of the shape held by 1-D int tensor `t`, or None when
    even its length is unknown (TensorFlow's constant_value_as_shape, for common producers)."""
    if isinstance(t, EagerTensor):
        return [int(d) for d in np.reshape(t._value, -1)]
    kind = t.op.type
    if kind == "Const":
        return [None if int(d) < 0 else int(d) for d in np.reshape(t.op.attrs["value"], -1)]
    if kind == "Shape":
        return t.op.inputs[0].shape.as_list() if t.op.inputs[0].shape.rank is not None else None
    if kind == "Pack" and t.shape.rank == 1:
        dims = []
        for x in t.op.inputs:
            v = x.op.attrs["value"] if x.op.type == "Const" else None
            dims.append(None if v is None or int(v) < 0 else int(v))
        return dims
    if kind == "ConcatV2":
        dims = []
        for x in t.op.inputs:
            if x.shape.rank != 1:
                continue  # the axis
            part = shape_tensor_dims(x)
            if part is None:
                return None
            dims.extend(part)
        return dims
    if t.shape.rank == 1 and t.shape.dims[0] is not None:
        return [None] * t.shape.dims[0]
    return None


def _is_symbolic_shape(shape):
    return isinstance(shape, SymbolicTensor) or (
        isinstance(shape, (list, tuple)) and any(isinstance(d, SymbolicTensor) for d in shape))


def _shape_as_tensor(shape):
    """A shape holding symbolic tensors as one int32 1-D tensor."""
    if isinstance(shape, (list, tuple)):
        return execute(get_op("Pack"), tuple(cast(d, dtypes.int32) if isinstance(d, TensorLike)
                                             else d for d in shape), {"axis": 0}, "stack")
    return shape


def _from_shape_input_infer(ts, attrs):
    """Ops whose output shape is their shape input's value (dtype from attrs or input 1)."""
    dims = shape_tensor_dims(ts[0])
    dtype = attrs["dtype"] if "dtype" in attrs else ts[1].dtype
    return [(TensorShape(dims), dtype)]


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


# --- creation ---------------------------------------------------------------------------------

def _filled(shape, value, dtype, name):
    dtype = dtypes.as_dtype(dtype)
    if isinstance(shape, TensorLike) and not isinstance(shape, EagerTensor):
        return fill(shape, cast(value, dtype) if isinstance(value, TensorLike) else
                    np.asarray(value, dtype._np), name=name)
    arr = np.full(_static_shape(shape), value, dtype=dtype._np)
    g = graph_for_building()
    if g is not None:
        return constant_in_graph(arr, g, name)
    return EagerTensor(arr)


def zeros(shape, dtype=dtypes.float32, name=None):
    return _filled(shape, 0, dtype, name or "zeros")


def ones(shape, dtype=dtypes.float32, name=None):
    return _filled(shape, 1, dtype, name or "ones")


@op("Fill", differentiable=False, infer=_from_shape_input_infer)
def FILL(xp, dims, value):
    return xp.full(tuple(int(d) for d in dims), value, dtype=xp.asarray(value).dtype)


def fill(dims, value, name=None):
    return execute(FILL, (dims, value), _NO, name)


@op("ZerosLike", infer=unary, differentiable=False)
def ZEROS_LIKE(xp, x):
    return xp.zeros_like(x)


@op("OnesLike", infer=unary, differentiable=False)
def ONES_LIKE(xp, x):
    return xp.ones_like(x)


def zeros_like(input, dtype=None, name=None, optimize=True):  # noqa: A002
    t = execute(ZEROS_LIKE, (input,), _NO, name)
    return t if dtype is None else cast(t, dtype)


def ones_like(input, dtype=None, name=None, optimize=True):  # noqa: A002
    t = execute(ONES_LIKE, (input,), _NO, name)
    return t if dtype is None else cast(t, dtype)


# --- reshaping ---------------------------------------------------------------------------------

def _reshape_infer(ts, attrs):
    x = ts[0]
    target = list(attrs["shape"])
    if target.count(-1) > 1:
        raise InvalidArgumentError(f"Reshape: only one dimension may be -1, got {target}.")
    known = x.shape.num_elements()
    if -1 in target:
        rest = 1
        for d in target:
            if d != -1:
                rest *= d
        if known is not None:
            if rest == 0 or known % rest:
                raise InvalidArgumentError(
                    f"Reshape: cannot reshape a tensor with {known} elements to shape {target}.")
            target[target.index(-1)] = known // rest
        else:
            target[target.index(-1)] = None
    elif known is not None and known != int(np.prod(target)):
        raise InvalidArgumentError(f"Reshape: cannot reshape a tensor with {known} elements to "
                                   f"shape {target} ({int(np.prod(target))} elements).")
    return [(TensorShape(target), x.dtype)]


@op("Reshape", infer=_reshape_infer)
def RESHAPE(xp, x, shape):
    return xp.reshape(x, shape)


@RESHAPE.gradient
def _reshape_grad(op, g):
    return [reshape_like(g, op.inputs[0])]


@op("ReshapeLike", infer=lambda ts, a: [(ts[1].shape, ts[0].dtype)], grad_inputs=(0,))
def RESHAPE_LIKE(xp, g, x):
    return xp.reshape(g, x.shape)


@RESHAPE_LIKE.gradient
def _reshape_like_grad(op, gg):
    return [reshape_like(gg, op.inputs[0]), None]


def reshape_like(g, x, name=None):
    return execute(RESHAPE_LIKE, (g, x), _NO, name)


def _reshape_dynamic_infer(ts, attrs):
    x, dims = ts[0], shape_tensor_dims(ts[1])
    if dims is None:
        return [(TensorShape(None), x.dtype)]
    if ts[1].op.type == "Const":  # a -1 stays -1 for the static rule
        return _reshape_infer([x], {"shape": [int(d) for d in ts[1].op.attrs["value"]]})
    return [(TensorShape(dims), x.dtype)]  # a None may be a -1 or a size not known statically


@op("ReshapeDynamic", grad_inputs=(0,), infer=_reshape_dynamic_infer)
def RESHAPE_DYNAMIC(xp, x, shape):
    return xp.reshape(x, tuple(int(d) for d in shape))


@RESHAPE_DYNAMIC.gradient
def _reshape_dynamic_grad(op, g):
    return [reshape_like(g, op.inputs[0]), None]


def reshape(tensor, shape, name=None):
    if _is_symbolic_shape(shape):
        return execute(RESHAPE_DYNAMIC, (tensor, _shape_as_tensor(shape)), _NO, name)
    return execute(RESHAPE, (tensor,), {"shape": _static_shape(shape)}, name)


def _expand_infer(ts, attrs):
    s = ts[0].shape
    if s.rank is None:
        return [(TensorShape(None), ts[0].dtype)]
    dims = list(s.dims)
    axis = attrs["axis"]
    if not -len(dims) - 1 <= axis <= len(dims):
        raise InvalidArgumentError(f"expand_dims: axis {axis} is out of range for rank "
                                   f"{len(dims)}.")
    dims.insert(axis if axis >= 0 else len(dims) + 1 + axis, 1)
    return [(TensorShape(dims), ts[0].dtype)]


@op("ExpandDims", infer=_expand_infer)
def EXPAND_DIMS(xp, x, axis):
    return xp.expand_dims(x, axis)


@EXPAND_DIMS.gradient
def _expand_grad(op, g):
    return [reshape_like(g, op.inputs[0])]


def expand_dims(input, axis, name=None):  # noqa: A002
    return execute(EXPAND_DIMS, (input,), {"axis": int(axis)}, name)


def _squeeze_infer(ts, attrs):
    s = ts[0].shape
    axis = attrs["axis"]
    if s.rank is None:
        return [(TensorShape(None), ts[0].dtype)]
    dims = s.dims
    if axis is None:
        if any(d is None for d in dims):
            return [(TensorShape(None), ts[0].dtype)]
        return [(TensorShape([d for d in dims if d != 1]), ts[0].dtype)]
    axes = {a % len(dims) for a in axis}
    for a in axes:
        if dims[a] not in (1, None):
            raise InvalidArgumentError(f"Squeeze: cannot squeeze dim[{a}], expected a dimension "
                                       f"of 1, got {dims[a]}.")
    return [(TensorShape([d for i, d in enumerate(dims) if i not in axes]), ts[0].dtype)]


@op("Squeeze", infer=_squeeze_infer)
def SQUEEZE(xp, x, axis):
    return xp.squeeze(x, axis=axis)


@SQUEEZE.gradient
def _squeeze_grad(op, g):
    return [reshape_like(g, op.inputs[0])]


def squeeze(input, axis=None, name=None, squeeze_dims=None):  # noqa: A002
    axis = squeeze_dims if axis is None else axis
    if isinstance(axis, int):
        axis = (axis,)
    return execute(SQUEEZE, (input,), {"axis": None if axis is None else tuple(axis)}, name)


def _transpose_infer(ts, attrs):
    s = ts[0].shape
    perm = attrs["perm"]
    if s.rank is None:
        return [(TensorShape(None if perm is None else [None] * len(perm)), ts[0].dtype)]
    dims = s.dims
    if perm is None:
        return [(TensorShape(dims[::-1]), ts[0].dtype)]
    if sorted(perm) != list(range(len(dims))):
        raise InvalidArgumentError(f"transpose: perm {list(perm)} is not a permutation of the "
                                   f"{len(dims)} dimensions of the input.")
    return [(TensorShape([dims[p] for p in perm]), ts[0].dtype)]


@op("Transpose", infer=_transpose_infer)
def TRANSPOSE(xp, x, perm):
    return xp.transpose(x, perm)


@TRANSPOSE.gradient
def _transpose_grad(op, g):
    perm = op.attrs["perm"]
    inv = None if perm is None else tuple(int(i) for i in np.argsort(perm))
    return [execute(TRANSPOSE, (g,), {"perm": inv})]


def transpose(a, perm=None, name="transpose", conjugate=False):
    if isinstance(perm, EagerTensor):
        perm = perm._value
    return execute(TRANSPOSE, (a,), {"perm": None if perm is None else
                                      tuple(int(p) for p in perm)}, name)


# --- selection -------------------------------------------------------------------------------

@op("Select", unify=(1, 2), grad_inputs=(1, 2),
    infer=lambda ts, a: [(broadcast_shape([t.shape for t in ts], "Select"), ts[1].dtype)])
def SELECT(xp, cond, x, y):
    return xp.where(cond, x, y)


@SELECT.gradient
def _select_grad(op, g):
    cond = op.inputs[0]
    zero = zeros_like(g)
    return [None, where(cond, g, zero), where(cond, zero, g)]


@op("Where", differentiable=False,
    infer=lambda ts, a: [(TensorShape([None, ts[0].shape.rank]), dtypes.int64)])
def WHERE_INDICES(xp, cond):
    return xp.argwhere(cond).astype(np.int64)


def where(condition, x=None, y=None, name=None):
    if x is None and y is None:
        return execute(WHERE_INDICES, (condition,), _NO, name)
    if x is None or y is None:
        raise ValueError("where: x and y must both be given or both be None.")
    return execute(SELECT, (condition, x, y), _NO, name)


def where_v2(condition, x=None, y=None, name=None):
    return where(condition, x, y, name)


def _one_hot_infer(ts, attrs):
    s = ts[0].shape
    if s.rank is None:
        return [(TensorShape(None), attrs["dtype"])]
    dims = list(s.dims)
    axis = attrs["axis"]
    dims.insert(len(dims) if axis == -1 else axis, attrs["depth"])
    return [(TensorShape(dims), attrs["dtype"])]


@op("OneHot", differentiable=False, infer=_one_hot_infer)
def ONE_HOT(xp, indices, depth, on_value, off_value, axis, dtype):
    hot = xp.asarray(indices)[..., None] == xp.arange(depth)
    out = xp.where(hot, xp.asarray(on_value, dtype._np), xp.asarray(off_value, dtype._np))
    if axis != -1 and axis != out.ndim - 1:
        out = xp.moveaxis(out, -1, axis)
    return out


def one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None):
    if dtype is None:
        dtype = (on_value.dtype if isinstance(on_value, TensorLike) else dtypes.float32)
    dtype = dtypes.as_dtype(dtype)
    on = 1 if on_value is None else _scalar_value(on_value)
    off = 0 if off_value is None else _scalar_value(off_value)
    return execute(ONE_HOT, (indices,), {"depth": int(depth), "on_value": on, "off_value": off,
                                         "axis": -1 if axis is None else int(axis),
                                         "dtype": dtype}, name)


def _scalar_value(v):
    if isinstance(v, EagerTensor):
        return v._value.item()
    return v


from ..util.export import export_many  # noqa: E402

export_many("", {
    "convert_to_tensor": convert_to_tensor, "constant": constant, "cast": cast,
    "saturate_cast": saturate_cast, "shape": shape, "size": size, "rank": rank,
    "identity": identity, "stop_gradient": stop_gradient, "broadcast_to": broadcast_to,
    "zeros": zeros, "ones": ones, "fill": fill, "zeros_like": zeros_like, "ones_like": ones_like,
    "reshape": reshape, "expand_dims": expand_dims, "squeeze": squeeze, "transpose": transpose,
    "where": where, "one_hot": one_hot,
})
export_many("v1", {"placeholder": placeholder, "placeholder_with_default":
                   placeholder_with_default, "to_float": to_float, "to_int32": to_int32,
                   "where_v2": where_v2})


@SUM_TO_LIKE.bind_to
def _bind_sum_to_like(xp, operation, store, shapes):
    g_shape, x_shape = shapes
    if not (g_shape.is_fully_defined() and x_shape.is_fully_defined()):
        return functools.partial(SUM_TO_LIKE.kernel, xp)
    g_shape, x_shape = tuple(g_shape.as_list()), tuple(x_shape.as_list())
    if g_shape == x_shape:
        return lambda g, x: g
    lead = len(g_shape) - len(x_shape)
    axes = tuple(range(lead)) + tuple(i + lead for i, d in enumerate(x_shape)
                                      if d == 1 and g_shape[i + lead] != 1)
    reduce, reshape = xp.add.reduce, xp.reshape
    return lambda g, x: reshape(reduce(g, axis=axes), x_shape)
