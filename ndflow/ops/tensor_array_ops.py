"""tf.TensorArray: a list of tensors that loops write and read, with gradients.

A TensorArray is a Python object around a `flow`: a variant tensor whose value is a
`ListValue` of arrays (None for an element not written yet). Every write makes a new
value and a new flow, so flows are values: they pass through while_loop as loop
variables, a loop's history keeps each iteration's list, and gradients flow back through
them as tuples of gradients (None for zero). A write costs O(1) time (ListValue versions
share one list), so a loop of n writes is O(n), eagerly and in graphs.
"""
import numpy as np

from ..framework import dtypes
from ..framework.errors import InvalidArgumentError
from ..framework.registry import execute, op
from ..framework.tensor import ListValue
from ..framework.tensor_shape import TensorShape, as_shape
from ..util.export import export_many
from . import array_ops

_VARIANT = [(TensorShape(None), dtypes.variant)]


def _variant(ts, attrs):
    return _VARIANT


def _element(ts, attrs):
    return [(attrs["element_shape"], attrs["dtype"])]


def _stacked(ts, attrs):
    return [(TensorShape([None]).concatenate(attrs["element_shape"]), attrs["dtype"])]


def _unwritten(i):
    return InvalidArgumentError(f"TensorArray: could not read index {i}: it has not been "
                                "written to yet (and its element shape is not fully known).")


def _filled(xp, items, element_shape, dtype):
    """The items with unwritten ones as zeros (needs a written item or a known element shape)."""
    # Identity tests only: the items are arrays, and `in`/`index` would compare them elementwise.
    missing = [i for i, v in enumerate(items) if v is None]
    if not missing:
        return list(items)
    known = next((x for x in items if x is not None), None)
    if known is not None:
        zero = xp.zeros_like(known)
    elif element_shape.is_fully_defined():
        zero = xp.zeros(element_shape.as_list(), dtype._np)
    else:
        raise _unwritten(missing[0])
    return [zero if v is None else v for v in items]


@op("TensorListReserve", differentiable=False, infer=_variant)
def RESERVE(xp, size, element_shape, dtype):
    return ListValue([None] * int(size))


@op("TensorListLength", differentiable=False,
    infer=lambda ts, a: [(TensorShape([]), dtypes.int32)])
def LENGTH(xp, flow):
    return xp.asarray(len(flow), xp.int32)


@op("TensorListSetItem", infer=_variant)
def SET_ITEM(xp, flow, index, value, dynamic_size, element_shape, dtype):
    i = int(index)
    if i < 0 or (i >= len(flow) and not dynamic_size):
        raise InvalidArgumentError(f"TensorArray: tried to write to index {i} but the array "
                                   f"has size {len(flow)} (and dynamic_size is False).")
    return flow.set(i, value)


@op("TensorListGetItem", infer=_element)
def GET_ITEM(xp, flow, index, element_shape, dtype):
    i = int(index)
    if not 0 <= i < len(flow):
        raise InvalidArgumentError(f"TensorArray: tried to read index {i} of an array of size "
                                   f"{len(flow)}.")
    v = flow[i]
    if v is None:
        return _filled(xp, flow.items(), element_shape, dtype)[i]
    return v


@op("TensorListStack", infer=_stacked)
def STACK(xp, flow, element_shape, dtype):
    if not flow:
        if element_shape.is_fully_defined():
            return xp.zeros([0] + element_shape.as_list(), dtype._np)
        raise InvalidArgumentError("TensorArray: cannot stack an empty array whose element "
                                   "shape is not fully known.")
    return xp.stack(_filled(xp, flow.items(), element_shape, dtype))


@op("TensorListFromTensor", infer=_variant)
def FROM_TENSOR(xp, value):
    return ListValue(value[i] for i in range(value.shape[0]))


@op("TensorListGather", infer=_stacked)
def GATHER(xp, flow, indices, element_shape, dtype):
    items = _filled(xp, flow.items(), element_shape, dtype)
    if xp.size(indices):
        return xp.stack([items[int(i)] for i in xp.ravel(indices)])
    return xp.zeros([0] + list(xp.shape(items[0]) if items else element_shape.as_list()),
                    dtype._np)


@op("TensorListScatter", infer=_variant)
def SCATTER(xp, flow, indices, value, dynamic_size, element_shape, dtype):
    items = list(flow)
    for k, i in enumerate(xp.ravel(indices)):
        i = int(i)
        if i >= len(items):
            if not dynamic_size:
                raise InvalidArgumentError(f"TensorArray: scatter index {i} is out of range for "
                                           f"size {len(flow)}.")
            items += [None] * (i + 1 - len(items))
        items[i] = value[k]
    return ListValue(items)


@op("TensorListConcat", differentiable=False,
    infer=lambda ts, a: [(TensorShape(None), a["dtype"])])
def CONCAT(xp, flow, element_shape, dtype):
    return xp.concatenate(_filled(xp, flow.items(), element_shape, dtype), axis=0)


@op("TensorListSplit", differentiable=False, infer=_variant)
def SPLIT(xp, value, lengths):
    bounds = xp.cumsum(xp.ravel(lengths))[:-1].tolist()
    return ListValue(xp.split(value, bounds, axis=0))


# --- gradients: a flow's gradient is a tuple of element gradients (None: zero) ------------------

@op("TensorListAddN", differentiable=False, infer=_variant)
def ADD_FLOWS(xp, a, b):
    n = max(len(a), len(b))
    a, b = tuple(a) + (None,) * (n - len(a)), tuple(b) + (None,) * (n - len(b))
    return tuple(y if x is None else x if y is None else x + y for x, y in zip(a, b))


@op("TensorListZerosLike", differentiable=False, infer=_variant)
def ZEROS_FLOW(xp, flow):
    return (None,) * len(flow)


@op("TensorListOneHot", differentiable=False, infer=_variant)
def ONE_HOT_FLOW(xp, flow, index, g):
    items = [None] * len(flow)
    items[int(index)] = g
    return tuple(items)


@op("TensorListItemGrad", differentiable=False, infer=lambda ts, a: [(ts[2].shape, ts[2].dtype)])
def ITEM_GRAD(xp, gflow, index, like):
    i = int(index)
    g = gflow[i] if i < len(gflow) else None
    return xp.zeros_like(like) if g is None else g


@op("TensorListClearItems", differentiable=False, infer=_variant)
def CLEAR_ITEMS(xp, gflow, indices):
    """The gradient flow with the entries at `indices` (a scalar or a vector) zeroed: O(1)
    per index on a ListValue (a loop's backward pass clears one entry a step)."""
    out = gflow if isinstance(gflow, ListValue) else ListValue(gflow)
    n = len(out)
    for i in xp.ravel(indices):
        if int(i) < n:
            out = out.set(int(i), None)
    return out


@op("TensorListStackGrad", differentiable=False,
    infer=lambda ts, a: [(ts[1].shape, ts[1].dtype)])
def STACK_GRAD(xp, gflow, like):
    out = xp.zeros_like(like)
    for i, g in enumerate(gflow[:len(like)]):
        if g is not None:
            out[i] = g
    return out


@op("TensorListGatherGrad", differentiable=False, infer=_variant)
def GATHER_GRAD(xp, flow, indices, g):
    items = [None] * len(flow)
    for k, i in enumerate(xp.ravel(indices)):
        i = int(i)
        items[i] = g[k] if items[i] is None else items[i] + g[k]
    return tuple(items)


@op("TensorListScatterGrad", differentiable=False,
    infer=lambda ts, a: [(ts[2].shape, ts[2].dtype)])
def SCATTER_GRAD(xp, gflow, indices, like):
    out = xp.zeros_like(like)
    for k, i in enumerate(xp.ravel(indices)):
        if int(i) < len(gflow) and gflow[int(i)] is not None:
            out[k] = gflow[int(i)]
    return out


@SET_ITEM.gradient
def _set_item_grad(o, g):
    flow, index, value = o.inputs
    return CLEAR_ITEMS(g, index), None, ITEM_GRAD(g, index, value)


@GET_ITEM.gradient
def _get_item_grad(o, g):
    flow, index = o.inputs
    return ONE_HOT_FLOW(flow, index, g), None


@STACK.gradient
def _stack_grad(o, g):
    return FROM_TENSOR(g)


@FROM_TENSOR.gradient
def _from_tensor_grad(o, g):
    return STACK_GRAD(g, o.inputs[0])


@GATHER.gradient
def _gather_grad(o, g):
    flow, indices = o.inputs
    return GATHER_GRAD(flow, indices, g), None


@SCATTER.gradient
def _scatter_grad(o, g):
    flow, indices, value = o.inputs
    return CLEAR_ITEMS(g, indices), None, SCATTER_GRAD(g, indices, value)


# --- the public class ---------------------------------------------------------------------------

class TensorArray:
    """tf.TensorArray: a list of same-dtype tensors written and read by index.

    Args:
      dtype: element dtype.
      size: number of elements (a Python int or int32 tensor); 0 with dynamic_size=True
        grows on write.
      dynamic_size: whether writes past the end grow the array.
      clear_after_read: accepted for compatibility (values are immutable here).
      element_shape: the static shape of every element, when known.
      infer_shape: if True (default) the first write fixes element_shape.
    """

    def __init__(self, dtype, size=None, dynamic_size=None, clear_after_read=None,
                 tensor_array_name=None, handle=None, flow=None, infer_shape=True,
                 element_shape=None, colocate_with_first_write_call=True, name=None):
        self._dtype = dtypes.as_dtype(dtype)
        self._dynamic_size = bool(dynamic_size)
        self._infer_shape = infer_shape
        self._element_shape = as_shape(element_shape) if element_shape is not None \
            else TensorShape(None)
        if flow is None:
            if size is None:
                if not dynamic_size:
                    raise ValueError("TensorArray: size must be given unless dynamic_size=True.")
                size = 0
            flow = execute(RESERVE, [array_ops.cast(size, dtypes.int32)],
                           {"element_shape": self._element_shape, "dtype": self._dtype})
        self._flow = flow

    def _with_flow(self, flow, element_shape=None):
        ta = TensorArray.__new__(TensorArray)
        ta._dtype, ta._dynamic_size, ta._infer_shape = self._dtype, self._dynamic_size, \
            self._infer_shape
        ta._element_shape = self._element_shape if element_shape is None else element_shape
        ta._flow = flow
        return ta

    @property
    def flow(self):
        return self._flow

    @property
    def dtype(self):
        return self._dtype

    @property
    def element_shape(self):
        return self._element_shape

    @property
    def dynamic_size(self):
        return self._dynamic_size

    def _attrs(self):
        return {"element_shape": self._element_shape, "dtype": self._dtype}

    def _value(self, value):
        v = array_ops.convert_to_tensor(value, dtype=self._dtype)
        shape = self._element_shape
        if self._infer_shape or shape.rank is not None:
            if not shape.is_compatible_with(v.shape):
                raise ValueError(f"TensorArray: could not write a value of shape {v.shape} to "
                                 f"an array whose elements have shape {shape}.")
            shape = shape.merge_with(v.shape) if self._infer_shape else shape
        return v, shape

    def write(self, index, value, name=None):
        v, shape = self._value(value)
        flow = execute(SET_ITEM, [self._flow, array_ops.cast(index, dtypes.int32), v],
                       dict(self._attrs(), dynamic_size=self._dynamic_size))
        return self._with_flow(flow, shape)

    def read(self, index, name=None):
        return execute(GET_ITEM, [self._flow, array_ops.cast(index, dtypes.int32)],
                       self._attrs())

    def stack(self, name=None):
        return execute(STACK, [self._flow], self._attrs())

    def gather(self, indices, name=None):
        return execute(GATHER, [self._flow, array_ops.cast(indices, dtypes.int32)],
                       self._attrs())

    def unstack(self, value, name=None):
        v = array_ops.convert_to_tensor(value, dtype=self._dtype)
        element = v.shape[1:] if v.shape.rank is not None else TensorShape(None)
        return self._with_flow(execute(FROM_TENSOR, [v], {}),
                               self._element_shape.merge_with(element))

    def scatter(self, indices, value, name=None):
        v = array_ops.convert_to_tensor(value, dtype=self._dtype)
        flow = execute(SCATTER, [self._flow, array_ops.cast(indices, dtypes.int32), v],
                       dict(self._attrs(), dynamic_size=self._dynamic_size))
        element = v.shape[1:] if v.shape.rank is not None else TensorShape(None)
        return self._with_flow(flow, self._element_shape.merge_with(element))

    def concat(self, name=None):
        return execute(CONCAT, [self._flow], self._attrs())

    def split(self, value, lengths, name=None):
        v = array_ops.convert_to_tensor(value, dtype=self._dtype)
        return self._with_flow(execute(SPLIT, [v, array_ops.cast(lengths, dtypes.int64)], {}))

    def size(self, name=None):
        return execute(LENGTH, [self._flow], {})

    def identity(self):
        return self

    def close(self, name=None):
        return None

    def mark_used(self):
        pass

    def __repr__(self):
        return f"<tf.TensorArray dtype={self._dtype.name} element_shape={self._element_shape}>"


export_many("", {"TensorArray": TensorArray})
