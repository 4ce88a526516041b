"""keras.constraints: projections `constraint(weight) -> tensor` applied after each update."""
from ..framework.errors import InvalidArgumentError
from ._objects import ObjectTable
from ..ops import array_ops as A
from ..ops import clip_ops
from ..ops import math_ops as M

_EPSILON = 1e-7  # Keras's backend.epsilon()


class Constraint:
    """Base class of weight constraints: `constraint(w)` returns the projected weight.

    Optimizers apply a variable's constraint after every update. Subclasses implement
    `__call__(w)` and `get_config()`; the base class returns `w` unchanged.
    """
    def __call__(self, w):
        return w

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _norms(w, axis):
    return M.sqrt(M.reduce_sum(M.square(w), axis=axis, keepdims=True))


class MaxNorm(Constraint):
    """Rescales slices along `axis` whose L2 norm exceeds `max_value`."""

    def __init__(self, max_value=2, axis=0):
        self.max_value, self.axis = max_value, axis

    def __call__(self, w):
        w = A.convert_to_tensor(w)
        norms = _norms(w, self.axis)
        desired = clip_ops.clip_by_value(norms, 0.0, float(self.max_value))
        return w * (desired / (norms + _EPSILON))

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}


class NonNeg(Constraint):
    """Constraint setting negative weights to 0."""
    def __call__(self, w):
        w = A.convert_to_tensor(w)
        return w * A.cast(w >= 0.0, w.dtype)


class UnitNorm(Constraint):
    """Constraint scaling weights to unit L2 norm along `axis`.

    Args:
      axis: The axis (or axes) along which norms are computed (default 0: each column of a
        Dense kernel `[input_dim, units]`).
    """
    def __init__(self, axis=0):
        self.axis = axis

    def __call__(self, w):
        w = A.convert_to_tensor(w)
        return w / (_EPSILON + _norms(w, self.axis))

    def get_config(self):
        return {"axis": self.axis}


class MinMaxNorm(Constraint):
    """Moves slice norms into [min_value, max_value] at speed `rate` (1.0: all the way)."""

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        if min_value > max_value:
            raise InvalidArgumentError(f"MinMaxNorm: min_value={min_value} must not exceed "
                                       f"max_value={max_value}.")
        self.min_value, self.max_value, self.rate, self.axis = min_value, max_value, rate, axis

    def __call__(self, w):
        w = A.convert_to_tensor(w)
        norms = _norms(w, self.axis)
        clipped = clip_ops.clip_by_value(norms, float(self.min_value), float(self.max_value))
        desired = self.rate * clipped + (1.0 - self.rate) * norms
        return w * (desired / (norms + _EPSILON))

    def get_config(self):
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate,
                "axis": self.axis}


max_norm, non_neg, unit_norm, min_max_norm = MaxNorm, NonNeg, UnitNorm, MinMaxNorm
_CLASSES = {c.__name__: c for c in (MaxNorm, NonNeg, UnitNorm, MinMaxNorm)}
_ALIASES = {"max_norm": MaxNorm, "non_neg": NonNeg, "unit_norm": UnitNorm,
            "min_max_norm": MinMaxNorm, "maxnorm": MaxNorm, "nonneg": NonNeg,
            "unitnorm": UnitNorm}


_TABLE = ObjectTable("constraint", "keras.constraints", _CLASSES, _ALIASES)
serialize = _TABLE.serialize
deserialize = _TABLE.deserialize
get = _TABLE.get
