"""keras.activations: elementwise activation functions, looked up by name with `get`.

Each activation is a plain function of a tensor written with ndflow ops, so it works
eagerly, in graphs and under tf.function, and is differentiable where the maths is.

Seed 001 describes the perceptron's sign function ("1 when the weighted sum is above 0,
-1 below; also called a step function"). Two activations cover it: `sign` (-1/0/+1, the
seed's wording, tf.math.sign) and `step` (the Heaviside step 0/1 that perceptron texts
also call a step function). Both have zero gradient, as their maths does.
"""
import math

from ..framework.errors import InvalidArgumentError
from ..ops import array_ops as A
from ..ops import clip_ops
from ..ops import math_ops as M
from ..ops import nn_ops as N


def _nn(name):
    """An op from ndflow.nn's activation module if present (it may still be in progress)."""
    try:
        from ..ops import activation_ops
    except ImportError:  # pragma: no cover - module absent
        return None
    return getattr(activation_ops, name, None)


def _t(x):
    return A.convert_to_tensor(x)


def relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    """max(x, 0); below `threshold` gives `negative_slope * (x - threshold)`; capped at
    `max_value` (Keras 3's relu)."""
    x = _t(x)
    if negative_slope == 0.0 and max_value is None and threshold == 0.0:
        return N.relu(x)
    if negative_slope == 0.0 and max_value == 6 and threshold == 0.0 and _nn("relu6"):
        return _nn("relu6")(x)  # as Keras 3 does: the fused op (gradient 0 at x = 6 too)
    if threshold != 0.0:
        out = A.where(x > threshold, x, A.zeros_like(x))
    else:
        out = N.relu(x)
    if max_value is not None:
        out = M.minimum(out, float(max_value))
    if negative_slope != 0.0:
        out = out + negative_slope * M.minimum(x - float(threshold), 0.0)
    return out


def leaky_relu(x, negative_slope=0.2):
    """Leaky relu: lets a small gradient through for negative inputs.

    `x if x >= 0 else negative_slope * x`

    Args:
      x: A floating-point tensor.
      negative_slope: The slope below 0 (default 0.2).

    Returns:
      A tensor of `x`'s shape and dtype.
    """
    x = _t(x)
    return M.maximum(x, x * float(negative_slope)) if 0 <= negative_slope <= 1 else \
        A.where(x >= 0, x, x * float(negative_slope))


def relu6(x):
    """Relu capped at 6.

    `min(max(x, 0), 6)`

    Args:
      x: A floating-point tensor.

    Returns:
      A tensor of `x`'s shape and dtype.
    """
    fused = _nn("relu6")
    return fused(x) if fused else M.minimum(N.relu(_t(x)), 6.0)


def sigmoid(x):
    """Logistic sigmoid, in [0, 1].

    `1 / (1 + exp(-x))`

    Args:
      x: A floating-point tensor.

    Returns:
      A tensor of `x`'s shape and dtype.
    """
    return M.sigmoid(x)


def tanh(x):
    """Hyperbolic tangent, in [-1, 1].

    `tanh(x)`

    Args:
      x: A floating-point tensor.

    Returns:
      A tensor of `x`'s shape and dtype.
    """
    return M.tanh(x)


def softmax(x, axis=-1):
    """Softmax: turns scores into probabilities summing to 1 along `axis`.

    `exp(x) / sum(exp(x), axis)`

    Args:
      x: A floating-point tensor.
      axis: The axis to normalise (default -1).

    Returns:
      A tensor of `x`'s shape and dtype.

    Example:

    >>> from ndflow import keras
    >>> keras.activations.softmax(ndflow.constant([[1.0, 1.0]])).numpy()
    array([[0.5, 0.5]], dtype=float32)
    """
    return N.softmax(x, axis=axis)


def log_softmax(x, axis=-1):
    """Log of the softmax along `axis`, computed stably.

    `x - log(sum(exp(x), axis))`

    Args:
      x: A floating-point tensor.
      axis: The axis (default -1).

    Returns:
      A tensor of `x`'s shape and dtype.
    """
    return N.log_softmax(x, axis=axis)


def elu(x, alpha=1.0):
    """Exponential linear unit.

    `x if x > 0 else alpha * (exp(x) - 1)`

    Args:
      x: A floating-point tensor.
      alpha: The scale of the negative part (default 1.0).

    Returns:
      A tensor of `x`'s shape and dtype.
    """
    fused = _nn("elu")
    if fused is not None and alpha == 1.0:
        return fused(x)
    x = _t(x)
    return A.where(x > 0, x, float(alpha) * M.expm1(M.minimum(x, 0.0)))


SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def selu(x):
    """Scaled exponential linear unit.

    `scale * (x if x > 0 else alpha * (exp(x) - 1))` with alpha ~ 1.6733 and scale ~ 1.0507 (use
    with LecunNormal initialisation).

    Args:
      x: A floating-point tensor.

    Returns:
      A tensor of `x`'s shape and dtype.
    """
    fused = _nn("selu")
    if fused is not None:
        return fused(x)
    x = _t(x)
    return SELU_SCALE * A.where(x > 0, x, SELU_ALPHA * M.expm1(M.minimum(x, 0.0)))


def softplus(x):
    """Softplus, a smooth relu.

    `log(exp(x) + 1)` (computed without overflow for large x).

    Args:
      x: A floating-point tensor.

    Returns:
      A tensor of `x`'s shape and dtype.
    """
    fused = _nn("softplus")
    if fused is not None:
        return fused(x)
    x = _t(x)  # log(1 + e^x) = max(x, 0) + log1p(e^-|x|), finite for large |x|
    return N.relu(x) + M.log1p(M.exp(-M.abs(x)))


def softsign(x):
    """Softsign.

    `x / (abs(x) + 1)`

    Args:
      x: A floating-point tensor.

    Returns:
      A tensor of `x`'s shape and dtype.
    """
    fused = _nn("softsign")
    if fused is not None:
        return fused(x)
    x = _t(x)
    return x / (M.abs(x) + 1.0)


def _erf(x):
    """erf from ops: Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7) when no erf op exists."""
    s = M.sign(x)
    a = M.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (
        -1.453152027 + t * 1.061405429))))
    return s * (1.0 - poly * M.exp(-a * a))


def gelu(x, approximate=False):
    """Gaussian error linear unit.

    `x * P(X <= x) = 0.5 x (1 + erf(x / sqrt(2)))`

    Args:
      x: A floating-point tensor.
      approximate: If true, use the tanh approximation `0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715
        x**3)))`.

    Returns:
      A tensor of `x`'s shape and dtype.
    """
    x = _t(x)
    if approximate:
        inner = math.sqrt(2.0 / math.pi) * (x + 0.044715 * x * x * x)
        return 0.5 * x * (1.0 + M.tanh(inner))
    try:
        from ..ops.math_ops import erf
    except ImportError:
        erf = _erf
    return 0.5 * x * (1.0 + erf(x * (1.0 / math.sqrt(2.0))))


def swish(x):
    """Swish (SiLU): `x` scaled by its sigmoid.

    `x * sigmoid(x)`

    Args:
      x: A floating-point tensor.

    Returns:
      A tensor of `x`'s shape and dtype.
    """
    x = _t(x)
    return x * M.sigmoid(x)


silu = swish


def mish(x):
    """Mish activation.

    `x * tanh(softplus(x))`

    Args:
      x: A floating-point tensor.

    Returns:
      A tensor of `x`'s shape and dtype.
    """
    x = _t(x)
    return x * M.tanh(softplus(x))


def exponential(x):
    """Exponential activation.

    `exp(x)`

    Args:
      x: A floating-point tensor.

    Returns:
      A tensor of `x`'s shape and dtype.
    """
    return M.exp(x)


def hard_sigmoid(x):
    """Keras 3: relu6(x + 3) / 6, i.e. clip(x/6 + 0.5, 0, 1)."""
    x = _t(x)
    return clip_ops.clip_by_value(x * (1.0 / 6.0) + 0.5, 0.0, 1.0)


def hard_silu(x):
    """Hard SiLU (hard swish): a piecewise-linear approximation of swish.

    `x * clip(x / 6 + 0.5, 0, 1)`

    Args:
      x: A floating-point tensor.

    Returns:
      A tensor of `x`'s shape and dtype.
    """
    x = _t(x)
    return x * hard_sigmoid(x)


hard_swish = hard_silu


def linear(x):
    """Identity activation: returns `x` unchanged (what `activation=None` means).

    Args:
      x: A tensor.

    Returns:
      `x` itself.
    """
    return x


def sign(x):
    """The perceptron's sign function of seed 001: +1 above 0, -1 below (0 at 0)."""
    return M.sign(x)


def step(x):
    """Heaviside step: 1 where x > 0, else 0 (in x's dtype)."""
    x = _t(x)
    return A.cast(x > 0, x.dtype)


_ACTIVATIONS = {
    "relu": relu, "leaky_relu": leaky_relu, "relu6": relu6, "sigmoid": sigmoid, "tanh": tanh,
    "softmax": softmax, "log_softmax": log_softmax, "elu": elu, "selu": selu,
    "softplus": softplus, "softsign": softsign, "gelu": gelu, "swish": swish, "silu": silu,
    "mish": mish, "exponential": exponential, "hard_sigmoid": hard_sigmoid,
    "hard_silu": hard_silu, "hard_swish": hard_swish, "linear": linear, "sign": sign,
    "step": step,
}


def get(identifier):
    """A callable activation from a name, a callable, a {"class_name": ...} dict or None."""
    if identifier is None:
        return linear
    if isinstance(identifier, dict):
        identifier = identifier.get("config", identifier.get("class_name"))
        if isinstance(identifier, dict):
            identifier = identifier.get("name")
    if isinstance(identifier, str):
        fn = _ACTIVATIONS.get(identifier.lower())
        if fn is None:
            raise InvalidArgumentError(
                f"Unknown activation function: {identifier!r}. Expected one of "
                f"{sorted(_ACTIVATIONS)}.")
        return fn
    if callable(identifier):
        return identifier
    raise InvalidArgumentError(f"Could not interpret activation function identifier: "
                               f"{identifier!r}")


def serialize(activation):
    """The registered name of `activation` (a function's `__name__` otherwise)."""
    for name, fn in _ACTIVATIONS.items():
        if fn is activation:
            return "silu" if name == "swish" else name
    if hasattr(activation, "get_config"):
        return {"class_name": type(activation).__name__, "config": activation.get_config()}
    name = getattr(activation, "__name__", None)
    if name is None:
        raise InvalidArgumentError(f"Cannot serialize activation {activation!r}.")
    return name


def deserialize(config, custom_objects=None):
    """Returns the activation function named by `config`.

    Args:
      config: A name such as "relu", a `{"class_name": ...}` dict, a callable, or None (linear).
      custom_objects: Optional dict mapping names to user-defined activations.

    Returns:
      A callable activation.

    Raises:
      InvalidArgumentError: If the name is unknown.
    """
    if custom_objects and isinstance(config, str) and config in custom_objects:
        return custom_objects[config]
    return get(config)
