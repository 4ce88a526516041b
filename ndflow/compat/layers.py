"""tf.compat.v1.layers: TF1's graph layers (dense, conv2d, batch_normalization...).

A layer opens a variable scope named after it (`dense`, `dense_1`, or the `name=` given,
inside the enclosing variable scopes) and makes its weights with `get_variable`, so they
get TF1's names (`dense/kernel:0`), land in the TF1 collections and are shared with
`reuse=True` / `tf.AUTO_REUSE`. Batch normalization puts its moving-average updates in the
`UPDATE_OPS` collection, which training code runs through `tf.control_dependencies`.

These are TF1 layers, not Keras layers: they build graph ops of the default graph (or of
their inputs' graph) and keep no eager state.
"""
import contextlib
import re
import sys

import numpy as np

from ..framework import dtypes
from ..framework.context import building_graph
from ..framework.graph import get_default_graph, graph_for_building
from ..framework.tensor import SymbolicTensor
from ..initializers import ones_initializer, zeros_initializer
from ..ops import array_ops as A
from ..ops import conv_ops, nn_ops, pooling_ops
from ..ops.normalization_ops import batch_normalization
from ..ops import math_ops as M
from ..ops.functional_ops import cond
from ..ops.join_ops import stack
from ..ops.linalg_ops import matmul, tensordot
from . import variable_scope as vs

UPDATE_OPS = "update_ops"
REGULARIZATION_LOSSES = "regularization_losses"
MOVING_AVERAGE_VARIABLES = "moving_average_variables"


def _snake(name):
    s = re.sub(r"(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", s).lower()


def _graph_of(inputs):
    """The graph a layer call builds in; None where it runs eagerly (eager inputs under
    eager execution, as after TF1's `enable_eager_execution()`)."""
    g = graph_for_building()
    if g is not None:
        return g
    first = inputs[0] if isinstance(inputs, (list, tuple)) and inputs else inputs
    if isinstance(first, SymbolicTensor):
        return first.graph
    v1 = sys.modules.get("ndflow.compat.v1")  # (it imports this module)
    return None if v1 is not None and v1.executing_eagerly() else get_default_graph()


def _tuple(value, n, arg):
    if isinstance(value, (int, np.integer)):
        return (int(value),) * n
    value = tuple(int(v) for v in value)
    if len(value) != n:
        raise ValueError(f"The `{arg}` argument must be a tuple of {n} integers. "
                         f"Received: {value}")
    return value


def _padding(padding):
    p = str(padding).upper()
    if p not in ("VALID", "SAME"):
        raise ValueError(f"padding must be 'valid' or 'same'. Received: {padding!r}")
    return p


def _channels_first(data_format):
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError("data_format must be 'channels_last' or 'channels_first'. "
                         f"Received: {data_format!r}")
    return data_format == "channels_first"


def _is_python_bool(value):
    return isinstance(value, (bool, np.bool_))


def _smart_cond(pred, true_fn, false_fn):
    """A Python bool picks its branch now; a boolean tensor (a placeholder) adds a cond."""
    if _is_python_bool(pred):
        return true_fn() if pred else false_fn()
    return cond(pred, true_fn, false_fn)


class Layer:
    """Base of the TF1 layers: a variable scope, weights from get_variable, and `apply`.

    Args:
      trainable: whether the weights go into TRAINABLE_VARIABLES.
      name: the layer's variable scope name; unnamed layers get a unique one (`dense_1`).
      dtype: the weights' dtype (default: the first input's floating dtype, else float32).
    """

    def __init__(self, trainable=True, name=None, dtype=None, _reuse=None, _scope=None,
                 activity_regularizer=None, **kwargs):
        self.trainable = bool(trainable)
        self._given_name = name
        self._base_name = _snake(type(self).__name__)
        self._reuse = kwargs.pop("reuse", _reuse)
        self.dtype = None if dtype is None else dtypes.as_dtype(dtype)
        self.activity_regularizer = activity_regularizer
        self._scope = None
        self.built = False
        self._variables = []
        self.losses = []
        self.updates = []

    # --- names and weights --------------------------------------------------------------------
    @property
    def name(self):
        if self._scope is not None:
            return self._scope.name.rsplit("/", 1)[-1]
        return self._given_name or self._base_name

    @property
    def scope_name(self):
        if self._scope is None:
            raise ValueError("No name available for layer scope because the layer "
                             f"{self.name!r} has not been used yet.")
        return self._scope.name

    @property
    def variables(self):
        return list(self._variables)

    weights = variables

    @property
    def trainable_variables(self):
        return [v for v in self._variables if v.trainable] if self.trainable else []

    trainable_weights = trainable_variables

    @property
    def non_trainable_variables(self):
        if not self.trainable:
            return list(self._variables)
        return [v for v in self._variables if not v.trainable]

    non_trainable_weights = non_trainable_variables

    def add_weight(self, name, shape, dtype=None, initializer=None, regularizer=None,
                   trainable=True, constraint=None, collections=None, **kwargs):
        """A variable `<scope>/<name>` made (or reused) with get_variable."""
        trainable = bool(trainable) and self.trainable
        var = vs.get_variable(name, shape=shape, dtype=dtype or self.dtype,
                              initializer=initializer, regularizer=regularizer,
                              trainable=trainable, constraint=constraint,
                              collections=collections)
        if not any(var is v for v in self._variables):
            self._variables.append(var)
        return var

    def add_update(self, update):
        self.updates.append(update)
        g = getattr(update, "graph", None)
        if g is not None:
            g.add_to_collection(UPDATE_OPS, update)

    def add_loss(self, loss):
        self.losses.append(loss)
        getattr(loss, "graph", None) and loss.graph.add_to_collection(REGULARIZATION_LOSSES,
                                                                      loss)

    def build(self, input_shape):
        self.built = True

    def call(self, inputs, **kwargs):
        return inputs

    # --- calling ------------------------------------------------------------------------------
    def _open_scope(self):
        if self._scope is not None:
            return vs.variable_scope(self._scope, reuse=True if self.built else self._reuse)
        if self._reuse:
            return vs.variable_scope(self._given_name or self._base_name, reuse=self._reuse)
        return vs.variable_scope(self._given_name, default_name=self._base_name,
                                 reuse=self._reuse)

    def __call__(self, inputs, *args, **kwargs):
        g = _graph_of(inputs)
        with building_graph(g) if g is not None else contextlib.nullcontext():
            if self.dtype is None:
                first = inputs[0] if isinstance(inputs, (list, tuple)) else inputs
                dt = getattr(first, "dtype", None)
                dt = dtypes.as_dtype(dt) if dt is not None else dtypes.float32
                self.dtype = dt if dt.is_floating else dtypes.float32
            inputs = _convert(inputs, self.dtype)
            with self._open_scope() as scope:
                self._scope = scope
                if not self.built:
                    shape = ([x.shape for x in inputs] if isinstance(inputs, list)
                             else inputs.shape)
                    self.build(shape)
                    self.built = True
                outputs = self.call(inputs, *args, **kwargs)
                if self.activity_regularizer is not None:
                    self.add_loss(self.activity_regularizer(outputs))
        return outputs

    apply = __call__


def _convert(inputs, dtype):
    if isinstance(inputs, (list, tuple)):
        return [_convert(x, dtype) for x in inputs]
    x = A.convert_to_tensor(inputs)
    if not x.dtype.is_floating and dtype.is_floating:
        x = A.cast(x, dtype)
    return x


def _last_dim(input_shape, layer):
    dim = input_shape[-1] if input_shape.rank else None
    dim = getattr(dim, "value", dim)
    if dim is None:
        raise ValueError(f"The last dimension of the inputs to `{layer}` should be defined. "
                         f"Found `None` (input shape {input_shape}).")
    return int(dim)


# --- core layers -------------------------------------------------------------------------------

class Dense(Layer):
    """tf.layers.Dense: `activation(inputs @ kernel + bias)` over the last axis."""

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer=None,
                 bias_initializer=zeros_initializer(), kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, trainable=True, name=None, **kwargs):
        super().__init__(trainable=trainable, name=name,
                         activity_regularizer=activity_regularizer, **kwargs)
        self.units = int(units)
        if self.units <= 0:
            raise ValueError(f"Dense: units must be a positive integer. Received: {units}")
        self.activation, self.use_bias = activation, use_bias
        self.kernel_initializer, self.bias_initializer = kernel_initializer, bias_initializer
        self.kernel_regularizer, self.bias_regularizer = kernel_regularizer, bias_regularizer
        self.kernel_constraint, self.bias_constraint = kernel_constraint, bias_constraint

    def build(self, input_shape):
        fan_in = _last_dim(input_shape, "Dense")
        self.kernel = self.add_weight("kernel", [fan_in, self.units],
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.bias = self.add_weight("bias", [self.units], initializer=self.bias_initializer,
                                    regularizer=self.bias_regularizer,
                                    constraint=self.bias_constraint) if self.use_bias else None

    def call(self, inputs):
        rank = inputs.shape.rank
        if rank is not None and rank > 2:
            out = tensordot(inputs, self.kernel, [[rank - 1], [0]])
        else:
            out = matmul(inputs, self.kernel)
        if self.bias is not None:
            out = conv_ops.bias_add(out, self.bias)
        return self.activation(out) if self.activation is not None else out


class Dropout(Layer):
    """tf.layers.Dropout: drops `rate` of the inputs when `training` (a bool or a boolean
    tensor, default False) is true, scaling the rest by 1 / (1 - rate)."""

    def __init__(self, rate=0.5, noise_shape=None, seed=None, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.rate, self.noise_shape, self.seed = rate, noise_shape, seed

    def call(self, inputs, training=False):
        return _smart_cond(training,
                           lambda: nn_ops.dropout(inputs, rate=self.rate,
                                                  noise_shape=self.noise_shape, seed=self.seed),
                           lambda: A.identity(inputs))


class Flatten(Layer):
    """tf.layers.Flatten: (batch, ...) -> (batch, product of the other dimensions)."""

    def __init__(self, data_format="channels_last", name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.data_format = data_format

    def call(self, inputs):
        if _channels_first(self.data_format) and inputs.shape.rank and inputs.shape.rank > 2:
            inputs = A.transpose(inputs, [0] + list(range(2, inputs.shape.rank)) + [1])
        dims = inputs.shape.as_list() if inputs.shape.rank is not None else None
        if dims is not None and all(d is not None for d in dims[1:]):
            return A.reshape(inputs, [-1, int(np.prod(dims[1:], dtype=np.int64))])
        return A.reshape(inputs, stack([A.shape(inputs)[0], -1]))


# --- convolution ---------------------------------------------------------------------------------

class _Conv(Layer):
    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid",
                 data_format="channels_last", dilation_rate=1, activation=None, use_bias=True,
                 kernel_initializer=None, bias_initializer=zeros_initializer(),
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, trainable=True, name=None,
                 **kwargs):
        super().__init__(trainable=trainable, name=name,
                         activity_regularizer=activity_regularizer, **kwargs)
        self.rank, self.filters = rank, int(filters)
        self.kernel_size = _tuple(kernel_size, rank, "kernel_size")
        self.strides = _tuple(strides, rank, "strides")
        self.padding = _padding(padding)
        self.channels_first = _channels_first(data_format)
        self.data_format = data_format
        self.dilation_rate = _tuple(dilation_rate, rank, "dilation_rate")
        self.activation, self.use_bias = activation, use_bias
        self.kernel_initializer, self.bias_initializer = kernel_initializer, bias_initializer
        self.kernel_regularizer, self.bias_regularizer = kernel_regularizer, bias_regularizer
        self.kernel_constraint, self.bias_constraint = kernel_constraint, bias_constraint

    def _in_channels(self, input_shape):
        dim = input_shape[1] if self.channels_first else input_shape[-1]
        dim = getattr(dim, "value", dim)
        if dim is None:
            raise ValueError(f"The channel dimension of the inputs to `{type(self).__name__}` "
                             f"should be defined. Found `None` (input shape {input_shape}).")
        return int(dim)

    def _kernel_shape(self, channels):
        return list(self.kernel_size) + [channels, self.filters]

    def build(self, input_shape):
        channels = self._in_channels(input_shape)
        self.kernel = self.add_weight("kernel", self._kernel_shape(channels),
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.bias = self.add_weight("bias", [self.filters], initializer=self.bias_initializer,
                                    regularizer=self.bias_regularizer,
                                    constraint=self.bias_constraint) if self.use_bias else None

    def _format(self):
        return {1: "NCW", 2: "NCHW"}[self.rank] if self.channels_first else \
            {1: "NWC", 2: "NHWC"}[self.rank]

    def _convolve(self, inputs):
        if self.rank == 1:
            return conv_ops.conv1d(inputs, self.kernel, self.strides[0], self.padding,
                                   data_format=self._format(), dilations=self.dilation_rate[0])
        return conv_ops.conv2d(inputs, self.kernel, (1,) + self.strides + (1,) if not
                               self.channels_first else (1, 1) + self.strides, self.padding,
                               data_format=self._format(), dilations=self.dilation_rate)

    def call(self, inputs):
        out = self._convolve(inputs)
        if self.bias is not None:
            out = conv_ops.bias_add(out, self.bias, data_format="NCHW" if self.channels_first
                                    else None)
        return self.activation(out) if self.activation is not None else out


class Conv1D(_Conv):
    """tf.layers.Conv1D: kernel (width, in_channels, filters)."""

    def __init__(self, filters, kernel_size, strides=1, padding="valid",
                 data_format="channels_last", dilation_rate=1, **kwargs):
        super().__init__(1, filters, kernel_size, strides, padding, data_format, dilation_rate,
                         **kwargs)


class Conv2D(_Conv):
    """tf.layers.Conv2D: kernel (height, width, in_channels, filters)."""

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid",
                 data_format="channels_last", dilation_rate=(1, 1), **kwargs):
        super().__init__(2, filters, kernel_size, strides, padding, data_format, dilation_rate,
                         **kwargs)


def _deconv_length(size, kernel, stride, padding):
    if padding == "SAME":
        return size * stride
    return size * stride + max(kernel - stride, 0)


class Conv2DTranspose(Conv2D):
    """tf.layers.Conv2DTranspose: kernel (height, width, filters, in_channels)."""

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid",
                 data_format="channels_last", **kwargs):
        super().__init__(filters, kernel_size, strides, padding, data_format, **kwargs)
        if self.dilation_rate != (1, 1):
            raise ValueError("Conv2DTranspose: dilation_rate other than 1 is not supported. "
                             f"Received: {self.dilation_rate}")

    def _kernel_shape(self, channels):
        return list(self.kernel_size) + [self.filters, channels]

    def _convolve(self, inputs):
        h_axis, w_axis = (2, 3) if self.channels_first else (1, 2)
        static = inputs.shape.as_list() if inputs.shape.rank == 4 else [None] * 4
        dynamic = A.shape(inputs)
        sizes = []
        for axis, k, s in zip((h_axis, w_axis), self.kernel_size, self.strides):
            if static[axis] is not None:
                sizes.append(_deconv_length(static[axis], k, s, self.padding))
            else:
                sizes.append(_deconv_length(dynamic[axis], k, s, self.padding))
        dims = [dynamic[0], self.filters] + sizes if self.channels_first else \
            [dynamic[0]] + sizes + [self.filters]
        out_shape = stack([A.cast(d, dtypes.int32) if not isinstance(d, int) else d
                             for d in dims])
        strides = (1, 1) + self.strides if self.channels_first else (1,) + self.strides + (1,)
        out = conv_ops.conv2d_transpose(inputs, self.kernel, out_shape, strides, self.padding,
                                        data_format=self._format())
        if static[0] is not None or all(isinstance(d, int) for d in sizes):
            fixed = [static[0], self.filters] + sizes if self.channels_first else \
                [static[0]] + sizes + [self.filters]
            out.set_shape(fixed)
        return out


class SeparableConv2D(Conv2D):
    """tf.layers.SeparableConv2D: a depthwise convolution (`depthwise_kernel`, height x
    width x in_channels x depth_multiplier) then a 1x1 one (`pointwise_kernel`)."""

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid",
                 data_format="channels_last", dilation_rate=(1, 1), depth_multiplier=1,
                 activation=None, use_bias=True, depthwise_initializer=None,
                 pointwise_initializer=None, bias_initializer=zeros_initializer(),
                 depthwise_regularizer=None, pointwise_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, depthwise_constraint=None, pointwise_constraint=None,
                 bias_constraint=None, trainable=True, name=None, **kwargs):
        super().__init__(filters, kernel_size, strides, padding, data_format, dilation_rate,
                         activation=activation, use_bias=use_bias,
                         bias_initializer=bias_initializer, bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         bias_constraint=bias_constraint, trainable=trainable, name=name,
                         **kwargs)
        self.depth_multiplier = int(depth_multiplier)
        self.depthwise_initializer, self.pointwise_initializer = (depthwise_initializer,
                                                                  pointwise_initializer)
        self.depthwise_regularizer, self.pointwise_regularizer = (depthwise_regularizer,
                                                                  pointwise_regularizer)
        self.depthwise_constraint, self.pointwise_constraint = (depthwise_constraint,
                                                                pointwise_constraint)

    def build(self, input_shape):
        channels = self._in_channels(input_shape)
        self.depthwise_kernel = self.add_weight(
            "depthwise_kernel", list(self.kernel_size) + [channels, self.depth_multiplier],
            initializer=self.depthwise_initializer, regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint)
        self.pointwise_kernel = self.add_weight(
            "pointwise_kernel", [1, 1, channels * self.depth_multiplier, self.filters],
            initializer=self.pointwise_initializer, regularizer=self.pointwise_regularizer,
            constraint=self.pointwise_constraint)
        self.bias = self.add_weight("bias", [self.filters], initializer=self.bias_initializer,
                                    regularizer=self.bias_regularizer,
                                    constraint=self.bias_constraint) if self.use_bias else None

    def _convolve(self, inputs):
        from ..ops import depthwise_conv_ops
        strides = (1, 1) + self.strides if self.channels_first else (1,) + self.strides + (1,)
        return depthwise_conv_ops.separable_conv2d(
            inputs, self.depthwise_kernel, self.pointwise_kernel, strides, self.padding,
            data_format=self._format(), dilations=self.dilation_rate)


# --- pooling -------------------------------------------------------------------------------------

class _Pooling(Layer):
    _fn = None

    def __init__(self, rank, pool_size, strides, padding="valid", data_format="channels_last",
                 name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.rank = rank
        self.pool_size = _tuple(pool_size, rank, "pool_size")
        self.strides = _tuple(strides, rank, "strides")
        self.padding = _padding(padding)
        self.channels_first = _channels_first(data_format)

    def call(self, inputs):
        fmt = ("NCW" if self.channels_first else "NWC") if self.rank == 1 else \
            ("NCHW" if self.channels_first else "NHWC")
        return type(self)._fn(inputs, list(self.pool_size), list(self.strides), self.padding,
                              data_format=fmt)


def _pool_class(name, rank, fn, doc):
    def __init__(self, pool_size, strides, padding="valid", data_format="channels_last",
                 name=None, **kwargs):
        _Pooling.__init__(self, rank, pool_size, strides, padding, data_format, name,
                          **kwargs)
    return type(name, (_Pooling,), {"__init__": __init__, "_fn": staticmethod(fn),
                                    "__doc__": doc})


MaxPooling1D = _pool_class("MaxPooling1D", 1, pooling_ops.max_pool1d,
                           "tf.layers.MaxPooling1D: the maximum over each window.")
MaxPooling2D = _pool_class("MaxPooling2D", 2, pooling_ops.max_pool2d,
                           "tf.layers.MaxPooling2D: the maximum over each window.")
AveragePooling1D = _pool_class("AveragePooling1D", 1, pooling_ops.avg_pool1d,
                               "tf.layers.AveragePooling1D: the mean over each window.")
AveragePooling2D = _pool_class("AveragePooling2D", 2, pooling_ops.avg_pool2d,
                               "tf.layers.AveragePooling2D: the mean over each window.")
MaxPool1D, MaxPool2D = MaxPooling1D, MaxPooling2D
AveragePool1D, AveragePool2D = AveragePooling1D, AveragePooling2D


# --- batch normalization -------------------------------------------------------------------------

class BatchNormalization(Layer):
    """tf.layers.BatchNormalization: normalizes over every axis but `axis`.

    With `training` true (a bool or a boolean tensor) it uses the batch's mean and
    variance and adds the updates `moving = moving - (moving - batch) * (1 - momentum)`
    to UPDATE_OPS; otherwise it uses the moving statistics. As TF1's fused kernel does,
    4-D inputs normalized over their channel axis update the moving variance with the
    unbiased (n / (n - 1)) batch variance, other inputs with the biased one.
    """

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer=zeros_initializer(), gamma_initializer=ones_initializer(),
                 moving_mean_initializer=zeros_initializer(),
                 moving_variance_initializer=ones_initializer(), beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None,
                 renorm=False, renorm_clipping=None, renorm_momentum=0.99, fused=None,
                 trainable=True, virtual_batch_size=None, adjustment=None, name=None,
                 **kwargs):
        super().__init__(trainable=trainable, name=name, **kwargs)
        if renorm or virtual_batch_size is not None or adjustment is not None:
            raise NotImplementedError("BatchNormalization: renorm, virtual_batch_size and "
                                      "adjustment are not supported.")
        self.axis = axis
        self.momentum, self.epsilon = float(momentum), float(epsilon)
        self.center, self.scale, self.fused = center, scale, fused
        self.beta_initializer, self.gamma_initializer = beta_initializer, gamma_initializer
        self.moving_mean_initializer = moving_mean_initializer
        self.moving_variance_initializer = moving_variance_initializer
        self.beta_regularizer, self.gamma_regularizer = beta_regularizer, gamma_regularizer
        self.beta_constraint, self.gamma_constraint = beta_constraint, gamma_constraint

    def build(self, input_shape):
        rank = input_shape.rank
        if rank is None:
            raise ValueError("BatchNormalization: the rank of the inputs must be known.")
        axes = [self.axis] if isinstance(self.axis, int) else list(self.axis)
        axes = [a % rank for a in axes]
        if len(axes) != 1:
            raise NotImplementedError("BatchNormalization: only one normalized axis is "
                                      f"supported. Received: axis={self.axis}")
        self._axis = axes[0]
        dim = getattr(input_shape[self._axis], "value", input_shape[self._axis])
        if dim is None:
            raise ValueError(f"BatchNormalization: axis {self.axis} of input shape "
                             f"{input_shape} should have a defined dimension.")
        self._bessel = rank == 4 and self._axis in (1, 3) and self.fused is not False
        shape = [int(dim)]  # (fused=True on other inputs quietly runs unfused, as TF1's)
        self.gamma = self.add_weight("gamma", shape, initializer=self.gamma_initializer,
                                     regularizer=self.gamma_regularizer,
                                     constraint=self.gamma_constraint) if self.scale else None
        self.beta = self.add_weight("beta", shape, initializer=self.beta_initializer,
                                    regularizer=self.beta_regularizer,
                                    constraint=self.beta_constraint) if self.center else None
        moving = ["variables", MOVING_AVERAGE_VARIABLES]
        self.moving_mean = self.add_weight("moving_mean", shape,
                                           initializer=self.moving_mean_initializer,
                                           trainable=False, collections=moving)
        self.moving_variance = self.add_weight("moving_variance", shape,
                                               initializer=self.moving_variance_initializer,
                                               trainable=False, collections=moving)

    def call(self, inputs, training=False):
        rank = inputs.shape.rank
        reduce_axes = [a for a in range(rank) if a != self._axis]
        bshape = [1] * rank
        bshape[self._axis] = -1

        def param(p):
            if p is None:
                return None
            return p if self._axis == rank - 1 else A.reshape(p, bshape)

        if _is_python_bool(training) and not training:
            mean, variance = self.moving_mean.read_value(), self.moving_variance.read_value()
        else:
            batch_mean, batch_var = nn_ops.moments(inputs, reduce_axes)
            mean = _smart_cond(training, lambda: batch_mean,
                               lambda: self.moving_mean.read_value())
            variance = _smart_cond(training, lambda: batch_var,
                                   lambda: self.moving_variance.read_value())
            update_var = batch_var
            if self._bessel:
                n = M.cast(A.size(inputs) // A.size(batch_var), batch_var.dtype)
                update_var = batch_var * n / M.maximum(n - 1.0, 1.0)
            new_mean = _smart_cond(training, lambda: batch_mean,
                                   lambda: self.moving_mean.read_value())
            new_var = _smart_cond(training, lambda: update_var,
                                  lambda: self.moving_variance.read_value())
            decay = 1.0 - self.momentum
            for var, value in ((self.moving_mean, new_mean), (self.moving_variance, new_var)):
                self.add_update(var.assign_sub((var - value) * decay))
        return batch_normalization(inputs, param(mean), param(variance), param(self.beta),
                                   param(self.gamma), self.epsilon)


# --- the functional forms ------------------------------------------------------------------------

def _functional(cls, doc):
    def fn(inputs, *args, training=None, reuse=None, name=None, **kwargs):
        layer = cls(*args, name=name, _reuse=reuse, **kwargs)
        if training is None:
            return layer(inputs)
        return layer(inputs, training=training)
    fn.__name__ = _snake(cls.__name__)
    fn.__doc__ = doc
    return fn


dense = _functional(Dense, "tf.layers.dense(inputs, units, activation=None, ...): see Dense.")
conv1d = _functional(Conv1D, "tf.layers.conv1d(inputs, filters, kernel_size, ...): see Conv1D.")
conv2d = _functional(Conv2D, "tf.layers.conv2d(inputs, filters, kernel_size, ...): see Conv2D.")
conv2d_transpose = _functional(Conv2DTranspose, "tf.layers.conv2d_transpose: see "
                                                "Conv2DTranspose.")
separable_conv2d = _functional(SeparableConv2D, "tf.layers.separable_conv2d: see "
                                                "SeparableConv2D.")
max_pooling1d = _functional(MaxPooling1D, "tf.layers.max_pooling1d(inputs, pool_size, strides).")
max_pooling2d = _functional(MaxPooling2D, "tf.layers.max_pooling2d(inputs, pool_size, strides).")
average_pooling1d = _functional(AveragePooling1D, "tf.layers.average_pooling1d(inputs, "
                                                  "pool_size, strides).")
average_pooling2d = _functional(AveragePooling2D, "tf.layers.average_pooling2d(inputs, "
                                                  "pool_size, strides).")
flatten = _functional(Flatten, "tf.layers.flatten(inputs): (batch, ...) -> (batch, -1).")


def dropout(inputs, rate=0.5, noise_shape=None, seed=None, training=False, name=None):
    """tf.layers.dropout: drops `rate` of the inputs only when `training` is true."""
    return Dropout(rate, noise_shape, seed, name=name)(inputs, training=training)


def batch_normalization_layer(inputs, axis=-1, momentum=0.99, epsilon=1e-3, center=True,
                              scale=True, training=False, trainable=True, name=None,
                              reuse=None, **kwargs):
    """tf.layers.batch_normalization: see BatchNormalization; add the UPDATE_OPS to the
    train op (`tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS))`)."""
    layer = BatchNormalization(axis=axis, momentum=momentum, epsilon=epsilon, center=center,
                               scale=scale, trainable=trainable, name=name, _reuse=reuse,
                               **kwargs)
    return layer(inputs, training=training)


class InputSpec:
    """tf.layers.InputSpec: the expected dtype, shape or rank of a layer's inputs."""

    def __init__(self, dtype=None, shape=None, ndim=None, max_ndim=None, min_ndim=None,
                 axes=None):
        self.dtype, self.shape, self.ndim = dtype, shape, ndim
        self.max_ndim, self.min_ndim, self.axes = max_ndim, min_ndim, axes or {}


NAMES = {
    "Layer": Layer, "InputSpec": InputSpec, "Dense": Dense, "Dropout": Dropout,
    "Flatten": Flatten, "Conv1D": Conv1D, "Conv2D": Conv2D, "Conv2DTranspose": Conv2DTranspose,
    "Convolution1D": Conv1D, "Convolution2D": Conv2D,
    "Convolution2DTranspose": Conv2DTranspose, "SeparableConv2D": SeparableConv2D,
    "MaxPooling1D": MaxPooling1D, "MaxPooling2D": MaxPooling2D, "MaxPool1D": MaxPool1D,
    "MaxPool2D": MaxPool2D, "AveragePooling1D": AveragePooling1D,
    "AveragePooling2D": AveragePooling2D, "AveragePool1D": AveragePool1D,
    "AveragePool2D": AveragePool2D, "BatchNormalization": BatchNormalization,
    "dense": dense, "dropout": dropout, "flatten": flatten, "conv1d": conv1d,
    "conv2d": conv2d, "conv2d_transpose": conv2d_transpose,
    "separable_conv2d": separable_conv2d, "max_pooling1d": max_pooling1d,
    "max_pooling2d": max_pooling2d, "average_pooling1d": average_pooling1d,
    "average_pooling2d": average_pooling2d, "batch_normalization": batch_normalization_layer,
}
