"""tf.compat.v1.losses: TF1's loss functions with `weights`, `reduction` and the LOSSES
collection.

Each loss computes an elementwise loss, multiplies it by `weights` (broadcast to it),
reduces it as `reduction` says (by default: the weighted sum divided by the number of
non-zero weights) and adds the result to `loss_collection`, from which `get_total_loss`
sums every loss of the graph (plus the regularization losses).
"""
from ..framework import dtypes
from ..framework.graph import get_default_graph, graph_for_building
from ..ops import array_ops as A
from ..ops import math_ops as M
from ..ops import nn_ops

LOSSES = "losses"
REGULARIZATION_LOSSES = "regularization_losses"


class Reduction:
    """How a weighted loss is reduced (tf.losses.Reduction)."""
    NONE = "none"
    SUM = "weighted_sum"
    SUM_OVER_BATCH_SIZE = "weighted_sum_over_batch_size"
    MEAN = "weighted_mean"
    SUM_BY_NONZERO_WEIGHTS = "weighted_sum_by_nonzero_weights"
    SUM_OVER_NONZERO_WEIGHTS = SUM_BY_NONZERO_WEIGHTS

    @classmethod
    def all(cls):
        return (cls.NONE, cls.SUM, cls.MEAN, cls.SUM_OVER_BATCH_SIZE,
                cls.SUM_OVER_NONZERO_WEIGHTS, cls.SUM_BY_NONZERO_WEIGHTS)

    @classmethod
    def validate(cls, key):
        if key not in cls.all():
            raise ValueError(f"Invalid Reduction Key {key!r}; expected one of {cls.all()}.")


def _graph():
    return graph_for_building() or get_default_graph()


def add_loss(loss, loss_collection=LOSSES):
    """Adds `loss` to the graph's `loss_collection` (nothing if the collection is None)."""
    if loss_collection is not None and getattr(loss, "graph", None) is not None:
        loss.graph.add_to_collection(loss_collection, loss)


def get_losses(scope=None, loss_collection=LOSSES):
    """The losses of `loss_collection` (optionally only those whose name starts with scope)."""
    return _graph().get_collection(loss_collection, scope)


def get_regularization_losses(scope=None):
    """TF1: the tensors in the REGULARIZATION_LOSSES collection of the default graph.

    Args:
      scope: Optional regular expression filtering by name.

    Returns:
      A list of scalar tensors (e.g. from `get_variable(regularizer=...)` and tf.layers).
    """
    return _graph().get_collection(REGULARIZATION_LOSSES, scope)


def get_regularization_loss(scope=None, name="total_regularization_loss"):
    """The sum of the regularization losses, or 0.0 if there is none."""
    losses = get_regularization_losses(scope)
    if losses:
        return M.add_n(losses, name=name)
    return A.constant(0.0, dtype=dtypes.float32)


def get_total_loss(add_regularization_losses=True, name="total_loss", scope=None):
    """The sum of the LOSSES collection and (by default) the regularization losses.

    Raises:
      ValueError: if there is no loss at all.
    """
    losses = get_losses(scope)
    if add_regularization_losses:
        losses = losses + get_regularization_losses(scope)
    if not losses:
        raise ValueError("No losses found: add some with tf.losses.* or tf.losses.add_loss, "
                         "or regularizers on the variables.")
    return M.add_n(losses, name=name)


def _num_present(losses, weights):
    present = A.where(M.equal(weights, 0.0), A.zeros_like(weights), A.ones_like(weights))
    return M.reduce_sum(present * A.ones_like(losses))


def compute_weighted_loss(losses, weights=1.0, scope=None, loss_collection=LOSSES,
                          reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """`losses * weights` reduced by `reduction` and added to `loss_collection`.

    Args:
      losses: the elementwise losses.
      weights: a scalar or a tensor broadcastable to `losses` (e.g. one weight per example).
      reduction: a `Reduction` key.
    """
    Reduction.validate(reduction)
    losses = A.convert_to_tensor(losses)
    in_dtype = losses.dtype
    losses = A.cast(losses, dtypes.float32)
    weights = A.cast(A.convert_to_tensor(weights), dtypes.float32)
    _check_broadcast(weights, losses)
    weighted = M.multiply(losses, weights)
    if reduction == Reduction.NONE:
        loss = weighted
    else:
        loss = M.reduce_sum(weighted)
        if reduction == Reduction.MEAN:
            loss = M.divide_no_nan(loss, M.reduce_sum(weights * A.ones_like(losses)))
        elif reduction == Reduction.SUM_OVER_BATCH_SIZE:
            loss = M.divide_no_nan(loss, M.cast(A.size(losses), dtypes.float32))
        elif reduction == Reduction.SUM_BY_NONZERO_WEIGHTS:
            loss = M.divide_no_nan(loss, _num_present(losses, weights))
    loss = A.cast(loss, in_dtype)
    add_loss(loss, loss_collection)
    return loss


def _check_broadcast(weights, losses):
    ws, ls = weights.shape, losses.shape
    if ws.rank is None or ls.rank is None or ws.rank == 0:
        return
    if ws.rank > ls.rank:
        raise ValueError(f"weights can not be broadcast to values: weights shape {ws}, "
                         f"values shape {ls}.")
    for w, v in zip(reversed(ws.as_list()), reversed(ls.as_list())):
        if w is not None and v is not None and w not in (1, v):
            raise ValueError(f"weights can not be broadcast to values: weights shape {ws}, "
                             f"values shape {ls}.")


def _pair(labels, predictions, fn):
    predictions = A.cast(A.convert_to_tensor(predictions), dtypes.float32)
    labels = A.cast(A.convert_to_tensor(labels), dtypes.float32)
    ps, ls = predictions.shape, labels.shape
    if ps.rank is not None and ls.rank is not None and not ps.is_compatible_with(ls):
        raise ValueError(f"{fn}: shapes {ps} (predictions) and {ls} (labels) are "
                         "incompatible.")
    return labels, predictions


def absolute_difference(labels, predictions, weights=1.0, scope=None,
                        loss_collection=LOSSES, reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """|predictions - labels|, weighted and reduced."""
    labels, predictions = _pair(labels, predictions, "absolute_difference")
    return compute_weighted_loss(M.abs(predictions - labels), weights, scope, loss_collection,
                                 reduction)


def mean_squared_error(labels, predictions, weights=1.0, scope=None, loss_collection=LOSSES,
                       reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """(predictions - labels)^2, weighted and reduced."""
    labels, predictions = _pair(labels, predictions, "mean_squared_error")
    return compute_weighted_loss(M.squared_difference(predictions, labels), weights, scope,
                                 loss_collection, reduction)


def huber_loss(labels, predictions, weights=1.0, delta=1.0, scope=None,
               loss_collection=LOSSES, reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """0.5 * e^2 where |e| <= delta, else delta * (|e| - 0.5 * delta)."""
    labels, predictions = _pair(labels, predictions, "huber_loss")
    abs_error = M.abs(predictions - labels)
    quadratic = M.minimum(abs_error, float(delta))
    losses = M.square(quadratic) * 0.5 + (abs_error - quadratic) * float(delta)
    return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def log_loss(labels, predictions, weights=1.0, epsilon=1e-7, scope=None,
             loss_collection=LOSSES, reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """-labels * log(p + eps) - (1 - labels) * log(1 - p + eps)."""
    labels, predictions = _pair(labels, predictions, "log_loss")
    losses = -labels * M.log(predictions + epsilon) - \
        (1.0 - labels) * M.log(1.0 - predictions + epsilon)
    return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def hinge_loss(labels, logits, weights=1.0, scope=None, loss_collection=LOSSES,
               reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """max(0, 1 - (2 * labels - 1) * logits) for labels in {0, 1}."""
    labels, logits = _pair(labels, logits, "hinge_loss")
    losses = nn_ops.relu(1.0 - (labels * 2.0 - 1.0) * logits)
    return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def cosine_distance(labels, predictions, axis=None, weights=1.0, scope=None,
                    loss_collection=LOSSES, reduction=Reduction.SUM_BY_NONZERO_WEIGHTS,
                    dim=None):
    """1 - sum(labels * predictions, axis) for unit-normalized inputs (keeps `axis`)."""
    axis = dim if axis is None else axis
    if axis is None:
        raise ValueError("cosine_distance: you must specify 'axis'.")
    labels, predictions = _pair(labels, predictions, "cosine_distance")
    losses = 1.0 - M.reduce_sum(predictions * labels, axis=axis, keepdims=True)
    return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def sigmoid_cross_entropy(multi_class_labels, logits, weights=1.0, label_smoothing=0,
                          scope=None, loss_collection=LOSSES,
                          reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Sigmoid cross-entropy; label_smoothing moves labels towards 0.5."""
    labels, logits = _pair(multi_class_labels, logits, "sigmoid_cross_entropy")
    if label_smoothing > 0:
        labels = labels * (1.0 - label_smoothing) + 0.5 * label_smoothing
    losses = nn_ops.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits)
    return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def softmax_cross_entropy(onehot_labels, logits, weights=1.0, label_smoothing=0, scope=None,
                          loss_collection=LOSSES, reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Softmax cross-entropy of one-hot labels (one loss per example); label_smoothing
    replaces them by `labels * (1 - s) + s / num_classes`."""
    labels, logits = _pair(onehot_labels, logits, "softmax_cross_entropy")
    if label_smoothing > 0:
        num_classes = M.cast(A.shape(labels)[-1], dtypes.float32)
        labels = labels * (1.0 - label_smoothing) + label_smoothing / num_classes
    losses = nn_ops.softmax_cross_entropy_with_logits_v2(labels=A.stop_gradient(labels),
                                                         logits=logits)
    return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def sparse_softmax_cross_entropy(labels, logits, weights=1.0, scope=None,
                                 loss_collection=LOSSES,
                                 reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Softmax cross-entropy of integer class labels (one loss per example)."""
    labels = A.convert_to_tensor(labels)
    logits = A.convert_to_tensor(logits)
    if labels.shape.rank is not None and logits.shape.rank is not None and \
            labels.shape.rank == logits.shape.rank and labels.shape.as_list()[-1] == 1:
        labels = A.squeeze(labels, [-1])  # TF1 accepts labels of shape [batch, 1]
    losses = nn_ops.sparse_softmax_cross_entropy_with_logits(
        labels=A.cast(labels, dtypes.int64), logits=logits)
    return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


NAMES = {
    "Reduction": Reduction, "add_loss": add_loss, "get_losses": get_losses,
    "get_regularization_losses": get_regularization_losses,
    "get_regularization_loss": get_regularization_loss, "get_total_loss": get_total_loss,
    "compute_weighted_loss": compute_weighted_loss,
    "absolute_difference": absolute_difference, "mean_squared_error": mean_squared_error,
    "huber_loss": huber_loss, "log_loss": log_loss, "hinge_loss": hinge_loss,
    "cosine_distance": cosine_distance, "sigmoid_cross_entropy": sigmoid_cross_entropy,
    "softmax_cross_entropy": softmax_cross_entropy,
    "sparse_softmax_cross_entropy": sparse_softmax_cross_entropy,
}
