"""keras.utils: label and array helpers, downloads, datasets of batches, seeding.

Progbar, plot_model and the serialization helpers live in their own modules and are
re-exported lazily (module __getattr__), so importing keras.utils stays light.
"""
import importlib
import numbers
import random

import numpy as np

from ...framework.random_seed import set_seed as _set_ndflow_seed
from ...ops import array_ops as A
from ...ops import math_ops as M
from .data_utils import PyDataset, Sequence, get_file, split_dataset  # noqa: F401

# name -> module (relative to ndflow.keras) that defines it
_LAZY = {
    "Progbar": ".utils.progbar",
    "plot_model": ".utils.plotting",
    "model_to_dot": ".utils.plotting",
    "register_keras_serializable": ".saving",
    "get_registered_object": ".saving",
    "get_registered_name": ".saving",
    "serialize_keras_object": ".saving",
    "deserialize_keras_object": ".saving",
    "custom_object_scope": ".saving",
    "CustomObjectScope": ".saving",
    "image_dataset_from_directory": ".utils.directory_datasets",
    "audio_dataset_from_directory": ".utils.directory_datasets",
    "text_dataset_from_directory": ".utils.directory_datasets",
    "timeseries_dataset_from_array": ".utils.timeseries",
    "load_img": ".utils.image_utils",
    "img_to_array": ".utils.image_utils",
    "array_to_img": ".utils.image_utils",
    "save_img": ".utils.image_utils",
    "pad_sequences": ".utils.sequence_utils",
    "get_custom_objects": ".saving",
}


def __getattr__(name):
    if name in ("np_utils", "vis_utils"):  # Keras 2 module paths
        return importlib.import_module(f".{name}", __name__)
    if name in _LAZY:
        module = importlib.import_module(_LAZY[name], "ndflow.keras")
        return getattr(module, name)
    raise AttributeError(f"module 'ndflow.keras.utils' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))


def _symbolic(x):
    from ...framework.tensor import SymbolicTensor
    return isinstance(x, SymbolicTensor)


def _is_tensor(x):
    from ...framework.tensor import Tensor
    from ...framework.variables import Variable
    return isinstance(x, (Tensor, Variable))


def to_categorical(y, num_classes=None, dtype="float32"):
    """One-hot encodes integer class labels: shape (..., ) -> (..., num_classes).

    A trailing dimension of size 1 (labels shaped (n, 1)) is dropped first, as in Keras.
    `num_classes` defaults to max(y) + 1. Labels must be integers (integral floats are
    accepted) in [0, num_classes). NumPy in, NumPy out; an ndflow tensor in, a tensor out.
    """
    if _symbolic(y):
        if num_classes is None:
            raise ValueError("to_categorical: `num_classes` is required for a graph tensor, "
                             "whose largest label is unknown until it runs")
        labels = A.cast(y, "int64")
        if y.shape.rank and y.shape.rank > 1 and y.shape[-1] == 1:
            labels = A.squeeze(labels, axis=-1)
        return A.one_hot(labels, num_classes, dtype=dtype)
    as_tensor = _is_tensor(y)
    labels = _integer_labels(y)
    if labels.ndim > 1 and labels.shape[-1] == 1:
        labels = labels[..., 0]
    if num_classes is None:
        num_classes = int(labels.max()) + 1 if labels.size else 0
    elif isinstance(num_classes, bool) or not isinstance(num_classes, numbers.Integral) \
            or num_classes < 1:
        raise ValueError("to_categorical: `num_classes` must be a positive int. Received: "
                         f"num_classes={num_classes!r}")
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        bad = labels[(labels < 0) | (labels >= num_classes)][0]
        raise ValueError(f"to_categorical: labels must be in [0, {num_classes}) for "
                         f"num_classes={num_classes}. Received a label {bad}")
    categorical = np.zeros(labels.shape + (int(num_classes),), dtype=np.dtype(dtype))
    np.put_along_axis(categorical, labels[..., None], 1, axis=-1)
    return A.constant(categorical) if as_tensor else categorical


def _integer_labels(y):
    labels = np.asarray(y)
    if labels.dtype == np.bool_:
        return labels.astype(np.int64)
    if np.issubdtype(labels.dtype, np.integer):
        return labels
    if np.issubdtype(labels.dtype, np.floating):
        if not np.all(np.isfinite(labels)) or np.any(labels != np.round(labels)):
            raise ValueError("to_categorical: labels must be integers; received "
                             f"non-integral {labels.dtype} values")
        return labels.astype(np.int64)
    raise TypeError("to_categorical: labels must be integers. Received an array of dtype "
                    f"{labels.dtype}")


def normalize(x, axis=-1, order=2):
    """Scales `x` to unit L`order` norm along `axis` (None: over the whole array).

    Slices whose norm is 0 are left as they are. Integer input gives float32 (never a silent
    float64); float input keeps its dtype. NumPy in, NumPy out; ndflow tensors use ndflow ops.
    """
    if not (order == np.inf or (isinstance(order, numbers.Integral)
                                and not isinstance(order, bool) and order >= 1)):
        raise ValueError("normalize: `order` must be an int >= 1 or numpy.inf. Received: "
                         f"order={order!r}")
    if _is_tensor(x):
        return _normalize_tensor(x, axis, order)
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(np.float32)
    flat = x.reshape(-1) if axis is None else x
    norm = np.linalg.norm(flat, ord=order, axis=None if axis is None else axis,
                          keepdims=axis is not None)
    norm = np.where(norm == 0, np.ones_like(norm), norm)
    return x / norm


def _normalize_tensor(x, axis, order):
    x = A.convert_to_tensor(x)
    if not x.dtype.is_floating:
        x = A.cast(x, "float32")
    magnitude = M.abs(x)
    if order == np.inf:
        norm = M.reduce_max(magnitude, axis=axis, keepdims=True)
    elif order == 1:
        norm = M.reduce_sum(magnitude, axis=axis, keepdims=True)
    else:
        total = M.reduce_sum(M.pow(magnitude, float(order)), axis=axis, keepdims=True)
        norm = M.pow(total, 1.0 / order)
    norm = A.where(M.equal(norm, 0.0), A.ones_like(norm), norm)
    return x / norm


def set_random_seed(seed):
    """Seeds Python's `random`, NumPy's global generator and ndflow (ndflow.random.set_seed),
    so a program's weights, shuffles and dropout repeat from run to run."""
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise ValueError("set_random_seed: `seed` must be an int. Received: "
                         f"seed={seed!r} (of type {type(seed).__name__})")
    seed = int(seed)
    if not 0 <= seed < 2**32:
        raise ValueError("set_random_seed: `seed` must be in [0, 2**32). Received: "
                         f"seed={seed}")
    random.seed(seed)
    np.random.seed(seed)
    _set_ndflow_seed(seed)
    # initializers now take their default seeds from Python's `random`, as Keras 3 does
    from ...framework.context import state
    state.eager_generators["keras python seed"] = True
