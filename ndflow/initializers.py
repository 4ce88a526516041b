"""TF1 initializers: callables (shape, dtype) -> tensor, used by get_variable."""
import math

from .framework import dtypes
from .ops import array_ops, random_ops


class Initializer:
    """Base class of TF1 initializers: `initializer(shape, dtype=None)` returns a tensor.

    `tf.compat.v1.get_variable(..., initializer=...)` calls them. Subclasses implement
    `__call__(shape, dtype=None, partition_info=None)`.
    """
    def __call__(self, shape, dtype=None, partition_info=None):
        raise NotImplementedError

    def get_config(self):
        return {}


class zeros_initializer(Initializer):
    """Initializer producing tensors of zeros.

    Args:
      dtype: The default dtype of the values (default `float32`).

    Example:

    >>> ndflow.zeros_initializer()([2]).numpy()
    array([0., 0.], dtype=float32)
    """
    def __init__(self, dtype=dtypes.float32):
        self.dtype = dtype

    def __call__(self, shape, dtype=None, partition_info=None):
        return array_ops.zeros(shape, dtype or self.dtype)


class ones_initializer(zeros_initializer):
    """Initializer producing tensors of ones.

    Args:
      dtype: The default dtype of the values (default `float32`).
    """
    def __call__(self, shape, dtype=None, partition_info=None):
        return array_ops.ones(shape, dtype or self.dtype)


class constant_initializer(Initializer):
    """Initializer producing tensors filled with `value`.

    Args:
      value: A scalar, or a list/array of the requested shape (or broadcastable to it).
      dtype: The default dtype of the values (default `float32`).
      verify_shape: Accepted for TF1 compatibility.
    """
    def __init__(self, value=0, dtype=dtypes.float32, verify_shape=False):
        self.value = value
        self.dtype = dtype

    def __call__(self, shape, dtype=None, partition_info=None):
        return array_ops.constant(self.value, dtype=dtype or self.dtype, shape=shape)


class random_normal_initializer(Initializer):
    """Initializer drawing from a normal distribution.

    Args:
      mean: The mean (default 0).
      stddev: The standard deviation (default 1).
      seed: Optional int seed (with the global seed, reproducible draws).
      dtype: The default dtype of the values (default `float32`).
    """
    def __init__(self, mean=0.0, stddev=1.0, seed=None, dtype=dtypes.float32):
        self.mean, self.stddev, self.seed, self.dtype = mean, stddev, seed, dtype

    def __call__(self, shape, dtype=None, partition_info=None):
        return random_ops.random_normal(shape, self.mean, self.stddev, dtype or self.dtype,
                                        self.seed)


class truncated_normal_initializer(random_normal_initializer):
    """Initializer drawing from a normal distribution truncated to two standard deviations.

    Args:
      mean: The mean (default 0).
      stddev: The standard deviation before truncation (default 1).
      seed: Optional int seed.
      dtype: The default dtype of the values (default `float32`).
    """
    def __call__(self, shape, dtype=None, partition_info=None):
        return random_ops.truncated_normal(shape, self.mean, self.stddev, dtype or self.dtype,
                                           self.seed)


class random_uniform_initializer(Initializer):
    """Initializer drawing uniformly from `[minval, maxval)`.

    Args:
      minval: The lower bound (default 0).
      maxval: The upper bound (default 1 when None).
      seed: Optional int seed.
      dtype: The default dtype of the values (default `float32`).
    """
    def __init__(self, minval=0.0, maxval=None, seed=None, dtype=dtypes.float32):
        self.minval, self.maxval, self.seed, self.dtype = minval, maxval, seed, dtype

    def __call__(self, shape, dtype=None, partition_info=None):
        return random_ops.random_uniform(shape, self.minval, self.maxval or 1.0,
                                         dtype or self.dtype, self.seed)


def _fans(shape):
    if len(shape) < 1:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive = 1
    for d in shape[:-2]:
        receptive *= d
    return shape[-2] * receptive, shape[-1] * receptive


class variance_scaling_initializer(Initializer):
    """Initializer whose variance scales with the size of the weight: `scale / n`.

    `n` is fan_in, fan_out or their average, as `mode` says (a convolution kernel's receptive
    field multiplies both). "truncated_normal" (and TF1's "normal") draw from a normal truncated
    to two standard deviations, "untruncated_normal" from a plain normal, and "uniform" from
    `[-sqrt(3 scale / n), sqrt(3 scale / n)]`.

    Args:
      scale: A positive scale factor (default 1).
      mode: "fan_in" (default), "fan_out" or "fan_avg".
      distribution: "truncated_normal" (default), "normal", "untruncated_normal" or "uniform".
      seed: Optional int seed.
      dtype: The default dtype of the values (default `float32`).

    Raises:
      ValueError: If `mode` is not one of the three.
    """
    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None,
                 dtype=dtypes.float32):
        if mode not in ("fan_in", "fan_out", "fan_avg"):
            raise ValueError(f"Invalid mode argument: {mode!r}")
        self.scale, self.mode, self.distribution, self.seed = scale, mode, distribution, seed
        self.dtype = dtype

    def __call__(self, shape, dtype=None, partition_info=None):
        fan_in, fan_out = _fans(list(shape))
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[self.mode]
        scale = self.scale / max(1.0, n)
        dtype = dtype or self.dtype
        if self.distribution in ("truncated_normal", "normal"):
            stddev = math.sqrt(scale) / 0.87962566103423978
            return random_ops.truncated_normal(shape, 0.0, stddev, dtype, self.seed)
        if self.distribution == "untruncated_normal":
            return random_ops.random_normal(shape, 0.0, math.sqrt(scale), dtype, self.seed)
        limit = math.sqrt(3.0 * scale)
        return random_ops.random_uniform(shape, -limit, limit, dtype, self.seed)


def glorot_uniform_initializer(seed=None, dtype=dtypes.float32):
    """The Glorot (Xavier) uniform initializer: variance scaling with scale 1 over the fan average.

    Args:
      seed: Optional int seed.
      dtype: The default dtype (default `float32`).

    Returns:
      A `variance_scaling_initializer`.
    """
    return variance_scaling_initializer(1.0, "fan_avg", "uniform", seed, dtype)


def glorot_normal_initializer(seed=None, dtype=dtypes.float32):
    """The Glorot (Xavier) normal initializer: a truncated normal of variance `1 / fan_avg`.

    Args:
      seed: Optional int seed.
      dtype: The default dtype (default `float32`).

    Returns:
      A `variance_scaling_initializer`.
    """
    return variance_scaling_initializer(1.0, "fan_avg", "truncated_normal", seed, dtype)


def he_normal(seed=None):
    """The He normal initializer: a truncated normal of variance `2 / fan_in` (for relu layers).

    Args:
      seed: Optional int seed.

    Returns:
      A `variance_scaling_initializer`.
    """
    return variance_scaling_initializer(2.0, "fan_in", "truncated_normal", seed)


def he_uniform(seed=None):
    """The He uniform initializer: uniform in `[-sqrt(6 / fan_in), sqrt(6 / fan_in)]`.

    Args:
      seed: Optional int seed.

    Returns:
      A `variance_scaling_initializer`.
    """
    return variance_scaling_initializer(2.0, "fan_in", "uniform", seed)


def xavier_initializer(uniform=True, seed=None, dtype=dtypes.float32):
    """tf.contrib.layers.xavier_initializer."""
    return variance_scaling_initializer(1.0, "fan_avg", "uniform" if uniform else
                                        "truncated_normal", seed, dtype)



def __getattr__(name):
    """TF 2's tf.initializers is tf.keras.initializers: its classes (GlorotUniform, Zeros,
    RandomNormal...), `get` and `serialize` are found there, loaded on first use."""
    if not name.startswith("__"):
        import importlib
        keras_initializers = importlib.import_module("ndflow.keras.initializers")
        if hasattr(keras_initializers, name):
            return getattr(keras_initializers, name)
    raise AttributeError(f"module 'ndflow.initializers' has no attribute {name!r}")
