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
from . import elementwise_jit as _EJ
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


def _mul_grad(op, g):
    x, y = op.inputs
    if x.dtype.is_complex:  # TF's convention: the gradient for z is dL/dRe z + i dL/dIm z
        from .complex_ops import conj
        return [g * conj(y), g * conj(x)]
    return [g * y, g * x]


def _div_grad(op, g):
    x, y = op.inputs
    if x.dtype.is_complex:
        from .complex_ops import conj
        return [g / conj(y), -g * conj(op.outputs[0] / y)]
    return [g / y, -g * op.outputs[0] / y]


MUL = _binary("Mul", lambda xp, x, y: xp.multiply(x, y), _mul_grad)
DIV = _binary("RealDiv", lambda xp, x, y: xp.true_divide(x, y), _div_grad)


def _check_int_divisor(y):
    """TensorFlow's integer FloorDiv/FloorMod raise on a zero divisor (NumPy gives 0)."""
    if not hasattr(y, "dtype"):  # a Python scalar kept weak by dispatch (`x % 3`)
        if isinstance(y, int) and y == 0:
            raise InvalidArgumentError("Integer division by zero")
        return
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
    """Returns `x + y` elementwise, with NumPy-style broadcasting.

    The `+` operator on tensors calls this op.

    Args:
      x: A `Tensor` or a value convertible to one.
      y: A `Tensor` or value of the same dtype as `x`, broadcastable against it (a Python
        number takes `x`'s dtype).
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of the broadcast shape of `x` and `y`, with their dtype.

    Raises:
      InvalidArgumentError: If the dtypes of `x` and `y` differ or their shapes do not
        broadcast.

    Gradient: `dy` to both inputs, summed over broadcast axes.

    Example:

    >>> ndflow.add([1.0, 2.0], 10.0).numpy()
    array([11., 12.], dtype=float32)
    """
    return execute(ADD, (x, y), _NO, name)


def subtract(x, y, name=None):
    """Returns `x - y` elementwise, with NumPy-style broadcasting.

    The `-` operator on tensors calls this op.

    Args:
      x: A `Tensor` or a value convertible to one.
      y: A `Tensor` or value of the same dtype as `x`, broadcastable against it (a Python
        number takes `x`'s dtype).
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of the broadcast shape of `x` and `y`, with their dtype.

    Raises:
      InvalidArgumentError: If the dtypes of `x` and `y` differ or their shapes do not
        broadcast.

    Gradient: `dy` for `x` and `-dy` for `y`.

    Example:

    >>> ndflow.subtract([5, 7], [1, 2]).numpy()
    array([4, 5], dtype=int32)
    """
    return execute(SUB, (x, y), _NO, name)


def multiply(x, y, name=None):
    """Returns `x * y` elementwise, with NumPy-style broadcasting.

    The `*` operator on tensors calls this op.

    Args:
      x: A `Tensor` or a value convertible to one.
      y: A `Tensor` or value of the same dtype as `x`, broadcastable against it (a Python
        number takes `x`'s dtype).
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of the broadcast shape of `x` and `y`, with their dtype.

    Raises:
      InvalidArgumentError: If the dtypes of `x` and `y` differ or their shapes do not
        broadcast.

    Gradient: `dy * y` for `x` and `dy * x` for `y`.

    Example:

    >>> ndflow.multiply([1.0, 2.0], [3.0, 4.0]).numpy()
    array([3., 8.], dtype=float32)
    """
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
    """Returns `x / y` elementwise, always a floating-point result (the `/` operator).

    Integer inputs are converted first: 8- and 16-bit integers to `float32`, 32- and 64-bit
    ones to `float64`, as in TensorFlow.

    Args:
      x: A numeric `Tensor` or convertible value.
      y: A value of `x`'s dtype, broadcastable against it.
      name: A name for the operation (optional).

    Returns:
      A floating-point `Tensor` of the broadcast shape.

    Raises:
      InvalidArgumentError: If the dtypes differ or the shapes do not broadcast.

    Gradient: `dy / y` for `x` and `-dy * x / y**2` for `y`.
    """
    xd = getattr(x, "dtype", None)
    if xd is not None and not isinstance(xd, dtypes.DType):
        xd = dtypes.as_dtype(xd)
    if xd is not None and xd.is_integer:
        x, y = _as_tensors(x, y)
        target = dtypes.float32 if xd.size <= 2 else dtypes.float64
        x, y = cast(x, target), cast(y, target)
    return execute(DIV, (x, y), _NO, name)


def divide(x, y, name=None):
    """Returns `x / y` elementwise (true division).

    Same as `truediv`: integer inputs are converted to a floating-point dtype first, so `divide(7,
    2)` is 3.5.

    Args:
      x: A `Tensor` or a value convertible to one.
      y: A `Tensor` or value of the same dtype as `x`, broadcastable against it (a Python
        number takes `x`'s dtype).
      name: A name for the operation (optional).

    Returns:
      A floating-point `Tensor` of the broadcast shape.

    Raises:
      InvalidArgumentError: If the dtypes of `x` and `y` differ or their shapes do not
        broadcast.

    Gradient: `dy / y` for `x` and `-dy * x / y**2` for `y`.

    Example:

    >>> ndflow.divide([1, 3], [2, 2]).numpy()
    array([0.5, 1.5])
    """
    return truediv(x, y, name)


def div(x, y, name=None):
    """TF1 div: floor division for integers, true division for floats."""
    x_t = x if isinstance(x, TensorLike) else convert_to_tensor(x)
    if x_t.dtype.is_integer:
        return floordiv(x_t, y, name)
    return execute(DIV, (x_t, y), _NO, name)


def realdiv(x, y, name=None):
    """Returns `x / y` elementwise for floating-point tensors.

    Unlike `divide`, integers are not converted first.

    Args:
      x: A `Tensor` or a value convertible to one.
      y: A `Tensor` or value of the same dtype as `x`, broadcastable against it (a Python
        number takes `x`'s dtype).
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of the broadcast shape of `x` and `y`, with their dtype.

    Raises:
      InvalidArgumentError: If the dtypes of `x` and `y` differ or their shapes do not
        broadcast.

    Gradient: `dy / y` for `x` and `-dy * x / y**2` for `y`.
    """
    return execute(DIV, (x, y), _NO, name)


def floordiv(x, y, name=None):
    """Returns `floor(x / y)` elementwise (the `//` operator).

    Rounds towards negative infinity, like Python's `//`. For floating-point inputs it is `floor(x /
    y)`; for integers a zero divisor raises (NumPy would give 0).

    Args:
      x: A `Tensor` or a value convertible to one.
      y: A `Tensor` or value of the same dtype as `x`, broadcastable against it (a Python
        number takes `x`'s dtype).
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of the broadcast shape of `x` and `y`, with their dtype.

    Raises:
      InvalidArgumentError: If the dtypes of `x` and `y` differ or their shapes do not
        broadcast.

    Gradient: none: the result is piecewise constant.

    Example:

    >>> ndflow.math.floordiv([7, -7], [2, 2]).numpy()
    array([ 3, -4], dtype=int32)
    """
    x_t = x if isinstance(x, TensorLike) else None
    if x_t is not None and x_t.dtype.is_floating:
        return floor(execute(DIV, (x, y), _NO), name=name)
    y_t = y if isinstance(y, TensorLike) else None
    if x_t is None and y_t is not None and y_t.dtype.is_floating:
        return floor(execute(DIV, (x, y), _NO), name=name)
    return execute(FLOOR_DIV, (x, y), _NO, name)


def floormod(x, y, name=None):
    """Returns the remainder of floor division, `x - floor(x / y) * y`.

    The result has the sign of `y`, like Python's `%` (the `%` operator on tensors). `mod` is the
    same function. An integer zero divisor raises InvalidArgumentError.

    Args:
      x: A `Tensor` or a value convertible to one.
      y: A `Tensor` or value of the same dtype as `x`, broadcastable against it (a Python
        number takes `x`'s dtype).
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of the broadcast shape of `x` and `y`, with their dtype.

    Raises:
      InvalidArgumentError: If the dtypes of `x` and `y` differ or their shapes do not
        broadcast.

    Gradient: `dy` for `x` and `-dy * floor(x / y)` for `y`.

    Example:

    >>> ndflow.math.floormod([7, -7], [3, 3]).numpy()
    array([1, 2], dtype=int32)
    """
    return execute(MOD, (x, y), _NO, name)


mod = floormod


def pow(x, y, name=None):  # noqa: A001 - TensorFlow's public name
    """Returns `x ** y` elementwise, with broadcasting.

    The `**` operator on tensors calls this op.

    Args:
      x: A `Tensor` or a value convertible to one.
      y: A `Tensor` or value of the same dtype as `x`, broadcastable against it (a Python
        number takes `x`'s dtype).
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of the broadcast shape of `x` and `y`, with their dtype.

    Raises:
      InvalidArgumentError: If the dtypes of `x` and `y` differ or their shapes do not
        broadcast.

    Gradient: `dy * y * x**(y-1)` for `x` and `dy * x**y * log(x)` for `y` (0 where x <= 0).

    Example:

    >>> ndflow.pow([2.0, 3.0], 2.0).numpy()
    array([4., 9.], dtype=float32)
    """
    return execute(POW, (x, y), _NO, name)


def maximum(x, y, name=None):
    """Returns the larger of `x` and `y` elementwise, with broadcasting.

    Args:
      x: A `Tensor` or a value convertible to one.
      y: A `Tensor` or value of the same dtype as `x`, broadcastable against it (a Python
        number takes `x`'s dtype).
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of the broadcast shape of `x` and `y`, with their dtype.

    Raises:
      InvalidArgumentError: If the dtypes of `x` and `y` differ or their shapes do not
        broadcast.

    Gradient: `dy` goes to `x` where x >= y, otherwise to `y`.

    Example:

    >>> ndflow.maximum([1.0, 5.0], 3.0).numpy()
    array([3., 5.], dtype=float32)
    """
    return execute(MAXIMUM, (x, y), _NO, name)


def minimum(x, y, name=None):
    """Returns the smaller of `x` and `y` elementwise, with broadcasting.

    Args:
      x: A `Tensor` or a value convertible to one.
      y: A `Tensor` or value of the same dtype as `x`, broadcastable against it (a Python
        number takes `x`'s dtype).
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of the broadcast shape of `x` and `y`, with their dtype.

    Raises:
      InvalidArgumentError: If the dtypes of `x` and `y` differ or their shapes do not
        broadcast.

    Gradient: `dy` goes to `x` where x <= y, otherwise to `y`.

    Example:

    >>> ndflow.minimum([1.0, 5.0], 3.0).numpy()
    array([1., 3.], dtype=float32)
    """
    return execute(MINIMUM, (x, y), _NO, name)


def squared_difference(x, y, name=None):
    """Returns `(x - y) ** 2` elementwise, with broadcasting.

    Args:
      x: A `Tensor` or a value convertible to one.
      y: A `Tensor` or value of the same dtype as `x`, broadcastable against it (a Python
        number takes `x`'s dtype).
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of the broadcast shape of `x` and `y`, with their dtype.

    Raises:
      InvalidArgumentError: If the dtypes of `x` and `y` differ or their shapes do not
        broadcast.

    Gradient: `2 dy (x - y)` for `x` and its negative for `y`.
    """
    return execute(SQUARED_DIFFERENCE, (x, y), _NO, name)


# --- unary -----------------------------------------------------------------------------------

NEG = _unary("Neg", lambda xp, x: xp.negative(x), lambda op, g: [-g])


def _abs_grad(op, g):
    x = op.inputs[0]
    if x.dtype.is_complex:  # TF's convention for complex z: dL/dRe + i dL/dIm = dy * z / |z|
        from .complex_ops import complex as _complex, imag as _imag, real as _real
        r = op.outputs[0]
        return [_complex(divide_no_nan(g * _real(x), r), divide_no_nan(g * _imag(x), r))]
    return [g * sign(x)]


def _abs_infer(ts, attrs):  # |complex64| is float32
    dtype = ts[0].dtype
    return [(ts[0].shape, {"complex64": dtypes.float32, "complex128": dtypes.float64}.get(
        dtype.name, dtype))]


ABS = _unary("Abs", lambda xp, x: xp.abs(x), _abs_grad, infer=_abs_infer)
SIGN = _unary("Sign", lambda xp, x: xp.sign(x), lambda op, g: [zeros_like(g)])
def _conj(t):
    """`t` conjugated when complex: TensorFlow's gradient of a complex op is
    dy * conj(f'(z))."""
    if t.dtype.is_complex:
        from .complex_ops import conj
        return conj(t)
    return t


SQUARE = _unary("Square", lambda xp, x: xp.square(x),
                lambda op, g: [g * _conj(2.0 * op.inputs[0])])
SQRT = _unary("Sqrt", lambda xp, x: xp.sqrt(x), lambda op, g: [g / _conj(2.0 * op.outputs[0])])
RSQRT = _unary("Rsqrt", lambda xp, x: 1.0 / xp.sqrt(x),
               lambda op, g: [g * (-0.5) * op.outputs[0] * op.outputs[0] * op.outputs[0]])
EXP = _unary("Exp", lambda xp, x: xp.exp(x), lambda op, g: [g * _conj(op.outputs[0])])
EXPM1 = _unary("Expm1", lambda xp, x: xp.expm1(x), lambda op, g: [g * (op.outputs[0] + 1.0)])
LOG = _unary("Log", lambda xp, x: xp.log(x), lambda op, g: [g / _conj(op.inputs[0])])
LOG1P = _unary("Log1p", lambda xp, x: xp.log1p(x), lambda op, g: [g / (op.inputs[0] + 1.0)])
SIN = _unary("Sin", lambda xp, x: xp.sin(x), lambda op, g: [g * cos(op.inputs[0])])
COS = _unary("Cos", lambda xp, x: xp.cos(x), lambda op, g: [-g * sin(op.inputs[0])])
TAN = _unary("Tan", lambda xp, x: xp.tan(x),
             lambda op, g: [g * (1.0 + op.outputs[0] * op.outputs[0])])
RECIPROCAL = _unary("Reciprocal", lambda xp, x: xp.reciprocal(x),
                    lambda op, g: [-g * _conj(op.outputs[0] * op.outputs[0])])
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


@SIGMOID.bind_to
def _bind_sigmoid(xp, operation, store, shapes):
    dtype = operation.inputs[0].dtype.as_numpy_dtype
    if not shapes[0].rank or dtype not in (np.float16, np.float32, np.float64):
        return functools.partial(_sigmoid_kernel, xp)  # (a 0-d input: NumPy gives scalars)
    exp, negative, reciprocal, one = xp.exp, xp.negative, xp.reciprocal, xp.asarray(1, dtype)

    def sigmoid(x, out=None):  # the kernel's operations, minus its asarray and int conversion
        out = negative(x, out)
        exp(out, out)
        out += one
        return reciprocal(out, out)
    sigmoid.nin = sigmoid.nout = 1  # as a ufunc's: a plan may pass x's own buffer as out
    return sigmoid


@SIGMOID_GRAD.bind_to
def _bind_sigmoid_grad(xp, operation, store, shapes):
    dtype = operation.inputs[0].dtype.as_numpy_dtype
    if not shapes[0].rank or dtype not in (np.float16, np.float32, np.float64):
        return functools.partial(SIGMOID_GRAD.kernel, xp)
    if (compiled := _bind_activation_grad(xp, shapes, dtype, _EJ._sigmoid_grad_loop)):
        return compiled
    subtract, one = xp.subtract, xp.asarray(1, dtype)  # (a 0-d array: the cheapest operand)

    def sigmoid_grad(y, g):  # the kernel's operations, with its 1 converted once
        out = subtract(one, y)
        out *= y
        out *= g
        return out
    return sigmoid_grad


def _bind_activation_grad(xp, shapes, dtype, loop):
    """SigmoidGrad's or TanhGrad's compiled kernel where y and g have one static shape."""
    if _EJ.usable(xp, dtype) and shapes[0].rank and shapes[0].is_fully_defined() and \
            shapes[0] == shapes[1]:
        return _EJ.activation_grad(tuple(shapes[0].as_list()), dtype, loop)
    return None


@TANH_GRAD.bind_to
def _bind_tanh_grad(xp, operation, store, shapes):
    dtype = operation.inputs[0].dtype.as_numpy_dtype
    return _bind_activation_grad(xp, shapes, dtype, _EJ._tanh_grad_loop) or \
        functools.partial(TANH_GRAD.kernel, xp)


TANH.gradient(lambda op, g: [execute(TANH_GRAD, (op.outputs[0], g), _NO)])
SIGMOID.gradient(lambda op, g: [execute(SIGMOID_GRAD, (op.outputs[0], g), _NO)])


def _elementwise_doc(fn_name, summary, formula, accepts, returns, grad, example=None):
    """The docstring of a generated elementwise op: what it computes, which dtypes it takes,
    what it returns and how its gradient is formed (one template, specific text per op)."""
    doc = (f"{summary}\n\n    Computes `{formula}` for every element.\n\n"
           f"    Args:\n      x: A `Tensor` (or a value convertible to one) of {accepts}.\n"
           f"      name: A name for the operation (optional).\n\n"
           f"    Returns:\n      {returns}\n\n    Gradient: {grad}\n")
    if example:
        doc += f"\n    Example:\n\n    >>> ndflow.math.{fn_name}({example[0]}).numpy()\n" \
               f"    {example[1]}\n"
    return doc


_SAME = "A `Tensor` with the shape and dtype of `x`."
_BOOL = "A `bool` `Tensor` with the shape of `x`."
_REAL = "a floating-point or complex dtype (TensorFlow rejects integers)"
_NUM = "a numeric dtype (integer, floating-point or complex)"
_SIGNED = "a signed integer, floating-point or complex dtype"
_NO_GRAD = "none: the op is piecewise constant, so backpropagation passes no gradient."

_UNARY_DOCS = {
    "Neg": ("Negates `x` elementwise (the `-x` operator).", "-x", _SIGNED, _SAME,
            "`-dy`.", ("[1.0, -2.0]", "array([-1.,  2.], dtype=float32)")),
    "Abs": ("Absolute value of `x` elementwise.", "|x|", _SIGNED, _SAME,
            "`dy * sign(x)` (0 at x == 0).", ("[-1.5, 2.0]", "array([1.5, 2. ], dtype=float32)")),
    "Sign": ("Sign of `x` elementwise: -1, 0 or 1.", "x < 0 ? -1 : (x > 0 ? 1 : 0)", _SIGNED,
             _SAME, "zero everywhere.", ("[-3.0, 0.0, 2.0]",
                                         "array([-1.,  0.,  1.], dtype=float32)")),
    "Square": ("Square of `x` elementwise.", "x * x", _NUM, _SAME, "`dy * 2x`.",
               ("[2.0, -3.0]", "array([4., 9.], dtype=float32)")),
    "Sqrt": ("Square root of `x` elementwise.", "x ** 0.5", _REAL,
             _SAME + " Negative inputs give NaN.", "`dy / (2 sqrt(x))`.",
             ("[4.0, 9.0]", "array([2., 3.], dtype=float32)")),
    "Rsqrt": ("Reciprocal of the square root of `x` elementwise.", "1 / sqrt(x)", _REAL, _SAME,
              "`-dy * y**3 / 2` with y = rsqrt(x).",
              ("[4.0, 16.0]", "array([0.5 , 0.25], dtype=float32)")),
    "Exp": ("Natural exponential of `x` elementwise.", "e ** x", _REAL,
            _SAME + " Large inputs overflow to inf.", "`dy * exp(x)` (reuses the output).",
            ("[0.0, 1.0]", "array([1.      , 2.718282], dtype=float32)")),
    "Expm1": ("`exp(x) - 1` elementwise, accurate for `x` near 0.", "e ** x - 1", _REAL, _SAME,
              "`dy * (y + 1)` with y the output.", None),
    "Log": ("Natural logarithm of `x` elementwise.", "ln(x)", _REAL,
            _SAME + " log(0) is -inf and negative inputs give NaN, without a warning.",
            "`dy / x`.", ("[1.0, 2.7182817]", "array([0., 1.], dtype=float32)")),
    "Log1p": ("`log(1 + x)` elementwise, accurate for `x` near 0.", "ln(1 + x)", _REAL, _SAME,
              "`dy / (1 + x)`.", None),
    "Sin": ("Sine of `x` (in radians) elementwise.", "sin(x)", _REAL, _SAME, "`dy * cos(x)`.",
            None),
    "Cos": ("Cosine of `x` (in radians) elementwise.", "cos(x)", _REAL, _SAME, "`-dy * sin(x)`.",
            None),
    "Tan": ("Tangent of `x` (in radians) elementwise.", "tan(x)", _REAL, _SAME,
            "`dy * (1 + y**2)` with y the output.", None),
    "Reciprocal": ("Reciprocal `1 / x` elementwise.", "1 / x", _NUM,
                   _SAME + " For integers this is an integer division, as in TensorFlow.",
                   "`-dy * y**2` with y the output.", None),
    "Floor": ("Largest integer not greater than `x`, elementwise.", "floor(x)",
              "a floating-point dtype (integers are returned unchanged)", _SAME, _NO_GRAD,
              ("[1.5, -1.5]", "array([ 1., -2.], dtype=float32)")),
    "Ceil": ("Smallest integer not less than `x`, elementwise.", "ceil(x)",
             "a floating-point dtype (integers are returned unchanged)", _SAME, _NO_GRAD,
             ("[1.5, -1.5]", "array([ 2., -1.], dtype=float32)")),
    "Round": ("Rounds `x` to the nearest integer, halves to even (banker's rounding).",
              "round_half_to_even(x)", "a numeric dtype", _SAME, _NO_GRAD,
              ("[0.5, 1.5, 2.5]", "array([0., 2., 2.], dtype=float32)")),
    "Tanh": ("Hyperbolic tangent of `x` elementwise.", "(e**x - e**-x) / (e**x + e**-x)", _REAL,
             _SAME + " Values lie in [-1, 1].",
             "`dy * (1 - y**2)` from the output y, through the TanhGrad op (itself "
             "differentiable, so second derivatives work).", None),
    "Sigmoid": ("Logistic sigmoid of `x` elementwise.", "1 / (1 + e**-x)", _REAL,
                _SAME + " Values lie in [0, 1]; very negative inputs give exactly 0, not NaN.",
                "`dy * y * (1 - y)` from the output y, through the SigmoidGrad op (itself "
                "differentiable).", ("[0.0]", "array([0.5], dtype=float32)")),
    "LogicalNot": ("Logical NOT of `x` elementwise.", "not x", "`bool` dtype", _BOOL,
                   "none (boolean op).", ("[True, False]", "array([False,  True])")),
    "IsNan": ("Tells which elements of `x` are NaN.", "x != x", "a floating-point dtype", _BOOL,
              "none (boolean result).", None),
    "IsInf": ("Tells which elements of `x` are +inf or -inf.", "|x| == inf",
              "a floating-point dtype", _BOOL, "none (boolean result).", None),
    "IsFinite": ("Tells which elements of `x` are finite (neither inf nor NaN).",
                 "not (isnan(x) or isinf(x))", "a floating-point dtype", _BOOL,
                 "none (boolean result).", None),
}


def _u(opdef):
    def fn(x, name=None):
        return execute(opdef, (x,), _NO, name)
    fn.__name__ = opdef.name.lower()
    if opdef.name in _UNARY_DOCS:
        fn.__doc__ = _elementwise_doc(_TF_NAMES.get(opdef.name, fn.__name__),
                                      *_UNARY_DOCS[opdef.name])
    return fn


# ndflow.math names that differ from the lower-cased op name
_TF_NAMES = {"Neg": "negative", "LogicalNot": "logical_not", "IsNan": "is_nan",
             "IsInf": "is_inf", "IsFinite": "is_finite"}


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
    """TF1 alias of `reciprocal`: returns `1 / x` elementwise.

    Args:
      x: A numeric `Tensor` or convertible value.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` with the shape and dtype of `x`.
    """
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
    """Gauss error function of `x` elementwise: `2/sqrt(pi) * integral_0^x exp(-t**2) dt`.

    Uses SciPy's `erf` when SciPy is installed and the standard library's `math.erf` otherwise.

    Args:
      x: A floating-point `Tensor` or convertible value.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` with the shape and dtype of `x`, with values in [-1, 1].

    Gradient: `dy * 2/sqrt(pi) * exp(-x**2)`.
    """
    return execute(ERF, (x,), _NO, name)


# --- safe division and x * log(y) ---------------------------------------------------------------

def divide_no_nan(x, y, name=None):
    """Returns `x / y` elementwise, and 0 wherever `y` is 0.

    The gradient is 0 there too, so a masked division never produces NaN.

    Args:
      x: A floating-point `Tensor`.
      y: A tensor of `x`'s dtype (a Python number takes it), broadcastable against `x`.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of the broadcast shape.

    Example:

    >>> ndflow.math.divide_no_nan([1.0, 2.0], [0.0, 4.0]).numpy()
    array([0. , 0.5], dtype=float32)
    """
    x = convert_to_tensor(x)
    y = convert_to_tensor(y, dtype=x.dtype) if not isinstance(y, TensorLike) else y
    is_zero = equal(y, 0)
    safe_y = where(is_zero, ones_like(y), y)
    quotient = truediv(x, safe_y)
    return where(is_zero, zeros_like(quotient), quotient, name=name)


def xlogy(x, y, name=None):
    """Returns `x * log(y)` elementwise, and 0 wherever `x` is 0 (even where `y` is 0).

    Useful for entropies, where `0 * log(0)` must count as 0.

    Args:
      x: A floating-point `Tensor`.
      y: A tensor of `x`'s dtype, broadcastable against `x`.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of the broadcast shape.

    Example:

    >>> ndflow.math.xlogy([0.0, 1.0], [0.0, 1.0]).numpy()
    array([0., 0.], dtype=float32)
    """
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


_COMPARISONS = {  # op name -> (ndflow.math name, relation, example result)
    "Equal": ("equal", "x == y", "array([ True, False])"),
    "NotEqual": ("not_equal", "x != y", "array([False,  True])"),
    "Less": ("less", "x < y", "array([False, False])"),
    "LessEqual": ("less_equal", "x <= y", "array([ True, False])"),
    "Greater": ("greater", "x > y", "array([False,  True])"),
    "GreaterEqual": ("greater_equal", "x >= y", "array([ True,  True])"),
    "LogicalAnd": ("logical_and", "x and y", None),
    "LogicalOr": ("logical_or", "x or y", None),
    "LogicalXor": ("logical_xor", "x xor y (exactly one is true)", None),
}


def _comparison_doc(opdef):
    tf_name, relation, example = _COMPARISONS[opdef.name]
    logical = opdef.name.startswith("Logical")
    accepts = "`bool` tensors" if logical else "tensors of one numeric (or string) dtype"
    doc = (f"Elementwise `{relation}`, with NumPy-style broadcasting.\n\n"
           f"    Args:\n      x: A `Tensor` or value convertible to one; {accepts}.\n"
           f"      y: A `Tensor` or value of the same dtype as `x`, broadcastable against it "
           f"(Python scalars take `x`'s dtype).\n      name: A name for the operation "
           f"(optional).\n\n    Returns:\n      A `bool` `Tensor` of the broadcast shape of "
           f"`x` and `y`.\n\n    Raises:\n      InvalidArgumentError: If the shapes do not "
           f"broadcast or the dtypes differ.\n\n    Gradient: none (boolean result).\n")
    if example:
        doc += (f"\n    Example:\n\n    >>> ndflow.math.{tf_name}([1, 3], [1, 2]).numpy()\n"
                f"    {example}\n")
    return doc


def _b(opdef):
    def fn(x, y, name=None):
        return execute(opdef, (x, y), _NO, name)
    fn.__name__ = opdef.name.lower()
    if opdef.name in _COMPARISONS:
        fn.__doc__ = _comparison_doc(opdef)
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
    if dtype is None and isinstance(axis, tuple) and x.ndim > 1:  # a bias gradient's sum
        fast = _leading_sum(xp, x.shape, tuple(sorted(a % x.ndim for a in axis)), keepdims,
                            x.dtype)
        if fast is not None:
            return fast(x)
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


_REDUCTIONS = {  # op name -> (what is computed, accepted dtypes, gradient, example result)
    "Sum": ("the sum", "a numeric dtype", "`dy` broadcast back to `input_tensor`'s shape.",
            "array([4., 6.], dtype=float32)"),
    "Mean": ("the arithmetic mean", "a numeric dtype (integer means truncate, as in TensorFlow)",
             "`dy / n` broadcast back, n being the number of reduced elements.",
             "array([2., 3.], dtype=float32)"),
    "Max": ("the maximum", "a real numeric dtype",
            "`dy` shared equally among the elements equal to the maximum.",
            "array([3., 4.], dtype=float32)"),
    "Min": ("the minimum", "a real numeric dtype",
            "`dy` shared equally among the elements equal to the minimum.",
            "array([1., 2.], dtype=float32)"),
    "Prod": ("the product", "a numeric dtype",
             "`dy * prod / x`, which is inf/NaN where an element of `x` is 0.",
             "array([3., 8.], dtype=float32)"),
    "Any": ("the logical OR", "`bool` dtype", "none (boolean op).", None),
    "All": ("the logical AND", "`bool` dtype", "none (boolean op).", None),
}


def _reduction_doc(fn_name, what, accepts, grad, example):
    doc = (f"Computes {what} of the elements of `input_tensor` along `axis`.\n\n"
           f"    Each reduced axis is removed unless `keepdims` is true, which keeps it with "
           f"length 1. `axis=None` reduces every axis to a scalar.\n\n"
           f"    Args:\n      input_tensor: A `Tensor` (or convertible value) of {accepts}.\n"
           f"      axis: `None`, an int or a list of ints in `[-rank, rank)`: the axes to "
           f"reduce.\n      keepdims: If true, reduced axes are kept with length 1.\n"
           f"      name: A name for the operation (optional).\n"
           f"      reduction_indices: TF1's name for `axis` (used when `axis` is None).\n"
           f"      keep_dims: TF1's name for `keepdims`.\n\n"
           f"    Returns:\n      The reduced `Tensor`, of `input_tensor`'s dtype.\n\n"
           f"    Raises:\n      NotImplementedError: If `axis` is a symbolic tensor.\n"
           f"      InvalidArgumentError: If an axis is out of range.\n\n"
           f"    Gradient: {grad}\n")
    if example:
        doc += (f"\n    Example:\n\n    >>> x = ndflow.constant([[1.0, 2.0], [3.0, 4.0]])\n"
                f"    >>> ndflow.math.{fn_name}(x, axis=0).numpy()\n    {example}\n")
    return doc


def _reducer(opdef):
    def fn(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
           keep_dims=None):
        if axis is None:
            axis = reduction_indices
        keep = bool(keepdims if keepdims is not None else (keep_dims or False))
        return execute(opdef, (input_tensor,), {"axis": _axis_attr(axis), "keepdims": keep},
                       name)
    fn.__name__ = "reduce_" + opdef.name.lower()
    if opdef.name in _REDUCTIONS:
        fn.__doc__ = _reduction_doc(fn.__name__, *_REDUCTIONS[opdef.name])
    return fn


reduce_sum = _reducer(SUM)
reduce_mean = _reducer(MEAN)
reduce_max = _reducer(MAX)
reduce_min = _reducer(MIN)
reduce_prod = _reducer(PROD)
reduce_any = _reducer(ANY)
reduce_all = _reducer(ALL_)


def reduce_logsumexp(input_tensor, axis=None, keepdims=False, name=None):
    """Computes `log(sum(exp(input_tensor)))` along `axis`, without overflow.

    The maximum along `axis` is subtracted before exponentiating and added back afterwards, so
    large inputs do not overflow to inf.

    Args:
      input_tensor: A floating-point `Tensor`.
      axis: `None` (every axis), an int or a list of ints: the axes to reduce.
      keepdims: If true, reduced axes are kept with length 1.
      name: A name for the operation (optional).

    Returns:
      The reduced `Tensor`, of `input_tensor`'s dtype.

    Example:

    >>> round(float(ndflow.math.reduce_logsumexp([1000.0, 1000.0])), 2)
    1000.69
    """
    m = stop_gradient(reduce_max(input_tensor, axis=axis, keepdims=True))
    out = log(reduce_sum(exp(input_tensor - m), axis=axis, keepdims=True)) + m
    if not keepdims:
        out = squeeze(out, axis=axis) if axis is not None else reshape(out, [])
    return out


def reduce_variance(input_tensor, axis=None, keepdims=False, name=None):
    """Computes the (population) variance of `input_tensor` along `axis`.

    The mean of the squared deviations from the mean, dividing by the number of elements N (not
    N - 1).

    Args:
      input_tensor: A floating-point `Tensor`.
      axis: `None` (every axis), an int or a list of ints: the axes to reduce.
      keepdims: If true, reduced axes are kept with length 1.
      name: A name for the operation (optional).

    Returns:
      The reduced `Tensor`, of `input_tensor`'s dtype.
    """
    mean = reduce_mean(input_tensor, axis=axis, keepdims=True)
    return reduce_mean(square(input_tensor - mean), axis=axis, keepdims=keepdims)


def reduce_std(input_tensor, axis=None, keepdims=False, name=None):
    """Computes the (population) standard deviation of `input_tensor` along `axis`.

    The square root of `reduce_variance` (dividing by N, not N - 1).

    Args:
      input_tensor: A floating-point `Tensor`.
      axis: `None` (every axis), an int or a list of ints: the axes to reduce.
      keepdims: If true, reduced axes are kept with length 1.
      name: A name for the operation (optional).

    Returns:
      The reduced `Tensor`, of `input_tensor`'s dtype.
    """
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
    """Returns the index of the largest value along an axis.

    Ties give the first (lowest) index.

    Args:
      input: A real numeric `Tensor`.
      axis: The axis to search (default 0); negative values count from the end.
      output_type: `int64` (default) or `int32`: the dtype of the result.
      name: A name for the operation (optional).
      dimension: TF1's name for `axis`.

    Returns:
      A `Tensor` of `output_type` with `axis` removed from the input's shape.

    Example:

    >>> ndflow.math.argmax([[1, 9], [8, 2]], axis=1).numpy()
    array([1, 0])
    """
    axis = dimension if axis is None else axis
    return execute(ARGMAX, (input,), {"axis": 0 if axis is None else int(axis),
                                      "output_type": dtypes.as_dtype(output_type)}, name)


def argmin(input, axis=None, output_type=dtypes.int64, name=None, dimension=None):  # noqa: A002
    """Returns the index of the smallest value along an axis.

    Ties give the first (lowest) index.

    Args:
      input: A real numeric `Tensor`.
      axis: The axis to search (default 0); negative values count from the end.
      output_type: `int64` (default) or `int32`: the dtype of the result.
      name: A name for the operation (optional).
      dimension: TF1's name for `axis`.

    Returns:
      A `Tensor` of `output_type` with `axis` removed from the input's shape.
    """
    axis = dimension if axis is None else axis
    return execute(ARGMIN, (input,), {"axis": 0 if axis is None else int(axis),
                                      "output_type": dtypes.as_dtype(output_type)}, name)


def arg_max(input, dimension, output_type=dtypes.int64, name=None):  # noqa: A002
    """tf.compat.v1.arg_max: TF1's older name of argmax, the axis given as `dimension`."""
    return argmax(input, axis=dimension, output_type=output_type, name=name)


def arg_min(input, dimension, output_type=dtypes.int64, name=None):  # noqa: A002
    """tf.compat.v1.arg_min: TF1's older name of argmin, the axis given as `dimension`."""
    return argmin(input, axis=dimension, output_type=output_type, name=name)


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
    """Adds a list of tensors elementwise.

    Args:
      inputs: A non-empty list of `Tensor`s of one dtype and broadcast-compatible shapes.
      name: A name for the operation (optional).

    Returns:
      A `Tensor`: the sum of `inputs`. A single input is returned as a tensor, unchanged.

    Raises:
      ValueError: If `inputs` is empty.
      InvalidArgumentError: If the dtypes differ.

    Gradient: `dy` to every input.

    Example:

    >>> ndflow.math.add_n([[1, 2], [3, 4], [5, 6]]).numpy()
    array([ 9, 12], dtype=int32)
    """
    inputs = list(inputs)
    if not inputs:
        raise ValueError("add_n: inputs must be a non-empty list of tensors.")
    if len(inputs) == 1:
        return convert_to_tensor(inputs[0])
    return execute(ADD_N, tuple(inputs), _NO, name)


# --- counting ------------------------------------------------------------------------------------

def count_nonzero(input, axis=None, keepdims=None, dtype=dtypes.int64, name=None,  # noqa: A002
                  reduction_indices=None, keep_dims=None):
    """Counts the non-zero elements of `input` along `axis`.

    For `bool` inputs, counts the `True` elements.

    Args:
      input: A numeric or `bool` `Tensor`.
      axis: `None` (every axis), an int or a list of ints: the axes to reduce.
      keepdims: If true, reduced axes are kept with length 1.
      dtype: The dtype of the counts (default `int64`).
      name: A name for the operation (optional).
      reduction_indices: TF1's name for `axis`.
      keep_dims: TF1's name for `keepdims`.

    Returns:
      A `Tensor` of `dtype` holding the counts.

    Example:

    >>> int(ndflow.math.count_nonzero([0, 3, 0, 1]))
    2
    """
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
    """Counts how many times each non-negative integer occurs in `arr`.

    With `weights`, sums the weight of each occurrence instead of counting 1.

    Args:
      arr: A `Tensor` of non-negative integers (any shape; it is flattened).
      weights: Optional `Tensor` of the same shape as `arr`; the result takes its dtype.
      minlength: If given, the result has at least this many bins.
      maxlength: If given, values >= maxlength are ignored and the result has at most this many
        bins.
      dtype: The dtype of the counts when `weights` is None (default `int32`).
      name: A name for the operation (optional).

    Returns:
      A 1-D `Tensor` of length `max(arr) + 1` (adjusted by `minlength`/`maxlength`).

    Raises:
      InvalidArgumentError: If `arr` has a negative value.

    Example:

    >>> ndflow.math.bincount([1, 1, 3]).numpy()
    array([0, 2, 0, 1], dtype=int32)
    """
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
                   "bincount": bincount, "arg_max": arg_max, "arg_min": arg_min})
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


@ADD.bind_to
def _bind_add(xp, operation, store, shapes):
    """A bias row added to a batch (x (..., k) + b (k,), either order) as one compiled pass
    (NumPy's broadcasting costs ~0.6 us a call more than a same-shape add); np.add else."""
    dtype = operation.inputs[0].dtype.as_numpy_dtype
    if _EJ.usable(xp, dtype) and all(s.is_fully_defined() for s in shapes):
        (a, b) = (tuple(s.as_list()) for s in shapes)
        for full, row, row_first in ((a, b, False), (b, a, True)):
            if len(row) == 1 and len(full) >= 2 and row[0] == full[-1] and \
                    _count(full, None) > 0:
                return _EJ.add_row(full, dtype, row_first)
    return xp.add


# --- plan specialisations: with static shapes known, bind reductions to
# C-level NumPy calls instead of the generic kernels.

def _static_dims(shape):
    return tuple(shape.as_list()) if shape.is_fully_defined() else None


def _static_axes(x_shape, axis):
    if axis is None:
        return tuple(range(len(x_shape)))
    axes = (axis,) if isinstance(axis, int) else axis
    return tuple(sorted(a % len(x_shape) for a in axes))


def _leading_sum(xp, x_shape, axes, keepdims, dtype):
    """A sum over the leading axes (a bias gradient: every axis but the channels) as one
    ones-vector GEMV: 3-15x faster than add.reduce, which adds the rows one at a time when
    they are short, and more accurate (BLAS keeps several partial sums). None otherwise."""
    lead = len(axes) if isinstance(axes, tuple) else -1
    if np.dtype(dtype) not in (np.float32, np.float64) or axes != tuple(range(lead)) or \
            not 0 < lead < len(x_shape):
        return None
    rows, cols = _count(x_shape, axes), _count(x_shape, tuple(range(lead, len(x_shape))))
    if rows < 256 or cols > 4096:
        return None
    ones = xp.ones(rows, dtype=dtype)
    out = _keepdims_shape(x_shape, axes) if keepdims else tuple(x_shape[lead:])
    matmul, reshape = xp.matmul, xp.reshape
    return lambda x: reshape(matmul(ones, reshape(x, (rows, cols))), out)


def _compiled_leading_sum(xp, x_shape, axes, keepdims, dtype):
    """A short sum over the leading axes (fewer rows than _leading_sum's GEMV takes) as one
    compiled pass adding the rows in add.reduce's order; None where that does not apply."""
    lead = len(axes) if isinstance(axes, tuple) else -1
    if axes != tuple(range(lead)) or not 0 < lead < len(x_shape):
        return None
    return _EJ.leading_sum(xp, x_shape, lead, keepdims, dtype)


@SUM.bind_to
def _bind_sum(xp, operation, store, shapes):
    attrs = operation.attrs
    x_shape = _static_dims(shapes[0])
    axis = attrs["axis"] if x_shape is None else _static_axes(x_shape, attrs["axis"])
    if x_shape is not None:
        fast = _leading_sum(xp, x_shape, axis, attrs["keepdims"],
                            operation.inputs[0].dtype.as_numpy_dtype)
        if fast is not None:
            return fast
        fast = _compiled_leading_sum(xp, x_shape, axis, attrs["keepdims"],
                                     operation.inputs[0].dtype.as_numpy_dtype)
        if fast is not None:
            return fast
        reduce, keep = xp.add.reduce, attrs["keepdims"]
        return lambda x: reduce(x, axis, None, None, keep)  # (positional: no kwargs parsing)
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
    dtype = x.dtype.as_numpy_dtype
    if dtype in (np.float32, np.float64) and n < 2 ** 24:
        n = dtype(n)  # the same division as by the int, without converting it at each call
        return lambda x: reduce(x, axes, None, None, keep) / n
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
