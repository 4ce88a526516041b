"""tf.compat.v1.metrics: TF1's streaming metrics.

Each metric returns `(value, update_op)`: `update_op` folds one batch into local
variables (collections LOCAL_VARIABLES and METRIC_VARIABLES, so
`tf.local_variables_initializer()` resets them) and returns the metric so far; `value`
reads the metric from the variables without changing them. Variables are named after the
metric's name scope (`accuracy/total:0`, `precision/true_positives/count:0`).
"""
import numpy as np

from ..framework import dtypes
from ..framework.context import building_graph
from ..framework.graph import get_default_graph, graph_for_building
from ..framework.tensor import SymbolicTensor
from ..framework.variables import Variable
from ..ops import array_ops as A
from ..ops import math_ops as M
from ..ops.linalg_ops import matmul

LOCAL_VARIABLES = "local_variables"
METRIC_VARIABLES = "metric_variables"


def _graph(*tensors):
    g = graph_for_building()
    if g is not None:
        return g
    for t in tensors:
        if isinstance(t, SymbolicTensor):
            return t.graph
    return get_default_graph()


class _Scope:
    """The metric's graph and name scope: `name` or a unique `default` (`accuracy_1`)."""

    def __init__(self, name, default, *tensors):
        self.graph = _graph(*tensors)
        self.name = name or default

    def __enter__(self):
        self._building = building_graph(self.graph)
        self._building.__enter__()
        self._scope = self.graph.name_scope(self.name)
        return self._scope.__enter__()

    def __exit__(self, *exc):
        self._scope.__exit__(*exc)
        self._building.__exit__(*exc)


def metric_variable(shape, dtype, validate_shape=True, name=None):
    """A zero-initialized local variable in LOCAL_VARIABLES and METRIC_VARIABLES."""
    return Variable(lambda: A.zeros(shape, dtype), trainable=False,
                    collections=[LOCAL_VARIABLES, METRIC_VARIABLES],
                    validate_shape=validate_shape, name=name)


def _collect(collections, value):
    for key in collections or ():
        value.graph.add_to_collection(key, value)


def _safe_div(numerator, denominator, name=None):
    return M.divide_no_nan(numerator, denominator, name=name)


def _float(x):
    return A.cast(A.convert_to_tensor(x), dtypes.float32)


def _squeeze_last(x, other):
    """Drops a trailing unit axis of `x` when it has exactly one axis more than `other`."""
    if x is None or other is None:
        return x
    xr, orank = x.shape.rank, other.shape.rank
    if xr is not None and orank is not None and xr == orank + 1 and x.shape.as_list()[-1] == 1:
        return A.squeeze(x, [-1])
    return x


def _remove_squeezable(predictions, labels, weights=None):
    predictions = A.convert_to_tensor(predictions)
    if labels is not None:
        labels = A.convert_to_tensor(labels)
        predictions = _squeeze_last(predictions, labels)
        labels = _squeeze_last(labels, predictions)
    if weights is not None:
        weights = A.convert_to_tensor(weights)
        weights = _squeeze_last(weights, predictions)
    return predictions, labels, weights


def _broadcast_weights(weights, values):
    return _float(weights) * A.ones_like(values)


# --- means ---------------------------------------------------------------------------------------

def mean(values, weights=None, metrics_collections=None, updates_collections=None, name=None):
    """The (weighted) mean of every value seen: `total / count` over local variables
    `total` and `count`."""
    with _Scope(name, "mean", values, weights):
        values = _float(values)
        total = metric_variable([], dtypes.float32, name="total")
        count = metric_variable([], dtypes.float32, name="count")
        if weights is None:
            num_values = M.cast(A.size(values), dtypes.float32)
        else:
            values, _, weights = _remove_squeezable(values, None, weights)
            weights = _broadcast_weights(weights, values)
            values = values * weights
            num_values = M.reduce_sum(weights)
        update_total = total.assign_add(M.reduce_sum(values))
        update_count = count.assign_add(num_values)
        value = _safe_div(total.read_value(), M.maximum(count.read_value(), 0.0), name="value")
        update_op = _safe_div(update_total, M.maximum(update_count, 0.0), name="update_op")
    _collect(metrics_collections, value)
    _collect(updates_collections, update_op)
    return value, update_op


def accuracy(labels, predictions, weights=None, metrics_collections=None,
             updates_collections=None, name=None):
    """How often `predictions` equals `labels` (weighted mean of the matches)."""
    predictions, labels, weights = _remove_squeezable(predictions, labels, weights)
    if predictions.dtype != labels.dtype:
        predictions = A.cast(predictions, labels.dtype)
    is_correct = M.cast(M.equal(predictions, labels), dtypes.float32)
    return mean(is_correct, weights, metrics_collections, updates_collections,
                name or "accuracy")


def mean_absolute_error(labels, predictions, weights=None, metrics_collections=None,
                        updates_collections=None, name=None):
    """The mean of |predictions - labels|."""
    predictions, labels, weights = _remove_squeezable(predictions, labels, weights)
    errors = M.abs(_float(predictions) - _float(labels))
    return mean(errors, weights, metrics_collections, updates_collections,
                name or "mean_absolute_error")


def mean_squared_error(labels, predictions, weights=None, metrics_collections=None,
                       updates_collections=None, name=None):
    """The mean of (predictions - labels)^2."""
    predictions, labels, weights = _remove_squeezable(predictions, labels, weights)
    errors = M.squared_difference(_float(labels), _float(predictions))
    return mean(errors, weights, metrics_collections, updates_collections,
                name or "mean_squared_error")


def root_mean_squared_error(labels, predictions, weights=None, metrics_collections=None,
                            updates_collections=None, name=None):
    """The square root of the streaming mean squared error."""
    mse, update_mse = mean_squared_error(labels, predictions, weights, None, None,
                                         name or "root_mean_squared_error")
    value, update_op = M.sqrt(mse), M.sqrt(update_mse)
    _collect(metrics_collections, value)
    _collect(updates_collections, update_op)
    return value, update_op


# --- counts --------------------------------------------------------------------------------------

def _count_condition(values, weights, metrics_collections, updates_collections):
    values = M.cast(values, dtypes.float32)
    if weights is not None:
        values = values * _broadcast_weights(weights, values)
    var = metric_variable([], dtypes.float32, name="count")
    value = A.identity(var.read_value())
    update_op = var.assign_add(M.reduce_sum(values))
    _collect(metrics_collections, value)
    _collect(updates_collections, update_op)
    return value, update_op


def _bool_pair(labels, predictions, weights):
    predictions, labels, weights = _remove_squeezable(
        A.cast(predictions, dtypes.bool), A.cast(labels, dtypes.bool), weights)
    return labels, predictions, weights


def _counter(default, condition, doc):
    def metric(labels, predictions, weights=None, metrics_collections=None,
               updates_collections=None, name=None):
        with _Scope(name, default, labels, predictions):
            lab, pred, w = _bool_pair(labels, predictions, weights)
            return _count_condition(condition(lab, pred), w, metrics_collections,
                                    updates_collections)
    metric.__name__ = default
    metric.__doc__ = doc
    return metric


true_positives = _counter("true_positives", lambda l, p: M.logical_and(l, p),
                          "The (weighted) count of labels and predictions both true.")
false_positives = _counter("false_positives", lambda l, p: M.logical_and(M.logical_not(l), p),
                           "The (weighted) count of false labels predicted true.")
true_negatives = _counter("true_negatives",
                          lambda l, p: M.logical_and(M.logical_not(l), M.logical_not(p)),
                          "The (weighted) count of labels and predictions both false.")
false_negatives = _counter("false_negatives", lambda l, p: M.logical_and(l, M.logical_not(p)),
                           "The (weighted) count of true labels predicted false.")


def _ratio(default, second, doc):
    def metric(labels, predictions, weights=None, metrics_collections=None,
               updates_collections=None, name=None):
        with _Scope(name, default, labels, predictions):
            lab, pred, w = _bool_pair(labels, predictions, weights)
            tp, tp_update = true_positives(lab, pred, w)
            other, other_update = second(lab, pred, w)

            def ratio(a, b, op_name):
                return A.where(M.greater(a + b, 0.0), _safe_div(a, a + b), A.zeros_like(a),
                               name=op_name)
            value = ratio(tp, other, "value")
            update_op = ratio(tp_update, other_update, "update_op")
        _collect(metrics_collections, value)
        _collect(updates_collections, update_op)
        return value, update_op
    metric.__name__ = default
    metric.__doc__ = doc
    return metric


precision = _ratio("precision", false_positives,
                   "true_positives / (true_positives + false_positives), 0 when undefined.")
recall = _ratio("recall", false_negatives,
                "true_positives / (true_positives + false_negatives), 0 when undefined.")


# --- thresholded counts: auc, precision/recall at thresholds -------------------------------------

_KINDS = {"tp": "true_positives", "fn": "false_negatives", "tn": "true_negatives",
          "fp": "false_positives"}


def _check_unit_interval(predictions, g):
    from ..util.export import EXPORTS
    checks = EXPORTS["v1"]
    low = checks["assert_greater_equal"](predictions, A.constant(0.0, dtypes.float32),
                                         message="predictions must be in [0, 1]")
    high = checks["assert_less_equal"](predictions, A.constant(1.0, dtypes.float32),
                                       message="predictions must be in [0, 1]")
    deps = [d for d in (low, high) if d is not None]
    if not deps:
        return predictions
    with g.control_dependencies(deps):
        return A.identity(predictions)


def _confusion_at_thresholds(labels, predictions, thresholds, weights, includes, g):
    """Local variables counting tp/fn/tn/fp at each threshold (`prediction > threshold`),
    and their update ops."""
    predictions, labels, weights = _remove_squeezable(_float(predictions),
                                                      A.cast(labels, dtypes.bool), weights)
    predictions = _check_unit_interval(predictions, g)
    n = len(thresholds)
    pred_row = A.reshape(predictions, [1, -1])
    label_row = A.reshape(labels, [1, -1])
    thresh_col = A.constant(np.asarray(thresholds, np.float32).reshape(n, 1))
    pred_pos = M.greater(pred_row, thresh_col)           # (thresholds, examples)
    label_pos = label_row  # broadcasts against (thresholds, examples)
    w = None if weights is None else A.reshape(_broadcast_weights(weights, predictions), [1, -1])
    conditions = {"tp": lambda: M.logical_and(label_pos, pred_pos),
                  "fn": lambda: M.logical_and(label_pos, M.logical_not(pred_pos)),
                  "tn": lambda: M.logical_and(M.logical_not(label_pos), M.logical_not(pred_pos)),
                  "fp": lambda: M.logical_and(M.logical_not(label_pos), pred_pos)}
    values, updates = {}, {}
    for key in ("tp", "fn", "tn", "fp"):
        if key not in includes:
            continue
        var = metric_variable([n], dtypes.float32, name=_KINDS[key])
        hits = M.cast(conditions[key](), dtypes.float32)
        if w is not None:
            hits = hits * w
        values[key] = var.read_value()
        updates[key] = var.assign_add(M.reduce_sum(hits, axis=1))
    return values, updates


def _auc_thresholds(num_thresholds):
    eps = 1e-7
    inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
    return [0.0 - eps] + inner + [1.0 + eps]


def auc(labels, predictions, weights=None, num_thresholds=200, metrics_collections=None,
        updates_collections=None, curve="ROC", name=None, summation_method="trapezoidal",
        thresholds=None):
    """The area under the ROC (or PR) curve, from confusion counts at `num_thresholds`
    evenly spaced thresholds summed by the trapezoidal rule (TF1's approximation).

    Args:
      predictions: probabilities in [0, 1].
      curve: 'ROC' or 'PR'.
      summation_method: 'trapezoidal', 'minoring' or 'majoring'.
    """
    if curve not in ("ROC", "PR"):
        raise ValueError(f"auc: curve must be 'ROC' or 'PR', got {curve!r}.")
    if summation_method not in ("trapezoidal", "careful_interpolation", "minoring",
                                "majoring"):
        raise ValueError(f"auc: invalid summation_method {summation_method!r}.")
    if thresholds is not None:
        kepsilon = 1e-7
        thresholds = [0.0 - kepsilon] + [float(t) for t in thresholds] + [1.0 + kepsilon]
    else:
        if num_thresholds < 2:
            raise ValueError(f"auc: num_thresholds must be > 1, got {num_thresholds}.")
        thresholds = _auc_thresholds(int(num_thresholds))
    n = len(thresholds)
    epsilon = 1.0e-6

    def compute(tp, fn, tn, fp, op_name):
        rec = M.divide(tp + epsilon, tp + fn + epsilon)
        if curve == "ROC":
            x, y = M.divide(fp, fp + tn + epsilon), rec
        else:
            x, y = rec, M.divide(tp + epsilon, tp + fp + epsilon)
        dx = x[:n - 1] - x[1:]
        if summation_method == "minoring":
            return M.reduce_sum(dx * M.minimum(y[:n - 1], y[1:]), name=op_name)
        if summation_method == "majoring":
            return M.reduce_sum(dx * M.maximum(y[:n - 1], y[1:]), name=op_name)
        return M.reduce_sum(dx * (y[:n - 1] + y[1:]) / 2.0, name=op_name)

    with _Scope(name, "auc", labels, predictions) as _:
        g = _graph(labels, predictions)
        values, updates = _confusion_at_thresholds(labels, predictions, thresholds, weights,
                                                   ("tp", "fn", "tn", "fp"), g)
        value = compute(values["tp"], values["fn"], values["tn"], values["fp"], "value")
        update_op = compute(updates["tp"], updates["fn"], updates["tn"], updates["fp"],
                            "update_op")
    _collect(metrics_collections, value)
    _collect(updates_collections, update_op)
    return value, update_op


def _at_thresholds(default, second, doc):
    def metric(labels, predictions, thresholds, weights=None, metrics_collections=None,
               updates_collections=None, name=None):
        with _Scope(name, default, labels, predictions):
            g = _graph(labels, predictions)
            values, updates = _confusion_at_thresholds(labels, predictions, list(thresholds),
                                                       weights, ("tp", second), g)
            epsilon = 1e-7

            def ratio(tp, other, op_name):
                return M.divide(tp, epsilon + tp + other, name=op_name)
            value = ratio(values["tp"], values[second], "value")
            update_op = ratio(updates["tp"], updates[second], "update_op")
        _collect(metrics_collections, value)
        _collect(updates_collections, update_op)
        return value, update_op
    metric.__name__ = default
    metric.__doc__ = doc
    return metric


precision_at_thresholds = _at_thresholds(
    "precision_at_thresholds", "fp",
    "Precision for predictions > each threshold: tp / (tp + fp + 1e-7).")
recall_at_thresholds = _at_thresholds(
    "recall_at_thresholds", "fn",
    "Recall for predictions > each threshold: tp / (tp + fn + 1e-7).")


# --- mean IoU ------------------------------------------------------------------------------------

def mean_iou(labels, predictions, num_classes, weights=None, metrics_collections=None,
             updates_collections=None, name=None):
    """The mean intersection-over-union of the classes present so far.

    Keeps a float64 confusion matrix `total_confusion_matrix` (rows: labels, columns:
    predictions). As in TF1, the update op returns that updated matrix, and `value` the
    mean IoU.
    """
    num_classes = int(num_classes)
    with _Scope(name, "mean_iou", labels, predictions):
        predictions, labels, weights = _remove_squeezable(predictions, labels, weights)
        total_cm = metric_variable([num_classes, num_classes], dtypes.float64,
                                   name="total_confusion_matrix")
        lab = A.reshape(A.cast(labels, dtypes.int64), [-1])
        pred = A.reshape(A.cast(predictions, dtypes.int64), [-1])
        lab_hot = A.one_hot(lab, num_classes, dtype=dtypes.float64)
        if weights is not None:
            w = A.reshape(A.cast(_broadcast_weights(weights, A.cast(predictions,
                                                                    dtypes.float32)),
                                 dtypes.float64), [-1, 1])
            lab_hot = lab_hot * w
        current = matmul(lab_hot, A.one_hot(pred, num_classes, dtype=dtypes.float64),
                         transpose_a=True)
        update_op = total_cm.assign_add(current)
        eye = A.constant(np.eye(num_classes, dtype=np.float32))

        def compute(cm, op_name):
            cm = M.cast(cm, dtypes.float32)
            rows, cols = M.reduce_sum(cm, 0), M.reduce_sum(cm, 1)
            diag = M.reduce_sum(cm * eye, 1)
            denominator = rows + cols - diag
            valid = M.reduce_sum(M.cast(M.not_equal(denominator, 0.0), dtypes.float32))
            denominator = A.where(M.greater(denominator, 0.0), denominator,
                                  A.ones_like(denominator))
            iou = M.divide(diag, denominator)
            return A.where(M.greater(valid, 0.0), _safe_div(M.reduce_sum(iou), valid),
                           A.zeros_like(valid), name=op_name)
        value = compute(total_cm.read_value(), "mean_iou")
    _collect(metrics_collections, value)
    _collect(updates_collections, update_op)
    return value, update_op


NAMES = {
    "mean": mean, "accuracy": accuracy, "mean_absolute_error": mean_absolute_error,
    "mean_squared_error": mean_squared_error, "root_mean_squared_error": root_mean_squared_error,
    "true_positives": true_positives, "false_positives": false_positives,
    "true_negatives": true_negatives, "false_negatives": false_negatives,
    "precision": precision, "recall": recall, "auc": auc,
    "precision_at_thresholds": precision_at_thresholds,
    "recall_at_thresholds": recall_at_thresholds, "mean_iou": mean_iou,
    "metric_variable": metric_variable,
}
