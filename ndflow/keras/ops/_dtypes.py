"""Keras's dtype conventions for keras.ops: Python numbers become int32/float32 tensors,
integer inputs to float-valued ops become float32."""
import ndflow as tf


def tensor(x, dtype=None):
    """`x` as a tensor (of `dtype` when given); a symbolic input stays symbolic."""
    if dtype is not None:
        return tf.cast(x, dtype) if tf.is_tensor(x) else tf.convert_to_tensor(x, dtype=dtype)
    return tf.convert_to_tensor(x)


def float_type(dtype):
    return dtype if dtype.is_floating else tf.float32


def as_float(x):
    """`x` as a floating tensor: integers and booleans become float32."""
    x = tensor(x)
    return x if x.dtype.is_floating else tf.cast(x, "float32")
