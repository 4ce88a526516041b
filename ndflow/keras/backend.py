"""keras.backend: global Keras settings (floatx, epsilon, image data format) and the
per-session name counters that make layer names unique ("dense", "dense_1", ...)."""
import builtins
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


# --- Keras 2's graph-style functions: placeholder, function, gradients ------------------------
# In Keras 2 these built TF1 graph pieces. Here a placeholder is a keras.Input, `function`
# runs a Functional model made of its inputs and outputs, and `gradients` of Keras tensors
# is a graph node that differentiates that model's piece with a GradientTape when it runs.

def placeholder(shape=None, ndim=None, dtype=None, sparse=False, name=None, ragged=False):
    """A symbolic input (Keras 2's `K.placeholder`): a `keras.Input` of the full `shape`.

    Args:
      shape: The full shape, batch dimension included (None entries are unknown).
      ndim: The rank, when `shape` is not given (every dimension unknown).
      dtype: The dtype (default `floatx()`).
      sparse: Whether it stands for a SparseTensor.
      name: Its name.
      ragged: Whether it stands for a RaggedTensor.

    Returns:
      A KerasTensor (use it in `K.function`, layers and ops).

    Raises:
      ValueError: If neither `shape` nor `ndim` is given.
    """
    if shape is None:
        if ndim is None:
            raise ValueError("K.placeholder: pass `shape` (the full shape, batch dimension "
                             "included) or `ndim`.")
        shape = (None,) * int(ndim)
    from .layers.input_layer import Input
    return Input(batch_shape=tuple(shape), dtype=dtype or floatx(), sparse=sparse, name=name,
                 ragged=ragged)


def function(inputs, outputs, updates=None, name=None, **kwargs):
    """A Python function computing `outputs` from values of `inputs` (Keras 2's K.function).

    `K.function([model.input], [model.layers[2].output])([x])` returns the layer's output
    for `x` as a list of NumPy arrays. Keras tensors (inputs from keras.Input or
    K.placeholder, outputs anywhere downstream, including ops and `K.gradients`) run as a
    Functional model. An input given as `K.learning_phase()` (0 or 1) is a slot for the
    learning phase: the value passed there becomes `training=`. TF1 graph tensors run in
    the default session.

    Args:
      inputs: A list of input tensors.
      outputs: A tensor or a list of tensors.
      updates: Keras 2's extra update ops: only for TF1 graph tensors (else an error).
      name: Accepted for compatibility.
      **kwargs: Not supported.

    Returns:
      A callable taking a list of values (one per input) and returning a list of NumPy
      arrays (one array when `outputs` is a single tensor).

    Raises:
      ValueError: For unknown keyword arguments, or inputs that are not symbolic.
    """
    if kwargs:
        raise ValueError(f"Invalid argument(s) passed to K.function: {sorted(kwargs)}")
    from .layers.keras_tensor import KerasTensor
    from ..util import nest
    single = not isinstance(outputs, (list, tuple))
    flat_out = [outputs] if single else list(outputs)
    inputs = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
    phase = [i for i, t in enumerate(inputs) if isinstance(t, (int, bool)) and
             not isinstance(t, KerasTensor)]
    symbolic = [t for i, t in enumerate(inputs) if i not in phase]
    if builtins.any(isinstance(t, KerasTensor) for t in nest.flatten((symbolic, flat_out))):
        if updates:
            raise ValueError("K.function: `updates` are Keras 2 graph operations and are not "
                             "supported with Keras tensors; apply them in a train step "
                             "(GradientTape + optimizer) instead.")
        from .models.functional import Functional
        model = Functional(symbolic, flat_out, name=name or "k_function")

        def run(values):
            values = list(values) if isinstance(values, (list, tuple)) else [values]
            if len(values) != len(inputs):
                raise ValueError(f"K.function: expected {len(inputs)} input values, got "
                                 f"{len(values)}.")
            training = bool(values[phase[0]]) if phase else None
            feeds = [v for i, v in enumerate(values) if i not in phase]
            out = model(feeds, training=training)
            out = [out] if not isinstance(out, (list, tuple)) else list(out)
            arrays = [np.asarray(o.numpy()) for o in out]
            return arrays[0] if single else arrays
        return run
    return _graph_function(symbolic, flat_out, phase, updates, single)


def _graph_function(inputs, outputs, phase, updates, single):
    tf = _tf()
    if not builtins.all(_is_graph_tensor(t) for t in inputs + outputs):
        raise ValueError("K.function: inputs and outputs must be Keras tensors (keras.Input, "
                         "K.placeholder, layer outputs) or TF1 graph tensors.")
    fetches = outputs + list(updates or [])

    def run(values):
        values = list(values) if isinstance(values, (list, tuple)) else [values]
        feeds = [v for i, v in enumerate(values) if i not in phase]
        sess = tf.compat.v1.get_default_session() or _default_session()
        got = sess.run(fetches, feed_dict=dict(zip(inputs, feeds)))[:len(outputs)]
        arrays = [np.asarray(g) for g in got]
        return arrays[0] if single else arrays
    return run


def _is_graph_tensor(t):
    """A TF1 graph tensor or graph variable (not an eager value)."""
    return hasattr(t, "op") or getattr(t, "_graph", None) is not None


_SESSION = [None]


def _default_session():
    tf = _tf()
    if _SESSION[0] is None or _SESSION[0].graph is not tf.compat.v1.get_default_graph():
        _SESSION[0] = tf.compat.v1.Session()
        _SESSION[0].run(tf.compat.v1.global_variables_initializer())
    return _SESSION[0]


def get_session():
    """Keras 2's session for TF1 graph code: the default session, else one of its own."""
    return _tf().compat.v1.get_default_session() or _default_session()


def gradients(loss, variables):
    """Symbolic gradients of `loss` with respect to `variables` (Keras 2's K.gradients).

    For Keras tensors (a model's input and outputs, K.placeholder...), the result is a
    list of Keras tensors, one per variable: graph nodes that differentiate the part of the
    model between them when it runs (use them in `K.function` or more ops). `variables`
    may be input tensors or the model's weights. For TF1 graph tensors it is
    `tf.compat.v1.gradients`.

    Args:
      loss: A scalar (or any) tensor to differentiate (summed over its elements).
      variables: A tensor or variable, or a list of them.

    Returns:
      A list of gradient tensors.

    Raises:
      RuntimeError: In eager code (as TensorFlow's tf.gradients): use tf.GradientTape.
      ValueError: For a Keras-tensor `variables` entry that is not a model input.
    """
    from .layers.keras_tensor import KerasTensor
    single = not isinstance(variables, (list, tuple))
    targets = [variables] if single else list(variables)
    if isinstance(loss, KerasTensor):
        from .layers.ops_layers import gradient_nodes
        return gradient_nodes(loss, targets)
    if not _is_graph_tensor(loss):
        raise RuntimeError("K.gradients (tf.gradients) is not supported when eager "
                           "execution is enabled. Use tf.GradientTape instead.")
    return _tf().compat.v1.gradients(loss, targets)


# --- more Keras 2 backend functions ------------------------------------------------------------

def repeat_elements(x, rep, axis):
    """Repeats each element of `x` `rep` times along `axis` (like np.repeat).

    Args:
      x: A tensor.
      rep: The number of repetitions (an int).
      axis: The axis to repeat along.

    Returns:
      A `Tensor` whose `axis` dimension is `rep` times longer.
    """
    tf = _tf()
    x = _t(x)
    rank = len(x.shape)
    axis = axis % rank
    size = x.shape[axis]
    if size is not None:  # static length: one gather
        return tf.gather(x, np.repeat(np.arange(size), int(rep)).astype(np.int32), axis=axis)
    expanded = tf.expand_dims(x, axis + 1)
    tiled = tf.tile(expanded, [1] * (axis + 1) + [int(rep)] + [1] * (rank - axis - 1))
    shape = tf.shape(x)
    new_shape = [shape[i] for i in range(rank)]
    new_shape[axis] = shape[axis] * int(rep)
    return tf.reshape(tiled, new_shape)


def tile(x, n):
    """Tiles `x` `n` times (an int, or one count per dimension).

    Args:
      x: A tensor.
      n: An int or a list of ints.

    Returns:
      A `Tensor`.
    """
    return _tf().tile(x, [int(n)] if isinstance(n, (int, np.integer)) else list(n))


def switch(condition, then_expression, else_expression):
    """`then_expression` where `condition` holds, else `else_expression` (Keras 2's switch).

    A scalar boolean `condition` picks one expression (`tf.cond`; callables are called
    only for the branch taken); a tensor `condition` selects elementwise, broadcast up to
    the expressions' rank as Keras 2 does.

    Args:
      condition: A boolean scalar or tensor.
      then_expression: A tensor or a callable returning one.
      else_expression: A tensor or a callable returning one.

    Returns:
      The selected tensor.
    """
    tf = _tf()
    if isinstance(condition, (bool, np.bool_)):
        chosen = then_expression if condition else else_expression
        return chosen() if callable(chosen) else chosen
    condition = _t(condition)
    if condition.dtype != tf.bool:
        condition = tf.cast(condition, tf.bool)
    if len(condition.shape) == 0:
        then_fn = then_expression if callable(then_expression) else (lambda: then_expression)
        else_fn = else_expression if callable(else_expression) else (lambda: else_expression)
        return tf.cond(condition, then_fn, else_fn)
    then_t = _t(then_expression() if callable(then_expression) else then_expression)
    else_t = _t(else_expression() if callable(else_expression) else else_expression)
    while len(condition.shape) < len(then_t.shape):
        condition = tf.expand_dims(condition, -1)
    condition = tf.logical_and(condition, tf.ones_like(then_t, dtype=tf.bool))
    return tf.where(condition, then_t, else_t)


def in_train_phase(x, alt, training=None):
    """`x` in the training phase, `alt` otherwise (callables are called).

    Args:
      x: What to return when training (a tensor or callable).
      alt: What to return otherwise.
      training: True/False/1/0, a boolean tensor, or None for `learning_phase()`.

    Returns:
      `x` or `alt`.
    """
    if training is None:
        training = learning_phase()
    if isinstance(training, (bool, int, np.integer, np.bool_)):
        chosen = x if training else alt
        return chosen() if callable(chosen) else chosen
    return switch(training, x, alt)


def in_test_phase(x, alt, training=None):
    """`x` in the inference phase, `alt` when training (see `in_train_phase`)."""
    return in_train_phase(alt, x, training=training)


def bias_add(x, bias, data_format=None):
    """Adds `bias` along the channel axis of `x`.

    Args:
      x: A tensor.
      bias: A 1-D tensor (one value per channel) or one of `x`'s trailing shape.
      data_format: "channels_last" (default: `image_data_format()`) or "channels_first".

    Returns:
      A `Tensor`.
    """
    tf = _tf()
    data_format = standardize_data_format(data_format)
    x, bias = _t(x), _t(bias)
    if len(bias.shape) == 1:
        if data_format == "channels_first" and len(x.shape) > 2:
            return x + tf.reshape(bias, [1, -1] + [1] * (len(x.shape) - 2))
        return tf.nn.bias_add(x, bias)
    if data_format == "channels_first" and len(x.shape) > 2:
        perm = [len(bias.shape) - 1] + list(range(len(bias.shape) - 1))
        return x + tf.expand_dims(tf.transpose(bias, perm), 0)
    return x + bias


def conv2d(x, kernel, strides=(1, 1), padding="valid", data_format=None,
           dilation_rate=(1, 1)):
    """2-D convolution (Keras 2's K.conv2d).

    Args:
      x: A 4-D input.
      kernel: A (rows, cols, in_channels, out_channels) kernel.
      strides: The strides (2 ints).
      padding: "valid" or "same".
      data_format: "channels_last" (default: `image_data_format()`) or "channels_first".
      dilation_rate: The dilation (2 ints).

    Returns:
      A 4-D `Tensor` in `data_format`.

    Raises:
      ValueError: For an unknown `padding`.
    """
    tf = _tf()
    data_format = standardize_data_format(data_format)
    padding = _padding(padding)
    x = _t(x)
    if data_format == "channels_first":
        x = tf.transpose(x, [0, 2, 3, 1])
    out = tf.nn.conv2d(x, kernel, strides=[1, *strides, 1], padding=padding,
                       dilations=[1, *dilation_rate, 1])
    return tf.transpose(out, [0, 3, 1, 2]) if data_format == "channels_first" else out


def pool2d(x, pool_size, strides=(1, 1), padding="valid", data_format=None, pool_mode="max"):
    """2-D max or average pooling (Keras 2's K.pool2d).

    Args:
      x: A 4-D input.
      pool_size: The window (2 ints).
      strides: The strides (2 ints).
      padding: "valid" or "same".
      data_format: "channels_last" (default: `image_data_format()`) or "channels_first".
      pool_mode: "max" or "avg".

    Returns:
      A 4-D `Tensor` in `data_format`.

    Raises:
      ValueError: For an unknown `padding` or `pool_mode`.
    """
    tf = _tf()
    if pool_mode not in ("max", "avg"):
        raise ValueError(f"Invalid pool_mode: {pool_mode!r}. Expected 'max' or 'avg'.")
    data_format = standardize_data_format(data_format)
    padding = _padding(padding)
    x = _t(x)
    if data_format == "channels_first":
        x = tf.transpose(x, [0, 2, 3, 1])
    fn = tf.nn.max_pool2d if pool_mode == "max" else tf.nn.avg_pool2d
    out = fn(x, ksize=list(pool_size), strides=list(strides), padding=padding)
    return tf.transpose(out, [0, 3, 1, 2]) if data_format == "channels_first" else out


def _padding(padding):
    if str(padding).lower() not in ("valid", "same"):
        raise ValueError(f"Invalid padding: {padding!r}. Expected 'valid' or 'same'.")
    return str(padding).upper()


def softplus(x):
    """Elementwise `log(exp(x) + 1)`."""
    return _tf().nn.softplus(x)


def softsign(x):
    """Elementwise `x / (abs(x) + 1)`."""
    return _tf().nn.softsign(x)


def elu(x, alpha=1.0):
    """Exponential linear unit: `x` for x > 0, `alpha * (exp(x) - 1)` otherwise."""
    tf = _tf()
    out = tf.nn.elu(x)
    return out if alpha == 1 else tf.where(_t(x) > 0, out, alpha * out)


def hard_sigmoid(x):
    """Keras 2's piecewise-linear sigmoid: `clip(0.2 * x + 0.5, 0, 1)`."""
    return _tf().clip_by_value(0.2 * _t(x) + 0.5, 0.0, 1.0)


def cumsum(x, axis=0):
    """Cumulative sum along `axis`."""
    return _tf().cumsum(x, axis=axis)


def arange(start, stop=None, step=1, dtype="int32"):
    """A 1-D tensor `start, start + step, ...` below `stop` (one argument: 0 to `start`)."""
    tf = _tf()
    if stop is None:
        start, stop = 0, start
    return tf.range(start, stop, step, dtype=dtype)


def batch_dot(x, y, axes=None):
    """Per-sample dot products of two batches (Keras 2's batch_dot, 2-D and 3-D inputs).

    Args:
      x: A tensor of rank 2 or 3.
      y: A tensor of rank 2 or 3.
      axes: The axes contracted (an int or a pair); default: the last axis of `x` and the
        second-to-last of `y` (the last for a 2-D `y`).

    Returns:
      A `Tensor`: rank 2 for two 2-D inputs ((batch, 1)), else `x`'s rank + `y`'s - 3.
    """
    tf = _tf()
    x, y = _t(x), _t(y)
    rx, ry = len(x.shape), len(y.shape)
    if axes is None:
        axes = (rx - 1, ry - 1 if ry == 2 else ry - 2)
    if isinstance(axes, int):
        axes = (axes, axes)
    ax, ay = (a % r for a, r in zip(axes, (rx, ry)))
    if rx == 2 and ry == 2:
        return tf.reduce_sum(x * y, axis=ax, keepdims=True)
    if rx == 2:
        x, ax = tf.expand_dims(x, 2 if ax == 1 else 1), ax
    if ry == 2:
        y, ay = tf.expand_dims(y, 2 if ay == 1 else 1), ay
    out = tf.matmul(x, y, transpose_a=(ax == 1), transpose_b=(ay == 2))
    if rx == 2:
        out = tf.squeeze(out, [1])
    if ry == 2:
        out = tf.squeeze(out, [-1])
    return out


def rnn(step_function, inputs, initial_states, go_backwards=False, mask=None, constants=None,
        unroll=False, input_length=None, time_major=False, zero_output_for_mask=False,
        return_all_outputs=True):
    """Iterates `step_function` over the time axis of `inputs` (Keras 2's K.rnn).

    The loop is Python over a known number of steps (static time dimension), which eager
    code, `tf.function` and Functional models all accept.

    Args:
      step_function: `(input_t, states) -> (output_t, new_states)` (`states` a list; with
        `constants`, `states + constants` is passed).
      inputs: A (batch, time, ...) tensor ((time, batch, ...) with `time_major`).
      initial_states: A list of state tensors.
      go_backwards: Iterate from the last step to the first.
      mask: Optional (batch, time) boolean mask: masked steps keep the previous states and
        output (zeros with `zero_output_for_mask`).
      constants: Optional list of tensors passed to every step.
      unroll: Accepted (the loop is always unrolled).
      input_length: Accepted for compatibility.
      time_major: Whether time is axis 0.
      zero_output_for_mask: Output zeros at masked steps.
      return_all_outputs: Keep every step's output (else only the last).

    Returns:
      `(last_output, outputs, new_states)`: outputs stacked as (batch, time, ...) (time
      major if `inputs` was).

    Raises:
      ValueError: If the time dimension is not statically known.
    """
    tf = _tf()
    inputs = _t(inputs)
    if not time_major:
        perm = [1, 0] + list(range(2, len(inputs.shape)))
        inputs = tf.transpose(inputs, perm)
    steps = inputs.shape[0]
    if steps is None:
        raise ValueError("K.rnn: the time dimension of `inputs` must be known statically.")
    if mask is not None:
        mask = tf.transpose(tf.cast(mask, tf.bool), [1, 0]) if not time_major else \
            tf.cast(mask, tf.bool)
    states = list(initial_states)
    constants = list(constants or [])
    outputs, last = [], None
    order = range(steps - 1, -1, -1) if go_backwards else range(steps)
    for t in order:
        output, new_states = step_function(inputs[t], states + constants)
        new_states = list(new_states) if isinstance(new_states, (list, tuple)) else [new_states]
        if mask is not None:
            m = mask[t]
            keep_out = last if last is not None and not zero_output_for_mask else \
                tf.zeros_like(output)
            output = switch(m, output, keep_out)
            new_states = [switch(m, n, s) for n, s in zip(new_states, states)]
        states, last = new_states, output
        outputs.append(output)
    if not return_all_outputs:
        outputs = outputs[-1:]
    stacked = tf.stack(outputs)
    if not time_major:
        stacked = tf.transpose(stacked, [1, 0] + list(range(2, len(stacked.shape))))
    return last, stacked, states


# --- CTC (tf.keras 2's K.ctc_*; used by the OCR and speech examples) -------------------------

def ctc_label_dense_to_sparse(labels, label_lengths):
    """The first `label_lengths[i]` entries of each row of `labels` as a SparseTensor."""
    tf = _tf()
    labels = tf.convert_to_tensor(labels)
    keep = tf.sequence_mask(tf.cast(tf.reshape(label_lengths, [-1]), tf.int32),
                            tf.shape(labels)[1])
    indices = tf.where(keep)
    return tf.SparseTensor(indices, tf.gather_nd(labels, indices),
                           tf.cast(tf.shape(labels), tf.int64))


def ctc_batch_cost(y_true, y_pred, input_length, label_length):
    """CTC loss of softmax outputs `y_pred` `[batch, frames, classes]` (the blank is the
    last class), as `[batch, 1]`; `input_length` / `label_length` are `[batch, 1]`."""
    tf = _tf()
    from ..ops.ctc_ops import ctc_loss_v1
    label_length = tf.cast(tf.reshape(label_length, [-1]), tf.int32)
    input_length = tf.cast(tf.reshape(input_length, [-1]), tf.int32)
    sparse = ctc_label_dense_to_sparse(tf.cast(y_true, tf.int32), label_length)
    logits = tf.math.log(tf.transpose(y_pred, [1, 0, 2]) + epsilon())
    return tf.expand_dims(ctc_loss_v1(sparse, logits, input_length), 1)


def ctc_decode(y_pred, input_length, greedy=True, beam_width=100, top_paths=1):
    """Decodes softmax outputs `[batch, frames, classes]` (blank: the last class): the best
    path (`greedy`) or the `top_paths` best labellings of a beam search of `beam_width`
    prefixes over their log probabilities (repeated labels of a beam merged, as tf.keras 2).

    Returns:
      `(decoded, log_prob)`: a list of `[batch, frames]` labels padded with -1 (one per
      path), and `[batch, top_paths]` scores (`[batch, 1]` for greedy: minus the sum of each
      frame's best log probability).
    """
    from ..ops.ctc_beam_search import ctc_beam_search_decoder_v1
    from ..ops.ctc_ops import ctc_greedy_decoder, padded_decoding
    tf = _tf()
    y_pred = tf.convert_to_tensor(y_pred)
    logits = tf.math.log(tf.transpose(y_pred, [1, 0, 2]) + epsilon())
    lengths = tf.reshape(input_length, [-1])
    if greedy:
        decoded, log_prob = ctc_greedy_decoder(logits, lengths)
    else:
        decoded, log_prob = ctc_beam_search_decoder_v1(logits, lengths, beam_width, top_paths)
    return [padded_decoding(d, tf.shape(y_pred)[:2]) for d in decoded], log_prob