"""Convolutions: Conv1D, Conv2D, Conv3D, Conv2DTranspose, Conv3DTranspose (on ndflow.nn's
conv ops)."""
import numpy as np

from ...ops import array_ops, conv_ops, fused_conv_ops, join_ops
from .. import activations, backend, constraints, initializers, regularizers
from .base import InputSpec, Layer, shape_tuple


def _tuple(value, n, what):
    if isinstance(value, (int, np.integer)):
        return (int(value),) * n
    value = tuple(int(v) for v in value)
    if len(value) != n:
        raise ValueError(f"The `{what}` argument must be a tuple of {n} integers. "
                         f"Received {what}={value}")
    return value


def _ser(module, obj):
    return None if obj is None else module.serialize(obj)


class _Conv(Layer):
    rank = 2

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        n = self.rank
        if int(filters) <= 0:
            raise ValueError("Invalid value for argument `filters`. Expected a strictly "
                             f"positive value. Received filters={filters}.")
        self.filters = int(filters)
        self.kernel_size = _tuple(kernel_size, n, "kernel_size")
        self.strides = _tuple(strides, n, "strides")
        self.dilation_rate = _tuple(dilation_rate, n, "dilation_rate")
        self.padding = str(padding).lower()
        allowed = ("valid", "same", "causal") if n == 1 else ("valid", "same")
        if self.padding not in allowed:
            raise ValueError(f"The `padding` argument must be one of {allowed}. Received: "
                             f"padding={padding}")
        if int(groups) <= 0 or self.filters % int(groups):
            raise ValueError("The number of filters must be evenly divisible by the number of "
                             f"groups. Received: groups={groups}, filters={filters}.")
        self.groups = int(groups)
        self.data_format = backend.standardize_data_format(data_format)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(min_ndim=n + 2)

    def _channel_axis(self):
        return -1 if self.data_format == "channels_last" else 1

    def _kernel_shape(self, in_channels):
        return self.kernel_size + (in_channels // self.groups, self.filters)

    def build(self, input_shape):
        channels = input_shape[self._channel_axis()]
        if channels is None:
            raise ValueError(f"{type(self).__name__} {self.name}: the channel dimension of the "
                             f"inputs should be defined. Received input_shape={input_shape}")
        if channels % self.groups:
            raise ValueError(f"{type(self).__name__} {self.name}: the number of input channels "
                             f"must be evenly divisible by the number of groups. Received "
                             f"groups={self.groups}, input_shape={input_shape}")
        self.kernel = self.add_weight(name="kernel", shape=self._kernel_shape(channels),
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.bias = self.add_weight(name="bias", shape=(self.filters,),
                                    initializer=self.bias_initializer,
                                    regularizer=self.bias_regularizer,
                                    constraint=self.bias_constraint) if self.use_bias else None
        self.input_spec = InputSpec(ndim=self.rank + 2,
                                    axes={self._channel_axis(): channels})

    def _finish(self, out):
        if self.bias is not None:
            fmt = "NHWC" if self.data_format == "channels_last" else "NCHW"
            if self.rank == 1:
                fmt = "NWC" if self.data_format == "channels_last" else "NCW"
            if self.rank == 3:
                fmt = "NDHWC" if self.data_format == "channels_last" else "NCDHW"
            if fmt in ("NHWC", "NWC", "NDHWC"):
                out = out + self.bias
            else:
                out = out + array_ops.reshape(self.bias, [self.filters] + [1] * self.rank)
        if self.activation is not None:
            out = self.activation(out)
        return out

    def get_config(self):
        config = super().get_config()
        config.update({
            "filters": self.filters, "kernel_size": list(self.kernel_size),
            "strides": list(self.strides), "padding": self.padding,
            "data_format": self.data_format, "dilation_rate": list(self.dilation_rate),
            "groups": self.groups, "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": _ser(regularizers, self.kernel_regularizer),
            "bias_regularizer": _ser(regularizers, self.bias_regularizer),
            "kernel_constraint": _ser(constraints, self.kernel_constraint),
            "bias_constraint": _ser(constraints, self.bias_constraint)})
        return config


    def _grouped(self, conv, inputs, kernel, channels_last=None):
        """`conv(x, w)` per group of channels, outputs concatenated. As Keras's `ops.conv`,
        the number of groups is the inputs' channels over the kernel's input channels (the
        layer's `groups` for its own kernel)."""
        if channels_last is None:
            channels_last = self.data_format == "channels_last"
        axis = self.rank + 1 if channels_last else 1
        x_shape, w_shape = shape_tuple(inputs) or (), shape_tuple(kernel) or ()
        channels = x_shape[axis] if len(x_shape) > axis else None
        kernel_in = w_shape[self.rank] if len(w_shape) > self.rank else None
        if channels is None or not kernel_in:
            groups = self.groups
        elif channels % kernel_in:
            raise ValueError(f"{type(self).__name__} {self.name}: the inputs' channels must "
                             "be a multiple of the kernel's input channels (the groups). "
                             f"Received: inputs.shape={x_shape}, kernel.shape={w_shape}")
        else:
            groups = channels // kernel_in
        if groups == 1:
            return conv(inputs, kernel)
        xs = join_ops.split(inputs, groups, axis=axis)
        ws = join_ops.split(kernel, groups, axis=self.rank + 1)
        return join_ops.concat([conv(x, w) for x, w in zip(xs, ws)], axis=axis)

    def convolution_op(self, inputs, kernel):
        """The layer's convolution of `inputs` with `kernel`, without bias or activation.

        `call` computes `activation(convolution_op(inputs, self.kernel) + bias)`, so a
        subclass can override this method (e.g. to standardize the kernel), or call it from
        its own `call` with a kernel of its making. Uses the layer's strides, padding,
        dilation rate and data format; grouped when the kernel's input channels are a
        fraction of the inputs'.

        Args:
          inputs: A tensor of rank `rank + 2` in the layer's data format.
          kernel: A tensor of shape `kernel_size + (input_channels / groups, filters)`.

        Returns:
          The convolution's output tensor.
        """
        return self._grouped(self._conv, inputs, kernel)

    def call(self, inputs):
        return self._finish(self.convolution_op(inputs, self.kernel))


class Conv2D(_Conv):
    """2-D convolution layer: slides `filters` kernels over height and width.

    `output = activation(conv2d(inputs, kernel) + bias)` with a kernel of shape
    `kernel_size + (input_channels / groups, filters)`.

    Args:
      filters: The number of output channels (a positive int).
      kernel_size: An int or a tuple of 2 ints: the window size.
      strides: An int or a tuple of 2 ints (default 1).
      padding: "valid" (no padding) or "same" (outputs of `ceil(size / strides)`).
      data_format: "channels_last" or "channels_first" (default `image_data_format()`).
      dilation_rate: An int or a tuple of 2 ints: spacing of the kernel taps (default 1).
      groups: Split the input channels into this many groups, each convolved separately.
      activation: An activation function or its name (default None: linear).
      use_bias: Whether to add a bias per output channel.
      kernel_initializer: Initializer of the kernel (default "glorot_uniform").
      bias_initializer: Initializer of the bias (default "zeros").
      kernel_regularizer: Optional regularizer of the kernel.
      bias_regularizer: Optional regularizer of the bias.
      activity_regularizer: Optional regularizer of the output.
      kernel_constraint: Optional constraint on the kernel.
      bias_constraint: Optional constraint on the bias.
      **kwargs: Base `Layer` options (`name`, `dtype`...).

    Raises:
      ValueError: If `filters` is not positive or `padding` is unknown.

    Example:

    >>> from ndflow import keras
    >>> keras.layers.Conv2D(8, 3)(ndflow.zeros([1, 28, 28, 1])).shape
    TensorShape([1, 26, 26, 8])
    """
    rank = 2

    def call(self, inputs):
        if not self._fusable(inputs):
            return super().call(inputs)
        # one FusedConv2D op (TensorFlow's remapper makes the same _FusedConv2D): the bias
        # and ReLU are applied to each chunk of the output while it is in cache
        inputs = array_ops.convert_to_tensor(inputs)
        return fused_conv_ops.fused_conv2d(
            inputs, self.kernel, self.bias, self.strides, self.padding.upper(),
            self.dilation_rate, "Relu" if self.activation is activations.relu else "")

    def _fusable(self, inputs):
        """Whether `call` is conv2d + bias + (relu or nothing) that FusedConv2D computes:
        channels last, one group, the layer's own convolution (not overridden)."""
        if self.bias is None or self.groups != 1 or self.data_format != "channels_last" or \
                self.activation not in (activations.relu, activations.linear) or \
                type(self).convolution_op is not _Conv.convolution_op or \
                type(self)._conv is not Conv2D._conv:
            return False
        dtype = getattr(inputs, "dtype", None)
        return dtype is not None and getattr(dtype, "is_floating", False) and \
            dtype == self.kernel.dtype == self.bias.dtype and \
            len(shape_tuple(inputs) or ()) == 4

    def _conv(self, x, w):
        return conv_ops.conv2d(x, w, strides=list(self.strides), padding=self.padding.upper(),
                               data_format="NHWC" if self.data_format == "channels_last"
                               else "NCHW", dilations=list(self.dilation_rate))


class Conv1D(_Conv):
    """1-D convolution layer: slides `filters` kernels over the steps of a sequence.

    Inputs are `(batch, steps, channels)` ("channels_last"); the kernel has shape
    `(kernel_size, input_channels / groups, filters)`.

    Args:
      filters: The number of output channels (a positive int).
      kernel_size: An int or a tuple of 1 ints: the window size.
      strides: An int or a tuple of 1 ints (default 1).
      padding: "valid" (no padding) or "same" (outputs of `ceil(size / strides)`), or "causal" (left
        padding only, so no output sees later steps).
      data_format: "channels_last" or "channels_first" (default `image_data_format()`).
      dilation_rate: An int or a tuple of 1 ints: spacing of the kernel taps (default 1).
      groups: Split the input channels into this many groups, each convolved separately.
      activation: An activation function or its name (default None: linear).
      use_bias: Whether to add a bias per output channel.
      kernel_initializer: Initializer of the kernel (default "glorot_uniform").
      bias_initializer: Initializer of the bias (default "zeros").
      kernel_regularizer: Optional regularizer of the kernel.
      bias_regularizer: Optional regularizer of the bias.
      activity_regularizer: Optional regularizer of the output.
      kernel_constraint: Optional constraint on the kernel.
      bias_constraint: Optional constraint on the bias.
      **kwargs: Base `Layer` options (`name`, `dtype`...).

    Raises:
      ValueError: If `filters` is not positive or `padding` is unknown.
    """
    rank = 1

    def _conv(self, x, w):
        if self.padding == "causal":  # pad on the left only, so no output sees the future
            left = self.dilation_rate[0] * (self.kernel_size[0] - 1)
            x = join_ops.pad(x, [[0, 0], [left, 0], [0, 0]] if self.data_format ==
                             "channels_last" else [[0, 0], [0, 0], [left, 0]])
        return conv_ops.conv1d(x, w, stride=self.strides[0],
                               padding="VALID" if self.padding == "causal"
                               else self.padding.upper(),
                               data_format="NWC" if self.data_format == "channels_last"
                               else "NCW", dilations=self.dilation_rate[0])

    def call(self, inputs):
        # as Keras 3's Conv1D, not through `convolution_op` (an override there is not used)
        return self._finish(self._grouped(self._conv, inputs, self.kernel))


class Conv3D(_Conv):
    """3-D convolution (channels first goes through NDHWC, the only layout of the op)."""
    rank = 3

    def _conv(self, x, w):
        from ...ops import conv3d_ops
        return conv3d_ops.conv3d(x, w, [1, *self.strides, 1], self.padding.upper(),
                                 dilations=[1, *self.dilation_rate, 1])

    def convolution_op(self, inputs, kernel):
        """The 3-D convolution of `inputs` with `kernel` (no bias or activation); see
        `Conv2D.convolution_op`."""
        first = self.data_format == "channels_first"
        x = array_ops.transpose(inputs, [0, 2, 3, 4, 1]) if first else inputs
        out = self._grouped(self._conv, x, kernel, channels_last=True)
        return array_ops.transpose(out, [0, 4, 1, 2, 3]) if first else out


def _deconv_length(size, stride, kernel, padding, output_padding, dilation):
    if size is None:
        return None
    kernel = kernel + (kernel - 1) * (dilation - 1)
    if output_padding is None:
        if padding == "valid":
            return size * stride + max(kernel - stride, 0)
        return size * stride
    pad = kernel // 2 if padding == "same" else 0
    return (size - 1) * stride + kernel - 2 * pad + output_padding


class Conv2DTranspose(_Conv):
    """Transposed 2-D convolution ("deconvolution"): the gradient of Conv2D, used to upsample.

    With "same" padding the output is `strides` times the input size; `output_padding` adds to
    each spatial size. The kernel has shape `kernel_size + (filters, input_channels)`.

    Args:
      filters: The number of output channels.
      kernel_size: An int or a tuple of 2 ints.
      strides: An int or a tuple of 2 ints (default 1).
      padding: "valid" or "same".
      output_padding: Optional int or tuple of 2 ints, each smaller than the stride.
      data_format: "channels_last" or "channels_first" (default `image_data_format()`).
      dilation_rate: An int or a tuple of 2 ints (default 1).
      **kwargs: The Conv2D options (`activation`, `use_bias`, initializers, regularizers,
        constraints) and base `Layer` options.
    """
    rank = 2

    def __init__(self, filters, kernel_size, strides=1, padding="valid", output_padding=None,
                 data_format=None, dilation_rate=1, **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate, **kwargs)
        self.output_padding = None if output_padding is None else \
            _tuple(output_padding, 2, "output_padding")

    def _kernel_shape(self, in_channels):
        return self.kernel_size + (self.filters, in_channels)

    def build(self, input_shape):
        if self.groups != 1:
            raise ValueError(f"{type(self).__name__} does not take `groups`. Received "
                             f"groups={self.groups}")
        super().build(input_shape)

    def call(self, inputs):
        shape = shape_tuple(inputs)
        if self.data_format == "channels_last":
            h, w = shape[1], shape[2]
        else:
            h, w = shape[2], shape[3]
        op = self.output_padding or (None, None)
        out_h = _deconv_length(h, self.strides[0], self.kernel_size[0], self.padding, op[0],
                               self.dilation_rate[0])
        out_w = _deconv_length(w, self.strides[1], self.kernel_size[1], self.padding, op[1],
                               self.dilation_rate[1])
        if out_h is None or out_w is None:
            raise ValueError(f"Conv2DTranspose {self.name}: needs known spatial dimensions; "
                             f"got input shape {shape}.")
        batch = shape[0] if shape[0] is not None else array_ops.shape(inputs)[0]
        if self.data_format == "channels_last":
            out_shape, fmt = [batch, out_h, out_w, self.filters], "NHWC"
        else:
            out_shape, fmt = [batch, self.filters, out_h, out_w], "NCHW"
        out = conv_ops.conv2d_transpose(inputs, self.kernel, out_shape,
                                        strides=list(self.strides),
                                        padding=self.padding.upper(), data_format=fmt,
                                        dilations=list(self.dilation_rate))
        if shape[0] is None:
            static = [None] + out_shape[1:]
            if hasattr(out, "set_shape"):
                out.set_shape(static)
        return self._finish(out)

    def get_config(self):
        config = super().get_config()
        config.pop("groups")  # Keras 3's transposed convolutions take no `groups`
        config["output_padding"] = None if self.output_padding is None else \
            list(self.output_padding)
        return config


class Conv1DTranspose(Conv2DTranspose):
    """Transposed 1-D convolution (a Conv2DTranspose over a unit height axis); kernel
    (kernel_size, filters, in_channels)."""
    rank = 1

    def __init__(self, filters, kernel_size, strides=1, padding="valid", output_padding=None,
                 data_format=None, dilation_rate=1, **kwargs):
        _Conv.__init__(self, filters, kernel_size, strides=strides, padding=padding,
                       data_format=data_format, dilation_rate=dilation_rate, **kwargs)
        if self.padding == "causal":
            raise ValueError("Conv1DTranspose: padding must be 'valid' or 'same'. Received: "
                             "padding='causal'")
        self.output_padding = None if output_padding is None else \
            _tuple(output_padding, 1, "output_padding")

    def call(self, inputs):
        first = self.data_format == "channels_first"
        x = array_ops.expand_dims(inputs, 2 if first else 1)
        shape = shape_tuple(x)
        steps = shape[3] if first else shape[2]
        pad = (self.output_padding or (None,))[0]
        length = _deconv_length(steps, self.strides[0], self.kernel_size[0], self.padding,
                                pad, self.dilation_rate[0])
        if length is None:
            raise ValueError(f"Conv1DTranspose {self.name}: needs a known number of steps; "
                             f"got input shape {shape_tuple(inputs)}.")
        batch = shape[0] if shape[0] is not None else array_ops.shape(x)[0]
        out_shape = [batch, self.filters, 1, length] if first else \
            [batch, 1, length, self.filters]
        out = conv_ops.conv2d_transpose(x, array_ops.expand_dims(self.kernel, 0), out_shape,
                                        strides=[1, self.strides[0]],
                                        padding=self.padding.upper(),
                                        data_format="NCHW" if first else "NHWC",
                                        dilations=[1, self.dilation_rate[0]])
        out = array_ops.squeeze(out, [2 if first else 1])
        if shape[0] is None and hasattr(out, "set_shape"):
            out.set_shape([None, self.filters, length] if first else
                          [None, length, self.filters])
        return self._finish(out)


class Conv3DTranspose(Conv2DTranspose):
    """Transposed 3-D convolution; kernel (kd, kh, kw, filters, in_channels)."""
    rank = 3

    def __init__(self, filters, kernel_size, strides=1, padding="valid", output_padding=None,
                 data_format=None, dilation_rate=1, **kwargs):
        _Conv.__init__(self, filters, kernel_size, strides=strides, padding=padding,
                       data_format=data_format, dilation_rate=dilation_rate, **kwargs)
        self.output_padding = None if output_padding is None else \
            _tuple(output_padding, 3, "output_padding")

    def call(self, inputs):
        from ...ops import conv3d_ops
        first = self.data_format == "channels_first"
        x = array_ops.transpose(inputs, [0, 2, 3, 4, 1]) if first else inputs
        shape = shape_tuple(x)
        pads = self.output_padding or (None,) * 3
        sizes = [_deconv_length(shape[i + 1], self.strides[i], self.kernel_size[i],
                                self.padding, pads[i], self.dilation_rate[i])
                 for i in range(3)]
        if None in sizes:
            raise ValueError(f"Conv3DTranspose {self.name}: needs known spatial dimensions; "
                             f"got input shape {shape_tuple(inputs)}.")
        batch = shape[0] if shape[0] is not None else array_ops.shape(x)[0]
        out = conv3d_ops.conv3d_transpose(x, self.kernel, [batch] + sizes + [self.filters],
                                          [1, *self.strides, 1], self.padding.upper(),
                                          dilations=[1, *self.dilation_rate, 1])
        if first:
            out = array_ops.transpose(out, [0, 4, 1, 2, 3])
        return self._finish(out)
