"""Numerical gradients and gradient checks (also `tf.test.compute_gradient`).

`numerical_gradient` is the central difference seed 003 writes by hand; `compute_gradient`
returns TensorFlow's pair (theoretical, numerical) Jacobians; `check_gradients` raises
when they disagree.
"""
import numpy as np

from ..framework.autodiff import GradientTape
from ..framework.tensor import EagerTensor
from ..ops.array_ops import constant


def numerical_gradient(f, x, delta=1e-4):
    """d f(x) / dx by central differences, changing `x` (a float ndarray) in place and back."""
    x = np.asarray(x)
    grad = np.zeros_like(x, dtype=np.float64)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        idx = it.multi_index
        saved = x[idx].copy()
        x[idx] = saved + delta
        fx1 = float(np.sum(_value(f(x))))
        x[idx] = saved - delta
        fx2 = float(np.sum(_value(f(x))))
        grad[idx] = (fx1 - fx2) / (2 * delta)
        x[idx] = saved
        it.iternext()
    return grad


def _value(y):
    return y._value if isinstance(y, EagerTensor) else np.asarray(y)


def _flat_outputs(f, xs):
    y = f(*[constant(x) for x in xs])
    return np.asarray(_value(y), dtype=np.float64)


def compute_gradient(f, x, delta=None):
    """(theoretical, numerical) Jacobians of `f` at the arguments `x`, as tf.test does:
    one matrix per argument, shaped (x.size, y.size)."""
    xs = [np.array(_value(v), dtype=np.result_type(_value(v), np.float32), copy=True) for v in x]
    theoretical, numerical = [], []
    y0 = _flat_outputs(f, xs)
    for i, xi in enumerate(xs):
        eps = delta if delta is not None else (1e-3 if xi.dtype == np.float32 else 1e-6)
        jt = np.zeros((xi.size, y0.size))
        jn = np.zeros((xi.size, y0.size))
        for k in range(y0.size):
            args = [constant(v) for v in xs]
            with GradientTape() as tape:
                tape.watch(args[i])
                y = f(*args)
            seed = np.zeros(y0.size, dtype=_value(y).dtype)
            seed[k] = 1
            g = tape.gradient(y, args[i], output_gradients=constant(seed.reshape(y0.shape)))
            if g is not None:
                jt[:, k] = np.asarray(_value(g), dtype=np.float64).reshape(-1)
        flat = xi.reshape(-1)
        for j in range(xi.size):
            saved = flat[j]
            flat[j] = saved + eps
            up = _flat_outputs(f, xs).reshape(-1)
            flat[j] = saved - eps
            down = _flat_outputs(f, xs).reshape(-1)
            flat[j] = saved
            jn[j] = (up - down) / (2 * eps)
        theoretical.append(jt)
        numerical.append(jn)
    return theoretical, numerical


def max_error(theoretical, numerical):
    """The largest absolute difference between theoretical and numerical Jacobians.

    Args:
      theoretical: A list of arrays, e.g. the first result of `compute_gradient`.
      numerical: A list of arrays of the same shapes (the second result).

    Returns:
      A float (0 for empty Jacobians).
    """
    return max(float(np.max(np.abs(t - n))) if t.size else 0.0
               for t, n in zip(theoretical, numerical))


def check_gradients(f, *args, atol=1e-5, rtol=1e-4, delta=1e-6):
    """Raises AssertionError-like ValueError when f's gradients differ from finite differences.

    Arguments are promoted to float64 so the central differences are accurate."""
    xs = [np.asarray(_value(a), dtype=np.float64) for a in args]
    theoretical, numerical = compute_gradient(f, xs, delta)
    for i, (t, n) in enumerate(zip(theoretical, numerical)):
        if not np.allclose(t, n, atol=atol, rtol=rtol):
            worst = float(np.max(np.abs(t - n)))
            raise ValueError(f"check_gradients: gradient of argument {i} differs from finite "
                             f"differences by up to {worst:.3g}.\nanalytic:\n{t}\nnumeric:\n{n}")
    return True
