"""Reshaping layers: Flatten, Reshape, Permute, ZeroPadding1D/2D/3D, Cropping1D/2D/3D,
UpSampling1D/2D/3D."""
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
    """Flattens each sample to one dimension: `[batch, d1, d2, ...]` to `[batch, d1*d2*...]`.

    Args:
      data_format: "channels_last" (default) or "channels_first"; with "channels_first" the
        channels are moved last before flattening, so weights match a channels-last model.
      **kwargs: Base `Layer` options (`name`, `dtype`, `trainable`, Keras 2's `input_shape`...).
    """
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
    """Reshapes each sample to `target_shape` (the batch dimension is kept).

    Args:
      target_shape: A tuple of ints, one of which may be -1 (inferred).
      **kwargs: Base `Layer` options (`name`, `dtype`, `trainable`, Keras 2's `input_shape`...).

    Example:

    >>> from ndflow import keras
    >>> keras.layers.Reshape((3, 2))(ndflow.zeros([4, 6])).shape
    TensorShape([4, 3, 2])
    """
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
    """Permutes the non-batch dimensions of its input.

    Args:
      dims: A permutation of `1..rank-1` (1-based: the batch dimension is not counted), e.g.
        `(2, 1)` swaps the two dimensions of each sample.
      **kwargs: Base `Layer` options (`name`, `dtype`, `trainable`, Keras 2's `input_shape`...).
    """
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


class RepeatVector(Layer):
    """Repeats each input vector `n` times: (batch, features) -> (batch, n, features).

    Args:
      n: How many times to repeat (a positive int).
      **kwargs: Base `Layer` options (`name`, `dtype`, `trainable`, Keras 2's `input_shape`...).

    Raises:
      TypeError: If `n` is not an integer.
    """
    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(n, (int, np.integer)) or isinstance(n, bool):
            raise TypeError(f"Expected an integer value for `n`. Received: n={n!r} "
                            f"(of type {type(n).__name__})")
        self.n = int(n)
        self.input_spec = InputSpec(ndim=2)

    def call(self, inputs):
        return join_ops.tile(array_ops.expand_dims(inputs, 1), [1, self.n, 1])

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.n, input_shape[1])

    def get_config(self):
        config = super().get_config()
        config["n"] = self.n
        return config


def _pairs(value, n, what):
    if isinstance(value, int):
        return ((value, value),) * n
    value = tuple(value)
    if len(value) != n:
        raise ValueError(f"`{what}` should have {n} elements. Received: {value}.")
    return tuple((v, v) if isinstance(v, int) else tuple(v) for v in value)


class _SpatialLayer(Layer):
    """A layer over the `rank` spatial axes of (batch, spatial..., channels) inputs (or
    channels first)."""
    rank = 2

    def _spatial_axes(self):
        first = getattr(self, "data_format", "channels_last") == "channels_first"
        return list(range(2, self.rank + 2)) if first else list(range(1, self.rank + 1))


class _ZeroPadding(_SpatialLayer):
    def __init__(self, padding=1, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.padding = _pairs(padding, self.rank, "padding")
        if any(p < 0 for pair in self.padding for p in pair):
            raise ValueError(f"{type(self).__name__}: padding must be non-negative. "
                             f"Received: padding={padding}")
        self.data_format = backend.standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def call(self, inputs):
        pads = [[0, 0] for _ in range(self.rank + 2)]
        for axis, pair in zip(self._spatial_axes(), self.padding):
            pads[axis] = list(pair)
        return join_ops.pad(inputs, pads)

    def get_config(self):
        config = super().get_config()
        padding = [list(p) for p in self.padding]
        config.update({"padding": padding[0] if self.rank == 1 else padding,
                       "data_format": self.data_format})
        return config


class ZeroPadding1D(_ZeroPadding):
    """Pads the steps axis with zeros: `padding` an int or (left, right)."""
    rank = 1

    def __init__(self, padding=1, data_format=None, **kwargs):
        if not isinstance(padding, int) and len(padding) == 2 and \
                all(isinstance(p, int) for p in padding):
            padding = (tuple(padding),)
        super().__init__(padding, data_format, **kwargs)


class ZeroPadding2D(_ZeroPadding):
    """Pads height and width with zeros: an int, (h, w), or ((top, bottom), (left, right))."""
    rank = 2

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(padding, data_format, **kwargs)


class ZeroPadding3D(_ZeroPadding):
    """Pads the three spatial axes with zeros."""
    rank = 3

    def __init__(self, padding=(1, 1, 1), data_format=None, **kwargs):
        super().__init__(padding, data_format, **kwargs)


class _Cropping(_SpatialLayer):
    def __init__(self, cropping, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.cropping = _pairs(cropping, self.rank, "cropping")
        if any(p < 0 for pair in self.cropping for p in pair):
            raise ValueError(f"{type(self).__name__}: cropping must be non-negative. "
                             f"Received: cropping={cropping}")
        self.data_format = backend.standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def call(self, inputs):
        shape = shape_tuple(inputs)
        key = [slice(None)] * (self.rank + 2)
        for axis, (before, after) in zip(self._spatial_axes(), self.cropping):
            if shape[axis] is not None and before + after >= shape[axis]:
                raise ValueError(f"{type(self).__name__} {self.name}: cropping {self.cropping} "
                                 f"leaves nothing of an input of shape {shape}.")
            key[axis] = slice(before, -after if after else None)
        return inputs[tuple(key)]

    def get_config(self):
        config = super().get_config()
        cropping = [list(p) for p in self.cropping]
        config["cropping"] = cropping[0] if self.rank == 1 else cropping
        if self.rank > 1:
            config["data_format"] = self.data_format
        return config


class Cropping1D(_Cropping):
    """Crops the steps axis: `cropping` an int or (left, right)."""
    rank = 1

    def __init__(self, cropping=(1, 1), **kwargs):
        if not isinstance(cropping, int):
            cropping = (tuple(cropping),)
        super().__init__(cropping, "channels_last", **kwargs)


class Cropping2D(_Cropping):
    """Crops height and width: an int, (h, w), or ((top, bottom), (left, right))."""
    rank = 2

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(cropping, data_format, **kwargs)


class Cropping3D(_Cropping):
    """Crops the three spatial axes."""
    rank = 3

    def __init__(self, cropping=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(cropping, data_format, **kwargs)


def _repeat_axes(x, axes, sizes):
    """Nearest-neighbour upsampling: each element repeated `sizes[i]` times along axes[i]."""
    shape = shape_tuple(x)
    if any(shape[a] is None for a in axes) or any(d is None for d in shape[1:]):
        raise ValueError(f"UpSampling: needs known non-batch dimensions; got shape {shape}.")
    expanded, ones, target = [-1], [1], [-1]
    for axis, d in enumerate(shape[1:], start=1):
        k = sizes[axes.index(axis)] if axis in axes else 1
        expanded += [d, 1] if axis in axes else [d]
        ones += [1, k] if axis in axes else [1]
        target.append(d * k)
    x = array_ops.reshape(x, expanded) * array_ops.ones(ones, dtype=x.dtype)
    return array_ops.reshape(x, target)


class UpSampling1D(Layer):
    """Repeats each step `size` times."""

    def __init__(self, size=2, **kwargs):
        super().__init__(**kwargs)
        self.size = int(size)
        self.input_spec = InputSpec(ndim=3)

    def call(self, inputs):
        return _repeat_axes(inputs, [1], [self.size])

    def get_config(self):
        config = super().get_config()
        config["size"] = self.size
        return config


_UPSAMPLING_INTERPOLATIONS = ("nearest", "bilinear", "bicubic", "lanczos3", "lanczos5")


class UpSampling2D(_SpatialLayer):
    """Upsamples height and width by `size`: "nearest" repeats pixels, "bilinear",
    "bicubic", "lanczos3" and "lanczos5" interpolate (tf.image.resize, half-pixel centres)."""
    rank = 2

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(**kwargs)
        self.size = (size, size) if isinstance(size, int) else tuple(int(v) for v in size)
        self.data_format = backend.standardize_data_format(data_format)
        if interpolation not in _UPSAMPLING_INTERPOLATIONS:
            raise ValueError("`interpolation` argument should be one of "
                             f"{list(_UPSAMPLING_INTERPOLATIONS)}. Received: "
                             f"interpolation={interpolation!r}")
        self.interpolation = interpolation
        self.input_spec = InputSpec(ndim=4)

    def call(self, inputs):
        if self.interpolation == "nearest":
            return _repeat_axes(inputs, self._spatial_axes(), list(self.size))
        from ...ops import image_resize_ops
        x = inputs
        if self.data_format == "channels_first":
            x = array_ops.transpose(x, [0, 2, 3, 1])
        _, h, w, _ = shape_tuple(x)
        if h is None or w is None:
            raise ValueError(f"UpSampling2D {self.name}: interpolation needs known height and "
                             f"width; got shape {shape_tuple(inputs)}.")
        x = image_resize_ops.resize_nhwc(x, (h * self.size[0], w * self.size[1]),
                                         self.interpolation, False)
        x = array_ops.cast(x, inputs.dtype) if x.dtype != inputs.dtype else x
        if self.data_format == "channels_first":
            x = array_ops.transpose(x, [0, 3, 1, 2])
        return x

    def get_config(self):
        config = super().get_config()
        config.update({"size": list(self.size), "data_format": self.data_format,
                       "interpolation": self.interpolation})
        return config


class UpSampling3D(_SpatialLayer):
    """Repeats each voxel `size` times along the three spatial axes."""
    rank = 3

    def __init__(self, size=(2, 2, 2), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.size = (size,) * 3 if isinstance(size, int) else tuple(int(v) for v in size)
        self.data_format = backend.standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=5)

    def call(self, inputs):
        return _repeat_axes(inputs, self._spatial_axes(), list(self.size))

    def get_config(self):
        config = super().get_config()
        config.update({"size": list(self.size), "data_format": self.data_format})
        return config
