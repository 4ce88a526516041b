"""Conversion of values to tensors: convert_to_tensor, constant, placeholder.

These are part of the engine (autodiff, function tracing and variables convert values), so
they live here; ndflow.ops.array_ops re-exports them. The few other primitives they need
(Pack for a list holding tensors, Cast, Reshape) are looked up by name in the registry at
call time, so this module imports nothing above the framework.
"""
import numpy as np

from . import dtypes
from .errors import InvalidArgumentError
from .graph import graph_for_building, get_default_graph
from .registry import (_execute_graph, capture_eager, cast_array, constant_in_graph,
                       default_array, execute, get_op, op)
from .tensor import EagerTensor, SymbolicTensor, TensorLike
from .tensor_shape import as_shape


def convert_to_tensor(value, dtype=None, dtype_hint=None, name=None, graph=None,
                      preferred_dtype=None):
    """Converts a tensor, variable, NumPy array or Python value to a `Tensor`.

    Tensors are returned as they are, variables are read, and other values become constants.

    Args:
      value: The object to convert.
      dtype: Optional required dtype; Python values are converted to it, but a tensor of
        another dtype is an error (no implicit cast).
      dtype_hint: Optional dtype used for Python values when `dtype` is None.
      name: A name for a created constant (optional).
      graph: Optional graph to create the constant in.
      preferred_dtype: TF1's name for `dtype_hint`.

    Returns:
      A `Tensor`.

    Raises:
      ValueError: If `value` is a tensor whose dtype differs from `dtype`.
      TypeError: If `value` cannot be converted.

    Example:

    >>> ndflow.convert_to_tensor([1, 2], dtype_hint=ndflow.float32).dtype
    tf.float32
    """
    dtype = None if dtype is None else dtypes.as_dtype(dtype)
    hint = dtype_hint or preferred_dtype
    c = value.__class__
    if c is EagerTensor or c is SymbolicTensor:
        if dtype is not None and value.dtype != dtype:
            raise ValueError(f"Tensor conversion requested dtype {dtype.name} for Tensor with "
                             f"dtype {value.dtype.name}: {value!r}")
        if c is EagerTensor and (graph is not None or graph_for_building() is not None):
            return capture_eager(value, graph or graph_for_building())
        return value
    if isinstance(value, TensorLike):  # Variable
        g = graph or graph_for_building()
        t = value._read_in_graph(g) if g is not None or value._graph is not None else \
            value.read_value()
        if dtype is not None and t.dtype != dtype:
            raise ValueError(f"Tensor conversion requested dtype {dtype.name} for variable "
                             f"{value.name} with dtype {value.dtype.name}")
        return t
    if isinstance(value, (list, tuple)) and _contains_tensor(value):
        inferred = _first_tensor_dtype(value)
        return _autopack(value, dtype or inferred, dtype not in (None, inferred), graph)
    if dtype is not None:
        arr = cast_array(value, dtype._np)
    else:
        arr = default_array(value)
        if hint is not None and not isinstance(value, np.ndarray):
            try:
                arr = cast_array(value, dtypes.as_dtype(hint)._np)
            except (TypeError, ValueError):
                pass
    g = graph if graph is not None else graph_for_building()
    if g is not None:
        return constant_in_graph(arr, g, name)
    return EagerTensor(arr)


def _autopack(value, dtype, cast, graph):
    """A (nested) list holding tensors packed into one tensor of `dtype`, as TensorFlow packs
    it: Python values take `dtype`; a tensor of another dtype is cast when `dtype` was asked
    for (`cast`), else it is an error."""
    parts = []
    for v in value:
        if isinstance(v, (list, tuple)) and _contains_tensor(v):
            v = _autopack(v, dtype, cast, graph)
        elif isinstance(v, TensorLike):
            v = convert_to_tensor(v, graph=graph)
            if v.dtype != dtype and cast:
                v = execute(get_op("Cast"), (v,), {"dtype": dtype}, None)
            elif v.dtype != dtype and (graph or graph_for_building()) is not None:
                raise TypeError(f"Cannot convert a list containing a tensor of dtype {v.dtype!r} "
                                f"to {dtype!r} (Tensor is: {v!r})")  # (eagerly: Pack's error)
        else:
            v = convert_to_tensor(v, dtype, graph=graph)
        parts.append(v)
    return execute(get_op("Pack"), tuple(parts), {"axis": 0}, "stack")


def _first_tensor_dtype(value):
    for v in value:
        if isinstance(v, TensorLike):
            return v.dtype
        if isinstance(v, (list, tuple)):
            d = _first_tensor_dtype(v)
            if d is not None:
                return d
    return None


def _contains_tensor(v):
    return any(isinstance(x, TensorLike) or (isinstance(x, (list, tuple)) and _contains_tensor(x))
               for x in v)


def constant(value, dtype=None, shape=None, name="Const", verify_shape=False):
    """Creates a tensor holding a copy of `value`.

    Python floats become `float32` and Python ints `int32` unless `dtype` says otherwise (NumPy
    arrays keep their dtype). Inside a graph the result is a `Const` node.

    Args:
      value: A Python number, a (nested) list, or a NumPy array.
      dtype: Optional `DType` of the result; the value is converted to it.
      shape: Optional shape. A scalar `value` is broadcast to it; otherwise the number of
        elements must match and the value is reshaped.
      name: A name for the operation (default "Const").
      verify_shape: Accepted for TF1 compatibility.

    Returns:
      A `Tensor`.

    Raises:
      TypeError: If `value` cannot be given `shape` or converted to `dtype`.

    Example:

    >>> ndflow.constant([[1, 2], [3, 4]], dtype=ndflow.float32).numpy()
    array([[1., 2.],
           [3., 4.]], dtype=float32)
    >>> ndflow.constant(0.0, shape=[2]).numpy()
    array([0., 0.], dtype=float32)
    """
    if isinstance(value, TensorLike):
        t = convert_to_tensor(value)
        if dtype is not None and t.dtype != dtypes.as_dtype(dtype):
            t = execute(get_op("Cast"), (t,), {"dtype": dtypes.as_dtype(dtype)}, None)
        if shape is None:
            return t
        dims = tuple(-1 if d is None else int(d) for d in as_shape(shape).as_list())
        return execute(get_op("Reshape"), (t,), {"shape": dims}, None)
    dt = None if dtype is None else dtypes.as_dtype(dtype)
    arr = cast_array(value, dt._np) if dt is not None else default_array(value)
    if arr is value:
        arr = arr.copy()
    if shape is not None:
        shape = tuple(as_shape(shape).as_list())
        if arr.size == 1:
            arr = np.full(shape, arr.reshape(()), dtype=arr.dtype)
        elif arr.size == int(np.prod(shape)) and not verify_shape:
            arr = arr.reshape(shape)
        else:
            raise TypeError(f"constant: cannot give {arr.size} values the shape {shape}.")
    g = graph_for_building()
    if g is not None:
        return constant_in_graph(arr, g, name)
    return EagerTensor(arr)


@op("Placeholder", differentiable=False,
    infer=lambda ts, a: [(a["shape"], a["dtype"])])
def PLACEHOLDER(xp, dtype, shape):
    raise InvalidArgumentError("A placeholder must be fed.")


def placeholder(dtype, shape=None, name=None):
    """A graph input that Session.run feeds (TF1)."""
    g = graph_for_building() or get_default_graph()
    attrs = {"dtype": dtypes.as_dtype(dtype), "shape": as_shape(shape)}
    return _execute_graph(PLACEHOLDER, (), attrs, name or "Placeholder", g)
