"""Complex numbers: tf.complex, tf.math.real, imag, conj and angle.

Gradients follow TensorFlow's convention for a real loss `L` of a complex tensor
`z = x + iy`: the gradient passed for `z` is `dL/dx + i dL/dy`. So `real` sends `dy`
back as `complex(dy, 0)`, `imag` as `complex(0, dy)`, and `complex(x, y)` splits its
incoming gradient into its real and imaginary parts.
"""
from ..framework import dtypes
from ..framework.errors import InvalidArgumentError
from ..framework.registry import ALL, execute, op
from ..framework.shape_fns import broadcast_shape
from .array_ops import convert_to_tensor, zeros_like

_NO = {}
_REAL_OF = {"complex64": dtypes.float32, "complex128": dtypes.float64}
_COMPLEX_OF = {"float32": dtypes.complex64, "float64": dtypes.complex128}


def real_dtype(dtype):
    """The real dtype of a complex one (complex64 -> float32); other dtypes unchanged."""
    return _REAL_OF.get(dtype.name, dtype)


def complex_dtype(dtype):
    """The complex dtype holding `dtype` (float32 -> complex64, float64 -> complex128)."""
    if dtype.is_complex:
        return dtype
    if dtype.name not in _COMPLEX_OF:
        raise InvalidArgumentError(f"Expected a float32 or float64 tensor for a complex "
                                   f"value. Received: dtype={dtype.name}")
    return _COMPLEX_OF[dtype.name]


def _to_real_infer(ts, attrs):
    return [(ts[0].shape, real_dtype(ts[0].dtype))]


def _complex_infer(ts, attrs):
    return [(broadcast_shape([t.shape for t in ts], "Complex"), complex_dtype(ts[0].dtype))]


@op("Complex", unify=ALL, infer=_complex_infer)
def COMPLEX(xp, x, y):
    out = xp.empty(xp.broadcast_shapes(x.shape, y.shape),
                   complex_dtype(dtypes.from_numpy(x.dtype))._np)
    out.real = x
    out.imag = y
    return out


@op("Real", infer=_to_real_infer)
def REAL(xp, z):
    return xp.ascontiguousarray(xp.real(z))


@op("Imag", infer=_to_real_infer)
def IMAG(xp, z):
    return xp.ascontiguousarray(xp.imag(z))


@op("Conj", infer=lambda ts, a: [(ts[0].shape, ts[0].dtype)])
def CONJ(xp, z):
    return xp.conj(z)


@op("Angle", infer=_to_real_infer)
def ANGLE(xp, z):
    return xp.angle(z).astype(real_dtype(dtypes.from_numpy(z.dtype))._np)


COMPLEX.gradient(lambda op, g: [real(g), imag(g)])
REAL.gradient(lambda op, g: [complex(g, zeros_like(g))])
IMAG.gradient(lambda op, g: [complex(zeros_like(g), g)])
CONJ.gradient(lambda op, g: [conj(g)])


@ANGLE.gradient
def _angle_grad(op, g):
    # angle = atan2(y, x): d/dx = -y / |z|^2, d/dy = x / |z|^2, i.e. (i z) / |z|^2
    from .math_ops import divide_no_nan, square
    z = op.inputs[0]
    if not z.dtype.is_complex:
        return [zeros_like(z)]
    x, y = real(z), imag(z)
    r2 = square(x) + square(y)
    return [complex(divide_no_nan(-g * y, r2), divide_no_nan(g * x, r2))]


def complex(real, imag, name=None):  # noqa: A001 - TensorFlow's public name
    """Makes the complex tensor `real + i * imag` elementwise.

    Args:
      real: A `float32` or `float64` `Tensor`.
      imag: A `Tensor` of the same dtype, broadcastable against `real`.
      name: A name for the operation (optional).

    Returns:
      A `complex64` (from `float32`) or `complex128` (from `float64`) `Tensor`.

    Gradient: the real part of `dy` for `real`, its imaginary part for `imag`.

    Example:

    >>> ndflow.complex([1.0], [2.0]).numpy()
    array([1.+2.j], dtype=complex64)
    """
    return execute(COMPLEX, (real, imag), _NO, name)


def real(input, name=None):  # noqa: A002
    """The real part of each element of a complex `input` (a real `input` is returned as is).

    Returns a `float32` tensor for `complex64` input, `float64` for `complex128`.
    Gradient: `complex(dy, 0)`.
    """
    input = convert_to_tensor(input)
    return execute(REAL, (input,), _NO, name) if input.dtype.is_complex else input


def imag(input, name=None):  # noqa: A002
    """The imaginary part of each element of a complex `input` (zeros for real `input`).

    Returns a `float32` tensor for `complex64` input, `float64` for `complex128`.
    Gradient: `complex(0, dy)`.
    """
    input = convert_to_tensor(input)
    return execute(IMAG, (input,), _NO, name) if input.dtype.is_complex else zeros_like(input)


def conj(x, name=None):
    """The complex conjugate of each element of `x` (a real `x` is returned unchanged).

    Gradient: `conj(dy)`.
    """
    x = convert_to_tensor(x)
    if not x.dtype.is_complex:
        return x
    return execute(CONJ, (x,), _NO, name)


def angle(input, name=None):  # noqa: A002
    """The argument (phase) of each element of a complex `input`, in [-pi, pi]; for real
    `input`, 0 for non-negative values and pi for negative ones (as `atan2(0, x)`).

    Gradient: `dy * (i z) / |z|**2` in TensorFlow's complex convention (0 at z == 0).
    """
    return execute(ANGLE, (input,), _NO, name)


from ..util.export import export_many  # noqa: E402

export_many("math", {"real": real, "imag": imag, "conj": conj, "angle": angle})
export_many("", {"complex": complex, "real": real, "imag": imag, "conj": conj})
