"""Python operators on tensors and variables, each a call of the matching op."""
from ..framework.registry import execute
from ..framework.tensor import TensorLike
from . import math_ops as M
from .indexing_ops import getitem
from .linalg_ops import _matmul_operator

_NO = {}
_ADD, _SUB, _MUL = M.ADD, M.SUB, M.MUL


def _add(a, b):
    return execute(_ADD, (a, b), _NO)


def _radd(a, b):
    return execute(_ADD, (b, a), _NO)


def _sub(a, b):
    return execute(_SUB, (a, b), _NO)


def _rsub(a, b):
    return execute(_SUB, (b, a), _NO)


def _mul(a, b):
    return execute(_MUL, (a, b), _NO)


def _rmul(a, b):
    return execute(_MUL, (b, a), _NO)


def _neg(a):
    return execute(M.NEG, (a,), _NO)


_OPERATORS = {
    "__add__": _add, "__radd__": _radd,
    "__sub__": _sub, "__rsub__": _rsub,
    "__mul__": _mul, "__rmul__": _rmul,
    "__truediv__": lambda a, b: M.truediv(a, b),
    "__rtruediv__": lambda a, b: M.truediv(b, a),
    "__floordiv__": lambda a, b: M.floordiv(a, b),
    "__rfloordiv__": lambda a, b: M.floordiv(b, a),
    "__mod__": lambda a, b: M.floormod(a, b),
    "__rmod__": lambda a, b: M.floormod(b, a),
    "__pow__": lambda a, b: M.pow(a, b),
    "__rpow__": lambda a, b: M.pow(b, a),
    "__matmul__": _matmul_operator,
    "__rmatmul__": lambda a, b: _matmul_operator(b, a),
    "__neg__": _neg,
    "__pos__": lambda a: a,
    "__abs__": lambda a: M.abs(a),
    "__lt__": lambda a, b: M.less(a, b),
    "__le__": lambda a, b: M.less_equal(a, b),
    "__gt__": lambda a, b: M.greater(a, b),
    "__ge__": lambda a, b: M.greater_equal(a, b),
    "__eq__": lambda a, b: _eq(a, b, M.equal),
    "__ne__": lambda a, b: _eq(a, b, M.not_equal, True),
    "__and__": lambda a, b: M.logical_and(a, b),
    "__rand__": lambda a, b: M.logical_and(b, a),
    "__or__": lambda a, b: M.logical_or(a, b),
    "__ror__": lambda a, b: M.logical_or(b, a),
    "__xor__": lambda a, b: M.logical_xor(a, b),
    "__invert__": lambda a: M.logical_not(a),
    "__getitem__": getitem,
}


def _eq(a, b, fn, negate=False):
    if b is None:
        return negate
    try:
        return fn(a, b)
    except (TypeError, ValueError):  # incomparable values: like TensorFlow, plain inequality
        return negate


for _name, _fn in _OPERATORS.items():
    setattr(TensorLike, _name, _fn)
TensorLike.__hash__ = object.__hash__  # identity hash, in C (dict lookups stay fast)
