"""Symbolic Keras tensors and the nodes that connect layers in a Functional graph.

A KerasTensor is a light placeholder: shape (a tuple, None for unknown dims), dtype and
`_keras_history` = (layer, node_index, tensor_index). Calling a layer on KerasTensors
records a Node; output shapes come from tracing the layer's `call` once into a private
ndflow graph (so every op's static shape inference serves Keras too, and no layer needs
a hand-written `compute_output_shape`). Running a Functional model later walks the
recorded nodes on real tensors, with no graph machinery per step.

Any ndflow op called on Keras tensors (`tf.one_hot(inputs, 10)`, `tf.concat([a, b], -1)`,
`tf.nn.relu(x)`, tf.keras 2's TFOpLambda habit) becomes a node too: a KerasTensor is a
TensorLike (so `convert_to_tensor` hands it through) and a composite with `_dispatch_op`,
the hook the engine's dispatch offers composites, which wraps the primitive op in a
`TFOpLambda` layer (ops_layers.py). No engine change.
"""
import itertools

from ...framework import dtypes
from ...framework.tensor import TensorLike
from ...util import nest
from ...util.composite import CompositeTensor

_node_ids = itertools.count()


class KerasShape(tuple):
    """A Keras tensor's shape: a tuple (Keras 3), with TensorShape's common queries too
    (`rank`, `as_list()`, `dims`...) for ndflow ops that read them before dispatching."""

    __slots__ = ()

    @property
    def rank(self):
        return len(self)

    ndims = rank

    @property
    def dims(self):
        return list(self)

    def as_list(self):
        return list(self)

    def is_fully_defined(self):
        return all(d is not None for d in self)

    def num_elements(self):
        if not self.is_fully_defined():
            return None
        n = 1
        for d in self:
            n *= d
        return n

    def __getitem__(self, key):
        out = tuple.__getitem__(self, key)
        return KerasShape(out) if isinstance(key, slice) else out


class _KerasGraph:
    """What a KerasTensor gives for `_graph`: not None, so the engine never reads it as an
    eager value, and conversions hand the tensor on to the op, which dispatches it."""

    __slots__ = ()


_KERAS_GRAPH = _KerasGraph()


class KerasTensor(TensorLike, CompositeTensor):
    __slots__ = ("_shape", "dtype", "name", "_keras_history", "sparse", "ragged_rank",
                 "__weakref__")

    def __init__(self, shape, dtype="float32", name=None, sparse=False, ragged=False,
                 ragged_rank=None):
        self.shape = shape
        self.dtype = dtypes.as_dtype(dtype)
        self.name = name
        self.sparse = sparse
        # a ragged Keras tensor stands for a RaggedTensor with this many ragged dims (0: dense)
        self.ragged_rank = (ragged_rank or 1) if ragged else 0
        self._keras_history = None

    @property
    def shape(self):
        return self._shape

    @shape.setter
    def shape(self, value):
        self._shape = KerasShape(None if d is None else int(d) for d in value)

    @property
    def ragged(self):
        return self.ragged_rank > 0

    # --- ndflow ops on Keras tensors ------------------------------------------------------
    _graph = _KERAS_GRAPH

    def _read_in_graph(self, g):  # convert_to_tensor(keras_tensor): the tensor itself
        return self

    def read_value(self):
        return self

    def _dispatch_op(self, op, inputs, attrs, name):
        from .ops_layers import op_node
        return op_node(op, inputs, attrs, name)

    def get_shape(self):
        return self.shape

    @property
    def ndim(self):
        return len(self.shape)

    def __repr__(self):
        return (f"<KerasTensor shape={self.shape}, dtype={self.dtype.name}, "
                f"sparse={self.sparse}, name={self.name}>")

    def __hash__(self):
        return id(self)

    def __bool__(self):
        raise TypeError("A symbolic KerasTensor cannot be used as a Python bool: it has no "
                        "value until the model runs.")

    def numpy(self):
        raise TypeError(f"{self!r} is symbolic: it has no value. Build a keras.Model from it "
                        "and call the model on data.")

    def __array__(self, dtype=None, copy=None):
        raise TypeError(f"{self!r} is symbolic and cannot be converted to a NumPy array. "
                        "Use it as input to Keras layers, then build a keras.Model.")

    # Arithmetic on Keras tensors becomes a small op layer in the graph (like keras.ops).
    def _op(self, fn, other=None, reverse=False, name="op"):
        from .ops_layers import TENSOR_OPS  # the `keras.ops` node Keras 3 records, too
        args = (self,) if other is None else ((other, self) if reverse else (self, other))
        return TENSOR_OPS[name]()(*args)

    def __add__(self, o): return self._op(_add, o, name="add")
    def __radd__(self, o): return self._op(_add, o, True, name="add")
    def __sub__(self, o): return self._op(_sub, o, name="subtract")
    def __rsub__(self, o): return self._op(_sub, o, True, name="subtract")
    def __mul__(self, o): return self._op(_mul, o, name="multiply")
    def __rmul__(self, o): return self._op(_mul, o, True, name="multiply")
    def __truediv__(self, o): return self._op(_div, o, name="divide")
    def __rtruediv__(self, o): return self._op(_div, o, True, name="divide")
    def __neg__(self): return self._op(_neg, name="negative")

    # other operators: the ndflow op, recorded as an op node (TFOpLambda)
    def __pow__(self, o): return _math().pow(self, o)
    def __rpow__(self, o): return _math().pow(o, self)
    def __matmul__(self, o): return _linalg().matmul(self, o)
    def __rmatmul__(self, o): return _linalg().matmul(o, self)
    def __floordiv__(self, o): return _math().floordiv(self, o)
    def __rfloordiv__(self, o): return _math().floordiv(o, self)
    def __mod__(self, o): return _math().floormod(self, o)
    def __abs__(self): return _math().abs(self)
    def __gt__(self, o): return _math().greater(self, o)
    def __ge__(self, o): return _math().greater_equal(self, o)
    def __lt__(self, o): return _math().less(self, o)
    def __le__(self, o): return _math().less_equal(self, o)
    def __and__(self, o): return _math().logical_and(self, o)
    def __or__(self, o): return _math().logical_or(self, o)
    def __invert__(self): return _math().logical_not(self)

    def __getitem__(self, key):
        from .ops_layers import GetItem
        return GetItem()(self, key)


def _math():
    from ...ops import math_ops
    return math_ops


def _linalg():
    from ...ops import linalg_ops
    return linalg_ops


def _add(a, b): return a + b
def _sub(a, b): return a - b
def _mul(a, b): return a * b
def _div(a, b): return a / b
def _neg(a): return -a


class Node:
    """One application of `layer` to Keras tensors: its call arguments and outputs."""

    def __init__(self, layer, call_args, call_kwargs, outputs):
        self.id = next(_node_ids)
        self.layer = layer
        self.call_args = call_args
        self.call_kwargs = call_kwargs
        self.outputs = outputs                        # nested structure of KerasTensors
        self.output_tensors = nest.flatten(outputs)
        self.input_tensors = [t for t in nest.flatten((call_args, call_kwargs))
                              if isinstance(t, KerasTensor)]
        self.is_input = not self.input_tensors
        node_index = len(layer._inbound_nodes)
        layer._inbound_nodes.append(self)
        for i, t in enumerate(self.output_tensors):
            t._keras_history = (layer, node_index, i)
        for t in self.input_tensors:
            t._keras_history[0]._outbound_nodes.append(self)

    @property
    def parent_nodes(self):
        return [t._keras_history[0]._inbound_nodes[t._keras_history[1]]
                for t in self.input_tensors]

    @property
    def input_shapes(self):
        shapes = [t.shape for t in self.input_tensors]
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def output_shapes(self):
        shapes = [t.shape for t in self.output_tensors]
        return shapes[0] if len(shapes) == 1 else shapes


def is_keras_tensor(x):
    return isinstance(x, KerasTensor)


def any_keras_tensor(structure):
    return any(isinstance(t, KerasTensor) for t in nest.flatten(structure))
