"""Reshaping layers: Flatten, Reshape, Permute, ZeroPadding2D, UpSampling2D."""
import numpy as np

from ...ops import array_ops, join_ops
from .. import backend
from .base import InputSpec, Layer, shape_tuple


def batch_dim(x):
    """The batch size of `x`: a Python int when static, else a scalar tensor."""
    d = shape_tuple(x)[0]
    return d if d is not None else array_ops.shape(x)[0]


def reshape_batch(x, dims):
    """Reshapes `x` to (batch,) + dims, with dims possibly holding one -1."""
    if -1 not in dims:
        return array_ops.reshape(x, [-1] + list(dims))
    b = batch_dim(x)
    return array_ops.reshape(x, [b] + list(dims))


class Flatten(Layer):
    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = backend.standardize_data_format(data_format)
        self.input_spec = InputSpec(min_ndim=1)

    def call(self, inputs):
        shape = shape_tuple(inputs)
        if self.data_format == "channels_first" and len(shape) > 2:
            inputs = array_ops.transpose(inputs, [0] + list(range(2, len(shape))) + [1])
            shape = shape_tuple(inputs)
        if len(shape) == 1:
            return array_ops.expand_dims(inputs, 1)
        rest = shape[1:]
        if all(d is not None for d in rest):
            return array_ops.reshape(inputs, [-1, int(np.prod(rest))])
        return reshape_batch(inputs, [-1])

    def get_config(self):
        config = super().get_config()
        config["data_format"] = self.data_format
        return config


class Reshape(Layer):
    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        self.target_shape = tuple(int(d) for d in target_shape)
        if self.target_shape.count(-1) > 1:
            raise ValueError("Reshape: only one dimension of target_shape can be -1. "
                             f"Received: target_shape={self.target_shape}")

    def call(self, inputs):
        target = list(self.target_shape)
        rest = shape_tuple(inputs)[1:]
        if -1 in target and all(d is not None for d in rest):
            known = int(np.prod([d for d in target if d != -1]))
            total = int(np.prod(rest))
            if known == 0 or total % known:
                raise ValueError(f"Reshape {self.name}: cannot reshape input of shape "
                                 f"{shape_tuple(inputs)} to target_shape {self.target_shape}.")
            target[target.index(-1)] = total // known
        return reshape_batch(inputs, target)

    def get_config(self):
        config = super().get_config()
        config["target_shape"] = list(self.target_shape)
        return config


class Permute(Layer):
    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        self.dims = tuple(int(d) for d in dims)
        if sorted(self.dims) != list(range(1, len(self.dims) + 1)):
            raise ValueError("Invalid permutation argument `dims` for Permute Layer. The set of "
                             f"indices in `dims` must be [1, 2, ...]. Received: dims={dims}")

    def call(self, inputs):
        return array_ops.transpose(inputs, (0,) + self.dims)

    def get_config(self):
        config = super().get_config()
        config["dims"] = list(self.dims)
        return config


def _pairs(value, n, what):
    if isinstance(value, int):
        return ((value, value),) * n
    value = tuple(value)
    if len(value) != n:
        raise ValueError(f"`{what}` should have {n} elements. Received: {value}.")
    return tuple((v, v) if isinstance(v, int) else tuple(v) for v in value)


class ZeroPadding2D(Layer):
    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.padding = _pairs(padding, 2, "padding")
        self.data_format = backend.standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=4)

    def call(self, inputs):
        (top, bottom), (left, right) = self.padding
        if self.data_format == "channels_last":
            pads = [[0, 0], [top, bottom], [left, right], [0, 0]]
        else:
            pads = [[0, 0], [0, 0], [top, bottom], [left, right]]
        return join_ops.pad(inputs, pads)

    def get_config(self):
        config = super().get_config()
        config.update({"padding": [list(p) for p in self.padding],
                       "data_format": self.data_format})
        return config


class UpSampling2D(Layer):
    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(**kwargs)
        self.size = (size, size) if isinstance(size, int) else tuple(size)
        self.data_format = backend.standardize_data_format(data_format)
        if interpolation != "nearest":
            raise NotImplementedError("UpSampling2D: only interpolation='nearest' is "
                                      f"supported. Received: {interpolation!r}")
        self.interpolation = interpolation
        self.input_spec = InputSpec(ndim=4)

    def call(self, inputs):
        x = inputs
        if self.data_format == "channels_first":
            x = array_ops.transpose(x, [0, 2, 3, 1])
        _, h, w, c = shape_tuple(x)
        if None in (h, w, c):
            raise ValueError(f"UpSampling2D {self.name}: needs known height, width and "
                             f"channels; got shape {shape_tuple(x)}.")
        sh, sw = self.size
        # nearest neighbour: each pixel broadcast into an (sh, sw) block
        x = array_ops.reshape(x, [-1, h, 1, w, 1, c])
        x = x * array_ops.ones([1, 1, sh, 1, sw, 1], dtype=x.dtype)
        x = array_ops.reshape(x, [-1, h * sh, w * sw, c])
        if self.data_format == "channels_first":
            x = array_ops.transpose(x, [0, 3, 1, 2])
        return x

    def get_config(self):
        config = super().get_config()
        config.update({"size": list(self.size), "data_format": self.data_format,
                       "interpolation": self.interpolation})
        return config
