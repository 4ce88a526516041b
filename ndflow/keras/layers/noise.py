"""Regularizing layers active only in training: GaussianNoise, GaussianDropout, AlphaDropout,
SpatialDropout1D/2D/3D; and ActivityRegularization (a loss on the activations)."""
import math

from ...ops import array_ops, join_ops, math_ops, random_ops
from .. import backend, regularizers
from .base import InputSpec, Layer, shape_tuple
from .core import dropout


def _check_rate(rate, low_open=False):
    if not 0 <= float(rate) <= 1 or (low_open and float(rate) == 1):
        raise ValueError("Invalid value received for argument `rate`. Expected a float value "
                         f"between 0 and 1. Received: rate={rate}")
    return float(rate)


def _shape_of(x, dims=None):
    """The shape of `x` with None entries of `dims` taken from x (static where known)."""
    static = shape_tuple(x)
    dims = static if dims is None else [static[i] if d is None else d
                                        for i, d in enumerate(dims)]
    if all(d is not None for d in dims):
        return list(dims)
    dyn = array_ops.shape(x)
    return join_ops.stack([dyn[i] if d is None else d for i, d in enumerate(dims)])


class GaussianNoise(Layer):
    """Adds zero-mean Gaussian noise of standard deviation `stddev` while training."""

    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(**kwargs)
        if float(stddev) < 0:
            raise ValueError("Invalid value received for argument `stddev`. Expected a float "
                             f"value >= 0. Received: stddev={stddev}")
        self.stddev = float(stddev)
        self.seed = seed
        self.supports_masking = True

    def call(self, inputs, training=False):
        if not training or self.stddev == 0:
            return inputs
        return inputs + random_ops.random_normal(_shape_of(inputs), stddev=self.stddev,
                                                 dtype=inputs.dtype, seed=self.seed)

    def get_config(self):
        config = super().get_config()
        config.update({"stddev": self.stddev, "seed": self.seed})
        return config


class GaussianDropout(Layer):
    """Multiplies by Gaussian noise of mean 1 and variance `rate / (1 - rate)` in training."""

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = _check_rate(rate)
        self.seed = seed
        self.supports_masking = True

    def call(self, inputs, training=False):
        if not training or not 0 < self.rate < 1:
            return inputs
        stddev = math.sqrt(self.rate / (1.0 - self.rate))
        return inputs * random_ops.random_normal(_shape_of(inputs), mean=1.0, stddev=stddev,
                                                 dtype=inputs.dtype, seed=self.seed)

    def get_config(self):
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed})
        return config


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


class AlphaDropout(Layer):
    """Dropout for self-normalizing (SELU) networks: dropped units are set to SELU's negative
    saturation value and the result affinely corrected so mean and variance are kept."""

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = _check_rate(rate)
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)
        self.seed = seed
        self.supports_masking = True

    def call(self, inputs, training=False):
        if not training or self.rate <= 0:
            return inputs
        rate = self.rate
        alpha_p = -_SELU_ALPHA * _SELU_SCALE
        uniform = random_ops.random_uniform(_shape_of(inputs, self.noise_shape),
                                            dtype=inputs.dtype, seed=self.seed)
        kept = math_ops.cast(uniform >= rate, inputs.dtype)
        a = ((1 - rate) * (1 + rate * alpha_p ** 2)) ** -0.5
        b = -a * alpha_p * rate
        return a * (inputs * kept + alpha_p * (1.0 - kept)) + b

    def get_config(self):
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed,
                       "noise_shape": None if self.noise_shape is None
                       else list(self.noise_shape)})
        return config


class _SpatialDropout(Layer):
    rank = 2

    def __init__(self, rate, data_format=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = _check_rate(rate)
        self.seed = seed
        self.data_format = backend.standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def call(self, inputs, training=False):
        if not training or self.rate == 0:
            return inputs
        if self.rate == 1:
            return array_ops.zeros_like(inputs)
        ones = [1] * self.rank
        if self.data_format == "channels_last":  # one decision per (sample, channel)
            dims = [None] + ones + [None]
        else:
            dims = [None, None] + ones
        return dropout(inputs, self.rate, _shape_of(inputs, dims), self.seed)

    def get_config(self):
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed, "data_format": self.data_format})
        return config


class SpatialDropout1D(_SpatialDropout):
    """Drops whole channels of (batch, steps, channels) inputs."""
    rank = 1

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(rate, data_format="channels_last", seed=seed, **kwargs)

    def get_config(self):
        config = super().get_config()
        config.pop("data_format")
        return config


class SpatialDropout2D(_SpatialDropout):
    """Drops whole feature maps of 4-D inputs."""
    rank = 2


class SpatialDropout3D(_SpatialDropout):
    """Drops whole feature volumes of 5-D inputs."""
    rank = 3


class ActivityRegularization(Layer):
    """Passes its inputs through and adds `l1 * sum|x| + l2 * sum x^2` (per sample) to the
    model's losses."""

    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        kwargs.pop("activity_regularizer", None)
        super().__init__(activity_regularizer=regularizers.L1L2(l1=l1, l2=l2), **kwargs)
        self.l1, self.l2 = float(l1), float(l2)
        self.supports_masking = True

    def call(self, inputs):
        return inputs

    def get_config(self):
        config = super().get_config()
        config.pop("activity_regularizer", None)
        config.update({"l1": self.l1, "l2": self.l2})
        return config


from ._keras2_paths import install  # noqa: E402  (Keras 2's `keras.layers.noise` path)

install(globals(), "noise")
