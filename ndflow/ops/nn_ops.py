"""tf.nn beyond convolution and pooling: relu, softmax, the cross-entropies with logits,
l2_loss, l2_normalize, moments and dropout (other activations: activation_ops)."""
import numpy as np

from ..framework import dtypes
from ..framework.errors import InvalidArgumentError
from ..framework.graph import graph_for_building
from ..framework.random_seed import eager_seeds, graph_seeds
from ..framework.registry import ALL, execute, op
from ..framework.shape_fns import broadcast_shape, unary
from ..framework.tensor import EagerTensor, TensorLike
from ..framework.tensor_shape import TensorShape
from ..util import parallel
from . import conv_kernels_jit as _K
from . import math_ops as M
from .array_ops import (_static_shape, cast, convert_to_tensor, expand_dims, reshape,
                        shape as shape_of, squeeze, stop_gradient, zeros_like)

_NO = {}


@op("Relu", infer=unary)
def RELU(xp, x):
    return xp.maximum(x, 0)


@op("ReluGrad", unify=ALL, infer=unary, grad_inputs=(0,))
def RELU_GRAD(xp, g, y):
    if g.size >= _JIT_MIN and g.shape == y.shape and _K.usable(xp, g, y):
        return _K.relu_grad(xp, g, y)  # one compiled pass instead of a mask and a product
    if xp is np and g.size >= 2 * parallel.MIN_ITEMS and g.shape == y.shape and \
            g.dtype == y.dtype:  # large: pieces on every core (ufuncs release the GIL)
        out = xp.empty(g.shape, dtype=g.dtype)
        gf, yf, of = g.reshape(-1), y.reshape(-1), out.reshape(-1)
        parallel.split(lambda i, j: xp.multiply(gf[i:j], yf[i:j] > 0, out=of[i:j]), g.size)
        return out
    return g * (y > 0)


_JIT_MIN = 1 << 12  # elements: below, NumPy's two calls cost no more than one compiled call


@RELU.gradient
def _relu_grad(op, g):
    return [execute(RELU_GRAD, (g, op.outputs[0]), _NO)]


@RELU_GRAD.gradient
def _relu_grad_grad(op, gg):
    return [execute(RELU_GRAD, (gg, op.inputs[1]), _NO), None]


def relu(features, name=None):
    """Rectified linear unit.

    Computes `max(x, 0)` elementwise.

    Args:
      features: A floating-point `Tensor`.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of `features`' shape and dtype.

    Gradient: `dy` where x > 0, 0 elsewhere.

    Example:

    >>> ndflow.nn.relu([-1.0, 2.0]).numpy()
    array([0., 2.], dtype=float32)
    """
    return execute(RELU, (features,), _NO, name)


def _softmax_kernel(xp, x, axis):
    e = xp.exp(x - xp.max(x, axis=axis, keepdims=True))
    return e / xp.sum(e, axis=axis, keepdims=True)


@op("Softmax", infer=unary)
def SOFTMAX(xp, logits, axis):
    return _softmax_kernel(xp, logits, axis)


@SOFTMAX.gradient
def _softmax_grad(op, g):
    y = op.outputs[0]
    axis = op.attrs["axis"]
    return [y * (g - M.reduce_sum(g * y, axis=axis, keepdims=True))]


@op("LogSoftmax", infer=unary)
def LOG_SOFTMAX(xp, logits, axis):
    shifted = logits - xp.max(logits, axis=axis, keepdims=True)
    return shifted - xp.log(xp.sum(xp.exp(shifted), axis=axis, keepdims=True))


@LOG_SOFTMAX.gradient
def _log_softmax_grad(op, g):
    y = op.outputs[0]
    axis = op.attrs["axis"]
    return [g - M.exp(y) * M.reduce_sum(g, axis=axis, keepdims=True)]


def softmax(logits, axis=None, name=None, dim=None):
    """Computes the softmax `exp(x) / sum(exp(x))` along `axis`.

    The maximum is subtracted first, so large logits do not overflow.

    Args:
      logits: A floating-point `Tensor`.
      axis: The axis to normalise over (default -1).
      name: A name for the operation (optional).
      dim: TF1's name for `axis`.

    Returns:
      A `Tensor` of `logits`' shape whose entries along `axis` are positive and sum to 1.

    Gradient: `y * (dy - sum(dy * y, axis))` from the output y.

    Example:

    >>> ndflow.nn.softmax([0.0, 0.0]).numpy()
    array([0.5, 0.5], dtype=float32)
    """
    axis = dim if axis is None else axis
    return execute(SOFTMAX, (logits,), {"axis": -1 if axis is None else int(axis)}, name)


def log_softmax(logits, axis=None, name=None, dim=None):
    """Computes `log(softmax(logits))` along `axis`, stably.

    Computed as `x - max - log(sum(exp(x - max)))`, which stays finite for large logits.

    Args:
      logits: A floating-point `Tensor`.
      axis: The axis to normalise over (default -1).
      name: A name for the operation (optional).
      dim: TF1's name for `axis`.

    Returns:
      A `Tensor` of `logits`' shape.
    """
    axis = dim if axis is None else axis
    return execute(LOG_SOFTMAX, (logits,), {"axis": -1 if axis is None else int(axis)}, name)


def sigmoid(x, name=None):
    """Logistic sigmoid `1 / (1 + exp(-x))` elementwise; the same as `ndflow.math.sigmoid`.

    Args:
      x: A floating-point `Tensor`.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of `x`'s shape and dtype, with values in [0, 1].
    """
    return M.sigmoid(x, name)


def tanh(x, name=None):
    """Hyperbolic tangent elementwise; the same as `ndflow.math.tanh`.

    Args:
      x: A floating-point `Tensor`.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of `x`'s shape and dtype, with values in [-1, 1].
    """
    return M.tanh(x, name)


# --- fused cross-entropies with logits (stable for logits of +-1000) ------------------------------

def _xent_infer(ts, attrs):
    s = ts[0].shape
    out = TensorShape(None) if s.rank is None else TensorShape(s.dims[:-1])
    return [(out, ts[0].dtype), (s, ts[0].dtype)]


def _dense_xent_infer(ts, attrs):
    # the kernel broadcasts labels against logits: infer the shape it really gives
    s = broadcast_shape([ts[0].shape, ts[1].shape], "SoftmaxCrossEntropyWithLogits")
    out = TensorShape(None) if s.rank is None else TensorShape(s.dims[:-1])
    return [(out, ts[0].dtype), (s, ts[0].dtype)]


@op("SoftmaxCrossEntropyWithLogits", unify=ALL, multi_output=True, infer=_dense_xent_infer)
def SOFTMAX_XENT(xp, logits, labels):
    shifted = logits - xp.max(logits, axis=-1, keepdims=True)
    log_probs = shifted - xp.log(xp.sum(xp.exp(shifted), axis=-1, keepdims=True))
    loss = -xp.sum(labels * log_probs, axis=-1)
    backprop = xp.exp(log_probs) - labels  # d loss / d logits, kept for the gradient
    return [loss, backprop]


@SOFTMAX_XENT.gradient
def _softmax_xent_grad(op, g_loss, g_backprop):
    logits, labels = op.inputs
    if g_loss is None:
        g_loss = M.reduce_sum(zeros_like(g_backprop), axis=-1)
    g_exp = expand_dims(g_loss, -1)
    grad_logits = g_exp * op.outputs[1]
    grad_labels = g_exp * -log_softmax(logits)
    if g_backprop is not None:  # second order: backprop = softmax(logits) - labels
        y = softmax(logits)
        grad_logits += y * (g_backprop - M.reduce_sum(g_backprop * y, axis=-1, keepdims=True))
        grad_labels -= g_backprop
    return [grad_logits, grad_labels]


def softmax_cross_entropy_with_logits_v2(labels, logits, axis=-1, name=None):
    """Cross-entropy between a label distribution and `softmax(logits)`.

    Computes `-sum(labels * log_softmax(logits), axis=-1)` in one fused, numerically stable op.
    `labels` are probabilities (rows summing to 1, e.g. one-hot); gradients flow to both inputs.

    Args:
      labels: A `Tensor` of `logits`' shape (cast to `logits`' dtype).
      logits: Unscaled log-probabilities, `[..., num_classes]`.
      axis: The class axis; only -1 is supported.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of shape `logits.shape[:-1]`: the loss per example.

    Raises:
      NotImplementedError: If `axis` is not -1.

    Example:

    >>> loss = ndflow.nn.softmax_cross_entropy_with_logits([[0.0, 1.0]], [[0.0, 0.0]])
    >>> round(float(loss[0]), 4)
    0.6931
    """
    if axis not in (-1, None):
        raise NotImplementedError("softmax_cross_entropy_with_logits: only axis=-1 is supported.")
    logits = convert_to_tensor(logits)
    labels = cast(labels, logits.dtype) if hasattr(labels, "dtype") else \
        convert_to_tensor(labels, dtype=logits.dtype)
    if logits.shape.rank == 2 and labels.shape.rank == 2:
        return execute(SOFTMAX_XENT, (logits, labels), _NO, name)[0]
    # As TensorFlow: both flattened to matrices [-1, classes], the loss reshaped to the
    # logits' outer dimensions (labels of shape [1, batch, classes] give a [batch] loss).
    classes = logits.shape.dims[-1] if logits.shape.rank else None
    classes = shape_of(logits)[-1] if classes is None else classes
    loss = execute(SOFTMAX_XENT, (reshape(logits, [-1, classes]), reshape(labels, [-1, classes])),
                   _NO, name)[0]
    outer = logits.shape.dims[:-1] if logits.shape.rank is not None else None
    if outer is None or None in outer:
        outer = shape_of(logits)[:-1]
    return reshape(loss, outer)


def softmax_cross_entropy_with_logits(labels=None, logits=None, dim=-1, name=None, axis=None,
                                      _sentinel=None):
    """TF1 form: no gradient flows into labels (TensorFlow 1 semantics)."""
    return softmax_cross_entropy_with_logits_v2(stop_gradient(labels), logits, name=name)


@op("SparseSoftmaxCrossEntropyWithLogits", multi_output=True, grad_inputs=(0,),
    infer=_xent_infer)
def SPARSE_SOFTMAX_XENT(xp, logits, labels):
    shifted = logits - xp.max(logits, axis=-1, keepdims=True)
    log_probs = shifted - xp.log(xp.sum(xp.exp(shifted), axis=-1, keepdims=True))
    labels = labels.astype(xp.int64, copy=False)
    n = logits.shape[-1]
    if labels.size and (labels.min() < 0 or labels.max() >= n):
        bad = int(labels.min()) if labels.min() < 0 else int(labels.max())
        shown = " ".join(str(int(v)) for v in labels.reshape(-1)[:20])
        raise InvalidArgumentError(f"Received a label value of {bad} which is outside the "
                                   f"valid range of [0, {n}).  Label values: {shown}")
    picked = xp.take_along_axis(log_probs, labels[..., None], axis=-1)[..., 0]
    # C order, so the reshape below is a view: a transposed input's strided layout (which
    # ufuncs keep) would make it a copy and the subtraction would be lost
    backprop = xp.ascontiguousarray(xp.exp(log_probs))
    flat = backprop.reshape(-1, n)
    flat[xp.arange(flat.shape[0]), labels.reshape(-1)] -= 1
    return [-picked, backprop]


@SPARSE_SOFTMAX_XENT.gradient
def _sparse_xent_grad(op, g_loss, g_backprop):
    if g_loss is None:
        g_loss = M.reduce_sum(zeros_like(g_backprop), axis=-1)
    grad_logits = expand_dims(g_loss, -1) * op.outputs[1]
    if g_backprop is not None:  # second order: backprop = softmax(logits) - onehot(labels)
        y = softmax(op.inputs[0])
        grad_logits += y * (g_backprop - M.reduce_sum(g_backprop * y, axis=-1, keepdims=True))
    return [grad_logits, None]


def sparse_softmax_cross_entropy_with_logits(labels=None, logits=None, name=None, _sentinel=None):
    """Cross-entropy of integer class labels against `softmax(logits)`.

    Computes `-log_softmax(logits)[label]` for each example, fused and stable for large logits.

    Args:
      labels: An integer `Tensor` of shape `logits.shape[:-1]`, each in `[0, num_classes)`.
      logits: Unscaled log-probabilities, `[..., num_classes]`.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of `labels`' shape and `logits`' dtype: the loss per example.

    Raises:
      InvalidArgumentError: If a label is out of range or the shapes do not match.

    Gradient: `softmax(logits) - one_hot(labels)` times `dy`; none for `labels`.
    """
    logits = convert_to_tensor(logits)
    return execute(SPARSE_SOFTMAX_XENT, (logits, labels), _NO, name)[0]


def sigmoid_cross_entropy_with_logits(labels=None, logits=None, name=None, _sentinel=None):
    """Elementwise logistic loss between labels `z` in [0, 1] and logits `x`.

    Computes `z * -log(sigmoid(x)) + (1 - z) * -log(1 - sigmoid(x))` in the form
    `max(x, 0) - x * z + log(1 + exp(-|x|))`, exact and stable for large |logits|. Each
    entry is an independent binary (multi-label) problem.

    Args:
      labels: A tensor of `logits`' shape (cast to its dtype).
      logits: A floating-point tensor.
      name: A name for the operation (optional).
      _sentinel: Guards against positional use, as in TensorFlow.

    Returns:
      A `Tensor` of `logits`' shape: the loss of each entry.

    Example:

    >>> loss = ndflow.nn.sigmoid_cross_entropy_with_logits(labels=[1.0], logits=[0.0])
    >>> round(float(loss[0]), 4)
    0.6931
    """
    logits = convert_to_tensor(logits)
    labels = cast(labels, logits.dtype) if hasattr(labels, "dtype") else \
        convert_to_tensor(labels, dtype=logits.dtype)
    return M.add(M.subtract(relu(logits), logits * labels),
                 M.log1p(M.exp(-M.abs(logits))), name=name)


def l2_loss(t, name=None):
    """Half the sum of squares of `t`: `sum(t ** 2) / 2`, typically a weight penalty.

    Args:
      t: A floating-point `Tensor`.
      name: A name for the operation (optional).

    Returns:
      A scalar `Tensor` of `t`'s dtype.

    Example:

    >>> float(ndflow.nn.l2_loss([1.0, 2.0]))
    2.5
    """
    return M.multiply(M.reduce_sum(M.square(t)), 0.5, name=name)


def l2_normalize(x, axis=None, epsilon=1e-12, name=None, dim=None):
    """Scales `x` to unit L2 norm along `axis`: `x / sqrt(max(sum(x**2), epsilon))`.

    Args:
      x: A floating-point `Tensor`.
      axis: The axis (or axes) to normalise over; None normalises over every element.
      epsilon: The lower bound of the squared norm, avoiding division by zero.
      name: A name for the operation (optional).
      dim: TF1's name for `axis`.

    Returns:
      A `Tensor` of `x`'s shape and dtype.
    """
    axis = dim if axis is None else axis
    x = convert_to_tensor(x)
    square_sum = M.reduce_sum(M.square(x), axis=axis, keepdims=True)
    return M.multiply(x, M.rsqrt(M.maximum(square_sum, epsilon)), name=name)


def moments(x, axes, shift=None, keepdims=False, name=None, keep_dims=None):
    """Computes the mean and (population) variance of `x` over `axes`.

    Args:
      x: A floating-point `Tensor`.
      axes: A list of ints: the axes to reduce (e.g. `[0]` for per-feature statistics of a
        batch, `[0, 1, 2]` for NHWC images).
      shift: Accepted for compatibility (not used).
      keepdims: If true, reduced axes are kept with length 1.
      name: A name for the operation (optional).
      keep_dims: TF1's name for `keepdims`.

    Returns:
      A `(mean, variance)` pair of tensors.

    Example:

    >>> mean, variance = ndflow.nn.moments(ndflow.constant([1.0, 2.0, 3.0, 4.0]), axes=[0])
    >>> float(mean), float(variance)
    (2.5, 1.25)
    """
    keep = bool(keepdims or keep_dims)
    x = convert_to_tensor(x)
    axes = _norm_axes_list(axes)
    mean = M.reduce_mean(x, axis=axes, keepdims=True)
    # TensorFlow stops the gradient through the mean here: harmless for first derivatives
    # (that term is zero) but it makes second derivatives wrong, so ndflow keeps it
    variance = M.reduce_mean(M.squared_difference(x, mean), axis=axes, keepdims=True)
    if not keep:
        mean, variance = squeeze(mean, axis=axes), squeeze(variance, axis=axes)
    return mean, variance


def _norm_axes_list(axes):
    if isinstance(axes, EagerTensor):
        axes = axes._value.tolist()
    if isinstance(axes, (int, np.integer)):
        return [int(axes)]
    return [int(a) for a in axes]


# --- dropout -------------------------------------------------------------------------------

def _dropout_mask_infer(ts, attrs):
    x = ts[0]
    noise = attrs["noise_shape"]
    if noise is None:
        return [(x.shape, x.dtype)]
    dims = x.shape.dims
    out = [d if d is not None else (dims[i] if dims is not None and i < len(dims) else None)
           for i, d in enumerate(noise)]
    return [(TensorShape(out), x.dtype)]


@op("DropoutMask", needs_rng=True, differentiable=False, infer=_dropout_mask_infer)
def DROPOUT_MASK(xp, rng, x, rate, noise_shape, seed, seeds=None):
    """1 / (1 - rate) where an element is kept, 0 where it is dropped (rate: a scalar)."""
    rate = float(rate)
    if not 0 <= rate < 1:
        raise InvalidArgumentError(f"dropout: rate must be a scalar in the range [0, 1), got "
                                   f"{rate}.")
    shape = x.shape if noise_shape is None else tuple(
        x.shape[i] if d is None else d for i, d in enumerate(noise_shape))
    # TensorFlow's RandomUniform draw (Philox, on the host), then moved to xp's device
    from .random_ops import RANDOM_UNIFORM
    draw = RANDOM_UNIFORM.kernel(xp, rng, tuple(int(d) for d in shape), dtypes.as_dtype(
        x.dtype), seed, 0.0, 1.0, seeds)
    rate = x.dtype.type(rate)  # compared in x's dtype, as TensorFlow does
    scale = x.dtype.type(1.0 / (1.0 - float(rate)))
    return xp.where(draw >= rate, scale, x.dtype.type(0))


def _dropout_attrs(noise_shape, seed):
    if noise_shape is not None:
        noise_shape = tuple(None if d is None else int(d) for d in _static_shape(noise_shape))
        noise_shape = tuple(None if d == -1 else d for d in noise_shape)
    attrs = {"noise_shape": noise_shape, "seed": None if seed is None else int(seed)}
    g = graph_for_building()
    attrs["seeds"] = graph_seeds(g, attrs["seed"]) if g is not None else eager_seeds(
        attrs["seed"])
    return attrs


def _python_number(value):
    if isinstance(value, EagerTensor):
        return float(value.numpy())
    if isinstance(value, TensorLike):
        return None
    return float(value)


def dropout(x, rate=None, noise_shape=None, seed=None, name=None):
    """Randomly sets elements to zero with probability `rate`, scaling the rest by `1 / (1 - rate)`.

    The expected value of each element is unchanged. Each call (each run, in a graph) draws a
    new mask.

    Args:
      x: A floating-point `Tensor`.
      rate: The probability of dropping an element: a float in [0, 1) or a scalar tensor
        (checked when it runs).
      noise_shape: Optional shape of the keep/drop mask, broadcast against `x` (e.g.
        `[batch, 1, features]` drops whole features for all time steps).
      seed: Optional int seed.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of `x`'s shape and dtype.

    Raises:
      ValueError: If `rate` is outside [0, 1).

    Example:

    >>> y = ndflow.nn.dropout(ndflow.ones([1000]), rate=0.5, seed=1)
    >>> sorted(set(y.numpy().tolist()))
    [0.0, 2.0]
    """
    if rate is None:
        raise ValueError("dropout: rate must be given (a float in [0, 1)).")
    x = convert_to_tensor(x)
    if not x.dtype.is_floating:
        raise ValueError(f"dropout: x has to be a floating point tensor since it's going to "
                         f"be scaled. Received: a {x.dtype.name} tensor.")
    value = _python_number(rate)
    if value is not None:
        if not 0 <= value < 1:
            raise ValueError(f"dropout: rate must be a scalar tensor or a float in the range "
                             f"[0, 1). Received: rate={value}")
        if value == 0:
            return x
    attrs = _dropout_attrs(noise_shape, seed)
    mask = execute(DROPOUT_MASK, (x, rate if value is None else value), attrs)
    return M.multiply(x, mask, name=name)


def dropout_v1(x, keep_prob=None, noise_shape=None, seed=None, name=None, rate=None):
    """TF1 tf.nn.dropout: `keep_prob` (a number or tensor, e.g. a placeholder) or `rate`."""
    if keep_prob is not None and rate is not None:
        raise ValueError("dropout: cannot specify both keep_prob and rate.")
    if keep_prob is not None:
        value = _python_number(keep_prob)
        if value is not None:
            if not 0 < value <= 1:
                raise ValueError(f"dropout: keep_prob must be a scalar tensor or a float in "
                                 f"the range (0, 1]. Received: keep_prob={value}")
            rate = 1.0 - value
        else:
            rate = M.subtract(1.0, keep_prob)
    return dropout(x, rate=rate, noise_shape=noise_shape, seed=seed, name=name)


def atrous_conv2d(value, filters, rate, padding, name=None):
    """tf.nn.atrous_conv2d: a 2-D convolution of NHWC `value` with HWIO `filters` whose taps
    are `rate` pixels apart (a dilated convolution, stride 1).

    Args:
      value: A 4-D `Tensor` `[batch, height, width, in_channels]`.
      filters: A 4-D `Tensor` `[filter_height, filter_width, in_channels, out_channels]`.
      rate: A positive int: the spacing of the filter taps.
      padding: "SAME" or "VALID".
      name: A name for the operation (optional).

    Returns:
      A 4-D `Tensor` of `value`'s dtype.
    """
    from .conv_ops import conv2d
    if int(rate) < 1:
        raise ValueError(f"atrous_conv2d: rate must be a positive int, got {rate}.")
    return conv2d(value, filters, 1, padding, dilations=int(rate), name=name)


from ..util.export import export_many  # noqa: E402

export_many("nn", {"atrous_conv2d": atrous_conv2d})
export_many("nn", {
    "relu": relu, "softmax": softmax, "log_softmax": log_softmax, "sigmoid": sigmoid,
    "tanh": tanh, "softmax_cross_entropy_with_logits": softmax_cross_entropy_with_logits_v2,
    "sparse_softmax_cross_entropy_with_logits": sparse_softmax_cross_entropy_with_logits,
    "sigmoid_cross_entropy_with_logits": sigmoid_cross_entropy_with_logits, "l2_loss": l2_loss,
})
export_many("nn", {"l2_normalize": l2_normalize, "moments": moments, "dropout": dropout})
export_many("math", {"softmax": softmax, "log_softmax": log_softmax, "l2_normalize": l2_normalize})
export_many("linalg", {"l2_normalize": l2_normalize})
export_many("v1.nn", {"softmax_cross_entropy_with_logits": softmax_cross_entropy_with_logits,
                      "softmax_cross_entropy_with_logits_v2":
                      softmax_cross_entropy_with_logits_v2, "dropout": dropout_v1})
