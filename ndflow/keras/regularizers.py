"""keras.regularizers: penalties `regularizer(weight) -> scalar tensor` added to the loss."""
from ..framework.errors import InvalidArgumentError
from ._objects import ObjectTable
from ..ops import linalg_ops
from ..ops import math_ops as M


class Regularizer:
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
    def __init__(self, l1=0.01):
        super().__init__(l1=l1)

    def get_config(self):
        return {"l1": self.l1}


class L2(L1L2):
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
    return L1(l1)


def l2(l2=0.01):
    return L2(l2)


def l1_l2(l1=0.01, l2=0.01):  # Keras's function form defaults both to 0.01
    return L1L2(l1, l2)


_CLASSES = {"L1": L1, "L2": L2, "L1L2": L1L2, "OrthogonalRegularizer": OrthogonalRegularizer}
_ALIASES = {"l1": L1, "l2": L2, "l1_l2": l1_l2, "orthogonal_regularizer": OrthogonalRegularizer}


_TABLE = ObjectTable("regularizer", "keras.regularizers", _CLASSES, _ALIASES)
serialize = _TABLE.serialize
deserialize = _TABLE.deserialize
get = _TABLE.get
