"""Gradients on arrays for the ops eager training steps run most (issue 15).

An op's registered gradient is written in ndflow ops, so it can itself be recorded (higher
derivatives) and built into graphs. When a GradientTape computes gradients eagerly and no
tape records that computation, `backprop` (framework/autodiff.py) instead calls the op's
`array_grad(xp, inputs, outputs, attrs, dy, needs)` (the recorded op's eager tensors and
attributes, and its output's gradient as an array): the same formula on the arrays
themselves, with no op dispatch. It returns one gradient array (or None) per input, before
broadcasting is undone (backprop sums it to the input's shape); `needs[i]` is false when
input `i` leads to no source, so its gradient may be skipped. The formulas and kernels are
the registered gradients' own, so both routes give the same numbers (tests/test_autodiff.py
checks each op here against its registered gradient).
"""
from ..framework.registry import get_op
from . import conv_ops, linalg_ops, math_ops, nn_ops  # noqa: F401  (the ops must exist)


def _array_grad(name):
    def register(fn):
        opdef = get_op(name)
        if opdef.multi_output:
            raise ValueError(f"array gradients are for single-output ops, not {name}")
        opdef.array_grad = fn
        return fn
    return register


def _c(xp, v):
    """`v` conjugated when complex (TensorFlow's convention: dy * conj(f'(z)))."""
    return xp.conj(v) if v.dtype.kind == "c" else v


@_array_grad("AddV2")
def _add_grad(xp, inputs, outputs, attrs, dy, needs):
    return (dy if needs[0] else None), (dy if needs[1] else None)


@_array_grad("Sub")
def _sub_grad(xp, inputs, outputs, attrs, dy, needs):
    return (dy if needs[0] else None), (xp.negative(dy) if needs[1] else None)


@_array_grad("Mul")
def _mul_grad(xp, inputs, outputs, attrs, dy, needs):
    return ((dy * _c(xp, inputs[1]._value) if needs[0] else None),
            (dy * _c(xp, inputs[0]._value) if needs[1] else None))


@_array_grad("RealDiv")
def _div_grad(xp, inputs, outputs, attrs, dy, needs):
    y = _c(xp, inputs[1]._value)
    return ((dy / y if needs[0] else None),
            (xp.negative(dy) * _c(xp, outputs[0]._value) / y if needs[1] else None))


@_array_grad("Neg")
def _neg_grad(xp, inputs, outputs, attrs, dy, needs):
    return (xp.negative(dy),)


@_array_grad("Log")
def _log_grad(xp, inputs, outputs, attrs, dy, needs):
    return (dy / _c(xp, inputs[0]._value),)


@_array_grad("Exp")
def _exp_grad(xp, inputs, outputs, attrs, dy, needs):
    return (dy * _c(xp, outputs[0]._value),)


@_array_grad("Square")
def _square_grad(xp, inputs, outputs, attrs, dy, needs):
    return (dy * _c(xp, 2.0 * inputs[0]._value),)


@_array_grad("Sqrt")
def _sqrt_grad(xp, inputs, outputs, attrs, dy, needs):
    return (dy / _c(xp, 2.0 * outputs[0]._value),)


@_array_grad("Sigmoid")
def _sigmoid_grad(xp, inputs, outputs, attrs, dy, needs):
    return (math_ops.SIGMOID_GRAD.kernel(xp, outputs[0]._value, dy),)


@_array_grad("Tanh")
def _tanh_grad(xp, inputs, outputs, attrs, dy, needs):
    return (math_ops.TANH_GRAD.kernel(xp, outputs[0]._value, dy),)


@_array_grad("Relu")
def _relu_grad(xp, inputs, outputs, attrs, dy, needs):
    return (nn_ops.RELU_GRAD.kernel(xp, dy, outputs[0]._value),)


def _filled(xp, x, value):
    """An array of `x`'s shape holding `value` (what broadcasting `value` to it gives, as a
    writable array and without np.broadcast_to's Python layers)."""
    out = xp.empty(x.shape, value.dtype)
    out[...] = value
    return out


@_array_grad("Mean")
def _mean_grad(xp, inputs, outputs, attrs, dy, needs):
    x = inputs[0]._value
    if attrs.get("axis") is None:  # the mean of everything (a loss): dy / size everywhere
        return (_filled(xp, x, dy / xp.asarray(max(x.size, 1), dtype=dy.dtype)),)
    return (math_ops.MEAN_GRAD.kernel(xp, dy, x, **attrs),)


@_array_grad("Sum")
def _sum_grad(xp, inputs, outputs, attrs, dy, needs):
    x = inputs[0]._value
    if attrs.get("axis") is None:
        return (_filled(xp, x, dy),)
    return (math_ops.SUM_GRAD.kernel(xp, dy, x, **attrs),)


@_array_grad("BiasAdd")
def _bias_add_grad(xp, inputs, outputs, attrs, dy, needs):
    return ((dy if needs[0] else None),
            (conv_ops.BIAS_ADD_GRAD.kernel(xp, dy, attrs["data_format"])
             if needs[1] else None))


# (transpose_a, transpose_b) -> the two products giving the gradients of a and b, each as
# (first operand, second operand, transpose first, transpose second): the registered
# MatMul gradient's table (linalg_ops._matmul_grad)
_MATMUL_PRODUCTS = {
    (False, False): (("g", "b", False, True), ("a", "g", True, False)),
    (False, True): (("g", "b", False, False), ("g", "a", True, False)),
    (True, False): (("b", "g", False, True), ("a", "g", False, False)),
    (True, True): (("b", "g", True, True), ("g", "a", True, True)),
}


def _dot(xp, x, y, tx, ty):
    """The MatMul kernel's own 2-D route (xp.dot of the transposes), without its call layers."""
    return (x.T if tx else x).dot(y.T if ty else y)


def _matmul_kernel(xp, x, y, tx, ty):
    return linalg_ops.MATMUL.kernel(xp, x, y, transpose_a=tx, transpose_b=ty)


@_array_grad("MatMul")
def _matmul_grad(xp, inputs, outputs, attrs, dy, needs):
    a, b = _c(xp, inputs[0]._value), _c(xp, inputs[1]._value)
    if a.ndim == 2 and b.ndim == 2 and not attrs:  # (the dense layer's case, in line)
        return (dy.dot(b.T) if needs[0] else None), (a.T.dot(dy) if needs[1] else None)
    values = {"a": a, "b": b, "g": dy}
    products = _MATMUL_PRODUCTS[bool(attrs.get("transpose_a")), bool(attrs.get("transpose_b"))]
    mm = _dot if a.ndim == 2 and b.ndim == 2 else _matmul_kernel
    (p, q, tp, tq), (r, s, tr, ts) = products
    return (mm(xp, values[p], values[q], tp, tq) if needs[0] else None,
            mm(xp, values[r], values[s], tr, ts) if needs[1] else None)
