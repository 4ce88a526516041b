"""Activation layers: ReLU, LeakyReLU, PReLU, ELU, Softmax, and Identity."""
import warnings

from ...ops import array_ops, math_ops, nn_ops
from .. import activations, constraints, initializers, regularizers
from .base import Layer
from .conv import _ser


def _non_negative(layer, **values):
    for name, value in values.items():
        if value is not None and float(value) < 0:
            raise ValueError(f"{layer}: the value of `{name}` must be >= 0. Received: "
                             f"{name}={value}")


class ReLU(Layer):
    """Rectified linear unit: `max_value` caps it, below `threshold` it is
    `negative_slope * (x - threshold)` (Keras 3's relu with these arguments)."""

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        _non_negative("ReLU", max_value=max_value, negative_slope=negative_slope,
                      threshold=threshold)
        self.max_value = None if max_value is None else float(max_value)
        self.negative_slope = float(negative_slope)
        self.threshold = float(threshold)
        self.supports_masking = True

    def call(self, inputs):
        return activations.relu(inputs, negative_slope=self.negative_slope,
                                max_value=self.max_value, threshold=self.threshold)

    def get_config(self):
        config = super().get_config()
        config.update({"max_value": self.max_value, "negative_slope": self.negative_slope,
                       "threshold": self.threshold})
        return config


class LeakyReLU(Layer):
    """`x` for x >= 0, `negative_slope * x` below (Keras 3 default slope 0.3)."""

    def __init__(self, negative_slope=0.3, **kwargs):
        if "alpha" in kwargs:  # Keras 2's name for the slope, still accepted by Keras 3
            negative_slope = kwargs.pop("alpha")
            warnings.warn("Argument `alpha` is deprecated. Use `negative_slope` instead.",
                          stacklevel=2)
        super().__init__(**kwargs)
        _non_negative("LeakyReLU", negative_slope=negative_slope)
        self.negative_slope = float(negative_slope)
        self.supports_masking = True

    def call(self, inputs):
        return activations.leaky_relu(inputs, negative_slope=self.negative_slope)

    def get_config(self):
        config = super().get_config()
        config["negative_slope"] = self.negative_slope
        return config


class PReLU(Layer):
    """Leaky ReLU with a learned slope `alpha` per element of the input's non-batch shape
    (`shared_axes` share one slope along those axes, e.g. [1, 2] for images)."""

    def __init__(self, alpha_initializer="zeros", alpha_regularizer=None,
                 alpha_constraint=None, shared_axes=None, **kwargs):
        super().__init__(**kwargs)
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        if shared_axes is None:
            self.shared_axes = None
        elif isinstance(shared_axes, int):
            self.shared_axes = [shared_axes]
        else:
            self.shared_axes = [int(a) for a in shared_axes]
        self.supports_masking = True

    def build(self, input_shape):
        shape = list(input_shape[1:])
        for axis in self.shared_axes or ():
            if not 1 <= axis <= len(shape):
                raise ValueError(f"PReLU {self.name}: shared_axes must name non-batch axes "
                                 f"1..{len(shape)}. Received: shared_axes={self.shared_axes}")
            shape[axis - 1] = 1
        if any(d is None for d in shape):
            raise ValueError(f"PReLU {self.name}: the non-shared axes must be known. Received "
                             f"input_shape={input_shape}, shared_axes={self.shared_axes}")
        self.alpha = self.add_weight(name="alpha", shape=shape,
                                     initializer=self.alpha_initializer,
                                     regularizer=self.alpha_regularizer,
                                     constraint=self.alpha_constraint)

    def call(self, inputs):
        return nn_ops.relu(inputs) - self.alpha * nn_ops.relu(-inputs)

    def get_config(self):
        config = super().get_config()
        config.update({"alpha_initializer": initializers.serialize(self.alpha_initializer),
                       "alpha_regularizer": _ser(regularizers, self.alpha_regularizer),
                       "alpha_constraint": _ser(constraints, self.alpha_constraint),
                       "shared_axes": self.shared_axes})
        return config


class ELU(Layer):
    """Exponential linear unit: `alpha * (exp(x) - 1)` below 0."""

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = float(alpha)
        self.supports_masking = True

    def call(self, inputs):
        return activations.elu(inputs, alpha=self.alpha)

    def get_config(self):
        config = super().get_config()
        config["alpha"] = self.alpha
        return config


class Softmax(Layer):
    """Softmax over `axis` (an int or a list of ints); masked positions (mask False) get
    probability 0."""

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis if isinstance(axis, int) else [int(a) for a in axis]
        self.supports_masking = True

    def call(self, inputs, mask=None):
        x = inputs
        if mask is not None:  # a large negative logit, as Keras adds, keeps rows finite
            big = -1e9 if x.dtype.size >= 4 else -3e4
            x = x + (1.0 - math_ops.cast(mask, x.dtype)) * big
        if isinstance(self.axis, int):
            return nn_ops.softmax(x, axis=self.axis)
        return math_ops.exp(x - math_ops.reduce_logsumexp(x, axis=self.axis, keepdims=True))

    def compute_mask(self, inputs, previous_mask=None):
        return None

    def get_config(self):
        config = super().get_config()
        config["axis"] = self.axis
        return config


class Identity(Layer):
    """Returns its inputs unchanged (a placeholder where a layer is expected)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs):
        return array_ops.identity(inputs) if hasattr(inputs, "dtype") else inputs
