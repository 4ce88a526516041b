"""keras.regularizers: penalties `regularizer(weight) -> scalar tensor` added to the loss."""
from ..framework.errors import InvalidArgumentError
from ._objects import ObjectTable
from ..ops import linalg_ops
from ..ops import math_ops as M


class Regularizer:
    """Base class of weight regularizers: `regularizer(weight)` returns a scalar penalty.

    Layers add the penalties of their regularized weights to `layer.losses`, which `Model.fit`
    adds to the training loss. Subclasses implement `__call__(x)` and `get_config()`.
    """
    def __call__(self, x):
        return 0.0

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _check(name, value):
    value = float(value)
    if value < 0 or value != value:
        raise InvalidArgumentError(f"Value for argument `{name}` must be a non-negative float. "
                                   f"Received: {name}={value}")
    return value


class L1L2(Regularizer):
    """l1 * sum(|x|) + l2 * sum(x^2)."""

    def __init__(self, l1=0.0, l2=0.0):
        self.l1 = _check("l1", 0.0 if l1 is None else l1)
        self.l2 = _check("l2", 0.0 if l2 is None else l2)

    def __call__(self, x):
        penalty = None
        if self.l1:
            penalty = self.l1 * M.reduce_sum(M.abs(x))
        if self.l2:
            term = self.l2 * M.reduce_sum(M.square(x))
            penalty = term if penalty is None else penalty + term
        return penalty if penalty is not None else M.reduce_sum(x * 0.0)

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


class L1(L1L2):
    """Regularizer penalising `l1 * sum(abs(x))`.

    Args:
      l1: The non-negative factor (default 0.01).

    Raises:
      InvalidArgumentError: If `l1` is negative or NaN.
    """
    def __init__(self, l1=0.01):
        super().__init__(l1=l1)

    def get_config(self):
        return {"l1": self.l1}


class L2(L1L2):
    """Regularizer penalising `l2 * sum(square(x))`.

    Args:
      l2: The non-negative factor (default 0.01).

    Raises:
      InvalidArgumentError: If `l2` is negative or NaN.

    Example:

    >>> from ndflow import keras
    >>> float(keras.regularizers.L2(0.5)(ndflow.constant([1.0, 2.0])))
    2.5
    """
    def __init__(self, l2=0.01):
        super().__init__(l2=l2)

    def get_config(self):
        return {"l2": self.l2}


class OrthogonalRegularizer(Regularizer):
    """factor * mean |offdiag(W_n W_n^T)| over unit-normalised rows (or columns)."""

    def __init__(self, factor=0.01, mode="rows"):
        if mode not in ("rows", "columns"):
            raise InvalidArgumentError(f"Invalid value for argument `mode`: expected 'rows' or "
                                       f"'columns'. Received: mode={mode!r}")
        self.factor, self.mode = _check("factor", factor), mode

    def __call__(self, x):
        from ..ops import array_ops as A
        if self.mode == "columns":
            x = A.transpose(x)
        x = x / M.sqrt(M.maximum(M.reduce_sum(M.square(x), axis=1, keepdims=True), 1e-12))
        product = linalg_ops.matmul(x, x, transpose_b=True)
        n = x.shape[0]
        off_diagonal = product * (1.0 - A.constant(__import__("numpy").eye(n, dtype="float32")))
        return self.factor * M.reduce_sum(M.abs(off_diagonal)) / float(n * (n - 1))

    def get_config(self):
        return {"factor": self.factor, "mode": self.mode}


def l1(l1=0.01):  # noqa: E741 - Keras's public name
    """Function form of `L1`: returns `L1(l1)`.

    Args:
      l1: The factor (default 0.01).

    Returns:
      An `L1` regularizer.
    """
    return L1(l1)


def l2(l2=0.01):
    """Function form of `L2`: returns `L2(l2)`.

    Args:
      l2: The factor (default 0.01).

    Returns:
      An `L2` regularizer.
    """
    return L2(l2)


def l1_l2(l1=0.01, l2=0.01):  # Keras's function form defaults both to 0.01
    """Function form of `L1L2`: `l1 * sum(abs(x)) + l2 * sum(square(x))`.

    Unlike the `L1L2` class (both factors 0 by default), both default to 0.01, as in Keras.

    Args:
      l1: The L1 factor.
      l2: The L2 factor.

    Returns:
      An `L1L2` regularizer.
    """
    return L1L2(l1, l2)


_CLASSES = {"L1": L1, "L2": L2, "L1L2": L1L2, "OrthogonalRegularizer": OrthogonalRegularizer}
_ALIASES = {"l1": L1, "l2": L2, "l1_l2": l1_l2, "orthogonal_regularizer": OrthogonalRegularizer}


_TABLE = ObjectTable("regularizer", "keras.regularizers", _CLASSES, _ALIASES)
serialize = _TABLE.serialize
deserialize = _TABLE.deserialize
get = _TABLE.get
