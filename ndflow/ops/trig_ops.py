"""Inverse trigonometric and hyperbolic functions: tf.math.asin, acos, atan, atan2, sinh,
cosh, asinh, acosh, atanh (also at the top level, as in TensorFlow 2)."""
from ..framework.registry import execute
from .math_ops import (_REAL, _SAME, _UNARY_DOCS, _binary, _u, _unary, add, multiply,
                       reciprocal, rsqrt, square, subtract)

_NO = {}


ASIN = _unary("Asin", lambda xp, x: xp.arcsin(x),
              lambda op, g: [g * rsqrt(subtract(1.0, square(op.inputs[0])))])
ACOS = _unary("Acos", lambda xp, x: xp.arccos(x),
              lambda op, g: [-g * rsqrt(subtract(1.0, square(op.inputs[0])))])
ATAN = _unary("Atan", lambda xp, x: xp.arctan(x),
              lambda op, g: [g * reciprocal(add(1.0, square(op.inputs[0])))])
SINH = _unary("Sinh", lambda xp, x: xp.sinh(x), lambda op, g: [g * cosh(op.inputs[0])])
COSH = _unary("Cosh", lambda xp, x: xp.cosh(x), lambda op, g: [g * sinh(op.inputs[0])])
ASINH = _unary("Asinh", lambda xp, x: xp.arcsinh(x),
               lambda op, g: [g * rsqrt(add(square(op.inputs[0]), 1.0))])
ACOSH = _unary("Acosh", lambda xp, x: xp.arccosh(x),
               lambda op, g: [g * rsqrt(subtract(square(op.inputs[0]), 1.0))])
ATANH = _unary("Atanh", lambda xp, x: xp.arctanh(x),
               lambda op, g: [g * reciprocal(subtract(1.0, square(op.inputs[0])))])


def _atan2_grad(op, g):
    y, x = op.inputs
    scale = g * reciprocal(add(square(x), square(y)))
    return [multiply(scale, x), -multiply(scale, y)]


ATAN2 = _binary("Atan2", lambda xp, y, x: xp.arctan2(y, x), _atan2_grad)

_DOCS = {  # (summary, formula, gradient), in math_ops' docstring template
    "Asin": ("Inverse sine of `x` elementwise, in [-pi/2, pi/2].", "arcsin(x)",
             "`dy / sqrt(1 - x**2)`."),
    "Acos": ("Inverse cosine of `x` elementwise, in [0, pi].", "arccos(x)",
             "`-dy / sqrt(1 - x**2)`."),
    "Atan": ("Inverse tangent of `x` elementwise, in (-pi/2, pi/2).", "arctan(x)",
             "`dy / (1 + x**2)`."),
    "Sinh": ("Hyperbolic sine of `x` elementwise.", "(e**x - e**-x) / 2", "`dy * cosh(x)`."),
    "Cosh": ("Hyperbolic cosine of `x` elementwise.", "(e**x + e**-x) / 2", "`dy * sinh(x)`."),
    "Asinh": ("Inverse hyperbolic sine of `x` elementwise.", "arcsinh(x)",
              "`dy / sqrt(x**2 + 1)`."),
    "Acosh": ("Inverse hyperbolic cosine of `x` elementwise (x >= 1; NaN below).",
              "arccosh(x)", "`dy / sqrt(x**2 - 1)`."),
    "Atanh": ("Inverse hyperbolic tangent of `x` elementwise (|x| < 1).", "arctanh(x)",
              "`dy / (1 - x**2)`."),
}


_UNARY_DOCS.update({name: (summary, formula, _REAL, _SAME, grad, None)
                    for name, (summary, formula, grad) in _DOCS.items()})
asin, acos, atan = _u(ASIN), _u(ACOS), _u(ATAN)
sinh, cosh = _u(SINH), _u(COSH)
asinh, acosh, atanh = _u(ASINH), _u(ACOSH), _u(ATANH)


def atan2(y, x, name=None):
    """The angle of the point `(x, y)`, elementwise: `arctan(y / x)` in the right quadrant.

    Args:
      y: A floating-point `Tensor`.
      x: A `Tensor` broadcastable with `y`, of the same dtype.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of angles in [-pi, pi].

    Gradient: `dy * x / (x**2 + y**2)` for `y`, `-dy * y / (x**2 + y**2)` for `x`.
    """
    return execute(ATAN2, (y, x), _NO, name)


from ..util.export import export_many  # noqa: E402

_NAMES = {"asin": asin, "acos": acos, "atan": atan, "atan2": atan2, "sinh": sinh,
          "cosh": cosh, "asinh": asinh, "acosh": acosh, "atanh": atanh}
export_many("math", _NAMES)
export_many("", _NAMES)
