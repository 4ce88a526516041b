"""Tensors as arrays: conversion, casting, shape queries, identity, broadcasting, filled
tensors (zeros, ones, fill, *_like), reshaping and transposing, where and one_hot, and the
helpers that read shape and axis arguments (used by every op library)."""
import functools

import numpy as np

from ..framework import dtypes
from ..framework.errors import InvalidArgumentError
from ..framework.graph import graph_for_building
from ..framework.plan import forward
from ..framework.registry import CONST, constant_in_graph, execute, get_op, op
from ..framework.shape_fns import broadcast_shape, unary
from ..framework.tensor import EagerTensor, SymbolicTensor, TensorLike
from ..framework.tensor_shape import TensorShape
from . import elementwise_jit as _EJ

_NO = {}


# --- conversion and constants ---------------------------------------------------------------

# convert_to_tensor, constant and placeholder are the engine's; every op library uses them
from ..framework.constant_op import constant, convert_to_tensor, placeholder  # noqa: E402,F401


def placeholder_with_default(input, shape, name=None):  # noqa: A002 - TF's name
    """A TF1 placeholder that yields `input` when it is not fed.

    ndflow returns `identity(input)`; feeding the result tensor in `Session.run` replaces the
    default, as with any fed tensor.

    Args:
      input: The default value (a `Tensor` or convertible value).
      shape: The placeholder's shape (accepted for compatibility).
      name: A name for the operation (optional).

    Returns:
      A `Tensor` equal to `input` unless fed.
    """
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
    """Converts `x` to `dtype`.

    Floating-point to integer truncates towards zero; booleans become 0/1. Returns `x` itself when
    it already has `dtype`. A composite tensor (e.g. `RaggedTensor`) casts its values.

    Args:
      x: A `Tensor` or a value convertible to one.
      dtype: The target `DType` (or anything `ndflow.as_dtype` accepts, e.g. `"float32"`).
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of `x`'s shape with dtype `dtype`.

    Gradient: `dy` cast back to `x`'s dtype when both dtypes are floating-point or complex;
    none through a cast to or from an integer type.

    Example:

    >>> ndflow.cast([1.7, -1.7], ndflow.int32).numpy()
    array([ 1, -1], dtype=int32)
    """
    dtype = dtypes.as_dtype(dtype)
    if x.__class__ is not EagerTensor and x.__class__ is not SymbolicTensor and \
            not hasattr(x, "_dispatch_op"):  # a composite (RaggedTensor) casts its values
        x = convert_to_tensor(x)
    if x.dtype == dtype:
        return x
    return execute(CAST, (x,), {"dtype": dtype}, name)


def saturate_cast(value, dtype, name=None):
    """Casts `value` to `dtype`.

    ndflow performs a plain `cast`: values outside the target type's range are not clamped to
    its limits as TensorFlow does, so keep them in range.

    Args:
      value: A `Tensor`.
      dtype: The target `DType`.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of `value`'s shape and dtype `dtype`.
    """
    return cast(value, dtype, name)


def to_float(x, name="ToFloat"):
    """TF1: casts `x` to `float32`.

    Args:
      x: A `Tensor`.
      name: A name for the operation (default "ToFloat").

    Returns:
      A `float32` `Tensor`.
    """
    return cast(x, dtypes.float32, name)


def to_int32(x, name="ToInt32"):
    """TF1: casts `x` to `int32` (floats truncate towards zero).

    Args:
      x: A `Tensor`.
      name: A name for the operation (default "ToInt32").

    Returns:
      An `int32` `Tensor`.
    """
    return cast(x, dtypes.int32, name)


@op("Shape", differentiable=False,
    infer=lambda ts, a: [(TensorShape([ts[0].shape.rank]), a["out_type"])])
def SHAPE(xp, x, out_type):
    return xp.asarray(x.shape, dtype=out_type._np)


def shape(input, out_type=dtypes.int32, name=None):  # noqa: A002
    """Returns the dynamic shape of `input` as a 1-D integer tensor.

    Unlike `input.shape` (the static `TensorShape`, possibly with unknown dimensions), this is the
    shape when the graph runs.

    Args:
      input: A `Tensor`.
      out_type: `int32` (default) or `int64`.
      name: A name for the operation (optional).

    Returns:
      A 1-D `Tensor` of `out_type` with one entry per dimension.

    Example:

    >>> ndflow.shape([[1, 2, 3], [4, 5, 6]]).numpy()
    array([2, 3], dtype=int32)
    """
    return execute(SHAPE, (input,), {"out_type": dtypes.as_dtype(out_type)}, name)


@op("Size", differentiable=False, infer=lambda ts, a: [(TensorShape([]), a["out_type"])])
def SIZE(xp, x, out_type):
    return xp.asarray(x.size, dtype=out_type._np)


def size(input, out_type=dtypes.int32, name=None):  # noqa: A002
    """Returns the number of elements of `input` as a scalar tensor.

    Args:
      input: A `Tensor`.
      out_type: `int32` (default) or `int64`.
      name: A name for the operation (optional).

    Returns:
      A scalar `Tensor` of `out_type`.
    """
    return execute(SIZE, (input,), {"out_type": dtypes.as_dtype(out_type)}, name)


@op("Rank", differentiable=False, infer=lambda ts, a: [(TensorShape([]), dtypes.int32)])
def RANK(xp, x):
    return xp.asarray(x.ndim, dtype=xp.int32)


def rank(input, name=None):  # noqa: A002
    """Returns the number of dimensions of `input` as a scalar `int32` tensor.

    Args:
      input: A `Tensor`.
      name: A name for the operation (optional).

    Returns:
      A scalar `int32` `Tensor`.
    """
    return execute(RANK, (input,), _NO, name)


# --- identity and gradient control -------------------------------------------------------------

@op("Identity", infer=unary)
def IDENTITY(xp, x):
    return x


@IDENTITY.gradient
def _identity_grad(op, g):
    return [g]


def identity(input, name=None):  # noqa: A002
    """Returns a tensor with the same shape, dtype and values as `input`.

    In a graph this adds a node, useful to give a value a name or to read a variable's current
    value.

    Args:
      input: A `Tensor` (or a variable, whose value is read).
      name: A name for the operation (optional).

    Returns:
      A `Tensor` equal to `input`.

    Gradient: `dy` unchanged.
    """
    return execute(IDENTITY, (input,), _NO, name)


@op("StopGradient", infer=unary, differentiable=False)
def STOP_GRADIENT(xp, x):
    return x


def stop_gradient(input, name=None):  # noqa: A002
    """Returns `input` unchanged, but blocks gradients from flowing through it.

    Tapes and `gradients()` treat the result as a constant: useful for targets (e.g. in
    Q-learning) and for values that must not be trained through.

    Args:
      input: A `Tensor`.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` equal to `input`.

    Example:

    >>> x = ndflow.Variable(3.0)
    >>> with ndflow.GradientTape() as tape:
    ...     y = x * ndflow.stop_gradient(x)
    >>> float(tape.gradient(y, x))
    3.0
    """
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


@BROADCAST_TO_LIKE.bind_to
def _bind_broadcast_to_like(xp, operation, store, shapes):
    """g passed on where the two static shapes are equal (a metric's scalar sample weight:
    np.broadcast_to's Python layers cost ~2.4 us a call)."""
    g_shape, x_shape = shapes
    if g_shape.is_fully_defined() and x_shape.is_fully_defined() and g_shape == x_shape:
        return forward  # (the plan passes g on)
    return functools.partial(BROADCAST_TO_LIKE.kernel, xp)


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
    """Broadcasts `input` to `shape` (NumPy's rules: dimensions of size 1 stretch).

    Args:
      input: A `Tensor`.
      shape: A list, tuple or 1-D integer tensor: the target shape.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of shape `shape` and `input`'s dtype.

    Raises:
      InvalidArgumentError: If `input`'s shape is not broadcast-compatible with `shape`.

    Gradient: summed back over the broadcast axes.

    Example:

    >>> ndflow.broadcast_to([1, 2], [2, 2]).numpy()
    array([[1, 2],
           [1, 2]], dtype=int32)
    """
    return execute(BROADCAST_TO, (input,), {"shape": _static_shape(shape)}, name)


def _static_shape(shape):
    if isinstance(shape, EagerTensor):  # a 0-d shape is one dimension, as in TensorFlow
        return tuple(int(d) for d in np.reshape(shape._value, -1))
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
    def symbolic(d):  # a graph tensor, or a composite that dispatches ops (a Keras tensor)
        return isinstance(d, SymbolicTensor) or hasattr(d, "_dispatch_op")
    return symbolic(shape) or (isinstance(shape, (list, tuple)) and any(map(symbolic, shape)))


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
    if _is_symbolic_shape(shape):  # [batch_size, units] with batch_size = tf.shape(x)[0]
        shape = _shape_as_tensor(shape)
    if isinstance(shape, TensorLike) and not isinstance(shape, EagerTensor):
        if shape.shape.rank == 0:  # tf.zeros(tf.shape(x)[0]): one dimension
            shape = reshape(shape, [1])
        return fill(shape, cast(value, dtype) if isinstance(value, TensorLike) else
                    np.asarray(value, dtype._np), name=name)
    arr = np.full(_static_shape(shape), value, dtype=dtype._np)
    g = graph_for_building()
    if g is not None:
        return constant_in_graph(arr, g, name)
    return EagerTensor(arr)


def zeros(shape, dtype=dtypes.float32, name=None):
    """Creates a tensor of the given shape with every element 0.

    Args:
      shape: A list/tuple of ints or a 1-D integer tensor.
      dtype: The dtype of the result (default `float32`).
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of zeros.

    Example:

    >>> ndflow.zeros([2, 3]).shape
    TensorShape([2, 3])
    """
    return _filled(shape, 0, dtype, name or "zeros")


def ones(shape, dtype=dtypes.float32, name=None):
    """Creates a tensor of the given shape with every element 1.

    Args:
      shape: A list/tuple of ints or a 1-D integer tensor.
      dtype: The dtype of the result (default `float32`).
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of ones.

    Example:

    >>> ndflow.ones([2]).numpy()
    array([1., 1.], dtype=float32)
    """
    return _filled(shape, 1, dtype, name or "ones")


@op("Fill", differentiable=False, infer=_from_shape_input_infer)
def FILL(xp, dims, value):
    return xp.full(tuple(int(d) for d in dims), value, dtype=xp.asarray(value).dtype)


def fill(dims, value, name=None):
    """Creates a tensor of shape `dims` with every element equal to `value`.

    Args:
      dims: A 1-D integer tensor or list: the shape.
      value: A scalar: the value, whose dtype the result takes.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of shape `dims`.

    Example:

    >>> ndflow.fill([2, 2], 7).numpy()
    array([[7, 7],
           [7, 7]], dtype=int32)
    """
    return execute(FILL, (dims, value), _NO, name)


@op("ZerosLike", infer=unary, differentiable=False)
def ZEROS_LIKE(xp, x):
    return xp.zeros_like(x)


@op("OnesLike", infer=unary, differentiable=False)
def ONES_LIKE(xp, x):
    return xp.ones_like(x)


def zeros_like(input, dtype=None, name=None, optimize=True):  # noqa: A002
    """Creates a tensor of zeros with the shape (and by default the dtype) of `input`.

    Args:
      input: A `Tensor`.
      dtype: Optional dtype of the result; `input`'s dtype if None.
      name: A name for the operation (optional).
      optimize: Accepted for TensorFlow compatibility; has no effect.

    Returns:
      A `Tensor` of zeros shaped like `input`.
    """
    t = execute(ZEROS_LIKE, (input,), _NO, name)
    return t if dtype is None else cast(t, dtype)


def ones_like(input, dtype=None, name=None, optimize=True):  # noqa: A002
    """Creates a tensor of ones with the shape (and by default the dtype) of `input`.

    Args:
      input: A `Tensor`.
      dtype: Optional dtype of the result; `input`'s dtype if None.
      name: A name for the operation (optional).
      optimize: Accepted for TensorFlow compatibility; has no effect.

    Returns:
      A `Tensor` of ones shaped like `input`.
    """
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
    """Gives `tensor` a new shape with the same elements in the same (row-major) order.

    One entry of `shape` may be -1: that dimension is inferred from the element count. `shape` may
    be a symbolic tensor, in which case the result's static shape is only partly known.

    Args:
      tensor: A `Tensor`.
      shape: A list/tuple of ints or a 1-D integer tensor.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of shape `shape` and `tensor`'s dtype.

    Raises:
      InvalidArgumentError: If the element counts differ or more than one entry is -1.

    Gradient: `dy` reshaped back to `tensor`'s shape.

    Example:

    >>> ndflow.reshape([1, 2, 3, 4], [2, -1]).numpy()
    array([[1, 2],
           [3, 4]], dtype=int32)
    """
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
    """Inserts a dimension of length 1 at position `axis`.

    Args:
      input: A `Tensor`.
      axis: An int in `[-rank - 1, rank]`: where the new axis goes (negative counts from the end).
      name: A name for the operation (optional).

    Returns:
      A `Tensor` with the same data and one more dimension.

    Example:

    >>> ndflow.expand_dims([1, 2], 0).shape
    TensorShape([1, 2])
    """
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
    """Removes dimensions of length 1.

    Args:
      input: A `Tensor`.
      axis: None (remove every length-1 dimension), an int or a list of ints: the dimensions to
        remove, each of which must have length 1.
      name: A name for the operation (optional).
      squeeze_dims: TF1's name for `axis`.

    Returns:
      A `Tensor` with the same data and fewer dimensions.

    Raises:
      InvalidArgumentError: If a dimension named in `axis` is not of length 1.

    Example:

    >>> ndflow.squeeze(ndflow.zeros([1, 3, 1])).shape
    TensorShape([3])
    """
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
    """Permutes the dimensions of `a`.

    Output dimension `i` is input dimension `perm[i]`; with `perm=None` the order is reversed
    (a matrix transpose for 2-D inputs).

    Args:
      a: A `Tensor`.
      perm: A permutation of `range(rank)` (list or 1-D tensor), or None.
      name: A name for the operation (default "transpose").
      conjugate: Accepted for TensorFlow compatibility; complex conjugation is not applied.

    Returns:
      A transposed `Tensor`.

    Raises:
      InvalidArgumentError: If `perm` is not a permutation of the input's dimensions.

    Gradient: `dy` transposed by the inverse permutation.

    Example:

    >>> ndflow.transpose([[1, 2, 3]]).numpy()
    array([[1],
           [2],
           [3]], dtype=int32)
    """
    if isinstance(perm, EagerTensor):
        perm = perm._value
    return execute(TRANSPOSE, (a,), {"perm": None if perm is None else
                                      tuple(int(p) for p in perm)}, name)


# --- selection -------------------------------------------------------------------------------

@op("Select", unify=(1, 2), grad_inputs=(1, 2),
    infer=lambda ts, a: [(broadcast_shape([t.shape for t in ts], "Select"), ts[1].dtype)])
def SELECT(xp, cond, x, y):
    return xp.where(cond, x, y)


@SELECT.bind_to
def _bind_select(xp, operation, store, shapes):
    """On three scalars (a metric's `divide_no_nan`, five a Keras step), a Python choice and a
    0-d copy: ~0.2 us against np.where's ~1.5."""
    dtype = operation.inputs[1].dtype.as_numpy_dtype
    numeric = dtype is not None and np.dtype(dtype).kind in "biufc"
    if xp is np and numeric and all(s.rank == 0 for s in shapes):  # (strings keep np.where)
        array = xp.array
        return lambda cond, x, y: array(x if cond else y)
    return xp.where


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
    """Selects from `x` or `y` by `condition`, or returns the indices where it is true.

    With `x` and `y` given, the result takes `x` where `condition` is true and `y` elsewhere;
    the three are broadcast together (TensorFlow 2's `where`). With neither, it returns the
    coordinates of the true elements as an `int64` matrix of shape `(num_true, rank)`.

    Args:
      condition: A `bool` `Tensor`.
      x: Values where `condition` is true (optional).
      y: Values where `condition` is false, same dtype as `x` (optional).
      name: A name for the operation (optional).

    Returns:
      The selected `Tensor`, or the `int64` coordinates.

    Raises:
      ValueError: If only one of `x` and `y` is given.

    Gradient: `dy` to `x` where `condition` holds and to `y` elsewhere; none to `condition`.

    Example:

    >>> ndflow.where([True, False], [1, 2], [10, 20]).numpy()
    array([ 1, 20], dtype=int32)
    """
    if x is None and y is None:
        return execute(WHERE_INDICES, (condition,), _NO, name)
    if x is None or y is None:
        raise ValueError("where: x and y must both be given or both be None.")
    return execute(SELECT, (condition, x, y), _NO, name)


def where_v2(condition, x=None, y=None, name=None):
    """TF1 name of TensorFlow 2's `where` (broadcasting `condition`, `x` and `y`).

    Args:
      condition: A `bool` `Tensor`.
      x: Values where `condition` is true (optional).
      y: Values where `condition` is false (optional).
      name: A name for the operation (optional).

    Returns:
      The selected `Tensor`, or the `int64` coordinates of true elements when `x` and `y` are
      None.
    """
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
    """One-hot encodes integer `indices`.

    Position `i` along the new axis is `on_value` where `indices == i` and `off_value` elsewhere;
    indices outside `[0, depth)` give a row of `off_value`.

    Args:
      indices: An integer `Tensor` of any shape.
      depth: The length of the new axis.
      on_value: The value at the index (default 1).
      off_value: The value elsewhere (default 0).
      axis: Where the new axis goes (default -1, the last).
      dtype: The result's dtype (default: `on_value`'s dtype if it is a tensor, else `float32`).
      name: A name for the operation (optional).

    Returns:
      A `Tensor` with one more dimension than `indices`.

    Example:

    >>> ndflow.one_hot([0, 2], depth=3).numpy()
    array([[1., 0., 0.],
           [0., 0., 1.]], dtype=float32)
    """
    if dtype is None:
        dtype = (on_value.dtype if isinstance(on_value, TensorLike) else dtypes.float32)
    dtype = dtypes.as_dtype(dtype)
    on = 1 if on_value is None else _scalar_value(on_value)
    off = 0 if off_value is None else _scalar_value(off_value)
    axis = -1 if axis is None else int(axis)
    if isinstance(depth, SymbolicTensor) and depth.op.op_def is not CONST:
        # a depth known only when the graph runs: compare with range(depth)
        from .creation_ops import range as _range
        from .math_ops import cast, equal
        indices = convert_to_tensor(indices)
        rank = indices.shape.rank
        where = axis % (rank + 1) if rank is not None else -1
        hot = equal(expand_dims(indices, where), reshape(
            _range(cast(depth, indices.dtype)), [-1] + [1] * ((rank or 0) - where)
            if where != -1 else [-1]))
        return where_v2(hot, convert_to_tensor(on, dtype), convert_to_tensor(off, dtype),
                        name=name)
    depth = _static_ints(depth, "depth", "one_hot")[0]
    return execute(ONE_HOT, (indices,), {"depth": int(depth), "on_value": on, "off_value": off,
                                         "axis": axis, "dtype": dtype}, name)


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
        return forward  # (the plan passes g on)
    lead = len(g_shape) - len(x_shape)
    axes = tuple(range(lead)) + tuple(i + lead for i, d in enumerate(x_shape)
                                      if d == 1 and g_shape[i + lead] != 1)
    reduce = xp.add.reduce
    if len(axes) == lead and x_shape:  # leading axes only: the sum has x's shape already
        compiled = _EJ.leading_sum(xp, g_shape, lead, False,
                                   operation.inputs[0].dtype.as_numpy_dtype)
        if compiled is not None:  # (the same sums, in one pass)
            return compiled
        return lambda g, x: reduce(g, axes, None, None, False)
    return lambda g, x: reduce(g, axes, None, None, False).reshape(x_shape)
