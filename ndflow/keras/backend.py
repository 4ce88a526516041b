"""keras.backend: global Keras settings (floatx, epsilon, image data format) and the
per-session name counters that make layer names unique ("dense", "dense_1", ...)."""
import collections

import numpy as np

_FLOATX = "float32"
_EPSILON = 1e-7
_IMAGE_DATA_FORMAT = "channels_last"
_NAME_UIDS = collections.defaultdict(int)


def floatx():
    """Returns the default float type of Keras layers and backend functions, as a string.

    Returns:
      The name, "float32" unless changed with `set_floatx`.

    Example:

    >>> from ndflow import keras
    >>> keras.backend.floatx()
    'float32'
    """
    return _FLOATX


def set_floatx(value):
    """Sets the default float type (`floatx()`) for new layers and backend tensors.

    Args:
      value: "float16", "bfloat16", "float32" or "float64".

    Raises:
      ValueError: If `value` is not one of these.
    """
    global _FLOATX
    if value not in ("float16", "bfloat16", "float32", "float64"):
        raise ValueError("Unknown floatx type: expected one of float16, bfloat16, float32, "
                         f"float64. Received: {value!r}")
    _FLOATX = str(value)


def epsilon():
    """Returns the fuzz factor Keras adds to avoid division by zero and log(0).

    Returns:
      A Python float, 1e-7 unless changed with `set_epsilon`.
    """
    return _EPSILON


def set_epsilon(value):
    """Sets the fuzz factor returned by `epsilon()`.

    Args:
      value: A float.
    """
    global _EPSILON
    _EPSILON = float(value)


def image_data_format():
    """Returns the default image layout of convolution and pooling layers.

    Returns:
      "channels_last" (NHWC, the default) or "channels_first".
    """
    return _IMAGE_DATA_FORMAT


def set_image_data_format(data_format):
    """Sets the default image layout returned by `image_data_format()`.

    Args:
      data_format: "channels_last" or "channels_first".

    Raises:
      ValueError: For any other value.
    """
    global _IMAGE_DATA_FORMAT
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError("The data_format argument must be one of 'channels_first', "
                         f"'channels_last'. Received: {data_format!r}")
    _IMAGE_DATA_FORMAT = data_format


def standardize_data_format(data_format):
    """Resolves a layer's `data_format` argument.

    Args:
      data_format: None (use `image_data_format()`), "channels_last" or "channels_first" (any case).

    Returns:
      The lower-case format string.

    Raises:
      ValueError: For any other value.
    """
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
    """Resets the per-prefix counters used to name layers uniquely ("dense", "dense_1", ...)."""
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
    """Tells whether `x` is a symbolic Keras tensor (a functional-model input or layer output).

    Args:
      x: A tensor or array-like.

    Returns:
      True for a `KerasTensor`.
    """
    from .layers.keras_tensor import KerasTensor
    return isinstance(x, KerasTensor)


def backend():
    """Returns the name of the backend running Keras code.

    Returns:
      "ndflow".
    """
    return "ndflow"


def int_shape(x):
    """Returns the static shape of `x` as a tuple of ints (None for unknown dimensions).

    Args:
      x: A tensor or array-like.

    Returns:
      A tuple, or None when the rank is unknown or `x` has no shape.

    Example:

    >>> from ndflow import keras
    >>> keras.backend.int_shape(ndflow.zeros([2, 3]))
    (2, 3)
    """
    shape = getattr(x, "shape", None)
    if shape is None:
        return None
    if hasattr(shape, "as_list"):
        return tuple(shape.as_list()) if shape.rank is not None else None
    return tuple(shape)


def dtype(x):
    """Returns the dtype name of `x` (e.g. "float32").

    Args:
      x: A tensor or array-like.

    Returns:
      A string, or None when `x` has no dtype.
    """
    d = getattr(x, "dtype", None)
    return getattr(d, "name", str(d)) if d is not None else None


def get_value(x):
    """Returns the value of a tensor or variable as a NumPy array.

    Args:
      x: A tensor, variable or array-like.

    Returns:
      A NumPy array.
    """
    return np.asarray(x.numpy() if hasattr(x, "numpy") else x)


def set_value(x, value):
    """Assigns a NumPy value to a variable.

    Args:
      x: A `Variable`.
      value: An array-like of the variable's shape.

    Raises:
      ValueError: If the shapes do not match.
    """
    x.assign(np.asarray(value))


def batch_get_value(tensors):
    """Returns the values of several tensors or variables.

    Args:
      tensors: A list of tensors/variables.

    Returns:
      A list of NumPy arrays.
    """
    return [get_value(t) for t in tensors]


def batch_set_value(tuples):
    """Assigns values to several variables.

    Args:
      tuples: A list of `(variable, value)` pairs.
    """
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


# --- Keras 2's backend functions (`from keras import backend as K`) -----------------------------
# Thin spellings of ndflow ops with Keras 2's argument names and defaults (`axis=None`,
# `keepdims=False`, targets before outputs in the losses), for custom losses and metrics
# written with K.mean, K.square, K.sum...

def _tf():
    import ndflow
    return ndflow


def _t(x):
    return _tf().convert_to_tensor(x)


def eval(x):  # noqa: A001  (Keras 2's name)
    """The value of a tensor or variable as a NumPy array."""
    return get_value(x)


def variable(value, dtype=None, name=None, constraint=None):
    """A Variable holding `value` (dtype: floatx() for floating values)."""
    arr = np.asarray(value.numpy() if hasattr(value, "numpy") else value)
    if dtype is None and arr.dtype.kind == "f":
        dtype = floatx()
    return _tf().Variable(arr if dtype is None else arr.astype(dtype), name=name,
                          constraint=constraint)


def constant(value, dtype=None, shape=None, name=None):
    """Creates a constant tensor, of `floatx()` dtype unless `dtype` is given.

    Args:
      value: A scalar, list or array.
      dtype: Optional dtype.
      shape: Optional shape to reshape/broadcast `value` to.
      name: Accepted for compatibility.

    Returns:
      A `Tensor`.
    """
    return _tf().constant(value, dtype=dtype or floatx(), shape=shape)


def cast(x, dtype):
    """Casts `x` to `dtype`.

    Args:
      x: A tensor or array-like.
      dtype: The target dtype (a `DType` or string).

    Returns:
      A `Tensor`.
    """
    return _tf().cast(x, dtype)


def cast_to_floatx(x):
    """Converts `x` to a NumPy array of `floatx()` dtype.

    Args:
      x: An array-like.

    Returns:
      A NumPy array.
    """
    return np.asarray(x, dtype=floatx())


def zeros(shape, dtype=None, name=None):
    """Creates a tensor of zeros, of `floatx()` dtype unless `dtype` is given.

    Args:
      shape: The shape.
      dtype: Optional dtype.
      name: Accepted for compatibility.

    Returns:
      A `Tensor`.
    """
    return _tf().zeros(shape, dtype=dtype or floatx())


def ones(shape, dtype=None, name=None):
    """Creates a tensor of ones, of `floatx()` dtype unless `dtype` is given.

    Args:
      shape: The shape.
      dtype: Optional dtype.
      name: Accepted for compatibility.

    Returns:
      A `Tensor`.
    """
    return _tf().ones(shape, dtype=dtype or floatx())


def eye(size, dtype=None, name=None):
    """Creates an identity matrix, of `floatx()` dtype unless `dtype` is given.

    Args:
      size: The number of rows (and columns).
      dtype: Optional dtype.
      name: Accepted for compatibility.

    Returns:
      A square `Tensor`.
    """
    return _tf().eye(size, dtype=dtype or floatx())


def zeros_like(x, dtype=None, name=None):
    """Creates a tensor of zeros shaped like `x`.

    Args:
      x: A tensor or array-like.
      dtype: Optional dtype (default `x`'s).
      name: Accepted for compatibility.

    Returns:
      A `Tensor`.
    """
    return _tf().zeros_like(x, dtype=dtype)


def ones_like(x, dtype=None, name=None):
    """Creates a tensor of ones shaped like `x`.

    Args:
      x: A tensor or array-like.
      dtype: Optional dtype (default `x`'s).
      name: Accepted for compatibility.

    Returns:
      A `Tensor`.
    """
    return _tf().ones_like(x, dtype=dtype)


def shape(x):
    """Returns the dynamic shape of `x` as a 1-D `int32` tensor.

    Args:
      x: A tensor or array-like.

    Returns:
      A `Tensor`.
    """
    return _tf().shape(x)


def ndim(x):
    """Returns the rank (number of dimensions) of `x`.

    Args:
      x: A tensor or array-like.

    Returns:
      An int, or None for an unknown rank.
    """
    return _t(x).shape.rank


def count_params(x):
    """Returns the number of elements of a variable or tensor of static shape.

    Args:
      x: A variable or tensor with a fully known shape.

    Returns:
      An int.
    """
    return int(np.prod(int_shape(x)))


def _reducer(name):
    def reduce(x, axis=None, keepdims=False):
        x = _t(x)
        if x.dtype.is_bool and name not in ("reduce_any", "reduce_all"):
            x = cast(x, floatx())
        return getattr(_tf(), name)(x, axis=axis, keepdims=keepdims)
    reduce.__name__ = name.replace("reduce_", "")
    reduce.__doc__ = f"Keras 2's K.{reduce.__name__}(x, axis=None, keepdims=False)."
    return reduce


mean, sum, max, min, prod = (_reducer(n) for n in (  # noqa: A001
    "reduce_mean", "reduce_sum", "reduce_max", "reduce_min", "reduce_prod"))
any, all = _reducer("reduce_any"), _reducer("reduce_all")  # noqa: A001


def var(x, axis=None, keepdims=False):
    """Variance of `x` along `axis` (dividing by N).

    Args:
      x: A tensor or array-like.
      axis: None (all axes), an int or a list of ints.
      keepdims: Keep reduced axes with length 1.

    Returns:
      A `Tensor`.
    """
    return _tf().math.reduce_variance(_t(x), axis=axis, keepdims=keepdims)


def std(x, axis=None, keepdims=False):
    """Standard deviation of `x` along `axis` (dividing by N).

    Args:
      x: A tensor or array-like.
      axis: None (all axes), an int or a list of ints.
      keepdims: Keep reduced axes with length 1.

    Returns:
      A `Tensor`.
    """
    return _tf().math.reduce_std(_t(x), axis=axis, keepdims=keepdims)


def logsumexp(x, axis=None, keepdims=False):
    """Computes `log(sum(exp(x)))` along `axis`, without overflow.

    Args:
      x: A tensor or array-like.
      axis: None (all axes), an int or a list of ints.
      keepdims: Keep reduced axes with length 1.

    Returns:
      A `Tensor`.
    """
    return _tf().reduce_logsumexp(x, axis=axis, keepdims=keepdims)


def _elementwise(name, public=None):
    def fn(x):
        return getattr(_tf().math, name)(x)
    fn.__name__ = public or name
    fn.__doc__ = f"Keras 2's K.{fn.__name__}(x), elementwise."
    return fn


square, sqrt, abs, exp, log, sign, tanh = (_elementwise(n) for n in (  # noqa: A001
    "square", "sqrt", "abs", "exp", "log", "sign", "tanh"))
round = _elementwise("round")  # noqa: A001


def pow(x, a):  # noqa: A001
    """Elementwise power `x ** a`.

    Args:
      x: A tensor or array-like.
      a: The exponent (a number or tensor).

    Returns:
      A `Tensor`.
    """
    return _tf().pow(x, a)


def clip(x, min_value, max_value):
    """Elementwise clip (Keras 2 clips max_value up to min_value when it is lower)."""
    if max_value is not None and min_value is not None and max_value < min_value:
        max_value = min_value
    return _tf().clip_by_value(x, min_value, max_value)


def maximum(x, y):
    """Elementwise maximum of `x` and `y`.

    Args:
      x: A tensor or array-like.
      y: A tensor broadcastable against x.

    Returns:
      A `Tensor`.
    """
    return _tf().maximum(x, y)


def minimum(x, y):
    """Elementwise minimum of `x` and `y`.

    Args:
      x: A tensor or array-like.
      y: A tensor broadcastable against x.

    Returns:
      A `Tensor`.
    """
    return _tf().minimum(x, y)


def equal(x, y):
    """Elementwise `x == y` (Keras 2's backend spelling of the ndflow op).

    Args:
      x: A tensor or array-like.
      y: A tensor or value of `x`'s dtype, broadcastable against it.

    Returns:
      A `bool` tensor of the broadcast shape.
    """
    return _tf().equal(x, y)


def not_equal(x, y):
    """Elementwise `x != y` (Keras 2's backend spelling of the ndflow op).

    Args:
      x: A tensor or array-like.
      y: A tensor or value of `x`'s dtype, broadcastable against it.

    Returns:
      A `bool` tensor of the broadcast shape.
    """
    return _tf().not_equal(x, y)


def greater(x, y):
    """Elementwise `x > y` (Keras 2's backend spelling of the ndflow op).

    Args:
      x: A tensor or array-like.
      y: A tensor or value of `x`'s dtype, broadcastable against it.

    Returns:
      A `bool` tensor of the broadcast shape.
    """
    return _tf().greater(x, y)


def greater_equal(x, y):
    """Elementwise `x >= y` (Keras 2's backend spelling of the ndflow op).

    Args:
      x: A tensor or array-like.
      y: A tensor or value of `x`'s dtype, broadcastable against it.

    Returns:
      A `bool` tensor of the broadcast shape.
    """
    return _tf().greater_equal(x, y)


def less(x, y):
    """Elementwise `x < y` (Keras 2's backend spelling of the ndflow op).

    Args:
      x: A tensor or array-like.
      y: A tensor or value of `x`'s dtype, broadcastable against it.

    Returns:
      A `bool` tensor of the broadcast shape.
    """
    return _tf().less(x, y)


def less_equal(x, y):
    """Elementwise `x <= y` (Keras 2's backend spelling of the ndflow op).

    Args:
      x: A tensor or array-like.
      y: A tensor or value of `x`'s dtype, broadcastable against it.

    Returns:
      A `bool` tensor of the broadcast shape.
    """
    return _tf().less_equal(x, y)


def argmax(x, axis=-1):
    """Index of the largest value along `axis`.

    Args:
      x: A tensor or array-like.
      axis: The axis (default -1).

    Returns:
      An `int64` tensor.
    """
    return _tf().argmax(x, axis=axis)


def argmin(x, axis=-1):
    """Index of the smallest value along `axis`.

    Args:
      x: A tensor or array-like.
      axis: The axis (default -1).

    Returns:
      An `int64` tensor.
    """
    return _tf().argmin(x, axis=axis)


def dot(x, y):
    """Matrix product; like Keras 2, an N-d `x` contracts its last axis with `y`'s
    second-to-last (a 2-D `y`: its first)."""
    x, y = _t(x), _t(y)
    if x.shape.rank is not None and x.shape.rank > 2 and y.shape.rank == 2:
        return _tf().tensordot(x, y, axes=1)
    return _tf().matmul(x, y)


def transpose(x):
    """Reverses the dimensions of `x` (a matrix transpose for 2-D `x`).

    Args:
      x: A tensor or array-like.

    Returns:
      A `Tensor`.
    """
    return _tf().transpose(x)


def reshape(x, shape):
    """Reshapes `x` to `shape` (one entry may be -1).

    Args:
      x: A tensor or array-like.
      shape: The new shape.

    Returns:
      A `Tensor`.
    """
    return _tf().reshape(x, shape)


def flatten(x):
    """Flattens `x` into a 1-D tensor.

    Args:
      x: A tensor or array-like.

    Returns:
      A 1-D `Tensor`.
    """
    return _tf().reshape(x, [-1])


def batch_flatten(x):
    """Flattens every dimension of `x` but the first: `[batch, -1]`.

    Args:
      x: A tensor or array-like.

    Returns:
      A 2-D `Tensor`.
    """
    return _tf().reshape(x, [_tf().shape(x)[0], -1])


def expand_dims(x, axis=-1):
    """Inserts a dimension of length 1 at `axis`.

    Args:
      x: A tensor or array-like.
      axis: The position of the new axis (default -1).

    Returns:
      A `Tensor`.
    """
    return _tf().expand_dims(x, axis)


def squeeze(x, axis):
    """Removes the dimension `axis`, which must have length 1.

    Args:
      x: A tensor or array-like.
      axis: The dimension to remove.

    Returns:
      A `Tensor`.
    """
    return _tf().squeeze(x, [axis])


def concatenate(tensors, axis=-1):
    """Joins tensors along `axis`.

    Args:
      tensors: A list of tensors.
      axis: The axis (default -1).

    Returns:
      A `Tensor`.
    """
    return _tf().concat(list(tensors), axis)


def stack(x, axis=0):
    """Stacks tensors of one shape along a new axis.

    Args:
      x: A list of tensors.
      axis: Where the new axis goes (default 0).

    Returns:
      A `Tensor`.
    """
    return _tf().stack(list(x), axis)


def gather(reference, indices):
    """Gathers rows of `reference` at `indices` (along axis 0).

    Args:
      reference: A tensor.
      indices: An integer tensor.

    Returns:
      A `Tensor`.
    """
    return _tf().gather(reference, indices)


def one_hot(indices, num_classes):
    """One-hot encodes integer `indices` into a new last axis of length `num_classes`.

    Args:
      indices: An integer tensor.
      num_classes: The number of classes.

    Returns:
      A `float32` tensor with one more dimension.
    """
    return _tf().one_hot(indices, num_classes)


def relu(x, alpha=0.0, max_value=None, threshold=0.0):
    """Rectified linear unit with Keras 2's options.

    Args:
      x: A tensor or array-like.
      alpha: The slope below `threshold` (default 0).
      max_value: Optional upper bound of the output.
      threshold: Values below it are scaled by `alpha` (default 0).

    Returns:
      A `Tensor`.
    """
    from . import activations
    return activations.relu(x, negative_slope=alpha, max_value=max_value, threshold=threshold)


def sigmoid(x):
    """Elementwise logistic sigmoid.

    Args:
      x: A tensor or array-like.

    Returns:
      A `Tensor`.
    """
    return _tf().sigmoid(x)


def softmax(x, axis=-1):
    """Softmax along `axis`.

    Args:
      x: A tensor or array-like.
      axis: The axis (default -1).

    Returns:
      A `Tensor`.
    """
    return _tf().nn.softmax(x, axis=axis)


def l2_normalize(x, axis=None):
    """Scales `x` to unit L2 norm along `axis`.

    Args:
      x: A tensor or array-like.
      axis: The axis (None: every element).

    Returns:
      A `Tensor`.
    """
    return _tf().math.l2_normalize(x, axis=axis)


def binary_crossentropy(target, output, from_logits=False):
    """Elementwise binary crossentropy (Keras 2's backend form: no mean over the last axis);
    probabilities are clipped to [epsilon, 1 - epsilon]."""
    target, output = _t(target), _t(output)
    tf = _tf()
    target = cast(target, output.dtype)
    if from_logits:
        return tf.nn.sigmoid_cross_entropy_with_logits(labels=target, logits=output)
    output = tf.clip_by_value(output, epsilon(), 1.0 - epsilon())
    return -(target * tf.math.log(output) + (1.0 - target) * tf.math.log(1.0 - output))


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Crossentropy between one-hot (or probability) targets and predicted distributions.

    Args:
      target: A tensor of the output's shape.
      output: Probabilities, or logits when `from_logits`.
      from_logits: Whether `output` holds logits.
      axis: The class axis (default -1).

    Returns:
      The loss per example (the class axis removed).
    """
    from . import losses
    return losses.categorical_crossentropy(target, output, from_logits=from_logits, axis=axis)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Crossentropy between integer class targets and predicted distributions.

    Args:
      target: Integer class indices.
      output: Probabilities, or logits when `from_logits`.
      from_logits: Whether `output` holds logits.
      axis: The class axis (default -1).

    Returns:
      The loss per example.
    """
    from . import losses
    return losses.sparse_categorical_crossentropy(target, output, from_logits=from_logits,
                                                  axis=axis)


def random_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Draws normal samples, of `floatx()` dtype unless `dtype` is given.

    Args:
      shape: The output shape.
      mean: The mean.
      stddev: The standard deviation.
      dtype: Optional dtype.
      seed: Optional int seed.

    Returns:
      A `Tensor`.
    """
    return _tf().random.normal(shape, mean, stddev, dtype=dtype or floatx(), seed=seed)


def random_uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    """Draws uniform samples from `[minval, maxval)`, of `floatx()` dtype unless `dtype` is given.

    Args:
      shape: The output shape.
      minval: The lower bound.
      maxval: The upper bound.
      dtype: Optional dtype.
      seed: Optional int seed.

    Returns:
      A `Tensor`.
    """
    return _tf().random.uniform(shape, minval, maxval, dtype=dtype or floatx(), seed=seed)


def update(x, new_x):
    """Assigns `new_x` to the variable `x`.

    Args:
      x: A `Variable`.
      new_x: Its new value.

    Returns:
      The assignment's result.
    """
    return x.assign(new_x)


def update_add(x, increment):
    """Adds `increment` to the variable `x`.

    Args:
      x: A `Variable`.
      increment: The value to add.

    Returns:
      The assignment's result.
    """
    return x.assign_add(increment)


def update_sub(x, decrement):
    """Subtracts `decrement` from the variable `x`.

    Args:
      x: A `Variable`.
      decrement: The value to subtract.

    Returns:
      The assignment's result.
    """
    return x.assign_sub(decrement)


def print_tensor(x, message=""):
    """Prints `message` and the value of `x` (with `ndflow.print`) and returns `x`.

    Args:
      x: A tensor or array-like.
      message: A string printed first.

    Returns:
      `x` itself.
    """
    _tf().print(message, x)
    return x


def stop_gradient(variables):
    """Blocks gradients through a tensor or each tensor of a list.

    Args:
      variables: A tensor or a list/tuple of tensors.

    Returns:
      The same values, as constants for differentiation.
    """
    tf = _tf()
    if isinstance(variables, (list, tuple)):
        return [tf.stop_gradient(v) for v in variables]
    return tf.stop_gradient(variables)
