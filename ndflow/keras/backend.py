"""keras.backend: global Keras settings (floatx, epsilon, image data format) and the
per-session name counters that make layer names unique ("dense", "dense_1", ...)."""
import collections

import numpy as np

_FLOATX = "float32"
_EPSILON = 1e-7
_IMAGE_DATA_FORMAT = "channels_last"
_NAME_UIDS = collections.defaultdict(int)


def floatx():
    return _FLOATX


def set_floatx(value):
    global _FLOATX
    if value not in ("float16", "bfloat16", "float32", "float64"):
        raise ValueError("Unknown floatx type: expected one of float16, bfloat16, float32, "
                         f"float64. Received: {value!r}")
    _FLOATX = str(value)


def epsilon():
    return _EPSILON


def set_epsilon(value):
    global _EPSILON
    _EPSILON = float(value)


def image_data_format():
    return _IMAGE_DATA_FORMAT


def set_image_data_format(data_format):
    global _IMAGE_DATA_FORMAT
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError("The data_format argument must be one of 'channels_first', "
                         f"'channels_last'. Received: {data_format!r}")
    _IMAGE_DATA_FORMAT = data_format


def standardize_data_format(data_format):
    if data_format is None:
        return _IMAGE_DATA_FORMAT
    value = str(data_format).lower()
    if value not in ("channels_last", "channels_first"):
        raise ValueError("The data_format argument must be one of 'channels_first', "
                         f"'channels_last'. Received: {data_format!r}")
    return value


def get_uid(prefix=""):
    """1, 2, 3... per prefix since the last clear_session."""
    _NAME_UIDS[prefix] += 1
    return _NAME_UIDS[prefix]


def unique_object_name(prefix):
    """'dense' the first time, then 'dense_1', 'dense_2'..., like Keras."""
    n = get_uid(prefix)
    return prefix if n == 1 else f"{prefix}_{n - 1}"


def reset_uids():
    _NAME_UIDS.clear()


def clear_session(free_memory=True):
    """Resets layer-name counters (and the default TF1 graph, as tf.keras does)."""
    reset_uids()
    from ..framework import graph as _graph
    from ..framework.context import state
    state.learning_phase = None
    if not state.graph_stack:
        _graph.reset_default_graph()


def is_keras_tensor(x):
    from .layers.keras_tensor import KerasTensor
    return isinstance(x, KerasTensor)


def backend():
    return "ndflow"


def int_shape(x):
    shape = getattr(x, "shape", None)
    if shape is None:
        return None
    if hasattr(shape, "as_list"):
        return tuple(shape.as_list()) if shape.rank is not None else None
    return tuple(shape)


def dtype(x):
    d = getattr(x, "dtype", None)
    return getattr(d, "name", str(d)) if d is not None else None


def get_value(x):
    return np.asarray(x.numpy() if hasattr(x, "numpy") else x)


def set_value(x, value):
    x.assign(np.asarray(value))


def batch_get_value(tensors):
    return [get_value(t) for t in tensors]


def batch_set_value(tuples):
    for x, value in tuples:
        set_value(x, value)


def learning_phase():
    """Keras 2's learning phase: 1 while training, 0 in inference (0 until set)."""
    from ..framework.context import state
    return 0 if state.learning_phase is None else state.learning_phase


def set_learning_phase(value):
    """Keras 2's `set_learning_phase(0 or 1)`: the `training` that layers called without one
    get. Deprecated in Keras 2.x in favour of passing `training=`; kept for old programs."""
    if value not in (0, 1):
        raise ValueError(f"Expected learning phase to be 0 or 1, got {value!r}.")
    from ..framework.context import state
    state.learning_phase = int(value)
