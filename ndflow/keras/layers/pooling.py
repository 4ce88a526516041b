"""Pooling: Max/AveragePooling1D/2D/3D and the global poolings."""
from ...ops import fused_conv_ops, math_ops, pooling_ops
from .. import backend
from .base import InputSpec, Layer


def _tuple(value, n):
    if value is None:
        return None
    return (int(value),) * n if isinstance(value, int) else tuple(int(v) for v in value)


class _Pooling(Layer):
    rank = 2
    mode = "max"

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(**kwargs)
        n = self.rank
        self.pool_size = _tuple(pool_size, n)
        self.strides = _tuple(strides, n) or self.pool_size
        self.padding = str(padding).lower()
        if self.padding not in ("valid", "same"):
            raise ValueError("The `padding` argument must be one of 'valid', 'same'. "
                             f"Received: padding={padding}")
        self.data_format = backend.standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=n + 2)

    def call(self, inputs):
        last = self.data_format == "channels_last"
        if self.rank == 3:  # 3-D pooling is NDHWC only: channels first goes through it
            from ...ops import array_ops, conv3d_ops
            fn = conv3d_ops.max_pool3d if self.mode == "max" else conv3d_ops.avg_pool3d
            x = inputs if last else array_ops.transpose(inputs, [0, 2, 3, 4, 1])
            y = fn(x, list(self.pool_size), list(self.strides), self.padding.upper())
            return y if last else array_ops.transpose(y, [0, 4, 1, 2, 3])
        if self.rank == 2:
            fn = pooling_ops.max_pool2d if self.mode == "max" else pooling_ops.avg_pool2d
            fmt = "NHWC" if last else "NCHW"
        else:
            fn = pooling_ops.max_pool1d if self.mode == "max" else pooling_ops.avg_pool1d
            fmt = "NWC" if last else "NCW"
        return fn(inputs, list(self.pool_size), list(self.strides), self.padding.upper(), fmt)

    def get_config(self):
        config = super().get_config()
        config.update({"pool_size": list(self.pool_size), "padding": self.padding,
                       "strides": list(self.strides), "data_format": self.data_format})
        return config


class MaxPooling2D(_Pooling):
    """Max pooling over height and width: the maximum of each window.

    Inputs are (batch, height, width, channels) with "channels_last" (channels second with
    "channels_first").

    Args:
      pool_size: The window size: an int or a tuple of 2 ints (default (2, 2)).
      strides: The step between windows (default: `pool_size`).
      padding: "valid" (windows inside the input) or "same" (the output has
        `ceil(size / strides)` positions; padded positions are ignored).
      data_format: "channels_last" or "channels_first" (default `image_data_format()`).
      **kwargs: Base `Layer` options (`name`, `dtype`...).

    Raises:
      ValueError: If `padding` is neither "valid" nor "same".

    Example:

    >>> from ndflow import keras
    >>> keras.layers.MaxPooling2D()(ndflow.zeros([1, 4, 4, 3])).shape
    TensorShape([1, 2, 2, 3])
    """
    rank, mode = 2, "max"

    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", data_format=None,
                 **kwargs):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)

    def call(self, inputs, training=None):
        if training is False and self.data_format == "channels_last":
            # inference after a Conv2D: one op pools the convolution's output block by
            # block, so it is never stored whole (W6)
            fused = fused_conv_ops.fuse_max_pool(inputs, self.pool_size, self.strides,
                                                 self.padding.upper())
            if fused is not None:
                return fused
        return super().call(inputs)


class AveragePooling2D(_Pooling):
    """Average pooling over height and width: the average of each window.

    Inputs are (batch, height, width, channels) with "channels_last" (channels second with
    "channels_first").

    Args:
      pool_size: The window size: an int or a tuple of 2 ints (default (2, 2)).
      strides: The step between windows (default: `pool_size`).
      padding: "valid" (windows inside the input) or "same" (the output has
        `ceil(size / strides)` positions; padded positions are ignored).
      data_format: "channels_last" or "channels_first" (default `image_data_format()`).
      **kwargs: Base `Layer` options (`name`, `dtype`...).

    Raises:
      ValueError: If `padding` is neither "valid" nor "same".
    """
    rank, mode = 2, "avg"

    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", data_format=None,
                 **kwargs):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


class MaxPooling1D(_Pooling):
    """Max pooling over steps: the maximum of each window.

    Inputs are (batch, steps, features) with "channels_last" (channels second with
    "channels_first").

    Args:
      pool_size: The window size: an int or a tuple of 1 ints (default 2).
      strides: The step between windows (default: `pool_size`).
      padding: "valid" (windows inside the input) or "same" (the output has
        `ceil(size / strides)` positions; padded positions are ignored).
      data_format: "channels_last" or "channels_first" (default `image_data_format()`).
      **kwargs: Base `Layer` options (`name`, `dtype`...).

    Raises:
      ValueError: If `padding` is neither "valid" nor "same".
    """
    rank, mode = 1, "max"


class AveragePooling1D(_Pooling):
    """Average pooling over steps: the average of each window.

    Inputs are (batch, steps, features) with "channels_last" (channels second with
    "channels_first").

    Args:
      pool_size: The window size: an int or a tuple of 1 ints (default 2).
      strides: The step between windows (default: `pool_size`).
      padding: "valid" (windows inside the input) or "same" (the output has
        `ceil(size / strides)` positions; padded positions are ignored).
      data_format: "channels_last" or "channels_first" (default `image_data_format()`).
      **kwargs: Base `Layer` options (`name`, `dtype`...).

    Raises:
      ValueError: If `padding` is neither "valid" nor "same".
    """
    rank, mode = 1, "avg"


class _GlobalPooling(Layer):
    rank = 2
    reduce = staticmethod(math_ops.reduce_mean)

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.data_format = backend.standardize_data_format(data_format)
        self.keepdims = keepdims
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def call(self, inputs):
        if self.data_format == "channels_last":
            axes = list(range(1, self.rank + 1))
        else:
            axes = list(range(2, self.rank + 2))
        return type(self).reduce(inputs, axis=axes, keepdims=self.keepdims)

    def get_config(self):
        config = super().get_config()
        config.update({"data_format": self.data_format, "keepdims": self.keepdims})
        return config


class GlobalAveragePooling2D(_GlobalPooling):
    """Global average pooling: the mean over all spatial positions, one value per channel.

    Args:
      data_format: "channels_last" or "channels_first" (default `image_data_format()`).
      keepdims: If true, the pooled axes are kept with length 1.
      **kwargs: Base `Layer` options (`name`, `dtype`...).
    """
    rank = 2
    reduce = staticmethod(math_ops.reduce_mean)


class GlobalMaxPooling2D(_GlobalPooling):
    """Global max pooling: the maximum over all spatial positions, one value per channel.

    Args:
      data_format: "channels_last" or "channels_first" (default `image_data_format()`).
      keepdims: If true, the pooled axes are kept with length 1.
      **kwargs: Base `Layer` options (`name`, `dtype`...).
    """
    rank = 2
    reduce = staticmethod(math_ops.reduce_max)


class GlobalAveragePooling1D(_GlobalPooling):
    """Global average pooling over the steps of a 1D (temporal) input; with a mask
    (batch, steps), the average of the unmasked steps."""

    rank = 1
    reduce = staticmethod(math_ops.reduce_mean)

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(data_format=data_format, keepdims=keepdims, **kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        if mask is None or hasattr(inputs, "flat_values"):  # ragged rows hold no padding
            return super().call(inputs)
        import ndflow
        steps_axis = 1 if self.data_format == "channels_last" else 2
        m = ndflow.expand_dims(ndflow.cast(mask, inputs.dtype),
                               2 if self.data_format == "channels_last" else 1)
        total = ndflow.reduce_sum(inputs * m, axis=steps_axis, keepdims=self.keepdims)
        return total / ndflow.reduce_sum(m, axis=steps_axis, keepdims=self.keepdims)

    def compute_mask(self, inputs, mask=None):
        return None


class GlobalMaxPooling1D(_GlobalPooling):
    """Global max pooling: the maximum over all steps positions, one value per channel.

    Args:
      data_format: "channels_last" or "channels_first" (default `image_data_format()`).
      keepdims: If true, the pooled axes are kept with length 1.
      **kwargs: Base `Layer` options (`name`, `dtype`...).
    """
    rank = 1
    reduce = staticmethod(math_ops.reduce_max)


class MaxPooling3D(_Pooling):
    """Max pooling over the three spatial axes: the maximum of each window.

    Inputs are (batch, dim1, dim2, dim3, channels) with "channels_last" (channels second with
    "channels_first").

    Args:
      pool_size: The window size: an int or a tuple of 3 ints (default (2, 2, 2)).
      strides: The step between windows (default: `pool_size`).
      padding: "valid" (windows inside the input) or "same" (the output has
        `ceil(size / strides)` positions; padded positions are ignored).
      data_format: "channels_last" or "channels_first" (default `image_data_format()`).
      **kwargs: Base `Layer` options (`name`, `dtype`...).

    Raises:
      ValueError: If `padding` is neither "valid" nor "same".
    """
    rank, mode = 3, "max"

    def __init__(self, pool_size=(2, 2, 2), strides=None, padding="valid", data_format=None,
                 **kwargs):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


class AveragePooling3D(_Pooling):
    """Average pooling over the three spatial axes: the average of each window.

    Inputs are (batch, dim1, dim2, dim3, channels) with "channels_last" (channels second with
    "channels_first").

    Args:
      pool_size: The window size: an int or a tuple of 3 ints .
      strides: The step between windows (default: `pool_size`).
      padding: "valid" (windows inside the input) or "same" (the output has
        `ceil(size / strides)` positions; padded positions are ignored).
      data_format: "channels_last" or "channels_first" (default `image_data_format()`).
      **kwargs: Base `Layer` options (`name`, `dtype`...).

    Raises:
      ValueError: If `padding` is neither "valid" nor "same".
    """
    rank, mode = 3, "avg"

    def __init__(self, pool_size, strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


class GlobalAveragePooling3D(_GlobalPooling):
    """Global average pooling: the mean over all spatial positions, one value per channel.

    Args:
      data_format: "channels_last" or "channels_first" (default `image_data_format()`).
      keepdims: If true, the pooled axes are kept with length 1.
      **kwargs: Base `Layer` options (`name`, `dtype`...).
    """
    rank = 3
    reduce = staticmethod(math_ops.reduce_mean)


class GlobalMaxPooling3D(_GlobalPooling):
    """Global max pooling: the maximum over all spatial positions, one value per channel.

    Args:
      data_format: "channels_last" or "channels_first" (default `image_data_format()`).
      keepdims: If true, the pooled axes are kept with length 1.
      **kwargs: Base `Layer` options (`name`, `dtype`...).
    """
    rank = 3
    reduce = staticmethod(math_ops.reduce_max)


# Keras aliases
MaxPool2D, AvgPool2D, MaxPool1D, AvgPool1D = (MaxPooling2D, AveragePooling2D, MaxPooling1D,
                                              AveragePooling1D)
MaxPool3D, AvgPool3D = MaxPooling3D, AveragePooling3D
GlobalAvgPool3D, GlobalMaxPool3D = GlobalAveragePooling3D, GlobalMaxPooling3D
GlobalAvgPool2D, GlobalMaxPool2D = GlobalAveragePooling2D, GlobalMaxPooling2D
GlobalAvgPool1D, GlobalMaxPool1D = GlobalAveragePooling1D, GlobalMaxPooling1D


from ._keras2_paths import install as _install  # noqa: E402

_install(globals(), "pooling")  # Keras 2 names this module path held, defined elsewhere
