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


KERAS_OP_CLASSES = (NotEqual, Equal, LogicalOr, LogicalAnd, Any, All)
for _cls in KERAS_OP_CLASSES:
    _cls.__module__ = _cls._keras_module  # saved as Keras saves them


def _register():
    from ..saving.keras_compat import register_keras_op_layers
    register_keras_op_layers()


_register()
