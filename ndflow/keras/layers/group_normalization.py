"""GroupNormalization (Wu & He, 2018): normalise each sample over groups of channels."""
from ...ops import array_ops, join_ops, math_ops
from .. import constraints, initializers, regularizers
from .base import Layer
from .normalization import gamma_beta_config


class GroupNormalization(Layer):
    """Normalises each sample over groups of its channels (and all its other axes).

    The channels along `axis` are split into `groups` equal groups; each group of each
    sample is shifted to mean 0 and scaled to variance 1 over the group's channels and the
    spatial axes, then scaled by `gamma` and shifted by `beta` (one per channel). With
    `groups` equal to the channels it is instance normalisation; with 1 group it is layer
    normalisation over all non-batch axes.

    Args:
      groups: The number of groups; must divide the channels (default 32).
      axis: The channel axis (default -1).
      epsilon: Added to the variance (default 1e-3).
      center: Whether to learn the offset `beta`.
      scale: Whether to learn the scale `gamma`.
      beta_initializer, gamma_initializer: Their initializers.
      beta_regularizer, gamma_regularizer: Optional regularizers.
      beta_constraint, gamma_constraint: Optional constraints.
      **kwargs: Base `Layer` options.

    Raises:
      ValueError: If the channels are unknown, fewer than `groups` or not a multiple of it.
    """
    def __init__(self, groups=32, axis=-1, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None, **kwargs):
        super().__init__(**kwargs)
        self.groups, self.axis, self.epsilon = int(groups), int(axis), float(epsilon)
        self.center, self.scale = center, scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True

    def build(self, input_shape):
        rank = len(input_shape)
        if not -rank <= self.axis < rank or self.axis % rank == 0:
            raise ValueError(f"GroupNormalization: axis {self.axis} is not a channel axis of "
                             f"inputs of rank {rank}.")
        self._axis = self.axis % rank
        channels = input_shape[self._axis]
        if channels is None:
            raise ValueError(f"GroupNormalization: axis {self.axis} of the input should have a "
                             f"defined dimension, got input shape {tuple(input_shape)}.")
        if channels < self.groups or channels % self.groups:
            raise ValueError(f"GroupNormalization: the number of channels ({channels}) must be "
                             f"a multiple of groups ({self.groups}), and at least groups.")
        self._channels = channels
        weight = {"shape": (channels,)}
        self.gamma = self.add_weight(name="gamma", initializer=self.gamma_initializer,
                                     regularizer=self.gamma_regularizer,
                                     constraint=self.gamma_constraint, **weight) \
            if self.scale else None
        self.beta = self.add_weight(name="beta", initializer=self.beta_initializer,
                                    regularizer=self.beta_regularizer,
                                    constraint=self.beta_constraint, **weight) \
            if self.center else None

    def call(self, inputs):
        static, rank = inputs.shape.as_list(), inputs.shape.rank
        dims = array_ops.shape(inputs)
        sizes = [dims[d] if n is None else n for d, n in enumerate(static)]
        a, per_group = self._axis, self._channels // self.groups
        grouped_shape = sizes[:a] + [self.groups, per_group] + sizes[a + 1:]
        if None in static:
            grouped_shape = join_ops.stack(grouped_shape)
        grouped = array_ops.reshape(inputs, grouped_shape)
        axes = [d for d in range(1, rank + 1) if d != a]  # all but the batch and group axes
        mean = math_ops.reduce_mean(grouped, axis=axes, keepdims=True)
        variance = math_ops.reduce_mean(math_ops.square(grouped - mean), axis=axes,
                                        keepdims=True)
        scale = math_ops.rsqrt(variance + self.epsilon)
        weight_shape = [1] * (rank + 1)
        weight_shape[a], weight_shape[a + 1] = self.groups, per_group
        if self.gamma is not None:
            scale = scale * array_ops.reshape(self.gamma, weight_shape)
        offset = -mean * scale
        if self.beta is not None:
            offset = offset + array_ops.reshape(self.beta, weight_shape)
        return array_ops.reshape(grouped * scale + offset, dims if None in static else static)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({
            "groups": self.groups, "axis": self.axis, "epsilon": self.epsilon,
            "center": self.center, "scale": self.scale, **gamma_beta_config(self)})
        return config
