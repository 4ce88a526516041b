"""The `keras.ops` operations Keras 3 records in Functional graphs for masks.

A Keras 3 Functional model computes the masks of `Embedding(mask_zero=True)` and `Masking`
with ops on Keras tensors (`not_equal`, `any`), and its `.keras` config lists them as nodes
(`{"module": "keras.src.ops.numpy", "class_name": "NotEqual", ...}`) whose outputs feed
the next layer's `mask=`. These small layers rebuild such nodes so the files load.
"""
import ndflow
from .base import Layer


class _KerasOp(Layer):
    """A node of a Keras 3 Functional graph that applies one `keras.ops` function."""

    _keras_module = "keras.src.ops.numpy"

    def get_config(self):
        return {"name": self.name}

    def get_build_config(self):
        return None  # Keras 3 writes none for ops (and cannot read one back)

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class NotEqual(_KerasOp):
    """`keras.ops.not_equal(x1, x2)` as a graph node."""

    def __init__(self, name=None, **kwargs):
        super().__init__(name=name, **kwargs)

    def call(self, x1, x2):
        return ndflow.not_equal(x1, x2)


class Equal(_KerasOp):
    """`keras.ops.equal(x1, x2)` as a graph node."""

    def __init__(self, name=None, **kwargs):
        super().__init__(name=name, **kwargs)

    def call(self, x1, x2):
        return ndflow.equal(x1, x2)


class LogicalOr(_KerasOp):
    """`keras.ops.logical_or(x1, x2)` as a graph node."""

    def __init__(self, name=None, **kwargs):
        super().__init__(name=name, **kwargs)

    def call(self, x1, x2):
        return ndflow.logical_or(ndflow.cast(x1, "bool"), ndflow.cast(x2, "bool"))


class LogicalAnd(_KerasOp):
    """`keras.ops.logical_and(x1, x2)` as a graph node."""

    def __init__(self, name=None, **kwargs):
        super().__init__(name=name, **kwargs)

    def call(self, x1, x2):
        return ndflow.logical_and(ndflow.cast(x1, "bool"), ndflow.cast(x2, "bool"))


class _Reduction(_KerasOp):
    def __init__(self, axis=None, keepdims=False, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.axis = axis
        self.keepdims = keepdims

    def get_config(self):
        return {"name": self.name, "axis": self.axis, "keepdims": self.keepdims}


class Any(_Reduction):
    """`keras.ops.any(x, axis, keepdims)` as a graph node."""

    def call(self, x):
        return ndflow.reduce_any(ndflow.cast(x, "bool"), axis=self.axis,
                                 keepdims=self.keepdims)


class All(_Reduction):
    """`keras.ops.all(x, axis, keepdims)` as a graph node."""

    def call(self, x):
        return ndflow.reduce_all(ndflow.cast(x, "bool"), axis=self.axis,
                                 keepdims=self.keepdims)


# --- arithmetic on Keras tensors (`x + 1`, `x * y`, `-x`, `x[:, 0]`) --------------------------
# Keras 3 records these as `keras.ops` nodes too (module keras.src.ops.numpy, class Add...),
# so a model built with them saves a file Keras 3 loads, and Keras 3's files load here.

class _Binary(_KerasOp):
    def __init__(self, name=None, **kwargs):
        super().__init__(name=name, **kwargs)


class Add(_Binary):
    """`keras.ops.add(x1, x2)` as a graph node (what `x1 + x2` on Keras tensors makes)."""

    def call(self, x1, x2):
        return x1 + x2


class Subtract(_Binary):
    """`keras.ops.subtract(x1, x2)` as a graph node (`x1 - x2`)."""

    def call(self, x1, x2):
        return x1 - x2


class Multiply(_Binary):
    """`keras.ops.multiply(x1, x2)` as a graph node (`x1 * x2`)."""

    def call(self, x1, x2):
        return x1 * x2


class TrueDivide(_Binary):
    """`keras.ops.true_divide(x1, x2)` as a graph node (`x1 / x2`)."""

    def call(self, x1, x2):
        return x1 / x2


class Negative(_KerasOp):
    """`keras.ops.negative(x)` as a graph node (`-x`)."""

    def __init__(self, name=None, **kwargs):
        super().__init__(name=name, **kwargs)

    def call(self, x):
        return -x


class GetItem(_KerasOp):
    """`x[key]` on a Keras tensor as a graph node; the key (ints, slices, None, ...) is the
    node's second argument, a list in saved files as Keras writes it."""

    def __init__(self, name=None, **kwargs):
        super().__init__(name=name, **kwargs)

    def call(self, x, key):
        return x[tuple(key) if isinstance(key, list) else key]


# --- any ndflow op on Keras tensors (tf.keras 2's TFOpLambda habit) -------------------------
# `tf.one_hot(inputs, 10)`, `tf.concat([a, b], -1)`, `tf.reduce_mean(x, axis=1)`... inside a
# Functional model definition: the engine hands the primitive op to KerasTensor._dispatch_op
# (the composite hook), which calls `op_node` below. One node per primitive, its attributes
# and non-Keras inputs (numbers, arrays, constant tensors) kept in the layer's config.

def op_node(op, inputs, attrs, name):
    """The Keras tensor(s) of `op` applied to `inputs` (some of them Keras tensors): a
    TFOpLambda layer called on those Keras tensors."""
    from ...framework.tensor import EagerTensor, SymbolicTensor
    from .keras_tensor import KerasTensor
    inputs = [_pack_keras_list(x) if isinstance(x, (list, tuple)) else x for x in inputs]
    layout, constants, keras_inputs = [], [], []
    for x in inputs:
        if isinstance(x, KerasTensor):
            layout.append(len(keras_inputs))
            keras_inputs.append(x)
            continue
        if isinstance(x, SymbolicTensor):
            raise TypeError(f"{op.name}: cannot mix Keras tensors (keras.Input and layer "
                            f"outputs) with graph tensor {x.name} in one op; build the model "
                            "from Keras tensors and constants only.")
        if isinstance(x, EagerTensor):
            x = x.numpy()
        layout.append(None)
        constants.append(x)
    op_name = name if isinstance(name, str) and name else None
    # named as tf.keras 2 named these layers: "tf.concat", "tf.math.reduce_mean"...
    layer_name = _unique("tf." + (_TF_NAMES.get(op.name) or op_name or _snake(op.name)))
    return TFOpLambda(op.name, attrs, layout, constants, op_name=op_name,
                      name=layer_name)(*keras_inputs)


_TF_NAMES = {"Mean": "math.reduce_mean", "Sum": "math.reduce_sum", "Max": "math.reduce_max",
             "Min": "math.reduce_min", "Prod": "math.reduce_prod", "Relu": "nn.relu",
             "Softmax": "nn.softmax", "Sigmoid": "math.sigmoid", "Tanh": "math.tanh",
             "ConcatV2": "concat", "Pack": "stack", "Unpack": "unstack"}


def _snake(op_name):
    from .base import to_snake_case
    return to_snake_case(op_name)


def _pack_keras_list(values):
    from .keras_tensor import KerasTensor
    from ...framework.registry import get_op
    from ...framework.dispatch import execute
    if not any(isinstance(v, (KerasTensor, list, tuple)) for v in values):
        return values
    parts = tuple(_pack_keras_list(v) if isinstance(v, (list, tuple)) else v for v in values)
    if not any(isinstance(v, KerasTensor) for v in parts):
        return values
    return execute(get_op("Pack"), parts, {"axis": 0}, "stack")


class TFOpLambda(Layer):
    """A Functional-graph node running one ndflow op (made when an op is called on Keras
    tensors, as tf.keras 2's TFOpLambda was).

    Args:
      op: The registered op's name ("OneHot", "ConcatV2", "Mean"...).
      attrs: The op's attributes (JSON-able values, dtypes, shapes, arrays).
      layout: One entry per op input: the index of the Keras tensor passed to the layer, or
        None for the next of `constants`.
      constants: The op's other inputs (numbers, arrays), in order.
      op_name: The name passed to the op (optional).
      name: The layer's name (default "tf.<op name in snake case>").
      **kwargs: Base Layer arguments (`trainable`, `dtype`).

    Raises:
      ValueError: If `op` is not a registered op, or takes functions or graphs.
    """

    def __init__(self, op, attrs=None, layout=None, constants=None, op_name=None, name=None,
                 **kwargs):
        from ...framework.registry import REGISTRY
        if not isinstance(op, str) or op not in REGISTRY:
            raise ValueError(f"TFOpLambda: `op` must name a registered ndflow op. Received: "
                             f"op={op!r}")
        kwargs.pop("dtype", None)  # outputs take the op's own dtypes
        super().__init__(name=name or _unique(f"tf.{_snake(op)}"), **kwargs)
        self.op = op
        self._nd_opdef = REGISTRY[op]
        self.attrs = dict(attrs or {})
        self.layout = list(layout if layout is not None else [0])
        self.constants = list(constants or [])
        self.op_name = op_name
        self.autocast = False

    def call(self, *inputs):
        from ...framework.dispatch import execute
        from ...framework.registry import _NO_ATTRS
        constants = iter(self.constants)
        args = tuple(next(constants) if i is None else inputs[i] for i in self.layout)
        out = execute(self._nd_opdef, args, self.attrs or _NO_ATTRS, self.op_name)
        return list(out) if isinstance(out, (list, tuple)) else out

    def get_config(self):
        return {"name": self.name, "trainable": self.trainable, "op": self.op,
                "attrs": {k: _encode(v, self.op, k) for k, v in self.attrs.items()},
                "layout": self.layout,
                "constants": [_encode(c, self.op, "constant") for c in self.constants],
                "op_name": self.op_name}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["attrs"] = {k: _decode(v) for k, v in (config.get("attrs") or {}).items()}
        config["constants"] = [_decode(c) for c in config.get("constants") or []]
        return cls(**config)

    def get_build_config(self):
        return None


def _unique(prefix):
    from .. import backend
    return backend.unique_object_name(prefix)


def _encode(value, op, what):
    """`value` as JSON: tuples, dtypes, shapes and arrays tagged so `_decode` restores them."""
    import numpy as np
    from ...framework import dtypes
    from ...framework.tensor_shape import TensorShape
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, list):
        return [_encode(v, op, what) for v in value]
    if isinstance(value, tuple):
        return {"__tuple__": [_encode(v, op, what) for v in value]}
    if isinstance(value, dtypes.DType):
        return {"__dtype__": value.name}
    if isinstance(value, TensorShape):
        return {"__shape__": None if value.rank is None else value.as_list()}
    if isinstance(value, (np.ndarray, np.generic)) and value.dtype.kind in "biuf":
        return {"__ndarray__": np.asarray(value).tolist(), "dtype": value.dtype.name,
                "shape": list(np.shape(value))}
    if isinstance(value, slice):
        return {"__slice__": [_encode(v, op, what) for v in (value.start, value.stop,
                                                                value.step)]}
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {"__dict__": {k: _encode(v, op, what) for k, v in value.items()}}
    raise ValueError(f"Cannot save the Keras op node of {op}: its {what} {str(value)[:80]!r} "
                     f"(a {type(value).__name__}) has no JSON form. Use a Keras layer or a "
                     "Lambda layer with a registered function for this computation.")


def _decode(value):
    import numpy as np
    from ...framework import dtypes
    from ...framework.tensor_shape import TensorShape
    from ..saving.serialization_lib import plain_dtype
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "__tuple__" in value:
        return tuple(_decode(v) for v in value["__tuple__"])
    if "__dtype__" in value:
        return dtypes.as_dtype(plain_dtype(value["__dtype__"], "TFOpLambda attribute").name)
    if "__shape__" in value:
        return TensorShape(value["__shape__"])
    if "__ndarray__" in value:
        dtype = plain_dtype(value.get("dtype"), "TFOpLambda constant")
        arr = np.array(value["__ndarray__"], dtype=dtype)
        return arr.reshape(value.get("shape", arr.shape))
    if "__slice__" in value:
        return slice(*(_decode(v) for v in value["__slice__"]))
    if "__dict__" in value:
        return {k: _decode(v) for k, v in value["__dict__"].items()}
    raise ValueError(f"TFOpLambda: unreadable stored value {str(value)[:120]!r}")


# --- K.gradients of Keras tensors ---------------------------------------------------------

def gradient_nodes(loss, targets):
    """Keras tensors holding d(sum of loss)/d(target) for each of `targets` (model inputs
    from keras.Input, or variables), computed when the graph runs (see `Gradients`)."""
    from ...framework.variables import Variable
    from .input_layer import InputLayer
    from .keras_tensor import KerasTensor
    sources = upstream_inputs(loss)
    for t in targets:
        if isinstance(t, KerasTensor):
            if not isinstance(t._keras_history[0], InputLayer):
                raise ValueError(
                    "K.gradients: with respect to a Keras tensor, only model inputs "
                    f"(keras.Input / K.placeholder) are supported; {t!r} is the output of "
                    f"layer {t._keras_history[0].name!r}. Split the model there, or use "
                    "tf.GradientTape in a train step.")
            if not any(t is s for s in sources):
                raise ValueError(f"K.gradients: {t!r} is not an input that `loss` depends on.")
        elif not isinstance(t, Variable):
            raise TypeError(f"K.gradients: `variables` must hold Keras input tensors or "
                            f"variables. Received: {t!r}")
    layer = Gradients(loss, sources, targets)
    outputs = layer(*sources)
    return list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]


def upstream_inputs(tensor):
    """The keras.Input tensors `tensor` depends on, in first-found order."""
    from .input_layer import InputLayer
    found, seen, stack = [], set(), [tensor]
    while stack:
        t = stack.pop()
        if id(t) in seen:
            continue
        seen.add(id(t))
        layer, node_index, _ = t._keras_history
        if isinstance(layer, InputLayer):
            found.append(t)
            continue
        stack.extend(reversed(layer._inbound_nodes[node_index].input_tensors))
    return found


class Gradients(Layer):
    """A graph node computing gradients of a model piece (Keras 2's `K.gradients` on Keras
    tensors): when called on the piece's inputs it reruns the piece under a GradientTape.
    Not serializable (it exists for `K.function`)."""

    def __init__(self, loss, sources, targets, name=None, **kwargs):
        super().__init__(name=name or _unique("gradients"), **kwargs)
        from ..models.functional import Functional
        self._nd_piece = Functional(list(sources), loss, name=f"{self.name}_piece")
        self._nd_targets = list(targets)
        self._nd_sources = list(sources)

    def call(self, *inputs):
        from ...framework.autodiff import GradientTape
        from .keras_tensor import KerasTensor
        inputs = list(inputs)
        with GradientTape() as tape:
            for x in inputs:
                tape.watch(x)
            loss = self._nd_piece(inputs if len(inputs) > 1 else inputs[0])
        wrt = [inputs[next(i for i, s in enumerate(self._nd_sources) if s is t)]
               if isinstance(t, KerasTensor) else t for t in self._nd_targets]
        grads = tape.gradient(loss, wrt)
        from ...ops import array_ops
        grads = [array_ops.zeros_like(w) if g is None else g for g, w in zip(grads, wrt)]
        return grads if len(grads) > 1 else grads[0]

    def get_config(self):
        raise NotImplementedError("A model holding K.gradients nodes cannot be saved: compute "
                                  "gradients with tf.GradientTape instead.")


TENSOR_OPS = {"add": Add, "subtract": Subtract, "multiply": Multiply, "divide": TrueDivide,
              "negative": Negative, "get_item": GetItem}
# by class name, for configs whose module is keras.src.ops.* (Add and Subtract are also
# merge layers' names: the module tells them apart)
KERAS_OPS_BY_NAME = {cls.__name__: cls for cls in
                     (NotEqual, Equal, LogicalOr, LogicalAnd, Any, All, *TENSOR_OPS.values())}

KERAS_OP_CLASSES = (NotEqual, Equal, LogicalOr, LogicalAnd, Any, All)
for _cls in KERAS_OPS_BY_NAME.values():
    _cls.__module__ = _cls._keras_module  # saved as Keras saves them


def _register():
    from ..saving import object_registration
    from ..saving.keras_compat import register_keras_op_layers
    register_keras_op_layers()
    object_registration._GLOBAL_CUSTOM_OBJECTS.setdefault("TFOpLambda", TFOpLambda)
    object_registration._GLOBAL_CUSTOM_NAMES.setdefault(TFOpLambda, "TFOpLambda")


_register()
