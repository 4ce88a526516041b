"""Core layers: Dense, Activation, Dropout, Lambda (and the op layer behind arithmetic on
Keras tensors)."""
import warnings

import numpy as np

from ...ops import array_ops, join_ops, linalg_ops, nn_ops
from .. import activations, constraints, initializers, regularizers
from .base import InputSpec, Layer, shape_tuple


def _serialize(module, obj):
    return None if obj is None else module.serialize(obj)


# Keras 1 argument names of Dense and the Keras 2 names Keras 2 converted them to.
_KERAS1_DENSE = {"output_dim": "units", "init": "kernel_initializer",
                 "W_regularizer": "kernel_regularizer", "b_regularizer": "bias_regularizer",
                 "W_constraint": "kernel_constraint", "b_constraint": "bias_constraint",
                 "bias": "use_bias"}


def keras1_arguments(layer_name, kwargs, renames, given):
    """Moves Keras 1 arguments in `kwargs` to their Keras 2 names in `given` (a dict of the
    new-style values), with the deprecation warning Keras 2 gave."""
    for old, new in renames.items():
        if old in kwargs:
            warnings.warn(f"Update your `{layer_name}` call to the Keras 2 API: `{old}` is now "
                          f"`{new}`.", DeprecationWarning, stacklevel=4)
            given[new] = kwargs.pop(old)
    return given


class Dense(Layer):
    """Densely connected layer: `output = activation(inputs @ kernel + bias)`.

    The kernel has shape `[input_dim, units]`, created on the first call from the last
    dimension of the input; inputs of rank > 2 are multiplied along their last axis.

    Args:
      units: A positive int: the size of the output's last dimension.
      activation: An activation function or its name (default None: linear).
      use_bias: Whether to add a bias vector.
      kernel_initializer: Initializer of the kernel (default "glorot_uniform").
      bias_initializer: Initializer of the bias (default "zeros").
      kernel_regularizer: Optional regularizer of the kernel.
      bias_regularizer: Optional regularizer of the bias.
      activity_regularizer: Optional regularizer of the output.
      kernel_constraint: Optional constraint on the kernel.
      bias_constraint: Optional constraint on the bias.
      **kwargs: Base `Layer` options (`name`, `dtype`, `trainable`, Keras 2's `input_shape`...).

    Raises:
      ValueError: If `units` is not a positive int.

    Example:

    >>> from ndflow import keras
    >>> layer = keras.layers.Dense(3)
    >>> layer(ndflow.ones([2, 4])).shape
    TensorShape([2, 3])
    """
    def __init__(self, units=None, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        if any(k in kwargs for k in _KERAS1_DENSE):
            new = keras1_arguments("Dense", kwargs, _KERAS1_DENSE, {})
            units = new.get("units", units)
            use_bias = new.get("use_bias", use_bias)
            kernel_initializer = new.get("kernel_initializer", kernel_initializer)
            kernel_regularizer = new.get("kernel_regularizer", kernel_regularizer)
            bias_regularizer = new.get("bias_regularizer", bias_regularizer)
            kernel_constraint = new.get("kernel_constraint", kernel_constraint)
            bias_constraint = new.get("bias_constraint", bias_constraint)
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if not isinstance(units, (int, np.integer)) or units <= 0:
            raise ValueError("Received an invalid value for `units`, expected a positive "
                             f"integer. Received: units={units}")
        self.units = int(units)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(min_ndim=2)
        self.supports_masking = True

    def build(self, input_shape):
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError(f"Dense layer {self.name}: the last dimension of the inputs must "
                             f"be defined. Received input_shape={input_shape}")
        self.kernel = self.add_weight(name="kernel", shape=(input_dim, self.units),
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(name="bias", shape=(self.units,),
                                        initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)
        self.input_spec = InputSpec(min_ndim=2, axes={-1: input_dim})

    def call(self, inputs):
        shape = shape_tuple(inputs)
        if not hasattr(inputs, "dense_shape") and not inputs.dtype.is_floating:
            # integer/bool features (one-hot arrays, counts): Keras 3's matmul promotes them
            # to the kernel's float dtype
            inputs = array_ops.cast(inputs, self.kernel.dtype)
        if hasattr(inputs, "dense_shape"):  # a SparseTensor: multiplied as is, never densified
            out = self._sparse_matmul(inputs, shape)
        elif shape is not None and len(shape) > 2:  # dense over the last axis
            flat = array_ops.reshape(inputs, [-1, self.kernel.shape[0]])
            out = linalg_ops.matmul(flat, self.kernel)
            if any(d is None for d in shape[1:-1]):  # (batch, time, ...) known only at run time
                from ...ops import join_ops
                out_shape = join_ops.concat([array_ops.shape(inputs)[:-1], [self.units]], 0)
            else:
                out_shape = [-1] + list(shape[1:-1]) + [self.units]
            out = array_ops.reshape(out, out_shape)
        else:
            out = linalg_ops.matmul(inputs, self.kernel)
        if self.bias is not None:
            out = out + self.bias
        if self.activation is not None:
            out = self.activation(out)
        return out

    def _sparse_matmul(self, inputs, shape):
        from ...ops import sparse_ops
        if shape is not None and len(shape) != 2:
            raise ValueError(f"Dense layer {self.name}: a SparseTensor input must have rank 2 "
                             f"(batch, features); got shape {shape}.")
        return sparse_ops.sparse_dense_matmul(inputs, self.kernel)

    def get_config(self):
        config = super().get_config()
        config.update({
            "units": self.units, "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": _serialize(regularizers, self.kernel_regularizer),
            "bias_regularizer": _serialize(regularizers, self.bias_regularizer),
            "kernel_constraint": _serialize(constraints, self.kernel_constraint),
            "bias_constraint": _serialize(constraints, self.bias_constraint)})
        return config


class Activation(Layer):
    """Applies an activation function to its input.

    Args:
      activation: An activation function or its name, e.g. "relu".
      **kwargs: Base `Layer` options (`name`, `dtype`, `trainable`, Keras 2's `input_shape`...).
    """
    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)
        self.supports_masking = True

    def call(self, inputs):
        return self.activation(inputs)

    def get_config(self):
        config = super().get_config()
        config["activation"] = activations.serialize(self.activation)
        return config


def dropout(x, rate, noise_shape=None, seed=None):
    """Inverted dropout (tf.nn.dropout)."""
    return nn_ops.dropout(x, rate=rate, noise_shape=noise_shape, seed=seed)


class Dropout(Layer):
    """Randomly sets a fraction `rate` of its inputs to 0 while training.

    Kept values are scaled by `1 / (1 - rate)` so the expected sum is unchanged; outside
    training (`training=False`, the default when called directly) the layer passes inputs
    through.

    Args:
      rate: A float in [0, 1]: the fraction of inputs to drop.
      noise_shape: Optional shape of the keep/drop mask, broadcast against the input (e.g.
        `(batch, 1, features)` drops the same features at every time step).
      seed: Optional int seed.
      **kwargs: Base `Layer` options (`name`, `dtype`, `trainable`, Keras 2's `input_shape`...).

    Raises:
      ValueError: If `rate` is outside [0, 1].
    """
    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not 0 <= rate <= 1:
            raise ValueError("Invalid value received for argument `rate`. Expected a float "
                             f"value between 0 and 1. Received: rate={rate}")
        self.rate = float(rate)
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)
        self.seed = seed
        self.supports_masking = True

    def call(self, inputs, training=False):
        if not training or self.rate == 0:
            return inputs
        if self.rate == 1:
            return array_ops.zeros_like(inputs)
        noise_shape = None
        if self.noise_shape is not None:
            dims = shape_tuple(inputs)
            noise_shape = [dims[i] if d is None else d for i, d in enumerate(self.noise_shape)]
            if any(d is None for d in noise_shape):
                dyn = array_ops.shape(inputs)
                noise_shape = join_ops.stack([dyn[i] if d is None else d
                                               for i, d in enumerate(noise_shape)])
        return dropout(inputs, self.rate, noise_shape, self.seed)

    def get_config(self):
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed,
                       "noise_shape": None if self.noise_shape is None
                       else list(self.noise_shape)})
        return config


class Lambda(Layer):
    """Wraps a function as a layer. Its code is not serializable: get_config records the
    function's name only (loading it back is the saving module's decision)."""

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        if not callable(function):
            raise TypeError(f"Lambda: `function` must be callable. Received: {function!r}")
        self.function = function
        self.arguments = dict(arguments or {})
        self._nd_output_shape = output_shape

    def call(self, inputs, training=None):
        import inspect
        kwargs = dict(self.arguments)
        try:
            params = inspect.signature(self.function).parameters
        except (TypeError, ValueError):
            params = {}
        if "training" in params:
            kwargs["training"] = training
        return self.function(inputs, **kwargs)

    def get_config(self):
        config = super().get_config()
        name = getattr(self.function, "__name__", repr(self.function))
        if name == "<lambda>":  # code is never stored: only a marker loading will refuse
            function = {"class_name": "__lambda__", "config": {"name": name}}
        else:  # a named function comes back by registration or custom_objects
            from ..saving import serialize_keras_object
            function = serialize_keras_object(self.function)
        config.update({"function": function, "arguments": self.arguments,
                       "output_shape": self._nd_output_shape})
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None, safe_mode=None):
        config = dict(config)
        function = config.get("function")
        if isinstance(function, (dict, str)):
            from ..saving import deserialize_keras_object
            kwargs = {} if safe_mode is None else {"safe_mode": safe_mode}
            function = deserialize_keras_object(function, custom_objects, **kwargs)
            config["function"] = function
        if not callable(function):
            raise ValueError("Lambda.from_config: the stored function cannot be rebuilt from "
                             "its config (code is never deserialized); register the function "
                             "with keras.saving.register_keras_serializable or pass it in "
                             "custom_objects.")
        return super().from_config(config)


class TensorOpLayer(Layer):
    """The layer created by arithmetic on Keras tensors (`x + y`, `2 * x`, `x[:, 0]`)."""

    def __init__(self, fn, **kwargs):
        super().__init__(**kwargs)
        self.fn = fn

    def call(self, *args):
        return self.fn(*args)

    def get_config(self):
        config = super().get_config()
        config["function"] = getattr(self.fn, "__name__", "op")
        return config


from ._keras2_paths import install as _install  # noqa: E402

_install(globals(), "core")  # Keras 2 names this module path held, defined elsewhere
