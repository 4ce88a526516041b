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
    from ..saving.keras_compat import register_keras_op_layers
    register_keras_op_layers()


_register()
