"""keras.losses: loss classes, their function forms and string aliases (Keras 3 behaviour).

A `Loss` object's `call(y_true, y_pred)` gives the per-sample loss; `__call__` weights it by
`sample_weight` and reduces it ("sum_over_batch_size": sum / number of loss values, "sum",
or None/"none"). Everything is written with ndflow ops, so losses work eagerly, in graphs
and inside tf.function, and are differentiable.

Probabilities are clipped to [eps, 1 - eps] (eps = 1e-7, Keras's `backend.epsilon()`) before
taking logs, like Keras; `from_logits=True` uses the fused, stable `ndflow.nn.*_with_logits`.
"""
import warnings

from ..framework import dtypes
from ..framework.errors import InvalidArgumentError
from ..framework.tensor import TensorLike
from ..ops import array_ops as A
from ..ops import clip_ops
from ..ops import math_ops as M
from ..ops import nn_ops as N

EPSILON = 1e-7
_REDUCTIONS = ("sum", "sum_over_batch_size", "mean", "mean_with_sample_weight", "none", None)


# --- helpers ---------------------------------------------------------------------------------

def _tensor(x, dtype=None):
    if isinstance(x, TensorLike) and not hasattr(x, "assign"):
        return x if dtype is None or x.dtype == dtype else A.cast(x, dtype)
    return A.convert_to_tensor(x, dtype=dtype) if dtype is None or not isinstance(
        x, TensorLike) else A.cast(x, dtype)


def _float_pair(y_true, y_pred):
    """y_pred as a float tensor and y_true cast to its dtype."""
    y_pred = _tensor(y_pred)
    if not y_pred.dtype.is_floating:
        y_pred = A.cast(y_pred, dtypes.float32)
    return _tensor(y_true, y_pred.dtype), y_pred


def squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1=True):
    """Makes ranks equal when they differ by a trailing dimension of size 1 (Keras's rule)."""
    r1, r2 = x1.shape.rank, x2.shape.rank
    if r1 is None or r2 is None or r1 == r2:
        return x1, x2
    if r1 == r2 + 1 and x1.shape[-1] == 1:
        if r2 == 1 and expand_rank_1:
            x2 = A.expand_dims(x2, -1)
        else:
            x1 = A.squeeze(x1, [-1])
    elif r2 == r1 + 1 and x2.shape[-1] == 1:
        if r1 == 1 and expand_rank_1:
            x1 = A.expand_dims(x1, -1)
        else:
            x2 = A.squeeze(x2, [-1])
    return x1, x2


def _count(values):
    return A.cast(A.size(values), values.dtype)


def reduce_weighted_values(values, sample_weight=None, reduction="sum_over_batch_size"):
    """Weights per-sample `values` and reduces them as Keras 3 does."""
    if sample_weight is not None:
        sample_weight = _tensor(sample_weight, values.dtype)
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        values = values * sample_weight
    if reduction is None or reduction == "none":
        return values
    total = M.reduce_sum(values)
    if reduction == "sum":
        return total
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        divisor = M.reduce_sum(A.broadcast_to_like(sample_weight, values))
    else:
        divisor = _count(values)
    # divide-no-nan: an empty batch gives 0, not nan
    safe = A.where(M.equal(divisor, 0.0), A.ones_like(divisor), divisor)
    return A.where(M.equal(divisor, 0.0), A.zeros_like(total), total / safe)


def _check_reduction(reduction):
    if reduction == "auto":  # Keras 2
        warnings.warn("reduction='auto' is Keras 2; using 'sum_over_batch_size'.",
                      DeprecationWarning, stacklevel=3)
        return "sum_over_batch_size"
    if reduction not in _REDUCTIONS:
        raise InvalidArgumentError(f"Invalid value for argument `reduction`. Expected one of "
                                   f"{_REDUCTIONS}. Received: reduction={reduction!r}")
    return reduction


# --- the Loss base class -----------------------------------------------------------------------

class Loss:
    """Base class of Keras losses: a callable that reduces per-sample losses to a scalar.

    Subclasses implement `call(y_true, y_pred)`, returning the loss of each sample; calling the
    instance applies optional `sample_weight`s and then `reduction`.

    Args:
      name: The loss's name (default: the class name in snake_case).
      reduction: How per-sample losses are combined: "sum_over_batch_size" (the default: the
        weighted sum divided by the number of elements; "mean" does the same), "sum",
        "mean_with_sample_weight" (the weighted sum divided by the sum of the weights) or
        "none"/None (no reduction).
      dtype: The dtype of the computed loss (default `float32`).

    Raises:
      InvalidArgumentError: If `reduction` is not one of these.

    Example:

    >>> from ndflow import keras
    >>> class Absolute(keras.losses.Loss):
    ...     def call(self, y_true, y_pred):
    ...         return ndflow.reduce_mean(ndflow.abs(y_true - y_pred), axis=-1)
    >>> float(Absolute()([[0.0, 1.0]], [[1.0, 1.0]]))
    0.5
    """
    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        self.name = name or _snake(type(self).__name__)
        self.reduction = _check_reduction(reduction)
        self.dtype = dtypes.as_dtype(dtype) if dtype is not None else dtypes.float32

    def __call__(self, y_true, y_pred, sample_weight=None):
        y_pred = _tensor(y_pred)
        if y_pred.dtype.is_floating and y_pred.dtype != self.dtype and \
                self.dtype != dtypes.float32:
            y_pred = A.cast(y_pred, self.dtype)
        values = self.call(y_true, y_pred)
        values = _tensor(values)
        if values.dtype != self.dtype:
            values = A.cast(values, self.dtype)
        return reduce_weighted_values(values, sample_weight, self.reduction)

    def call(self, y_true, y_pred):
        raise NotImplementedError

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _snake(name):
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i and (not name[i - 1].isupper() or
                                   (i + 1 < len(name) and name[i + 1].islower())):
            out.append("_")
        out.append(ch.lower())
    return "".join(out)


class LossFunctionWrapper(Loss):
    """A Loss whose per-sample `call` is `fn(y_true, y_pred, **kwargs)`."""

    def __init__(self, fn, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        super().__init__(name=name or getattr(fn, "__name__", None), reduction=reduction,
                         dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true, y_pred):
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self):
        config = super().get_config()
        config.update(self._fn_kwargs)
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<LossFunctionWrapper({getattr(self.fn, '__name__', self.fn)}), name={self.name}>"


# --- per-sample functions ---------------------------------------------------------------------

def _regression_pair(y_true, y_pred):
    y_true, y_pred = _float_pair(y_true, y_pred)
    return squeeze_or_expand_to_same_rank(y_true, y_pred)


def mean_squared_error(y_true, y_pred):
    """Mean squared error between targets and predictions, per sample.

    `loss = mean(square(y_true - y_pred), axis=-1)`

    Args:
      y_true: The targets, a tensor of `y_pred`'s shape (cast to its float dtype).
      y_pred: The predictions, a floating-point tensor `[batch, ..., d]`.

    Returns:
      A tensor of the loss per sample: `y_pred`'s shape without its last axis.

    Example:

    >>> from ndflow import keras
    >>> keras.losses.mean_squared_error([[0.0, 2.0]], [[1.0, 1.0]]).numpy()
    array([1.], dtype=float32)
    """
    y_true, y_pred = _regression_pair(y_true, y_pred)
    return M.reduce_mean(M.square(y_true - y_pred), axis=-1)


def mean_absolute_error(y_true, y_pred):
    """Mean absolute error between targets and predictions, per sample.

    `loss = mean(abs(y_true - y_pred), axis=-1)`

    Args:
      y_true: The targets, a tensor of `y_pred`'s shape (cast to its float dtype).
      y_pred: The predictions, a floating-point tensor `[batch, ..., d]`.

    Returns:
      A tensor of the loss per sample: `y_pred`'s shape without its last axis.
    """
    y_true, y_pred = _regression_pair(y_true, y_pred)
    return M.reduce_mean(M.abs(y_true - y_pred), axis=-1)


def mean_absolute_percentage_error(y_true, y_pred):
    """Mean absolute percentage error, per sample.

    `loss = 100 * mean(abs((y_true - y_pred) / max(abs(y_true), epsilon)), axis=-1)`

    Args:
      y_true: The targets, a tensor of `y_pred`'s shape (cast to its float dtype).
      y_pred: The predictions, a floating-point tensor `[batch, ..., d]`.

    Returns:
      A tensor of the loss per sample: `y_pred`'s shape without its last axis.
    """
    y_true, y_pred = _regression_pair(y_true, y_pred)
    diff = M.abs((y_true - y_pred) / M.maximum(M.abs(y_true), EPSILON))
    return 100.0 * M.reduce_mean(diff, axis=-1)


def mean_squared_logarithmic_error(y_true, y_pred):
    """Mean squared logarithmic error, per sample.

    `loss = mean(square(log(max(y_pred, eps) + 1) - log(max(y_true, eps) + 1)), axis=-1)`

    Args:
      y_true: The targets, a tensor of `y_pred`'s shape (cast to its float dtype).
      y_pred: The predictions, a floating-point tensor `[batch, ..., d]`.

    Returns:
      A tensor of the loss per sample: `y_pred`'s shape without its last axis.
    """
    y_true, y_pred = _regression_pair(y_true, y_pred)
    first = M.log(M.maximum(y_pred, EPSILON) + 1.0)
    second = M.log(M.maximum(y_true, EPSILON) + 1.0)
    return M.reduce_mean(M.square(first - second), axis=-1)


def huber(y_true, y_pred, delta=1.0):
    """Huber loss, per sample: quadratic for small errors, linear for large ones.

    `loss = mean(0.5 * e**2 if |e| <= delta else delta * |e| - 0.5 * delta**2, axis=-1)` with
    `e = y_pred - y_true`; less sensitive to outliers than the squared error.

    Args:
      y_true: The targets, a tensor of `y_pred`'s shape (cast to its float dtype).
      y_pred: The predictions, a floating-point tensor `[batch, ..., d]`.
      delta: The error size where the loss turns from quadratic to linear (default 1.0).

    Returns:
      A tensor of the loss per sample: `y_pred`'s shape without its last axis.
    """
    y_true, y_pred = _regression_pair(y_true, y_pred)
    error = M.abs(y_pred - y_true)
    delta = float(delta)
    quadratic = 0.5 * M.square(error)
    linear = delta * error - 0.5 * delta * delta
    return M.reduce_mean(A.where(error <= delta, quadratic, linear), axis=-1)


def log_cosh(y_true, y_pred):
    """Logarithm of the hyperbolic cosine of the error, per sample.

    `loss = mean(log(cosh(y_pred - y_true)), axis=-1)`, computed as `e + softplus(-2e) - log 2`
    so that large errors stay finite; about `e**2 / 2` for small errors and `|e| - log 2` for
    large ones.

    Args:
      y_true: The targets, a tensor of `y_pred`'s shape (cast to its float dtype).
      y_pred: The predictions, a floating-point tensor `[batch, ..., d]`.

    Returns:
      A tensor of the loss per sample: `y_pred`'s shape without its last axis.
    """
    y_true, y_pred = _regression_pair(y_true, y_pred)
    from .activations import softplus
    error = y_pred - y_true
    return M.reduce_mean(error + softplus(-2.0 * error) - 0.6931471805599453, axis=-1)


def _binary_labels_to_signs(y_true):
    """Hinge losses take labels in {-1, 1}; 0/1 labels are converted like Keras."""
    is_binary = M.reduce_all(M.logical_or(M.equal(y_true, 0.0), M.equal(y_true, 1.0)))
    return A.where(is_binary, 2.0 * y_true - 1.0, y_true)


def hinge(y_true, y_pred):
    """Hinge loss for binary classification, per sample.

    `loss = mean(maximum(1 - y_true * y_pred, 0), axis=-1)`

    Targets are -1 or 1; 0/1 targets are converted to -1/1 first.

    Args:
      y_true: The targets, a tensor of `y_pred`'s shape (cast to its float dtype).
      y_pred: The predictions, a floating-point tensor `[batch, ..., d]`.

    Returns:
      A tensor of the loss per sample: `y_pred`'s shape without its last axis.
    """
    y_true, y_pred = _regression_pair(y_true, y_pred)
    y_true = _binary_labels_to_signs(y_true)
    return M.reduce_mean(M.maximum(1.0 - y_true * y_pred, 0.0), axis=-1)


def squared_hinge(y_true, y_pred):
    """Squared hinge loss, per sample.

    `loss = mean(square(maximum(1 - y_true * y_pred, 0)), axis=-1)`

    Targets are -1 or 1; 0/1 targets are converted to -1/1 first.

    Args:
      y_true: The targets, a tensor of `y_pred`'s shape (cast to its float dtype).
      y_pred: The predictions, a floating-point tensor `[batch, ..., d]`.

    Returns:
      A tensor of the loss per sample: `y_pred`'s shape without its last axis.
    """
    y_true, y_pred = _regression_pair(y_true, y_pred)
    y_true = _binary_labels_to_signs(y_true)
    return M.reduce_mean(M.square(M.maximum(1.0 - y_true * y_pred, 0.0)), axis=-1)


def categorical_hinge(y_true, y_pred):
    """Categorical hinge loss for one-hot targets, per sample.

    `loss = maximum(max((1 - y_true) * y_pred) - sum(y_true * y_pred) + 1, 0)`

    Args:
      y_true: The targets, a tensor of `y_pred`'s shape (cast to its float dtype).
      y_pred: The predictions, a floating-point tensor `[batch, ..., d]`.

    Returns:
      A tensor of the loss per sample: `y_pred`'s shape without its last axis.
    """
    y_true, y_pred = _float_pair(y_true, y_pred)
    pos = M.reduce_sum(y_true * y_pred, axis=-1)
    neg = M.reduce_max((1.0 - y_true) * y_pred, axis=-1)
    return M.maximum(neg - pos + 1.0, 0.0)


def kl_divergence(y_true, y_pred):
    """Kullback-Leibler divergence of `y_pred` from `y_true`, per sample.

    `loss = sum(y_true * log(y_true / y_pred), axis=-1)`

    Both are clipped to `[epsilon, 1]` first.

    Args:
      y_true: The targets, a tensor of `y_pred`'s shape (cast to its float dtype).
      y_pred: The predictions, a floating-point tensor `[batch, ..., d]`.

    Returns:
      A tensor of the loss per sample: `y_pred`'s shape without its last axis.
    """
    y_true, y_pred = _float_pair(y_true, y_pred)
    y_true = clip_ops.clip_by_value(y_true, EPSILON, 1.0)
    y_pred = clip_ops.clip_by_value(y_pred, EPSILON, 1.0)
    return M.reduce_sum(y_true * M.log(y_true / y_pred), axis=-1)


def poisson(y_true, y_pred):
    """Poisson loss, per sample.

    `loss = mean(y_pred - y_true * log(y_pred + epsilon), axis=-1)`

    Args:
      y_true: The targets, a tensor of `y_pred`'s shape (cast to its float dtype).
      y_pred: The predictions, a floating-point tensor `[batch, ..., d]`.

    Returns:
      A tensor of the loss per sample: `y_pred`'s shape without its last axis.
    """
    y_true, y_pred = _float_pair(y_true, y_pred)
    return M.reduce_mean(y_pred - y_true * M.log(y_pred + EPSILON), axis=-1)


def ctc(y_true, y_pred):
    """CTC (connectionist temporal classification) loss, per sample.

    Args:
      y_true: `[batch, max_length]` integer labels; 0 is the blank and pads the rows.
      y_pred: `[batch, frames, classes]` logits (not softmax outputs); every frame counts.

    Returns:
      A `[batch]` tensor of losses.
    """
    import ndflow
    from ..ops.ctc_ops import ctc_loss
    y_true = ndflow.convert_to_tensor(y_true)
    y_pred = ndflow.convert_to_tensor(y_pred)
    if y_true.shape.rank != 2 or y_pred.shape.rank != 3:
        raise ValueError(f"ctc: y_true must be [batch, max_length] and y_pred [batch, frames, "
                         f"classes]; got shapes {y_true.shape} and {y_pred.shape}.")
    label_length = M.reduce_sum(ndflow.cast(ndflow.not_equal(y_true, 0), "int32"), axis=-1)
    frames = ndflow.fill(ndflow.shape(y_pred)[:1], ndflow.shape(y_pred)[1])
    return ctc_loss(y_true, y_pred, label_length, frames, logits_time_major=False,
                    blank_index=0)


def cosine_similarity(y_true, y_pred, axis=-1):
    """Negative cosine similarity between targets and predictions.

    `loss = -sum(l2_normalize(y_true) * l2_normalize(y_pred), axis=axis)`

    Values lie in [-1, 1]; -1 means the vectors point the same way, so minimising it aligns
    predictions with targets.

    Args:
      y_true: The targets, a tensor of `y_pred`'s shape (cast to its float dtype).
      y_pred: The predictions, a floating-point tensor `[batch, ..., d]`.
      axis: The axis along which similarity is computed (default -1).

    Returns:
      A tensor of the loss per sample: `y_pred`'s shape without its last axis.
    """
    y_true, y_pred = _float_pair(y_true, y_pred)

    def unit(x):
        return x * M.rsqrt(M.maximum(M.reduce_sum(M.square(x), axis=axis, keepdims=True),
                                     1e-12))
    return -M.reduce_sum(unit(y_true) * unit(y_pred), axis=axis)


def _clip_probabilities(p):
    return clip_ops.clip_by_value(p, EPSILON, 1.0 - EPSILON)


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Binary crossentropy, averaged over the last axis.

    `loss = mean(-(y_true * log(p) + (1 - y_true) * log(1 - p)), axis)`

    with `p = y_pred` (probabilities) or `p = sigmoid(y_pred)` when `from_logits`.

    Args:
      y_true: The targets, a tensor of `y_pred`'s shape (cast to its float dtype).
      y_pred: The predictions, a floating-point tensor `[batch, ..., d]`.
      from_logits: Whether `y_pred` holds logits (then the stable sigmoid form is used) rather
        than probabilities (clipped to `[epsilon, 1 - epsilon]`).
      label_smoothing: In [0, 1]: targets move towards 0.5 by this amount.
      axis: The axis to average over (default -1).

    Returns:
      A tensor of the loss per sample: `y_pred`'s shape without its last axis.

    Example:

    >>> from ndflow import keras
    >>> loss = keras.losses.binary_crossentropy([[1.0]], [[0.0]], from_logits=True)
    >>> round(float(loss[0]), 4)
    0.6931
    """
    y_true, y_pred = _float_pair(y_true, y_pred)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        per_entry = N.sigmoid_cross_entropy_with_logits(labels=y_true, logits=y_pred)
    else:
        p = _clip_probabilities(y_pred)
        per_entry = -(y_true * M.log(p) + (1.0 - y_true) * M.log(1.0 - p))
    return M.reduce_mean(per_entry, axis=axis)


def _check_same_shape(name, y_true, y_pred):
    if y_true.shape.rank is not None and y_pred.shape.rank is not None and \
            not y_true.shape.is_compatible_with(y_pred.shape):
        raise InvalidArgumentError(
            f"{name}: arguments `target` and `output` must have the same shape. Received: "
            f"target.shape={y_true.shape}, output.shape={y_pred.shape}")


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Categorical crossentropy between one-hot targets and predicted distributions.

    `loss = -sum(y_true * log(p), axis)`

    with `p` the predicted class probabilities.

    Args:
      y_true: The targets, a tensor of `y_pred`'s shape (cast to its float dtype).
      y_pred: The predictions, a floating-point tensor `[batch, ..., d]`.
      from_logits: Whether `y_pred` holds logits (then a fused log-softmax is used) rather than
        probabilities (normalised and clipped).
      label_smoothing: In [0, 1]: targets move towards uniform by this amount.
      axis: The class axis (default -1).

    Returns:
      A tensor of the loss per sample (the class axis removed).

    Raises:
      InvalidArgumentError: If `y_true` and `y_pred` have different shapes.
    """
    y_true, y_pred = _float_pair(y_true, y_pred)
    _check_same_shape("categorical_crossentropy", y_true, y_pred)
    if label_smoothing:
        num_classes = A.cast(A.shape(y_true)[axis], y_pred.dtype)
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / num_classes
    if from_logits:
        if axis in (-1, y_pred.shape.rank - 1):
            return N.softmax_cross_entropy_with_logits_v2(labels=y_true, logits=y_pred)
        return -M.reduce_sum(y_true * N.log_softmax(y_pred, axis=axis), axis=axis)
    p = y_pred / M.reduce_sum(y_pred, axis=axis, keepdims=True)
    return -M.reduce_sum(y_true * M.log(_clip_probabilities(p)), axis=axis)


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None,
                                    axis=-1):
    """Crossentropy between integer class targets and predicted distributions.

    `loss = -log(p[y_true])` per sample, with `p` the predicted class probabilities.

    Args:
      y_true: Integer class ids of shape `y_pred.shape[:-1]` (a trailing axis of length 1 is
        accepted).
      y_pred: Probabilities, or logits when `from_logits`, `[..., num_classes]`.
      from_logits: Whether `y_pred` holds logits.
      ignore_class: Optional class id whose samples get a loss of 0 (e.g. padding).
      axis: The class axis; only the last is supported.

    Returns:
      A tensor of the loss per sample.

    Raises:
      InvalidArgumentError: If the ranks do not match, a target is out of range, or `axis` is
        not the last axis.

    Example:

    >>> from ndflow import keras
    >>> loss = keras.losses.sparse_categorical_crossentropy([1], [[0.5, 0.5]])
    >>> round(float(loss[0]), 4)
    0.6931
    """
    y_pred = _tensor(y_pred)
    y_true = _tensor(y_true)
    if y_true.shape.rank is not None and y_true.shape.rank == y_pred.shape.rank and \
            y_true.shape[-1] == 1:
        y_true = A.squeeze(y_true, [-1])
    if y_true.shape.rank is not None and y_pred.shape.rank is not None and \
            y_true.shape.rank != y_pred.shape.rank - 1:
        raise InvalidArgumentError(
            f"sparse_categorical_crossentropy: `target` must have rank one less than `output` "
            f"(integer class ids). Received: target.shape={y_true.shape}, "
            f"output.shape={y_pred.shape}")
    if axis not in (-1, (y_pred.shape.rank or 0) - 1):
        raise InvalidArgumentError(f"sparse_categorical_crossentropy supports only the last "
                                   f"axis; received axis={axis}.")
    labels = A.cast(y_true, dtypes.int64) if y_true.dtype != dtypes.int64 else y_true
    valid = None
    if ignore_class is not None:
        valid = M.not_equal(labels, ignore_class)
        labels = A.where(valid, labels, A.zeros_like(labels))
    logits = y_pred
    if not from_logits:  # as Keras on TensorFlow: log of the clipped, normalised probabilities
        p = y_pred / M.reduce_sum(y_pred, axis=-1, keepdims=True)
        logits = M.log(_clip_probabilities(p))
    # one fused op, which also refuses a label outside [0, classes) as TensorFlow does
    loss = N.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    if valid is not None:
        loss = loss * A.cast(valid, loss.dtype)
    return loss


# Keras's short function names
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence = kl_divergence
logcosh = log_cosh
huber_loss = huber


# --- the classes ---------------------------------------------------------------------------

def _wrapper_class(class_name, fn, default_name, **defaults):
    """A LossFunctionWrapper subclass whose constructor takes `fn`'s options by keyword."""
    def __init__(self, *args, reduction="sum_over_batch_size", name=default_name, dtype=None,
                 **kw):
        # Keras's positional order: the loss's own options (Huber(2.0) is delta=2.0), then
        # reduction, name and dtype.
        order = list(defaults) + ["reduction", "name", "dtype"]
        if len(args) > len(order):
            raise TypeError(f"{class_name}.__init__() takes at most {len(order)} positional "
                            f"arguments ({len(args)} given)")
        given = dict(zip(order, args))
        for key in given:
            if key in kw:
                raise TypeError(f"{class_name}.__init__() got multiple values for {key!r}")
        reduction = given.pop("reduction", reduction)
        name = given.pop("name", name)
        dtype = given.pop("dtype", dtype)
        kw = {**given, **kw}
        unknown = set(kw) - set(defaults)
        if unknown:
            raise TypeError(f"{class_name}.__init__() got unexpected keyword arguments "
                            f"{sorted(unknown)}")
        options = {**defaults, **kw}
        LossFunctionWrapper.__init__(self, fn, reduction=reduction, name=name, dtype=dtype,
                                     **options)
        for key, value in options.items():
            setattr(self, key, value)

    cls = type(class_name, (LossFunctionWrapper,), {"__init__": __init__})
    summary, formula, options = function_doc_parts(fn, defaults)
    cls.__doc__ = (
        f"Loss class of `{fn.__name__}`: {summary[0].lower()}{summary[1:]}\n\n"
        + (f"    {formula}\n\n" if formula else "")
        + "    Calling the instance computes the loss of each sample and reduces them (see "
        "`Loss`).\n\n    Args:\n" + "".join(f"      {line}\n" for line in options)
        + "      reduction: How per-sample losses combine (default \"sum_over_batch_size\").\n"
        f"      name: The loss's name (default \"{default_name}\").\n"
        "      dtype: The dtype of the computed loss (default `float32`).\n")
    return cls


def function_doc_parts(fn, options):
    """(summary, formula paragraph, Args lines of `options`) from a loss/metric function's
    docstring, for the docstrings of the classes made from it."""
    import inspect
    paragraphs = inspect.cleandoc(fn.__doc__ or fn.__name__).split("\n\n")
    summary = " ".join(paragraphs[0].split())
    formula = next((" ".join(p.split()) for p in paragraphs[1:] if p.startswith("`")), "")
    args, current = {}, None
    for paragraph in paragraphs:
        if paragraph.startswith("Args:"):
            for line in paragraph.splitlines()[1:]:
                if line.startswith("  ") and not line.startswith("    "):
                    current = line.strip().split(":")[0]
                    args[current] = line.strip()
                elif current:
                    args[current] += " " + line.strip()
    lines = [args.get(k, f"{k}: Option of `{fn.__name__}` (default {v!r}).")
             for k, v in options.items()]
    return summary, formula, lines


MeanSquaredError = _wrapper_class("MeanSquaredError", mean_squared_error, "mean_squared_error")
MeanAbsoluteError = _wrapper_class("MeanAbsoluteError", mean_absolute_error,
                                   "mean_absolute_error")
MeanAbsolutePercentageError = _wrapper_class(
    "MeanAbsolutePercentageError", mean_absolute_percentage_error,
    "mean_absolute_percentage_error")
MeanSquaredLogarithmicError = _wrapper_class(
    "MeanSquaredLogarithmicError", mean_squared_logarithmic_error,
    "mean_squared_logarithmic_error")
Huber = _wrapper_class("Huber", huber, "huber_loss", delta=1.0)
LogCosh = _wrapper_class("LogCosh", log_cosh, "log_cosh")
Hinge = _wrapper_class("Hinge", hinge, "hinge")
SquaredHinge = _wrapper_class("SquaredHinge", squared_hinge, "squared_hinge")
CategoricalHinge = _wrapper_class("CategoricalHinge", categorical_hinge, "categorical_hinge")
KLDivergence = _wrapper_class("KLDivergence", kl_divergence, "kl_divergence")
Poisson = _wrapper_class("Poisson", poisson, "poisson")
CosineSimilarity = _wrapper_class("CosineSimilarity", cosine_similarity, "cosine_similarity",
                                  axis=-1)
BinaryCrossentropy = _wrapper_class("BinaryCrossentropy", binary_crossentropy,
                                    "binary_crossentropy", from_logits=False,
                                    label_smoothing=0.0, axis=-1)
CategoricalCrossentropy = _wrapper_class("CategoricalCrossentropy", categorical_crossentropy,
                                         "categorical_crossentropy", from_logits=False,
                                         label_smoothing=0.0, axis=-1)
SparseCategoricalCrossentropy = _wrapper_class(
    "SparseCategoricalCrossentropy", sparse_categorical_crossentropy,
    "sparse_categorical_crossentropy", from_logits=False, ignore_class=None, axis=-1)
CTC = _wrapper_class("CTC", ctc, "ctc")

_CLASSES = {c.__name__: c for c in (
    MeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError, Huber, LogCosh, Hinge, SquaredHinge, CategoricalHinge,
    KLDivergence, Poisson, CosineSimilarity, BinaryCrossentropy, CategoricalCrossentropy,
    SparseCategoricalCrossentropy, CTC)}
_ALIASES = {
    "mean_squared_error": MeanSquaredError, "mse": MeanSquaredError,
    "mean_absolute_error": MeanAbsoluteError, "mae": MeanAbsoluteError,
    "mean_absolute_percentage_error": MeanAbsolutePercentageError,
    "mape": MeanAbsolutePercentageError,
    "mean_squared_logarithmic_error": MeanSquaredLogarithmicError,
    "msle": MeanSquaredLogarithmicError, "huber": Huber, "huber_loss": Huber,
    "log_cosh": LogCosh, "logcosh": LogCosh, "hinge": Hinge, "squared_hinge": SquaredHinge,
    "categorical_hinge": CategoricalHinge, "kl_divergence": KLDivergence, "kld": KLDivergence,
    "kullback_leibler_divergence": KLDivergence, "poisson": Poisson,
    "cosine_similarity": CosineSimilarity, "binary_crossentropy": BinaryCrossentropy,
    "categorical_crossentropy": CategoricalCrossentropy,
    "sparse_categorical_crossentropy": SparseCategoricalCrossentropy, "ctc": CTC,
}


def serialize(loss):
    """Describes a loss as JSON-compatible data.

    Args:
      loss: A `Loss` instance or a loss function.

    Returns:
      A dict with "module", "class_name" and "config" for a `Loss`, or the function's name.
    """
    if isinstance(loss, Loss):
        return {"module": "keras.losses", "class_name": type(loss).__name__,
                "config": loss.get_config(), "registered_name": None}
    return getattr(loss, "__name__", str(loss))


def deserialize(config, custom_objects=None):
    """Creates a loss from the output of `serialize` (or a name).

    Args:
      config: A dict with "class_name" and "config", or a loss name such as "mse".
      custom_objects: Optional dict mapping names to user-defined losses.

    Returns:
      A `Loss` instance or loss function.

    Raises:
      InvalidArgumentError: If the class name is unknown.
    """
    if isinstance(config, str):
        if custom_objects and config in custom_objects:
            return custom_objects[config]
        return get(config)
    name = config["class_name"]
    cls = (custom_objects or {}).get(name) or _CLASSES.get(name)
    if cls is None:
        raise InvalidArgumentError(f"Unknown loss: {name!r}.")
    return cls.from_config(config.get("config", {}))


def get(identifier):
    """A callable Loss from a name/alias, a Loss, a function `fn(y_true, y_pred)` or a config;
    None stays None."""
    if identifier is None:
        return None
    if isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        cls = _ALIASES.get(identifier) or _ALIASES.get(identifier.lower()) or \
            _CLASSES.get(identifier)
        if cls is None:
            raise InvalidArgumentError(f"Could not interpret loss identifier: {identifier!r}. "
                                       f"Expected one of {sorted(_ALIASES)} or a Loss.")
        return cls()
    if isinstance(identifier, type) and issubclass(identifier, Loss):
        return identifier()
    if callable(identifier):
        return LossFunctionWrapper(identifier)
    raise InvalidArgumentError(f"Could not interpret loss identifier: {identifier!r}")
