"""Normalization (feature-wise, with adapt), BatchNormalization, LayerNormalization."""
import numpy as np

from ...ops import array_ops, math_ops, nn_ops, normalization_ops
from ...framework.tensor import TensorLike
from .. import backend, constraints, initializers, regularizers
from .base import InputSpec, Layer


def _axes(axis, rank, what):
    axes = [axis] if isinstance(axis, int) else list(axis)
    out = []
    for a in axes:
        if not -rank <= a < rank:
            raise ValueError(f"{what}: axis {a} is out of range for inputs of rank {rank}.")
        out.append(a % rank)
    return sorted(out)


def _ser(module, obj):
    return None if obj is None else module.serialize(obj)


def gamma_beta_config(layer):
    """The config entries of a layer's `gamma`/`beta` initializers, regularizers and
    constraints (LayerNormalization, GroupNormalization)."""
    return {"beta_initializer": initializers.serialize(layer.beta_initializer),
            "gamma_initializer": initializers.serialize(layer.gamma_initializer),
            "beta_regularizer": _ser(regularizers, layer.beta_regularizer),
            "gamma_regularizer": _ser(regularizers, layer.gamma_regularizer),
            "beta_constraint": _ser(constraints, layer.beta_constraint),
            "gamma_constraint": _ser(constraints, layer.gamma_constraint)}


class Normalization(Layer):
    """(x - mean) / sqrt(variance) per feature; `adapt(data)` learns mean and variance."""

    def __init__(self, axis=-1, mean=None, variance=None, invert=False, **kwargs):
        super().__init__(**kwargs)
        if axis is None:
            axis = ()
        self.axis = (axis,) if isinstance(axis, int) else tuple(axis)
        if (mean is None) != (variance is None):
            raise ValueError("When setting values directly, both `mean` and `variance` must be "
                             f"set. Received: mean={mean} and variance={variance}")
        self.input_mean = mean
        self.input_variance = variance
        self.invert = invert
        self.adapted = mean is not None

    def build(self, input_shape):
        rank = len(input_shape)
        self._keep = _axes(self.axis, rank, "Normalization") if self.axis else []
        self._reduce = [d for d in range(rank) if d not in self._keep]
        for d in self._keep:
            if input_shape[d] is None:
                raise ValueError(f"Normalization: all `axis` values to be kept must have known "
                                 f"shape. Received axis={self.axis}, input_shape={input_shape}")
        weight_shape = tuple(input_shape[d] for d in self._keep)
        self._broadcast = [input_shape[d] if d in self._keep else 1 for d in range(rank)]
        if self.input_mean is None:
            self.adapt_mean = self.add_weight(name="mean", shape=weight_shape,
                                              initializer="zeros", trainable=False)
            self.adapt_variance = self.add_weight(name="variance", shape=weight_shape,
                                                  initializer="ones", trainable=False)
            # Keras 3 keeps Keras 2's `count` so old weight files keep lining up
            self.count = self.add_weight(name="count", shape=(), dtype="int32",
                                         initializer="zeros", trainable=False)
        else:
            dt = self._nd_dtype._np
            self._nd_mean = np.broadcast_to(np.asarray(self.input_mean, dt),
                                            self._broadcast).copy()
            self._nd_variance = np.broadcast_to(np.asarray(self.input_variance, dt),
                                                self._broadcast).copy()

    def adapt(self, data, batch_size=None, steps=None):
        """Computes the mean and variance of `data` (array, tensor or iterable of batches)."""
        if isinstance(data, TensorLike):
            data = data.numpy()
        if isinstance(data, np.ndarray) or isinstance(data, (list, tuple)):
            batches = [np.asarray(data, np.float64)]
        else:
            batches = [np.asarray(b.numpy() if isinstance(b, TensorLike) else b, np.float64)
                       for b in data]
        if not batches or batches[0].ndim == 0:
            raise ValueError(f"Normalization.adapt: expected array data, received {data!r}.")
        if not self.built:
            self._maybe_build_from_shapes((None,) + batches[0].shape[1:])
        if self.input_mean is not None:
            raise ValueError("Normalization.adapt: cannot adapt a layer created with fixed "
                             "`mean` and `variance`.")
        joined = np.concatenate(batches, axis=0)
        reduce = tuple(self._reduce)
        mean = joined.mean(axis=reduce)
        variance = joined.var(axis=reduce)
        self.adapt_mean.assign(mean.reshape(tuple(self.adapt_mean.shape)).astype(np.float32))
        self.adapt_variance.assign(
            variance.reshape(tuple(self.adapt_variance.shape)).astype(np.float32))
        self.adapted = True

    def call(self, inputs):
        if self.input_mean is None:
            mean = array_ops.reshape(self.adapt_mean, self._broadcast)
            variance = array_ops.reshape(self.adapt_variance, self._broadcast)
        else:
            mean, variance = self._nd_mean, self._nd_variance
        std = math_ops.maximum(math_ops.sqrt(variance), backend.epsilon())
        if self.invert:
            return mean + inputs * std
        return (inputs - mean) / std

    @property
    def mean(self):
        return self.adapt_mean if self.input_mean is None else self._nd_mean

    @property
    def variance(self):
        return self.adapt_variance if self.input_mean is None else self._nd_variance

    def get_config(self):
        config = super().get_config()

        def listed(v):
            return None if v is None else np.asarray(v).tolist()
        config.update({"axis": list(self.axis) if len(self.axis) != 1 else self.axis[0],
                       "invert": self.invert, "mean": listed(self.input_mean),
                       "variance": listed(self.input_variance)})
        return config


class BatchNormalization(Layer):
    """Normalises activations to zero mean and unit variance over the batch.

    While training, `y = gamma * (x - mean) / sqrt(var + epsilon) + beta` with the batch's mean
    and variance along every axis but `axis`, and moving averages are updated:
    `moving = moving * momentum + batch_value * (1 - momentum)`. In inference the moving
    averages are used instead.

    Args:
      axis: The feature axis (default -1), or a list of axes.
      momentum: The moving averages' momentum (default 0.99).
      epsilon: Added to the variance (default 1e-3).
      center: Whether to learn the offset `beta`.
      scale: Whether to learn the scale `gamma`.
      beta_initializer: Initializer of `beta`.
      gamma_initializer: Initializer of `gamma`.
      moving_mean_initializer: Initializer of the moving mean.
      moving_variance_initializer: Initializer of the moving variance.
      beta_regularizer: Optional regularizer of `beta`.
      gamma_regularizer: Optional regularizer of `gamma`.
      beta_constraint: Optional constraint on `beta`.
      gamma_constraint: Optional constraint on `gamma`.
      synchronized: Whether to average batch statistics across replicas.
      **kwargs: Base `Layer` options (`name`, `dtype`, `trainable`, Keras 2's `input_shape`...).
    """
    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones",
                 moving_mean_initializer="zeros", moving_variance_initializer="ones",
                 beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, synchronized=False, **kwargs):
        for legacy in ("fused", "renorm", "virtual_batch_size", "adjustment"):
            kwargs.pop(legacy, None)
        super().__init__(**kwargs)
        self.axis = int(axis) if isinstance(axis, (int, np.integer)) else list(axis)
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.center = center
        self.scale = scale
        self.synchronized = synchronized
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True

    def build(self, input_shape):
        rank = len(input_shape)
        axes = _axes(self.axis, rank, "BatchNormalization")
        shape = tuple(input_shape[a] for a in axes)
        if any(d is None for d in shape):
            raise ValueError(f"BatchNormalization: axis {self.axis} of input shape "
                             f"{input_shape} must be defined.")
        self._reduce = [d for d in range(rank) if d not in axes]
        self._broadcast = [input_shape[d] if d in axes else 1 for d in range(rank)]
        self.gamma = self.add_weight(name="gamma", shape=shape, initializer=self.gamma_initializer,
                                     regularizer=self.gamma_regularizer,
                                     constraint=self.gamma_constraint) if self.scale else None
        self.beta = self.add_weight(name="beta", shape=shape, initializer=self.beta_initializer,
                                    regularizer=self.beta_regularizer,
                                    constraint=self.beta_constraint) if self.center else None
        self.moving_mean = self.add_weight(name="moving_mean", shape=shape,
                                           initializer=self.moving_mean_initializer,
                                           trainable=False)
        self.moving_variance = self.add_weight(name="moving_variance", shape=shape,
                                               initializer=self.moving_variance_initializer,
                                               trainable=False)
        self.input_spec = InputSpec(ndim=rank, axes={a: input_shape[a] for a in axes})

    def _shaped(self, v):
        return array_ops.reshape(v, self._broadcast)

    def call(self, inputs, training=None, mask=None):
        if training and self.trainable and inputs.dtype == self.moving_mean.dtype and \
                self._reduce == list(range(len(self._broadcast) - 1)):
            # channels last: one fused op, its statistics for the moving averages
            depth = self._broadcast[-1:]
            out, mean, variance = normalization_ops.batch_norm_training(
                inputs, array_ops.ones(depth, inputs.dtype) if self.gamma is None else self.gamma,
                array_ops.zeros(depth, inputs.dtype) if self.beta is None else self.beta,
                self.epsilon)
            m = self.momentum
            self.moving_mean.assign(self.moving_mean * m + mean * (1.0 - m))
            self.moving_variance.assign(self.moving_variance * m + variance * (1.0 - m))
            return out
        if training and self.trainable:
            # (a squared difference keeps no (x - mean) activation alive for the gradient)
            mean, variance = nn_ops.moments(inputs, self._reduce, keepdims=True)
            m = self.momentum
            flat_mean = array_ops.reshape(mean, self.moving_mean.shape.as_list())
            flat_var = array_ops.reshape(variance, self.moving_variance.shape.as_list())
            self.moving_mean.assign(self.moving_mean * m + flat_mean * (1.0 - m))
            self.moving_variance.assign(self.moving_variance * m + flat_var * (1.0 - m))
        else:
            mean = self._shaped(self.moving_mean)
            variance = self._shaped(self.moving_variance)
        # Keras 3's form (tf.nn.batch_normalization): x * inv + (beta - mean * inv)
        return normalization_ops.batch_normalization(
            inputs, mean, variance, None if self.beta is None else self._shaped(self.beta),
            None if self.gamma is None else self._shaped(self.gamma), self.epsilon)

    def get_config(self):
        config = super().get_config()
        config.update({
            "axis": self.axis, "momentum": self.momentum, "epsilon": self.epsilon,
            "center": self.center, "scale": self.scale,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
            "moving_variance_initializer":
                initializers.serialize(self.moving_variance_initializer),
            "beta_regularizer": _ser(regularizers, self.beta_regularizer),
            "gamma_regularizer": _ser(regularizers, self.gamma_regularizer),
            "beta_constraint": _ser(constraints, self.beta_constraint),
            "gamma_constraint": _ser(constraints, self.gamma_constraint),
            "synchronized": self.synchronized})
        return config


class LayerNormalization(Layer):
    """Normalises each sample over its feature axes (not over the batch).

    `y = gamma * (x - mean) / sqrt(var + epsilon) + beta`, with the mean and variance of each
    sample along `axis`; training and inference compute the same thing.

    Args:
      axis: The axis or axes to normalise over (default -1).
      epsilon: Added to the variance (default 1e-3).
      center: Whether to learn the offset `beta`.
      scale: Whether to learn the scale `gamma`.
      rms_scaling: If true, divide by the root mean square instead (no centring; RMSNorm).
      beta_initializer: Initializer of `beta`.
      gamma_initializer: Initializer of `gamma`.
      beta_regularizer: Optional regularizer of `beta`.
      gamma_regularizer: Optional regularizer of `gamma`.
      beta_constraint: Optional constraint on `beta`.
      gamma_constraint: Optional constraint on `gamma`.
      **kwargs: Base `Layer` options (`name`, `dtype`, `trainable`, Keras 2's `input_shape`...).
    """
    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True, rms_scaling=False,
                 beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None, **kwargs):
        super().__init__(**kwargs)
        self.axis = int(axis) if isinstance(axis, (int, np.integer)) else list(axis)
        self.epsilon = float(epsilon)
        self.center = center
        self.scale = scale
        self.rms_scaling = rms_scaling
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True

    def build(self, input_shape):
        rank = len(input_shape)
        self._axes = _axes(self.axis, rank, "LayerNormalization")
        shape = tuple(input_shape[a] for a in self._axes)
        self._broadcast = [input_shape[d] if d in self._axes else 1 for d in range(rank)]
        self.gamma = self.add_weight(name="gamma", shape=shape, initializer=self.gamma_initializer,
                                     regularizer=self.gamma_regularizer,
                                     constraint=self.gamma_constraint) if self.scale else None
        self.beta = self.add_weight(name="beta", shape=shape, initializer=self.beta_initializer,
                                    regularizer=self.beta_regularizer,
                                    constraint=self.beta_constraint) \
            if self.center and not self.rms_scaling else None

    def call(self, inputs):
        axes = self._axes
        if self.rms_scaling:
            ms = math_ops.reduce_mean(math_ops.square(inputs), axis=axes, keepdims=True)
            out = inputs * math_ops.rsqrt(ms + self.epsilon)
        else:
            mean = math_ops.reduce_mean(inputs, axis=axes, keepdims=True)
            centered = inputs - mean
            variance = math_ops.reduce_mean(math_ops.square(centered), axis=axes, keepdims=True)
            out = centered * math_ops.rsqrt(variance + self.epsilon)
        if self.gamma is not None:
            out = out * array_ops.reshape(self.gamma, self._broadcast)
        if self.beta is not None:
            out = out + array_ops.reshape(self.beta, self._broadcast)
        return out

    def get_config(self):
        config = super().get_config()
        config.update({
            "axis": self.axis, "epsilon": self.epsilon, "center": self.center,
            "scale": self.scale, "rms_scaling": self.rms_scaling, **gamma_beta_config(self)})
        return config


from ._keras2_paths import install as _install  # noqa: E402

_install(globals(), "normalization")  # Keras 2 names this module path held, defined elsewhere
