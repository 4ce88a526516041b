"""keras.metrics: stateful metrics (Keras 3 behaviour).

A metric keeps its state in ndflow Variables made with `add_variable`; `update_state`
changes them with `assign`/`assign_add`, so the same Python code runs eagerly and traces to
graph ops inside tf.function; `result()` reads them; `reset_state()` zeroes them.
"""
import numpy as np

from ..framework import dtypes
from ..framework.errors import InvalidArgumentError
from ._objects import ObjectTable
from ..framework.variables import Variable
from ..ops import array_ops as A
from ..ops import math_ops as M
from . import initializers as _initializers
from . import losses as _losses
from .losses import squeeze_or_expand_to_same_rank

_EPSILON = 1e-7


def _divide_no_nan(x, y):
    safe = A.where(M.equal(y, 0.0), A.ones_like(y), y)
    return A.where(M.equal(y, 0.0), A.zeros_like(x * safe), x / safe)


def _as_float(x, dtype):
    x = _losses._tensor(x)
    return x if x.dtype == dtype else A.cast(x, dtype)


class Metric:
    """Base class of Keras metrics: state accumulated over batches, and a result.

    Subclasses create their state in `__init__` with `add_variable` (or Keras 2's `add_weight`),
    update it in `update_state(...)` and compute the value in `result()`. `reset_state()` puts
    every variable back to its initial value; calling the metric updates it and returns the
    result.

    Args:
      name: The metric's name (default: the class name in snake_case).
      dtype: The dtype of its state and result (default `float32`).

    Example:

    >>> from ndflow import keras
    >>> class Count(keras.metrics.Metric):
    ...     def __init__(self, name="count"):
    ...         super().__init__(name=name)
    ...         self.total = self.add_variable((), name="total")
    ...     def update_state(self, values):
    ...         self.total.assign_add(ndflow.cast(ndflow.size(values), "float32"))
    ...     def result(self):
    ...         return self.total.read_value()
    >>> float(Count()([1, 2, 3]))
    3.0
    """
    def __init__(self, name=None, dtype=None):
        self.name = name or _losses._snake(type(self).__name__)
        self._dtype = dtypes.as_dtype(dtype) if dtype is not None else dtypes.float32
        self._variables = []

    dtype = property(lambda self: self._dtype)

    def add_variable(self, shape, initializer="zeros", dtype=None, aggregation="sum", name=None):
        dtype = dtypes.as_dtype(dtype) if dtype is not None else self._dtype
        init = _initializers.get(initializer)
        value = init(tuple(shape), dtype=dtype)
        var = Variable(value, trainable=False, dtype=dtype,
                       name=f"{self.name}/{name}" if name else self.name)
        var.aggregation = aggregation
        self._variables.append((var, init))
        return var

    def add_weight(self, name=None, shape=(), initializer=None, dtype=None, aggregation="sum",
                   **kwargs):
        """A state variable: `add_weight("total", initializer="zeros")` (Keras 2: the name
        first, shape () by default) or `add_weight(shape=(), initializer=..., name=...)`."""
        if name is not None and not isinstance(name, str):  # Keras 3 order: shape first
            name, shape = kwargs.pop("name", None), name
        for ignored in ("synchronization", "trainable"):
            kwargs.pop(ignored, None)
        if kwargs:
            raise TypeError(f"add_weight got unexpected keyword arguments: {sorted(kwargs)}")
        return self.add_variable(() if shape is None else shape, initializer or "zeros", dtype,
                                 aggregation, name)

    @property
    def variables(self):
        return [v for v, _ in self._variables]

    weights = non_trainable_weights = variables
    trainable_weights = property(lambda self: [])

    def update_state(self, *args, **kwargs):
        raise NotImplementedError

    def result(self):
        raise NotImplementedError

    def reset_state(self):
        for var, init in self._variables:
            var.assign(init(tuple(var.shape.as_list()), dtype=var.dtype))

    reset_states = reset_state  # Keras 2

    def __call__(self, *args, **kwargs):
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self):
        return {"name": self.name, "dtype": self._dtype.name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"


# --- reducing metrics -------------------------------------------------------------------------

def _samplewise(values, sample_weight, dtype, reduce_fn):
    """Per-sample values (and weights) as Keras's `reduce_to_samplewise_values`."""
    values = _as_float(values, dtype)
    if sample_weight is not None:
        sample_weight = _as_float(sample_weight, dtype)
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        weight_rank, value_rank = sample_weight.shape.rank, values.shape.rank
        if value_rank > weight_rank:
            values = reduce_fn(values, axis=list(range(weight_rank, value_rank)))
        sample_weight = A.broadcast_to_like(sample_weight, values)
        values = values * sample_weight
        if weight_rank > 1:
            sample_weight = reduce_fn(sample_weight, axis=list(range(1, weight_rank)))
    if values.shape.rank > 1:
        values = reduce_fn(values, axis=list(range(1, values.shape.rank)))
    return values, sample_weight


class Sum(Metric):
    """Metric accumulating the (weighted) sum of the values it is given.

    Args:
      name: The metric's name (default "sum").
      dtype: The dtype of the result (default `float32`).
    """
    def __init__(self, name="sum", dtype=None):
        super().__init__(name, dtype)
        self.total = self.add_variable((), "zeros", name="total")

    def update_state(self, values, sample_weight=None):
        values, _ = _samplewise(values, sample_weight, self.dtype, M.reduce_sum)
        self.total.assign_add(M.reduce_sum(values))

    def result(self):
        return A.identity(self.total.read_value())


class Mean(Metric):
    """Metric accumulating the (weighted) mean of the values it is given.

    `result()` is `sum(values * sample_weight) / sum(sample_weight)` over every update since the
    last `reset_state()`.

    Args:
      name: The metric's name (default "mean").
      dtype: The dtype of the result (default `float32`).

    Example:

    >>> from ndflow import keras
    >>> m = keras.metrics.Mean()
    >>> m.update_state([1.0, 3.0])
    >>> m.update_state([5.0])
    >>> float(m.result())
    3.0
    """
    def __init__(self, name="mean", dtype=None):
        super().__init__(name, dtype)
        self.total = self.add_variable((), "zeros", name="total")
        self.count = self.add_variable((), "zeros", name="count")

    def update_state(self, values, sample_weight=None):
        values, sample_weight = _samplewise(values, sample_weight, self.dtype, M.reduce_mean)
        self.total.assign_add(M.reduce_sum(values))
        if sample_weight is not None:
            count = M.reduce_sum(sample_weight)
        elif values.shape.rank:
            count = A.cast(A.shape(values)[0], self.dtype)
        else:
            count = 1.0
        self.count.assign_add(count)

    def result(self):
        return _divide_no_nan(self.total.read_value(), self.count.read_value())


class MeanMetricWrapper(Mean):
    """The weighted mean of `fn(y_true, y_pred, **kwargs)` over all samples seen."""

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        super().__init__(name=name or getattr(fn, "__name__", "mean_metric"), dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs

    def update_state(self, y_true, y_pred, sample_weight=None):
        values = self._fn(y_true, y_pred, **self._fn_kwargs)
        super().update_state(values, sample_weight)

    def get_config(self):
        return {**super().get_config(), **self._fn_kwargs}


# --- accuracy functions (per sample) ------------------------------------------------------------

def accuracy(y_true, y_pred):
    """Elementwise exact-match accuracy: 1.0 where `y_true == y_pred`.

    The targets are cast to the predictions' dtype first.

    Args:
      y_true: The targets.
      y_pred: The predictions.

    Returns:
      A `float32` tensor of 1.0 (correct) and 0.0 per sample.
    """
    y_pred = _losses._tensor(y_pred)
    y_true = _losses._tensor(y_true, y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return A.cast(M.equal(y_true, y_pred), dtypes.float32)


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """Accuracy of binary predictions, averaged over the last axis.

    A prediction counts as 1 when it is above `threshold`.

    Args:
      y_true: The targets.
      y_pred: The predictions.
      threshold: The decision threshold (default 0.5).

    Returns:
      A `float32` tensor of 1.0 (correct) and 0.0 per sample.

    Example:

    >>> from ndflow import keras
    >>> keras.metrics.binary_accuracy([[1.0], [0.0]], [[0.7], [0.6]]).numpy()
    array([1., 0.], dtype=float32)
    """
    y_true, y_pred = _losses._float_pair(y_true, y_pred)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    predicted = A.cast(y_pred > float(threshold), y_true.dtype)
    return M.reduce_mean(A.cast(M.equal(y_true, predicted), dtypes.float32), axis=-1)


def categorical_accuracy(y_true, y_pred):
    """Accuracy of one-hot targets: 1.0 where `argmax(y_pred)` equals `argmax(y_true)`.

    Both have shape `[..., num_classes]`.

    Args:
      y_true: The targets.
      y_pred: The predictions.

    Returns:
      A `float32` tensor of 1.0 (correct) and 0.0 per sample.
    """
    y_true, y_pred = _losses._float_pair(y_true, y_pred)
    return A.cast(M.equal(M.argmax(y_true, axis=-1), M.argmax(y_pred, axis=-1)), dtypes.float32)


def _sparse_labels(y_true, y_pred):
    y_true = _losses._tensor(y_true)
    if y_true.shape.rank == y_pred.shape.rank and y_true.shape[-1] == 1:
        y_true = A.squeeze(y_true, [-1])
    return A.cast(y_true, dtypes.int64)


def sparse_categorical_accuracy(y_true, y_pred):
    """Accuracy of integer targets: 1.0 where `argmax(y_pred)` equals `y_true`.

    `y_true` holds class ids (a trailing axis of length 1 is accepted).

    Args:
      y_true: The targets.
      y_pred: The predictions.

    Returns:
      A `float32` tensor of 1.0 (correct) and 0.0 per sample.
    """
    y_pred = _losses._tensor(y_pred)
    labels = _sparse_labels(y_true, y_pred)
    return A.cast(M.equal(labels, M.argmax(y_pred, axis=-1)), dtypes.float32)


def _in_top_k(labels, y_pred, k):
    """1.0 where the label's score is among the k largest (ties count as in, like tf)."""
    depth = y_pred.shape[-1]
    target = M.reduce_sum(A.one_hot(labels, depth, dtype=y_pred.dtype) * y_pred, axis=-1,
                          keepdims=True)
    above = M.reduce_sum(A.cast(y_pred > target, dtypes.int32), axis=-1)
    return A.cast(above < k, dtypes.float32)


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1.0 where the target class (one-hot `y_true`) is among the `k` highest-scoring classes.

    Ties with the k-th score count as in the top k.

    Args:
      y_true: The targets.
      y_pred: The predictions.
      k: How many top classes count (default 5).

    Returns:
      A `float32` tensor of 1.0 (correct) and 0.0 per sample.
    """
    y_true, y_pred = _losses._float_pair(y_true, y_pred)
    return _in_top_k(M.argmax(y_true, axis=-1), y_pred, k)


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1.0 where the integer target class is among the `k` highest-scoring classes.

    Ties with the k-th score count as in the top k.

    Args:
      y_true: The targets.
      y_pred: The predictions.
      k: How many top classes count (default 5).

    Returns:
      A `float32` tensor of 1.0 (correct) and 0.0 per sample.
    """
    y_pred = _losses._tensor(y_pred)
    return _in_top_k(_sparse_labels(y_true, y_pred), y_pred, k)


def _wrapper(class_name, fn, default_name, **defaults):
    def __init__(self, name=default_name, dtype=None, **kw):
        unknown = set(kw) - set(defaults)
        if unknown:
            raise TypeError(f"{class_name}.__init__() got unexpected keyword arguments "
                            f"{sorted(unknown)}")
        options = {**defaults, **kw}
        MeanMetricWrapper.__init__(self, fn, name=name, dtype=dtype, **options)
        for key, value in options.items():
            setattr(self, key, value)

    summary, formula, options = _losses.function_doc_parts(fn, defaults)
    doc = (f"Metric averaging `{fn.__name__}` over every sample seen since the last "
           f"`reset_state()`.\n\n    Per sample: {summary[0].lower()}{summary[1:]}\n\n"
           + (f"    {formula}\n\n" if formula else "") + "    Args:\n"
           + "".join(f"      {line}\n" for line in options)
           + f"      name: The metric's name (default \"{default_name}\").\n"
           "      dtype: The dtype of the result (default `float32`).\n")
    return type(class_name, (MeanMetricWrapper,), {"__init__": __init__, "__doc__": doc})


Accuracy = _wrapper("Accuracy", accuracy, "accuracy")
BinaryAccuracy = _wrapper("BinaryAccuracy", binary_accuracy, "binary_accuracy", threshold=0.5)
CategoricalAccuracy = _wrapper("CategoricalAccuracy", categorical_accuracy,
                               "categorical_accuracy")
SparseCategoricalAccuracy = _wrapper("SparseCategoricalAccuracy", sparse_categorical_accuracy,
                                     "sparse_categorical_accuracy")
TopKCategoricalAccuracy = _wrapper("TopKCategoricalAccuracy", top_k_categorical_accuracy,
                                   "top_k_categorical_accuracy", k=5)
SparseTopKCategoricalAccuracy = _wrapper(
    "SparseTopKCategoricalAccuracy", sparse_top_k_categorical_accuracy,
    "sparse_top_k_categorical_accuracy", k=5)
MeanSquaredError = _wrapper("MeanSquaredError", _losses.mean_squared_error,
                            "mean_squared_error")
MeanAbsoluteError = _wrapper("MeanAbsoluteError", _losses.mean_absolute_error,
                             "mean_absolute_error")
MeanAbsolutePercentageError = _wrapper(
    "MeanAbsolutePercentageError", _losses.mean_absolute_percentage_error,
    "mean_absolute_percentage_error")
MeanSquaredLogarithmicError = _wrapper(
    "MeanSquaredLogarithmicError", _losses.mean_squared_logarithmic_error,
    "mean_squared_logarithmic_error")
Hinge = _wrapper("Hinge", _losses.hinge, "hinge")
KLDivergence = _wrapper("KLDivergence", _losses.kl_divergence, "kl_divergence")
LogCoshError = _wrapper("LogCoshError", _losses.log_cosh, "logcosh")
BinaryCrossentropy = _wrapper("BinaryCrossentropy", _losses.binary_crossentropy,
                              "binary_crossentropy", from_logits=False, label_smoothing=0.0)
CategoricalCrossentropy = _wrapper("CategoricalCrossentropy", _losses.categorical_crossentropy,
                                   "categorical_crossentropy", from_logits=False,
                                   label_smoothing=0.0, axis=-1)
SparseCategoricalCrossentropy = _wrapper(
    "SparseCategoricalCrossentropy", _losses.sparse_categorical_crossentropy,
    "sparse_categorical_crossentropy", from_logits=False, axis=-1)


class RootMeanSquaredError(Mean):
    """Metric computing `sqrt(mean(square(y_true - y_pred)))` over all updates.

    Args:
      name: The metric's name (default "root_mean_squared_error").
      dtype: The dtype of the result (default `float32`).
    """
    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__(name, dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred = _losses._regression_pair(y_true, y_pred)
        super().update_state(M.square(y_pred - y_true), sample_weight)

    def result(self):
        return M.sqrt(super().result())


# --- confusion-matrix metrics ---------------------------------------------------------------------

def _confusion_inputs(y_true, y_pred, sample_weight, class_id=None, top_k=None):
    """Flattened labels (0/1 floats), predictions and weights, as Keras prepares them."""
    y_pred = _as_float(y_pred, dtypes.float32)
    y_true = _as_float(y_true, dtypes.float32)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    if top_k is not None:  # predictions outside each row's top k never count as positive
        kth = _kth_largest(y_pred, top_k)
        y_pred = A.where(y_pred >= kth, y_pred, A.fill(A.shape(y_pred), -np.inf))
    weights = None
    if sample_weight is not None:
        weights = _as_float(sample_weight, dtypes.float32)
        while weights.shape.rank < y_pred.shape.rank:  # per-sample weights cover each column
            weights = A.expand_dims(weights, -1)
        y_pred, weights = squeeze_or_expand_to_same_rank(y_pred, weights)
        weights = A.broadcast_to_like(weights, y_pred)
    if class_id is not None:
        y_true, y_pred = y_true[..., class_id], y_pred[..., class_id]
        weights = None if weights is None else weights[..., class_id]
    y_true = A.reshape(y_true, [-1])
    y_pred = A.reshape(y_pred, [-1])
    weights = None if weights is None else A.reshape(weights, [-1])
    return y_true, y_pred, weights


def _kth_largest(x, k):
    """The k-th largest value along the last axis, kept as a trailing dim of size 1."""
    for _ in range(k - 1):
        row_max = M.reduce_max(x, axis=-1, keepdims=True)
        x = A.where(x >= row_max, A.fill(A.shape(x), -np.inf), x)
    return M.reduce_max(x, axis=-1, keepdims=True)


def _confusion_counts(y_true, y_pred, weights, thresholds):
    """Weighted tp, fp, tn, fn per threshold (a prediction is positive when > threshold)."""
    predicted = A.cast(M.greater(A.expand_dims(y_pred, -1), thresholds), dtypes.float32)
    positive = A.expand_dims(y_true, -1)
    if weights is not None:
        weight = A.expand_dims(weights, -1)
        positive_w, negative_w = positive * weight, (1.0 - positive) * weight
    else:
        positive_w, negative_w = positive, 1.0 - positive
    tp = M.reduce_sum(predicted * positive_w, axis=0)
    fp = M.reduce_sum(predicted * negative_w, axis=0)
    fn = M.reduce_sum(positive_w, axis=0) - tp
    tn = M.reduce_sum(negative_w, axis=0) - fp
    return tp, fp, tn, fn


def _check_thresholds(thresholds):
    values = [thresholds] if np.ndim(thresholds) == 0 else list(thresholds)
    for t in values:
        if not 0.0 <= float(t) <= 1.0:
            raise InvalidArgumentError(f"Threshold values must be in [0, 1]. "
                                       f"Received: thresholds={thresholds}")
    return [float(t) for t in values], np.ndim(thresholds) > 0


class _ConfusionMetric(Metric):
    _counts = ()

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(name, dtype)
        self.init_thresholds = thresholds
        self.top_k, self.class_id = top_k, class_id
        if thresholds is None:  # with top_k, Keras counts every entry in the top k
            values, self._many = [0.5 if top_k is None else -1e10], False
        else:
            values, self._many = _check_thresholds(thresholds)
        self.thresholds = values
        self._threshold_tensor = np.asarray(values, np.float32)
        n = len(values)
        for count in self._counts:
            setattr(self, count, self.add_variable((n,), "zeros", name=count))

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred, weights = _confusion_inputs(y_true, y_pred, sample_weight,
                                                    self.class_id, self.top_k)
        tp, fp, tn, fn = _confusion_counts(y_true, y_pred, weights, self._threshold_tensor)
        counts = {"true_positives": tp, "false_positives": fp, "true_negatives": tn,
                  "false_negatives": fn}
        for name in self._counts:
            getattr(self, name).assign_add(counts[name])

    def _finish(self, value):
        return value if self._many else value[0]

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds,
                "top_k": self.top_k, "class_id": self.class_id}


class Precision(_ConfusionMetric):
    """Metric computing precision: the fraction of predicted positives that are positive.

    `precision = true_positives / (true_positives + false_positives)` (0 when nothing was predicted
    positive). Counts accumulate over batches until `reset_state()`; `sample_weight` weighs each
    prediction.

    Args:
      thresholds: A float in [0, 1] or a list of them: a prediction above a threshold counts as
        positive (default 0.5). With a list, `result()` has one value per threshold.
      top_k: Optional int: only the k highest-scoring classes of each sample count as
        predicted positive.
      class_id: Optional int: compute the metric for this class (column) only.
      name: The metric's name.
      dtype: The dtype of the result (default `float32`).

    Raises:
      InvalidArgumentError: If a threshold lies outside [0, 1].

    Example:

    >>> from ndflow import keras
    >>> m = keras.metrics.Precision()
    >>> float(m([0, 1, 1, 1], [1, 0, 1, 1]))
    0.6666666865348816
    """
    _counts = ("true_positives", "false_positives")

    def result(self):
        tp, fp = self.true_positives.read_value(), self.false_positives.read_value()
        return self._finish(_divide_no_nan(tp, tp + fp))


class Recall(_ConfusionMetric):
    """Metric computing recall: the fraction of positives that are predicted positive.

    `recall = true_positives / (true_positives + false_negatives)` (0 when there are no positives).
    Counts accumulate over batches until `reset_state()`; `sample_weight` weighs each
    prediction.

    Args:
      thresholds: A float in [0, 1] or a list of them: a prediction above a threshold counts as
        positive (default 0.5). With a list, `result()` has one value per threshold.
      top_k: Optional int: only the k highest-scoring classes of each sample count as
        predicted positive.
      class_id: Optional int: compute the metric for this class (column) only.
      name: The metric's name.
      dtype: The dtype of the result (default `float32`).

    Raises:
      InvalidArgumentError: If a threshold lies outside [0, 1].
    """
    _counts = ("true_positives", "false_negatives")

    def result(self):
        tp, fn = self.true_positives.read_value(), self.false_negatives.read_value()
        return self._finish(_divide_no_nan(tp, tp + fn))


class TruePositives(_ConfusionMetric):
    """Metric counting true positives (positive targets predicted positive).

    The (weighted) count is the result. Counts accumulate over batches until `reset_state()`;
    `sample_weight` weighs each
    prediction.

    Args:
      thresholds: A float in [0, 1] or a list of them: a prediction above a threshold counts as
        positive (default 0.5). With a list, `result()` has one value per threshold.
      top_k: Optional int: only the k highest-scoring classes of each sample count as
        predicted positive.
      class_id: Optional int: compute the metric for this class (column) only.
      name: The metric's name.
      dtype: The dtype of the result (default `float32`).

    Raises:
      InvalidArgumentError: If a threshold lies outside [0, 1].
    """
    _counts = ("true_positives",)

    def result(self):
        return self._finish(A.identity(self.true_positives.read_value()))


class FalsePositives(_ConfusionMetric):
    """Metric counting false positives (negative targets predicted positive).

    The (weighted) count is the result. Counts accumulate over batches until `reset_state()`;
    `sample_weight` weighs each
    prediction.

    Args:
      thresholds: A float in [0, 1] or a list of them: a prediction above a threshold counts as
        positive (default 0.5). With a list, `result()` has one value per threshold.
      top_k: Optional int: only the k highest-scoring classes of each sample count as
        predicted positive.
      class_id: Optional int: compute the metric for this class (column) only.
      name: The metric's name.
      dtype: The dtype of the result (default `float32`).

    Raises:
      InvalidArgumentError: If a threshold lies outside [0, 1].
    """
    _counts = ("false_positives",)

    def result(self):
        return self._finish(A.identity(self.false_positives.read_value()))


class TrueNegatives(_ConfusionMetric):
    """Metric counting true negatives (negative targets predicted negative).

    The (weighted) count is the result. Counts accumulate over batches until `reset_state()`;
    `sample_weight` weighs each
    prediction.

    Args:
      thresholds: A float in [0, 1] or a list of them: a prediction above a threshold counts as
        positive (default 0.5). With a list, `result()` has one value per threshold.
      top_k: Optional int: only the k highest-scoring classes of each sample count as
        predicted positive.
      class_id: Optional int: compute the metric for this class (column) only.
      name: The metric's name.
      dtype: The dtype of the result (default `float32`).

    Raises:
      InvalidArgumentError: If a threshold lies outside [0, 1].
    """
    _counts = ("true_negatives",)

    def result(self):
        return self._finish(A.identity(self.true_negatives.read_value()))


class FalseNegatives(_ConfusionMetric):
    """Metric counting false negatives (positive targets predicted negative).

    The (weighted) count is the result. Counts accumulate over batches until `reset_state()`;
    `sample_weight` weighs each
    prediction.

    Args:
      thresholds: A float in [0, 1] or a list of them: a prediction above a threshold counts as
        positive (default 0.5). With a list, `result()` has one value per threshold.
      top_k: Optional int: only the k highest-scoring classes of each sample count as
        predicted positive.
      class_id: Optional int: compute the metric for this class (column) only.
      name: The metric's name.
      dtype: The dtype of the result (default `float32`).

    Raises:
      InvalidArgumentError: If a threshold lies outside [0, 1].
    """
    _counts = ("false_negatives",)

    def result(self):
        return self._finish(A.identity(self.false_negatives.read_value()))


class AUC(Metric):
    """Area under the ROC or PR curve by a Riemann sum over `num_thresholds` thresholds
    (Keras's defaults: 200 thresholds, "interpolation"; PR uses Davis & Goadrich's
    interpolation)."""

    def __init__(self, num_thresholds=200, curve="ROC", summation_method="interpolation",
                 name=None, dtype=None, thresholds=None, multi_label=False, num_labels=None,
                 label_weights=None, from_logits=False):
        super().__init__(name or "auc", dtype)
        curve, summation_method = curve.upper(), summation_method.lower()
        if curve not in ("ROC", "PR"):
            raise InvalidArgumentError(f'Invalid `curve` argument value "{curve}". Expected '
                                       f'"ROC" or "PR".')
        if summation_method not in ("interpolation", "minoring", "majoring"):
            raise InvalidArgumentError(f"Invalid `summation_method` argument value "
                                       f"{summation_method!r}.")
        if multi_label:
            raise NotImplementedError("AUC(multi_label=True) is not supported yet.")
        if thresholds is not None:
            inner = sorted(float(t) for t in thresholds)
            num_thresholds = len(inner) + 2
        else:
            if num_thresholds <= 1:
                raise InvalidArgumentError(f"Argument `num_thresholds` must be an integer > 1. "
                                           f"Received: num_thresholds={num_thresholds}")
            inner = [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
        self.num_thresholds, self.curve, self.summation_method = \
            num_thresholds, curve, summation_method
        self.from_logits, self.multi_label, self.label_weights = from_logits, False, None
        self._init_from_thresholds = thresholds is not None
        self.thresholds = [0.0 - _EPSILON] + inner + [1.0 + _EPSILON]
        self._threshold_tensor = np.asarray(self.thresholds, np.float32)
        n = num_thresholds
        self.true_positives = self.add_variable((n,), "zeros", name="true_positives")
        self.false_positives = self.add_variable((n,), "zeros", name="false_positives")
        self.true_negatives = self.add_variable((n,), "zeros", name="true_negatives")
        self.false_negatives = self.add_variable((n,), "zeros", name="false_negatives")

    def update_state(self, y_true, y_pred, sample_weight=None):
        if self.from_logits:
            y_pred = M.sigmoid(_as_float(y_pred, dtypes.float32))
        y_true, y_pred, weights = _confusion_inputs(y_true, y_pred, sample_weight)
        tp, fp, tn, fn = _confusion_counts(y_true, y_pred, weights, self._threshold_tensor)
        self.true_positives.assign_add(tp)
        self.false_positives.assign_add(fp)
        self.true_negatives.assign_add(tn)
        self.false_negatives.assign_add(fn)

    def result(self):
        tp = self.true_positives.read_value()
        fp = self.false_positives.read_value()
        tn = self.true_negatives.read_value()
        fn = self.false_negatives.read_value()
        if self.curve == "PR" and self.summation_method == "interpolation":
            return self._interpolate_pr_auc(tp, fp, fn)
        recall = _divide_no_nan(tp, tp + fn)
        if self.curve == "ROC":
            x, y = _divide_no_nan(fp, fp + tn), recall
        else:
            x, y = recall, _divide_no_nan(tp, tp + fp)
        if self.summation_method == "interpolation":
            heights = (y[:-1] + y[1:]) / 2.0
        elif self.summation_method == "minoring":
            heights = M.minimum(y[:-1], y[1:])
        else:
            heights = M.maximum(y[:-1], y[1:])
        return M.reduce_sum((x[:-1] - x[1:]) * heights)

    @staticmethod
    def _interpolate_pr_auc(tp, fp, fn):
        """Davis & Goadrich (2006): precision interpolated between thresholds."""
        dtp = tp[:-1] - tp[1:]
        p = tp + fp
        dp = p[:-1] - p[1:]
        slope = _divide_no_nan(dtp, M.maximum(dp, 0.0))
        intercept = tp[1:] - slope * p[1:]
        both_positive = M.logical_and(p[:-1] > 0.0, p[1:] > 0.0)
        ratio = A.where(both_positive, _divide_no_nan(p[:-1], M.maximum(p[1:], 0.0)),
                        A.ones_like(p[1:]))
        increments = _divide_no_nan(slope * (dtp + intercept * M.log(ratio)),
                                    M.maximum(tp[1:] + fn[1:], 0.0))
        return M.reduce_sum(increments)

    def get_config(self):
        config = {**super().get_config(), "num_thresholds": self.num_thresholds,
                  "curve": self.curve, "summation_method": self.summation_method,
                  "from_logits": self.from_logits, "multi_label": False}
        if self._init_from_thresholds:
            config["thresholds"] = self.thresholds[1:-1]
        return config


# --- lookup ------------------------------------------------------------------------------------

# Defined in their own modules (they subclass Metric, defined above).
from .iou_metrics import BinaryIoU, IoU, MeanIoU, OneHotIoU, OneHotMeanIoU  # noqa: E402
from .fbeta_metrics import F1Score, FBetaScore  # noqa: E402

_CLASSES = {c.__name__: c for c in (
    Mean, Sum, Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy,
    TopKCategoricalAccuracy, SparseTopKCategoricalAccuracy, MeanSquaredError,
    MeanAbsoluteError, MeanAbsolutePercentageError, MeanSquaredLogarithmicError, Hinge,
    KLDivergence, LogCoshError, BinaryCrossentropy, CategoricalCrossentropy,
    SparseCategoricalCrossentropy, RootMeanSquaredError, Precision, Recall, AUC,
    TruePositives, FalsePositives, TrueNegatives, FalseNegatives, IoU, MeanIoU, BinaryIoU,
    OneHotIoU, OneHotMeanIoU, FBetaScore, F1Score)}
_ALIASES = {
    "accuracy": Accuracy, "acc": Accuracy, "binary_accuracy": BinaryAccuracy,
    "categorical_accuracy": CategoricalAccuracy,
    "sparse_categorical_accuracy": SparseCategoricalAccuracy,
    "top_k_categorical_accuracy": TopKCategoricalAccuracy,
    "sparse_top_k_categorical_accuracy": SparseTopKCategoricalAccuracy,
    "mse": MeanSquaredError, "mean_squared_error": MeanSquaredError,
    "mae": MeanAbsoluteError, "mean_absolute_error": MeanAbsoluteError,
    "mape": MeanAbsolutePercentageError,
    "mean_absolute_percentage_error": MeanAbsolutePercentageError,
    "msle": MeanSquaredLogarithmicError,
    "mean_squared_logarithmic_error": MeanSquaredLogarithmicError,
    "rmse": RootMeanSquaredError, "root_mean_squared_error": RootMeanSquaredError,
    "hinge": Hinge, "kld": KLDivergence, "kl_divergence": KLDivergence,
    "logcosh": LogCoshError, "binary_crossentropy": BinaryCrossentropy,
    "categorical_crossentropy": CategoricalCrossentropy,
    "sparse_categorical_crossentropy": SparseCategoricalCrossentropy,
    "precision": Precision, "recall": Recall, "auc": AUC,
}


_TABLE = ObjectTable("metric", "keras.metrics", _CLASSES, _ALIASES)


def serialize(metric):
    """Describes a metric as JSON-compatible data.

    Args:
      metric: A `Metric` instance.

    Returns:
      A dict with its "class_name" and "config".
    """
    return _TABLE.serialize(metric)


def deserialize(config, custom_objects=None):
    """Creates a metric from the output of `serialize`, or from a name.

    Args:
      config: A dict with "class_name" and "config", or a metric name such as "accuracy".
      custom_objects: Optional dict mapping names to user-defined metrics.

    Returns:
      A `Metric`.

    Raises:
      InvalidArgumentError: If the name is unknown.
    """
    if isinstance(config, str):
        return get(config)
    return _TABLE.from_config_dict(config, custom_objects)


def get(identifier):
    """A Metric from a name (named after it, as Keras logs it), a Metric, a class, a config
    dict or a function `fn(y_true, y_pred)` (wrapped in MeanMetricWrapper)."""
    if identifier is None:
        return None
    if isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        cls = _TABLE.lookup(identifier, case_insensitive=True)
        return cls() if identifier in _CLASSES else cls(name=identifier)
    if isinstance(identifier, type) and issubclass(identifier, Metric):
        return identifier()
    if callable(identifier):
        return MeanMetricWrapper(identifier)
    raise InvalidArgumentError(f"Could not interpret metric identifier: {identifier!r}")


def _loss_kind(loss):
    """"binary" / "sparse" / "categorical" when the compiled loss says so, else None."""
    if loss is None:
        return None
    if isinstance(loss, str):
        name = loss.lower()
    else:
        fn = getattr(loss, "fn", loss)
        name = getattr(fn, "__name__", type(loss).__name__).lower()
        name = {"binarycrossentropy": "binary_crossentropy",
                "categoricalcrossentropy": "categorical_crossentropy",
                "sparsecategoricalcrossentropy": "sparse_categorical_crossentropy"}.get(
                    type(loss).__name__.lower(), name)
    if name.startswith("sparse_categorical"):
        return "sparse"
    if name.startswith("categorical_crossentropy"):
        return "categorical"
    if name.startswith("binary_crossentropy"):
        return "binary"
    return None


def _kind_from_shapes(y_true_shape, y_pred_shape):
    """Keras 3's rule: binary when y_pred has one column, sparse when y_true lacks the class
    axis (or has size 1 there while y_pred does not), categorical otherwise."""
    true_shape = None if y_true_shape is None else tuple(
        y_true_shape.as_list() if hasattr(y_true_shape, "as_list") else y_true_shape)
    pred_shape = None if y_pred_shape is None else tuple(
        y_pred_shape.as_list() if hasattr(y_pred_shape, "as_list") else y_pred_shape)
    if pred_shape is None or not pred_shape:
        return None
    if pred_shape[-1] == 1:
        return "binary"
    if true_shape is not None and (len(true_shape) < len(pred_shape) or
                                   (true_shape and true_shape[-1] == 1 and
                                    (pred_shape[-1] or 2) > 1)):
        return "sparse"
    return "categorical" if true_shape is not None else None


def get_for_loss(identifier, loss, y_true_shape=None, y_pred_shape=None):
    """Like `get`, resolving "accuracy"/"acc" and "crossentropy"/"ce" to the binary,
    categorical or sparse variant: from the shapes (Keras 3's rule), or from the compiled
    loss when the shapes are not known (Keras 2's rule); categorical when neither tells."""
    if not isinstance(identifier, str) or identifier.lower() not in (
            "accuracy", "acc", "crossentropy", "ce"):
        return get(identifier)
    kind = _kind_from_shapes(y_true_shape, y_pred_shape) or _loss_kind(loss) or "categorical"
    if identifier.lower() in ("accuracy", "acc"):
        cls = {"binary": BinaryAccuracy, "sparse": SparseCategoricalAccuracy,
               "categorical": CategoricalAccuracy}[kind]
    else:
        cls = {"binary": BinaryCrossentropy, "sparse": SparseCategoricalCrossentropy,
               "categorical": CategoricalCrossentropy}[kind]
    return cls(name=identifier)
