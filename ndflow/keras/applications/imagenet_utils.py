"""keras.applications.imagenet_utils: ImageNet preprocessing and decoding, and the checks
and file handling every application shares.

Pretrained files (weights, the class index) are looked for under
`$NDFLOW_DATA_DIR/models/` and `~/.keras/models/` (`$KERAS_HOME/models/` when set), and
downloaded into the first of these when missing and the machine is online. Offline, the
error names the file, the address it comes from and where to place it.
"""
import json
import os

import numpy as np

from ...framework.errors import UnavailableError
from ...framework.tensor import TensorLike
from ...ops import join_ops, math_ops
from .. import activations, backend

CLASS_INDEX_FILE = "imagenet_class_index.json"
CLASS_INDEX_URL = ("https://storage.googleapis.com/download.tensorflow.org/data/"
                   + CLASS_INDEX_FILE)
_CLASS_INDEX = None

# caffe: BGR means of ImageNet; torch: RGB means and standard deviations.
_CAFFE_MEAN_BGR = (103.939, 116.779, 123.68)
_TORCH_MEAN = (0.485, 0.456, 0.406)
_TORCH_STD = (0.229, 0.224, 0.225)


# --- files ----------------------------------------------------------------------------------

def model_dirs():
    """Where application files are looked for, in order (the first is where downloads go)."""
    dirs = []
    if os.environ.get("NDFLOW_DATA_DIR"):
        dirs.append(os.path.join(os.environ["NDFLOW_DATA_DIR"], "models"))
    keras_home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"),
                                                              ".keras")
    dirs.append(os.path.join(keras_home, "models"))
    return dirs


def get_model_file(fname, origin):
    """The local path of `fname` (a weights file or the class index), downloading it from
    `origin` into the cache when it is nowhere local.

    Raises:
      UnavailableError: offline (or the download failed) and the file is not present; the
        message names the file, its address and the places it is looked for.
    """
    dirs = model_dirs()
    for directory in dirs:
        path = os.path.join(directory, fname)
        if os.path.isfile(path):
            return path
    from ..utils.data_utils import download
    target = os.path.join(dirs[0], fname)
    try:
        os.makedirs(dirs[0], exist_ok=True)
        return download([origin], target)
    except (UnavailableError, OSError) as e:
        places = " or ".join(dirs)
        raise UnavailableError(
            f"Cannot get '{fname}': it is not in {places}, and downloading it from {origin} "
            f"failed ({type(e).__name__}: {str(e).splitlines()[0]}). On a machine without "
            f"network, download {origin} elsewhere and place it at {target}.") from None


# --- argument checks ------------------------------------------------------------------------

def check_weights_argument(weights, include_top, classes):
    if not (weights in ("imagenet", None) or (isinstance(weights, (str, os.PathLike)) and
                                              os.path.exists(weights))):
        raise ValueError("The `weights` argument should be either `None` (random "
                         "initialization), 'imagenet' (pre-training on ImageNet), or the path "
                         f"to the weights file to be loaded. Received: weights={weights}")
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError("If using `weights='imagenet'` with `include_top=True`, `classes` "
                         f"should be 1000. Received: classes={classes}")


def validate_activation(classifier_activation, weights):
    """Pretrained classifiers take only `softmax` or None as their last activation."""
    if weights is None:
        return
    activation = activations.get(classifier_activation)
    if activation not in (activations.get("softmax"), activations.get(None), None):
        raise ValueError("Only `None` and `softmax` activations are allowed for the "
                         "`classifier_activation` argument when using pretrained weights, "
                         f"with `include_top=True`; Received: "
                         f"classifier_activation={classifier_activation}")


def obtain_input_shape(input_shape, default_size, min_size, data_format, require_flatten,
                       weights=None):
    """The model's input shape (without batch) from the user's `input_shape`, checked
    against what the architecture and the pretrained weights need."""
    last = data_format == "channels_last"
    channels = 3
    if weights != "imagenet" and input_shape and len(input_shape) == 3:
        channels = input_shape[-1] if last else input_shape[0]
    default = (default_size, default_size, channels) if last else \
        (channels, default_size, default_size)
    if weights == "imagenet" and require_flatten:
        if input_shape is not None and tuple(input_shape) != default:
            raise ValueError("When setting `include_top=True` and loading `imagenet` weights, "
                             f"`input_shape` should be {default}. Received: "
                             f"input_shape={input_shape}")
        return default
    if input_shape:
        input_shape = tuple(input_shape)
        if len(input_shape) != 3:
            raise ValueError("`input_shape` must be a tuple of three integers. Received: "
                             f"input_shape={input_shape}")
        ch = input_shape[-1] if last else input_shape[0]
        spatial = input_shape[:2] if last else input_shape[1:]
        if weights == "imagenet" and ch != 3:
            raise ValueError("The input must have 3 channels; Received "
                             f"`input_shape={input_shape}`")
        if any(d is not None and d < min_size for d in spatial):
            raise ValueError(f"Input size must be at least {min_size}x{min_size}; Received: "
                             f"input_shape={input_shape}")
    else:
        input_shape = default if require_flatten else \
            ((None, None, 3) if last else (3, None, None))
    if require_flatten and None in input_shape:
        raise ValueError("If `include_top` is True, you should specify a static "
                         f"`input_shape`. Received: input_shape={input_shape}")
    return input_shape


# --- preprocessing --------------------------------------------------------------------------

def _channel_axis(ndim, data_format):
    return ndim - 1 if data_format == "channels_last" else (0 if ndim == 3 else 1)


def _per_channel(x, values, axis, ndim):
    shape = [1] * ndim
    shape[axis] = len(values)
    return np.asarray(values, np.float32).reshape(shape)


def preprocess_input(x, data_format=None, mode="caffe"):
    """Scales a batch of images (RGB, 0..255) as the pretrained weights expect.

    Args:
      x: NumPy array or tensor of images, 3D or 4D.
      data_format: "channels_last" or "channels_first" (default: the Keras setting).
      mode: "caffe" (RGB to BGR, then the ImageNet mean subtracted per channel), "tf"
        (scaled to [-1, 1]) or "torch" (scaled to [0, 1], then normalized by ImageNet's
        per-channel mean and standard deviation).

    Returns:
      The preprocessed images, float32 (a new array: unlike Keras, a NumPy input is never
      modified in place).

    Raises:
      ValueError: an unknown `mode` or `data_format`.
    """
    if mode not in ("caffe", "tf", "torch"):
        raise ValueError("Expected mode to be one of `caffe`, `tf` or `torch`. Received: "
                         f"mode={mode}")
    data_format = backend.standardize_data_format(data_format)
    is_tensor = isinstance(x, TensorLike)
    if not is_tensor:
        x = np.asarray(x)
        if x.dtype != np.float64:
            x = x.astype(backend.floatx())
    elif not x.dtype.is_floating:
        x = math_ops.cast(x, backend.floatx())
    ndim = len(x.shape)
    axis = _channel_axis(ndim, data_format)
    if mode == "tf":
        return x / 127.5 - 1.0
    if mode == "torch":
        x = x / 255.0
        return (x - _per_channel(x, _TORCH_MEAN, axis, ndim)) / \
            _per_channel(x, _TORCH_STD, axis, ndim)
    x = join_ops.reverse(x, [axis]) if is_tensor else np.flip(x, axis)
    return x - _per_channel(x, _CAFFE_MEAN_BGR, axis, ndim)


def _load_class_index():
    global _CLASS_INDEX
    if _CLASS_INDEX is None:
        path = get_model_file(CLASS_INDEX_FILE, CLASS_INDEX_URL)
        with open(path, "rb") as f:
            data = f.read(1 << 20)
        try:
            index = json.loads(data.decode("utf-8"))
            index = {int(k): (str(v[0]), str(v[1])) for k, v in index.items()}
        except (ValueError, TypeError, IndexError, KeyError, AttributeError) as e:
            raise ValueError(f"'{path}' is not ImageNet's class index (a JSON object "
                             f"'0': [wnid, name], ...): {e}") from None
        _CLASS_INDEX = index
    return _CLASS_INDEX


def decode_predictions(preds, top=5):
    """The `top` ImageNet classes of each prediction, as lists of (class id, name, score).

    Needs `imagenet_class_index.json` (see the module docstring for where it is found).

    Raises:
      ValueError: `preds` is not a batch of 1000-class predictions.
    """
    if isinstance(preds, TensorLike):
        preds = preds.numpy()
    preds = np.asarray(preds)
    if preds.ndim != 2 or preds.shape[1] != 1000:
        raise ValueError("`decode_predictions` expects a batch of predictions (i.e. a 2D "
                         "array of shape (samples, 1000)). Received array with shape: "
                         f"{preds.shape}")
    index = _load_class_index()
    results = []
    for pred in preds:
        best = pred.argsort()[-top:][::-1]
        row = [index[int(i)] + (pred[i],) for i in best]
        row.sort(key=lambda item: item[2], reverse=True)
        results.append(row)
    return results


__all__ = ["preprocess_input", "decode_predictions"]
