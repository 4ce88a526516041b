"""Elementwise math (arithmetic, functions incl. erf, safe division and xlogy,
comparisons and logic) and reductions (sums, means, extremes, counting, argmax, add_n).

The attribute-free elementwise ops also have array-only `fast` forms, and the common
reductions plan binders (`bind_to`), both at the end."""
import functools
import math

import numpy as np

from ..framework import dtypes
from ..framework.errors import InvalidArgumentError
from ..framework.registry import ALL, execute, op
from ..framework.shape_fns import broadcast, comparison, reduction, unary
from ..framework.tensor import EagerTensor, SymbolicTensor, TensorLike
from ..framework.tensor_shape import TensorShape
from .array_ops import (cast, convert_to_tensor, ones_like, reshape, squeeze, stop_gradient,
                        where, zeros_like)

_NO = {}


def _binary(name, kernel, grad=None, out_dtype=None, differentiable=True, fast=None):
    opdef = op(name, unify=ALL, differentiable=differentiable, fast=fast,
               infer=broadcast(name, out_dtype))(kernel)
    if grad is not None:
        opdef.gradient(grad)
    return opdef


def _unary(name, kernel, grad=None, differentiable=True, infer=unary, fast=None):
    opdef = op(name, infer=infer, differentiable=differentiable, fast=fast)(kernel)
    if grad is not None:
        opdef.gradient(grad)
    return opdef


# --- arithmetic ------------------------------------------------------------------------------

ADD = _binary("AddV2", lambda xp, x, y: xp.add(x, y), lambda op, g: [g, g])
SUB = _binary("Sub", lambda xp, x, y: xp.subtract(x, y), lambda op, g: [g, -g])
MUL = _binary("Mul", lambda xp, x, y: xp.multiply(x, y),
              lambda op, g: [g * op.inputs[1], g * op.inputs[0]])
DIV = _binary("RealDiv", lambda xp, x, y: xp.true_divide(x, y),
              lambda op, g: [g / op.inputs[1],
                             -g * op.outputs[0] / op.inputs[1]])
def _check_int_divisor(y):
    """TensorFlow's integer FloorDiv/FloorMod raise on a zero divisor (NumPy gives 0)."""
    if y.dtype.kind in "iu" and not y.all():
        raise InvalidArgumentError("Integer division by zero")


def _floor_div_kernel(xp, x, y):
    _check_int_divisor(y)
    return xp.floor_divide(x, y)


def _floor_mod_kernel(xp, x, y):
    _check_int_divisor(y)
    return xp.mod(x, y)


FLOOR_DIV = _binary("FloorDiv", _floor_div_kernel, differentiable=False)


def _floormod_grad(op, g):
    x, y = op.inputs
    return [g, -g * floor(x / y)]


MOD = _binary("FloorMod", _floor_mod_kernel, _floormod_grad)


def _pow_grad(op, g):
    x, y = op.inputs
    z = op.outputs[0]
    gx = g * y * pow(x, y - 1)
    safe_log = where(x > 0, log(where(x > 0, x, ones_like(x))), zeros_like(x))
    gy = g * z * safe_log
    return [gx, gy]


POW = _binary("Pow", lambda xp, x, y: xp.power(x, y), _pow_grad)


def _max_grad(op, g):
    x, y = op.inputs
    mask = greater_equal(x, y)
    zero = zeros_like(g)
    return [where(mask, g, zero), where(mask, zero, g)]


def _min_grad(op, g):
    x, y = op.inputs
    mask = less_equal(x, y)
    zero = zeros_like(g)
    return [where(mask, g, zero), where(mask, zero, g)]


MAXIMUM = _binary("Maximum", lambda xp, x, y: xp.maximum(x, y), _max_grad)
MINIMUM = _binary("Minimum", lambda xp, x, y: xp.minimum(x, y), _min_grad)


def _sqdiff_grad(op, g):
    d = 2.0 * g * (op.inputs[0] - op.inputs[1])
    return [d, -d]


SQUARED_DIFFERENCE = _binary("SquaredDifference", lambda xp, x, y: xp.square(xp.subtract(x, y)),
                             _sqdiff_grad)


def add(x, y, name=None):
    return execute(ADD, (x, y), _NO, name)


def subtract(x, y, name=None):
    return execute(SUB, (x, y), _NO, name)


def multiply(x, y, name=None):
    return execute(MUL, (x, y), _NO, name)


def _as_tensors(x, y):
    if not isinstance(x, TensorLike):
        y = convert_to_tensor(y) if not isinstance(y, TensorLike) else y
        x = convert_to_tensor(x, dtype=y.dtype) if not isinstance(x, (list, np.ndarray)) \
            else convert_to_tensor(x)
    elif not isinstance(y, TensorLike):
        y = convert_to_tensor(y, dtype=x.dtype) if not isinstance(y, (list, np.ndarray)) \
            else convert_to_tensor(y)
    return x, y


def truediv(x, y, name=None):
    """x / y; integer inputs are converted to floating point first, as in TensorFlow."""
    xd = getattr(x, "dtype", None)
    if xd is not None and not isinstance(xd, dtypes.DType):
        xd = dtypes.as_dtype(xd)
    if xd is not None and xd.is_integer:
        x, y = _as_tensors(x, y)
        target = dtypes.float32 if xd.size <= 2 else dtypes.float64
        x, y = cast(x, target), cast(y, target)
    return execute(DIV, (x, y), _NO, name)


def divide(x, y, name=None):
    return truediv(x, y, name)


def div(x, y, name=None):
    """TF1 div: floor division for integers, true division for floats."""
    x_t = x if isinstance(x, TensorLike) else convert_to_tensor(x)
    if x_t.dtype.is_integer:
        return floordiv(x_t, y, name)
    return execute(DIV, (x_t, y), _NO, name)


def realdiv(x, y, name=None):
    return execute(DIV, (x, y), _NO, name)


def floordiv(x, y, name=None):
    x_t = x if isinstance(x, TensorLike) else None
    if x_t is not None and x_t.dtype.is_floating:
        return floor(execute(DIV, (x, y), _NO), name=name)
    y_t = y if isinstance(y, TensorLike) else None
    if x_t is None and y_t is not None and y_t.dtype.is_floating:
        return floor(execute(DIV, (x, y), _NO), name=name)
    return execute(FLOOR_DIV, (x, y), _NO, name)


def floormod(x, y, name=None):
    return execute(MOD, (x, y), _NO, name)


mod = floormod


def pow(x, y, name=None):  # noqa: A001 - TensorFlow's public name
    return execute(POW, (x, y), _NO, name)


def maximum(x, y, name=None):
    return execute(MAXIMUM, (x, y), _NO, name)


def minimum(x, y, name=None):
    return execute(MINIMUM, (x, y), _NO, name)


def squared_difference(x, y, name=None):
    return execute(SQUARED_DIFFERENCE, (x, y), _NO, name)


# --- unary -----------------------------------------------------------------------------------

NEG = _unary("Neg", lambda xp, x: xp.negative(x), lambda op, g: [-g])
ABS = _unary("Abs", lambda xp, x: xp.abs(x), lambda op, g: [g * sign(op.inputs[0])])
SIGN = _unary("Sign", lambda xp, x: xp.sign(x), lambda op, g: [zeros_like(g)])
SQUARE = _unary("Square", lambda xp, x: xp.square(x), lambda op, g: [g * (2.0 * op.inputs[0])])
SQRT = _unary("Sqrt", lambda xp, x: xp.sqrt(x), lambda op, g: [g / (2.0 * op.outputs[0])])
RSQRT = _unary("Rsqrt", lambda xp, x: 1.0 / xp.sqrt(x),
               lambda op, g: [g * (-0.5) * op.outputs[0] * op.outputs[0] * op.outputs[0]])
EXP = _unary("Exp", lambda xp, x: xp.exp(x), lambda op, g: [g * op.outputs[0]])
EXPM1 = _unary("Expm1", lambda xp, x: xp.expm1(x), lambda op, g: [g * (op.outputs[0] + 1.0)])
LOG = _unary("Log", lambda xp, x: xp.log(x), lambda op, g: [g / op.inputs[0]])
LOG1P = _unary("Log1p", lambda xp, x: xp.log1p(x), lambda op, g: [g / (op.inputs[0] + 1.0)])
SIN = _unary("Sin", lambda xp, x: xp.sin(x), lambda op, g: [g * cos(op.inputs[0])])
COS = _unary("Cos", lambda xp, x: xp.cos(x), lambda op, g: [-g * sin(op.inputs[0])])
TAN = _unary("Tan", lambda xp, x: xp.tan(x),
             lambda op, g: [g * (1.0 + op.outputs[0] * op.outputs[0])])
RECIPROCAL = _unary("Reciprocal", lambda xp, x: xp.reciprocal(x),
                    lambda op, g: [-g * op.outputs[0] * op.outputs[0]])
FLOOR = _unary("Floor", lambda xp, x: xp.floor(x), differentiable=False)
CEIL = _unary("Ceil", lambda xp, x: xp.ceil(x), differentiable=False)
ROUND = _unary("Round", lambda xp, x: xp.round(x), differentiable=False)


def _tanh_kernel(xp, x):
    return xp.tanh(x)


def _sigmoid_kernel(xp, x):
    # 1 / (1 + exp(-x)): exp overflows to inf for very negative x, giving exactly 0 (no NaN)
    out = xp.asarray(xp.exp(xp.negative(x)))  # a 0-d input gives a NumPy scalar: no out=
    out += 1
    return xp.reciprocal(out, out=out)


TANH = _unary("Tanh", _tanh_kernel)
SIGMOID = _unary("Sigmoid", _sigmoid_kernel)


@op("TanhGrad", unify=ALL, infer=unary)
def TANH_GRAD(xp, y, g):
    out = xp.multiply(y, y)
    xp.subtract(1, out, out=out)
    out *= g
    return out


@TANH_GRAD.gradient
def _tanh_grad_grad(op, gg):
    y, g = op.inputs
    return [gg * g * (-2.0) * y, execute(TANH_GRAD, (y, gg), _NO)]


@op("SigmoidGrad", unify=ALL, infer=unary)
def SIGMOID_GRAD(xp, y, g):
    out = xp.subtract(1, y)
    out *= y
    out *= g
    return out


@SIGMOID_GRAD.gradient
def _sigmoid_grad_grad(op, gg):
    y, g = op.inputs
    return [gg * g * (1.0 - 2.0 * y), execute(SIGMOID_GRAD, (y, gg), _NO)]


TANH.gradient(lambda op, g: [execute(TANH_GRAD, (op.outputs[0], g), _NO)])
SIGMOID.gradient(lambda op, g: [execute(SIGMOID_GRAD, (op.outputs[0], g), _NO)])


def _u(opdef):
    def fn(x, name=None):
        return execute(opdef, (x,), _NO, name)
    fn.__name__ = opdef.name.lower()
    return fn


negative = neg = _u(NEG)
abs = _u(ABS)  # noqa: A001
sign = _u(SIGN)
square = _u(SQUARE)
sqrt = _u(SQRT)
rsqrt = _u(RSQRT)
exp = _u(EXP)
expm1 = _u(EXPM1)
log = _u(LOG)
log1p = _u(LOG1P)
sin = _u(SIN)
cos = _u(COS)
tan = _u(TAN)
reciprocal = _u(RECIPROCAL)
floor = _u(FLOOR)
ceil = _u(CEIL)
round = _u(ROUND)  # noqa: A001
tanh = _u(TANH)
sigmoid = _u(SIGMOID)


def inv(x, name=None):
    return reciprocal(x, name)


# --- erf ---------------------------------------------------------------------------------------

def _erf_function(xp):
    if xp is np:
        try:
            from scipy.special import erf as scipy_erf
            return scipy_erf
        except ImportError:  # SciPy is optional: the standard library's erf, elementwise
            vectorized = xp.vectorize(math.erf, otypes=[xp.float64])  # xp is NumPy here
            return lambda a: vectorized(a).astype(a.dtype, copy=False)
    from cupyx.scipy.special import erf as cupy_erf
    return cupy_erf


@op("Erf", infer=unary)
def ERF(xp, x):
    out = _erf_function(xp)(x)
    return out.astype(x.dtype, copy=False)


@ERF.gradient
def _erf_grad(op, g):
    x = op.inputs[0]
    return [g * (2.0 / math.sqrt(math.pi)) * exp(-square(x))]


def erf(x, name=None):
    return execute(ERF, (x,), _NO, name)


# --- safe division and x * log(y) ---------------------------------------------------------------

def divide_no_nan(x, y, name=None):
    """x / y, and 0 wherever y is 0 (its gradient too)."""
    x = convert_to_tensor(x)
    y = convert_to_tensor(y, dtype=x.dtype) if not isinstance(y, TensorLike) else y
    is_zero = equal(y, 0)
    safe_y = where(is_zero, ones_like(y), y)
    quotient = truediv(x, safe_y)
    return where(is_zero, zeros_like(quotient), quotient, name=name)


def xlogy(x, y, name=None):
    """x * log(y), and 0 wherever x is 0 (even where y is 0)."""
    x = convert_to_tensor(x)
    y = convert_to_tensor(y, dtype=x.dtype) if not isinstance(y, TensorLike) else y
    x_is_zero = equal(x, 0)
    safe_y = where(x_is_zero, ones_like(y), y)
    product = x * log(safe_y)
    return where(x_is_zero, zeros_like(product), product, name=name)


# --- comparisons and logic ---------------------------------------------------------------------

def _cmp(name, kernel):
    return op(name, unify=ALL, differentiable=False, infer=comparison(name))(kernel)


EQUAL = _cmp("Equal", lambda xp, x, y: xp.equal(x, y))
NOT_EQUAL = _cmp("NotEqual", lambda xp, x, y: xp.not_equal(x, y))
LESS = _cmp("Less", lambda xp, x, y: xp.less(x, y))
LESS_EQUAL = _cmp("LessEqual", lambda xp, x, y: xp.less_equal(x, y))
GREATER = _cmp("Greater", lambda xp, x, y: xp.greater(x, y))
GREATER_EQUAL = _cmp("GreaterEqual", lambda xp, x, y: xp.greater_equal(x, y))
LOGICAL_AND = _cmp("LogicalAnd", lambda xp, x, y: xp.logical_and(x, y))
LOGICAL_OR = _cmp("LogicalOr", lambda xp, x, y: xp.logical_or(x, y))
LOGICAL_XOR = _cmp("LogicalXor", lambda xp, x, y: xp.logical_xor(x, y))
LOGICAL_NOT = op("LogicalNot", differentiable=False, infer=unary)(
    lambda xp, x: xp.logical_not(x))
IS_NAN = op("IsNan", differentiable=False,
            infer=lambda ts, a: [(ts[0].shape, dtypes.bool)])(lambda xp, x: xp.isnan(x))
IS_INF = op("IsInf", differentiable=False,
            infer=lambda ts, a: [(ts[0].shape, dtypes.bool)])(lambda xp, x: xp.isinf(x))
IS_FINITE = op("IsFinite", differentiable=False,
               infer=lambda ts, a: [(ts[0].shape, dtypes.bool)])(lambda xp, x: xp.isfinite(x))


def _b(opdef):
    def fn(x, y, name=None):
        return execute(opdef, (x, y), _NO, name)
    fn.__name__ = opdef.name.lower()
    return fn


equal = _b(EQUAL)
not_equal = _b(NOT_EQUAL)
less = _b(LESS)
less_equal = _b(LESS_EQUAL)
greater = _b(GREATER)
greater_equal = _b(GREATER_EQUAL)
logical_and = _b(LOGICAL_AND)
logical_or = _b(LOGICAL_OR)
logical_xor = _b(LOGICAL_XOR)
logical_not = _u(LOGICAL_NOT)
is_nan = _u(IS_NAN)
is_inf = _u(IS_INF)
is_finite = _u(IS_FINITE)


# --- reductions ----------------------------------------------------------------------------------

def _keepdims_shape(x_shape, axis):
    axes = range(len(x_shape)) if axis is None else \
        [a % len(x_shape) for a in ((axis,) if isinstance(axis, int) else axis)]
    axes = set(axes)
    return tuple(1 if i in axes else d for i, d in enumerate(x_shape))


@op("Sum", infer=reduction)
def SUM(xp, x, axis, keepdims):
    # NumPy widens int32 sums to int64; TensorFlow keeps the input's dtype
    dtype = x.dtype if x.dtype.kind in "iu" else None
    return xp.add.reduce(x, axis=axis, keepdims=keepdims, dtype=dtype)


@op("SumGrad", grad_inputs=(0,), infer=lambda ts, a: [(ts[1].shape, ts[0].dtype)])
def SUM_GRAD(xp, g, x, axis, keepdims):
    shape = x.shape
    if not keepdims:
        g = xp.reshape(g, _keepdims_shape(shape, axis))
    return xp.broadcast_to(g, shape)


@SUM.gradient
def _sum_grad(op, g):
    return [execute(SUM_GRAD, (g, op.inputs[0]), op.attrs)]


@SUM_GRAD.gradient
def _sum_grad_grad(op, gg):
    return [execute(SUM, (gg,), op.attrs), None]


@op("Mean", infer=reduction)
def MEAN(xp, x, axis, keepdims):
    if x.dtype.kind in "fc":
        n = x.size if axis is None else _count(x.shape, axis)
        return xp.true_divide(xp.add.reduce(x, axis=axis, keepdims=keepdims), max(n, 1))
    out = xp.mean(x, axis=axis, keepdims=keepdims)  # integer means stay integers, like TF
    return out.astype(x.dtype)


def _count(x_shape, axis):
    if axis is None:
        return math.prod(x_shape)
    axes = (axis,) if isinstance(axis, int) else axis
    return math.prod(x_shape[a] for a in axes)


@op("MeanGrad", grad_inputs=(0,), infer=lambda ts, a: [(ts[1].shape, ts[0].dtype)])
def MEAN_GRAD(xp, g, x, axis, keepdims):
    shape = x.shape
    if not keepdims:
        g = xp.reshape(g, _keepdims_shape(shape, axis))
    n = _count(shape, axis)
    return xp.broadcast_to(g / xp.asarray(max(n, 1), dtype=g.dtype), shape)


@MEAN.gradient
def _mean_grad(op, g):
    return [execute(MEAN_GRAD, (g, op.inputs[0]), op.attrs)]


@MEAN_GRAD.gradient
def _mean_grad_grad(op, gg):
    return [execute(MEAN, (gg,), op.attrs), None]


def _extreme_grad(op, g):
    x, y = op.inputs[0], op.outputs[0]
    attrs = op.attrs
    y_b = execute(SUM_GRAD, (y, x), attrs)  # y broadcast back to x's shape
    g_b = execute(SUM_GRAD, (g, x), attrs)
    mask = cast(equal(x, y_b), g.dtype)
    count = execute(SUM_GRAD, (execute(SUM, (mask,), attrs), x), attrs)
    return [g_b * mask / count]


@op("Max", infer=reduction)
def MAX(xp, x, axis, keepdims):
    return xp.max(x, axis=axis, keepdims=keepdims)


@op("Min", infer=reduction)
def MIN(xp, x, axis, keepdims):
    return xp.min(x, axis=axis, keepdims=keepdims)


MAX.gradient(_extreme_grad)
MIN.gradient(_extreme_grad)


@op("Prod", infer=reduction)
def PROD(xp, x, axis, keepdims):
    return xp.prod(x, axis=axis, keepdims=keepdims,
                   dtype=x.dtype if x.dtype.kind in "iu" else None)


@PROD.gradient
def _prod_grad(op, g):
    x, y = op.inputs[0], op.outputs[0]
    # d prod / dx_i = prod / x_i (inputs are kept away from zero by callers' data)
    return [execute(SUM_GRAD, (g * y, x), op.attrs) / x]


@op("Any", infer=lambda ts, a: reduction(ts, a, dtypes.bool), differentiable=False)
def ANY(xp, x, axis, keepdims):
    return xp.any(x, axis=axis, keepdims=keepdims)


@op("All", infer=lambda ts, a: reduction(ts, a, dtypes.bool), differentiable=False)
def ALL_(xp, x, axis, keepdims):
    return xp.all(x, axis=axis, keepdims=keepdims)


def _axis_attr(axis):
    if axis is None:
        return None
    if isinstance(axis, EagerTensor):
        axis = axis._value.tolist()
    if isinstance(axis, SymbolicTensor):
        raise NotImplementedError("Reduction axes given as symbolic tensors are not supported.")
    if isinstance(axis, (list, tuple, np.ndarray)):
        return tuple(int(a) for a in axis)
    return int(axis)


def _reducer(opdef):
    def fn(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
           keep_dims=None):
        if axis is None:
            axis = reduction_indices
        keep = bool(keepdims if keepdims is not None else (keep_dims or False))
        return execute(opdef, (input_tensor,), {"axis": _axis_attr(axis), "keepdims": keep},
                       name)
    fn.__name__ = "reduce_" + opdef.name.lower()
    return fn


reduce_sum = _reducer(SUM)
reduce_mean = _reducer(MEAN)
reduce_max = _reducer(MAX)
reduce_min = _reducer(MIN)
reduce_prod = _reducer(PROD)
reduce_any = _reducer(ANY)
reduce_all = _reducer(ALL_)


def reduce_logsumexp(input_tensor, axis=None, keepdims=False, name=None):
    m = stop_gradient(reduce_max(input_tensor, axis=axis, keepdims=True))
    out = log(reduce_sum(exp(input_tensor - m), axis=axis, keepdims=True)) + m
    if not keepdims:
        out = squeeze(out, axis=axis) if axis is not None else reshape(out, [])
    return out


def reduce_variance(input_tensor, axis=None, keepdims=False, name=None):
    mean = reduce_mean(input_tensor, axis=axis, keepdims=True)
    return reduce_mean(square(input_tensor - mean), axis=axis, keepdims=keepdims)


def reduce_std(input_tensor, axis=None, keepdims=False, name=None):
    return sqrt(reduce_variance(input_tensor, axis=axis, keepdims=keepdims))


def _arg_infer(ts, attrs):
    x = ts[0]
    if x.shape.rank is None:
        return [(TensorShape(None), attrs["output_type"])]
    axis = attrs["axis"] % x.shape.rank
    return [(TensorShape([d for i, d in enumerate(x.shape.dims) if i != axis]),
             attrs["output_type"])]


@op("ArgMax", differentiable=False, infer=_arg_infer)
def ARGMAX(xp, x, axis, output_type):
    return xp.argmax(x, axis=axis).astype(output_type._np, copy=False)


@op("ArgMin", differentiable=False, infer=_arg_infer)
def ARGMIN(xp, x, axis, output_type):
    return xp.argmin(x, axis=axis).astype(output_type._np, copy=False)


def argmax(input, axis=None, output_type=dtypes.int64, name=None, dimension=None):  # noqa: A002
    axis = dimension if axis is None else axis
    return execute(ARGMAX, (input,), {"axis": 0 if axis is None else int(axis),
                                      "output_type": dtypes.as_dtype(output_type)}, name)


def argmin(input, axis=None, output_type=dtypes.int64, name=None, dimension=None):  # noqa: A002
    axis = dimension if axis is None else axis
    return execute(ARGMIN, (input,), {"axis": 0 if axis is None else int(axis),
                                      "output_type": dtypes.as_dtype(output_type)}, name)


# --- sums of many ------------------------------------------------------------------------------

@op("AddN", unify=ALL, infer=broadcast("AddN"))
def ADD_N(xp, *xs):
    out = xs[0] + xs[1] if len(xs) > 1 else xs[0]
    for x in xs[2:]:
        out = out + x
    return out


@ADD_N.gradient
def _add_n_grad(op, g):
    return [g] * len(op.inputs)


def add_n(inputs, name=None):
    inputs = list(inputs)
    if not inputs:
        raise ValueError("add_n: inputs must be a non-empty list of tensors.")
    if len(inputs) == 1:
        return convert_to_tensor(inputs[0])
    return execute(ADD_N, tuple(inputs), _NO, name)


# --- counting ------------------------------------------------------------------------------------

def count_nonzero(input, axis=None, keepdims=None, dtype=dtypes.int64, name=None,  # noqa: A002
                  reduction_indices=None, keep_dims=None):
    axis = reduction_indices if axis is None else axis
    keep = bool(keepdims if keepdims is not None else (keep_dims or False))
    x = convert_to_tensor(input)
    nonzero = not_equal(x, False if x.dtype.is_bool else 0)
    return reduce_sum(cast(nonzero, dtype), axis=axis, keepdims=keep, name=name)


@op("Bincount", differentiable=False,
    infer=lambda ts, a: [(TensorShape([None]), a["dtype"])])
def BINCOUNT(xp, values, *weights, minlength, maxlength, dtype):
    values = values.reshape(-1)
    if values.size and values.min() < 0:
        raise InvalidArgumentError(f"bincount: values must be non-negative, got "
                                   f"{int(values.min())}.")
    w = weights[0].reshape(-1) if weights else None
    if maxlength is not None and values.size:
        keep = values < maxlength
        values, w = values[keep], (None if w is None else w[keep])
    counts = xp.bincount(values, weights=w, minlength=minlength or 0)
    if maxlength is not None:
        counts = counts[:maxlength]
    return counts.astype(dtype._np)


def bincount(arr, weights=None, minlength=None, maxlength=None, dtype=dtypes.int32, name=None):
    arr = convert_to_tensor(arr)
    inputs = (arr,) if weights is None else (arr, weights)
    if weights is not None:
        dtype = convert_to_tensor(weights).dtype
    attrs = {"minlength": None if minlength is None else int(minlength),
             "maxlength": None if maxlength is None else int(maxlength),
             "dtype": dtypes.as_dtype(dtype)}
    return execute(BINCOUNT, inputs, attrs, name)


from ..util.export import export_many  # noqa: E402

_MATH = {
    "add": add, "subtract": subtract, "multiply": multiply, "divide": divide,
    "truediv": truediv, "floordiv": floordiv, "floormod": floormod, "mod": mod, "pow": pow,
    "maximum": maximum, "minimum": minimum, "squared_difference": squared_difference,
    "negative": negative, "abs": abs, "sign": sign, "square": square, "sqrt": sqrt,
    "rsqrt": rsqrt, "exp": exp, "expm1": expm1, "log": log, "log1p": log1p, "sin": sin,
    "cos": cos, "tan": tan, "reciprocal": reciprocal, "floor": floor, "ceil": ceil,
    "round": round, "tanh": tanh, "sigmoid": sigmoid, "equal": equal, "not_equal": not_equal,
    "less": less, "less_equal": less_equal, "greater": greater, "greater_equal": greater_equal,
    "logical_and": logical_and, "logical_or": logical_or, "logical_xor": logical_xor,
    "logical_not": logical_not, "is_nan": is_nan, "is_inf": is_inf, "is_finite": is_finite,
    "reduce_sum": reduce_sum, "reduce_mean": reduce_mean, "reduce_max": reduce_max,
    "reduce_min": reduce_min, "reduce_prod": reduce_prod, "reduce_any": reduce_any,
    "reduce_all": reduce_all, "reduce_logsumexp": reduce_logsumexp,
    "reduce_variance": reduce_variance, "reduce_std": reduce_std, "argmax": argmax,
    "argmin": argmin, "add_n": add_n,
}
export_many("math", _MATH)
export_many("", {k: v for k, v in _MATH.items() if k not in (
    "reduce_variance", "reduce_std", "floormod", "reciprocal", "is_nan", "is_inf",
    "is_finite", "logical_xor", "expm1", "tan", "rsqrt", "squared_difference", "log")})
export_many("", {"realdiv": realdiv})
export_many("math", {"erf": erf, "divide_no_nan": divide_no_nan, "xlogy": xlogy,
                     "count_nonzero": count_nonzero, "bincount": bincount})
export_many("v1", {"erf": erf, "count_nonzero": count_nonzero, "div_no_nan": divide_no_nan,
                   "bincount": bincount})
export_many("v1", {"div": div, "log": log, "mod": mod, "rsqrt": rsqrt, "reciprocal": reciprocal,
                   "squared_difference": squared_difference, "floormod": floormod,
                   "is_nan": is_nan, "is_inf": is_inf, "is_finite": is_finite, "inv": inv,
                   "tan": tan, "expm1": expm1, "logical_xor": logical_xor})


# Array-only forms of the attribute-free kernels: plans and eager dispatch call these
# NumPy ufuncs directly, saving a Python frame per op.
for _opdef, _ufunc in (
        (ADD, np.add), (SUB, np.subtract), (MUL, np.multiply), (DIV, np.true_divide),
        (FLOOR_DIV, functools.partial(_floor_div_kernel, np)),
        (MOD, functools.partial(_floor_mod_kernel, np)), (POW, np.power), (MAXIMUM, np.maximum),
        (MINIMUM, np.minimum), (NEG, np.negative), (ABS, np.abs), (SIGN, np.sign),
        (SQUARE, np.square), (SQRT, np.sqrt), (EXP, np.exp), (EXPM1, np.expm1), (LOG, np.log),
        (LOG1P, np.log1p), (SIN, np.sin), (COS, np.cos), (TAN, np.tan),
        (RECIPROCAL, np.reciprocal), (FLOOR, np.floor), (CEIL, np.ceil), (TANH, np.tanh),
        (EQUAL, np.equal), (NOT_EQUAL, np.not_equal), (LESS, np.less),
        (LESS_EQUAL, np.less_equal), (GREATER, np.greater), (GREATER_EQUAL, np.greater_equal),
        (LOGICAL_AND, np.logical_and), (LOGICAL_OR, np.logical_or),
        (LOGICAL_XOR, np.logical_xor), (LOGICAL_NOT, np.logical_not), (IS_NAN, np.isnan),
        (IS_INF, np.isinf), (IS_FINITE, np.isfinite)):
    _opdef.fast = _ufunc


# --- plan specialisations: with static shapes known, bind reductions to
# C-level NumPy calls instead of the generic kernels.

def _static_dims(shape):
    return tuple(shape.as_list()) if shape.is_fully_defined() else None


def _static_axes(x_shape, axis):
    if axis is None:
        return tuple(range(len(x_shape)))
    axes = (axis,) if isinstance(axis, int) else axis
    return tuple(sorted(a % len(x_shape) for a in axes))


@SUM.bind_to
def _bind_sum(xp, operation, store, shapes):
    attrs = operation.attrs
    x_shape = _static_dims(shapes[0])
    axis = attrs["axis"] if x_shape is None else _static_axes(x_shape, attrs["axis"])
    return functools.partial(xp.add.reduce, axis=axis, keepdims=attrs["keepdims"])


@MEAN.bind_to
def _bind_mean(xp, operation, store, shapes):
    x = operation.inputs[0]
    x_shape = _static_dims(shapes[0])
    if x_shape is None or not x.dtype.is_floating:
        return functools.partial(MEAN.kernel, xp, **operation.attrs)
    axes = _static_axes(x_shape, operation.attrs["axis"])
    keep = operation.attrs["keepdims"]
    n = max(_count(x_shape, axes), 1)
    reduce = xp.add.reduce
    divide = xp.true_divide

    def mean(x):
        return divide(reduce(x, axis=axes, keepdims=keep), n)
    return mean


def _bind_broadcast_grad(scale):
    def binder(xp, operation, store, shapes):
        x_shape = _static_dims(shapes[1])
        if x_shape is None:
            return functools.partial(operation.op_def.kernel, xp, **operation.attrs)
        axes = _static_axes(x_shape, operation.attrs["axis"])
        kshape = _keepdims_shape(x_shape, axes)
        n = max(_count(x_shape, axes), 1) if scale else 1
        empty, divide, reshape = xp.empty, xp.true_divide, xp.reshape

        def broadcast_grad(g, x):
            out = empty(x_shape, g.dtype)
            divide(reshape(g, kshape), n, out=out)
            return out
        return broadcast_grad
    return binder


SUM_GRAD.bind_to(_bind_broadcast_grad(scale=False))
MEAN_GRAD.bind_to(_bind_broadcast_grad(scale=True))
