"""Depthwise and separable convolutions: DepthwiseConv1D/2D, SeparableConv1D/2D.

Weights are Keras 3's, created in its order so `.keras` and `.h5` files move both ways:
DepthwiseConv `kernel` (kernel_size..., in_channels, depth_multiplier) and `bias`;
SeparableConv `depthwise_kernel` (same shape), `pointwise_kernel` (1..., in_channels *
depth_multiplier, filters) and `bias`. The 1-D layers run the 2-D ops over a unit
height axis.
"""
from ...ops import array_ops, conv_ops, depthwise_conv_ops
from .. import activations, backend, constraints, initializers, regularizers
from .base import InputSpec, Layer
from .conv import _ser, _tuple


class _DepthwiseBase(Layer):
    rank = 2

    def __init__(self, kernel_size, strides=1, padding="valid", depth_multiplier=1,
                 data_format=None, dilation_rate=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", bias_initializer="zeros",
                 depthwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        n = self.rank
        if int(depth_multiplier) <= 0:
            raise ValueError("Invalid value for argument `depth_multiplier`. Expected a "
                             f"strictly positive value. Received: depth_multiplier="
                             f"{depth_multiplier}")
        self.depth_multiplier = int(depth_multiplier)
        self.kernel_size = _tuple(kernel_size, n, "kernel_size")
        self.strides = _tuple(strides, n, "strides")
        self.dilation_rate = _tuple(dilation_rate, n, "dilation_rate")
        if min(self.kernel_size + self.strides + self.dilation_rate) <= 0:
            raise ValueError(f"{type(self).__name__}: kernel_size, strides and dilation_rate "
                             f"must be positive. Received: kernel_size={self.kernel_size}, "
                             f"strides={self.strides}, dilation_rate={self.dilation_rate}")
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError("`strides > 1` not supported in conjunction with "
                             f"`dilation_rate > 1`. Received: strides={self.strides} and "
                             f"dilation_rate={self.dilation_rate}")
        self.padding = str(padding).lower()
        allowed = ("valid", "same")  # Keras 3 has no causal depthwise/separable padding
        if self.padding not in allowed:
            raise ValueError(f"The `padding` argument must be one of {allowed}. Received: "
                             f"padding={padding}")
        self.data_format = backend.standardize_data_format(data_format)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.depthwise_constraint = constraints.get(depthwise_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(min_ndim=n + 2)

    def _channel_axis(self):
        return -1 if self.data_format == "channels_last" else 1

    def _in_channels(self, input_shape):
        channels = input_shape[self._channel_axis()]
        if channels is None:
            raise ValueError(f"{type(self).__name__} {self.name}: the channel dimension of the "
                             f"inputs should be defined. Received input_shape={input_shape}")
        return int(channels)

    def _build_depthwise(self, channels, name):
        return self.add_weight(
            name=name, shape=self.kernel_size + (channels, self.depth_multiplier),
            initializer=self.depthwise_initializer, regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint)

    def _build_bias(self, size):
        self.bias = self.add_weight(name="bias", shape=(size,), initializer=self.bias_initializer,
                                    regularizer=self.bias_regularizer,
                                    constraint=self.bias_constraint) if self.use_bias else None

    def _depthwise(self, inputs, kernel):
        """The depthwise step (2-D op; 1-D layers over a unit height axis)."""
        first = self.data_format == "channels_first"
        fmt = "NCHW" if first else "NHWC"
        x = inputs
        strides, dilations = list(self.strides), list(self.dilation_rate)
        padding = self.padding.upper()
        if self.rank == 1:
            x = array_ops.expand_dims(x, 2 if first else 1)
            kernel = array_ops.expand_dims(kernel, 0)
            strides, dilations = [1] + strides, [1] + dilations
        out = depthwise_conv_ops.depthwise_conv2d(x, kernel, strides, padding,
                                                  data_format=fmt, dilations=dilations)
        return out, fmt

    def _finish(self, out, fmt):
        if self.rank == 1:
            out = array_ops.squeeze(out, [2 if fmt == "NCHW" else 1])
        if self.bias is not None:
            if self.data_format == "channels_last":
                out = out + self.bias
            else:
                out = out + array_ops.reshape(self.bias, [-1] + [1] * self.rank)
        if self.activation is not None:
            out = self.activation(out)
        return out

    def get_config(self):
        config = super().get_config()
        config.update({
            "depth_multiplier": self.depth_multiplier, "kernel_size": list(self.kernel_size),
            "strides": list(self.strides), "padding": self.padding,
            "data_format": self.data_format, "dilation_rate": list(self.dilation_rate),
            "activation": activations.serialize(self.activation), "use_bias": self.use_bias,
            "depthwise_initializer": initializers.serialize(self.depthwise_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "depthwise_regularizer": _ser(regularizers, self.depthwise_regularizer),
            "bias_regularizer": _ser(regularizers, self.bias_regularizer),
            "depthwise_constraint": _ser(constraints, self.depthwise_constraint),
            "bias_constraint": _ser(constraints, self.bias_constraint)})
        return config


class DepthwiseConv2D(_DepthwiseBase):
    """Depthwise 2-D convolution: each input channel filtered by `depth_multiplier` filters.

    Args:
      kernel_size: an int or a pair, the window size.
      strides, padding, data_format, dilation_rate: as for Conv2D ("valid" or "same").
      depth_multiplier: output channels per input channel.
      activation, use_bias, depthwise_initializer, bias_initializer, depthwise_regularizer,
      bias_regularizer, activity_regularizer, depthwise_constraint, bias_constraint: as
      Keras's.
    """
    rank = 2

    def build(self, input_shape):
        channels = self._in_channels(input_shape)
        # Keras 3 names this variable "kernel" (Keras 2: "depthwise_kernel")
        self.kernel = self._build_depthwise(channels, "kernel")
        self._build_bias(channels * self.depth_multiplier)
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={self._channel_axis(): channels})

    @property
    def depthwise_kernel(self):
        """Keras 2's attribute name for `kernel`."""
        return self.kernel

    def call(self, inputs):
        out, fmt = self._depthwise(inputs, self.kernel)
        return self._finish(out, fmt)


class DepthwiseConv1D(DepthwiseConv2D):
    """Depthwise 1-D convolution."""
    rank = 1


class SeparableConv2D(_DepthwiseBase):
    """Depthwise 2-D convolution followed by a pointwise (1x1) convolution to `filters`.

    Args:
      filters: the number of output channels.
      kernel_size, strides, padding, data_format, dilation_rate, depth_multiplier: as for
        DepthwiseConv2D.
      pointwise_initializer, pointwise_regularizer, pointwise_constraint: for the 1x1
        kernel; the other arguments as DepthwiseConv2D's.
    """
    rank = 2

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, depth_multiplier=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", pointwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None,
                 pointwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, pointwise_constraint=None, bias_constraint=None,
                 **kwargs):
        super().__init__(kernel_size, strides=strides, padding=padding,
                         depth_multiplier=depth_multiplier, data_format=data_format,
                         dilation_rate=dilation_rate, activation=activation, use_bias=use_bias,
                         depthwise_initializer=depthwise_initializer,
                         bias_initializer=bias_initializer,
                         depthwise_regularizer=depthwise_regularizer,
                         bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         depthwise_constraint=depthwise_constraint,
                         bias_constraint=bias_constraint, **kwargs)
        if int(filters) <= 0:
            raise ValueError("Invalid value for argument `filters`. Expected a strictly "
                             f"positive value. Received filters={filters}.")
        self.filters = int(filters)
        self.pointwise_initializer = initializers.get(pointwise_initializer)
        self.pointwise_regularizer = regularizers.get(pointwise_regularizer)
        self.pointwise_constraint = constraints.get(pointwise_constraint)

    def build(self, input_shape):
        channels = self._in_channels(input_shape)
        self.depthwise_kernel = self._build_depthwise(channels, "depthwise_kernel")
        self.pointwise_kernel = self.add_weight(
            name="pointwise_kernel",
            shape=(1,) * self.rank + (channels * self.depth_multiplier, self.filters),
            initializer=self.pointwise_initializer, regularizer=self.pointwise_regularizer,
            constraint=self.pointwise_constraint)
        self._build_bias(self.filters)
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={self._channel_axis(): channels})

    def call(self, inputs):
        out, fmt = self._depthwise(inputs, self.depthwise_kernel)
        kernel = self.pointwise_kernel
        if self.rank == 1:
            kernel = array_ops.expand_dims(kernel, 0)
        out = conv_ops.conv2d(out, kernel, 1, "VALID", data_format=fmt)
        return self._finish(out, fmt)

    def get_config(self):
        config = super().get_config()
        config.update({
            "filters": self.filters,
            "pointwise_initializer": initializers.serialize(self.pointwise_initializer),
            "pointwise_regularizer": _ser(regularizers, self.pointwise_regularizer),
            "pointwise_constraint": _ser(constraints, self.pointwise_constraint)})
        return config


class SeparableConv1D(SeparableConv2D):
    """Separable 1-D convolution."""
    rank = 1
