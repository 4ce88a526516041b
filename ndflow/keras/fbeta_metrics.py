"""Keras's F-scores: FBetaScore and F1Score, per class or averaged (micro, macro, weighted)."""
from ..ops import array_ops as A
from ..ops import math_ops as M
from .metrics import _EPSILON, Metric, _as_float

_AVERAGES = (None, "micro", "macro", "weighted")


class FBetaScore(Metric):
    """The F-beta score: `(1 + beta^2) * precision * recall / (beta^2 * precision + recall)`.

    Labels are one-hot (or multi-hot) `[batch, classes]`; a score counts as a positive
    prediction when it exceeds `threshold`, or, with no threshold, when it is its row's
    largest (non-zero) score. Counts accumulate over batches.

    Args:
      average: None (one score per class), "micro" (from the counts summed over classes),
        "macro" (the mean of the per-class scores) or "weighted" (their mean weighted by
        each class's number of true labels).
      beta: The weight of recall relative to precision (a positive float).
      threshold: A float in (0, 1], or None for the row's argmax.
      name: The metric's name.
      dtype: The dtype of the result.

    Raises:
      ValueError: For an unknown `average`, a `beta` <= 0 or a `threshold` outside (0, 1].
    """
    def __init__(self, average=None, beta=1.0, threshold=None, name="fbeta_score", dtype=None):
        super().__init__(name, dtype)
        if average not in _AVERAGES:
            raise ValueError(f"Invalid `average` argument value. Expected one of: "
                             f"{_AVERAGES}. Received: average={average}")
        if not isinstance(beta, (int, float)) or beta <= 0.0:
            raise ValueError(f"`beta` should be a positive float. Received: beta={beta}")
        if threshold is not None and not (isinstance(threshold, float) and 0 < threshold <= 1):
            raise ValueError(f"`threshold` should be a float in the range (0, 1]. Received: "
                             f"threshold={threshold}")
        self.average, self.beta, self.threshold = average, float(beta), threshold
        self._axis = None if average == "micro" else 0
        self._built = False

    def _build(self, classes):
        shape = () if self.average == "micro" else (classes,)
        for name in ("true_positives", "false_positives", "false_negatives",
                     "intermediate_weights"):
            setattr(self, name, self.add_variable(shape, name=name))
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred = _as_float(y_true, self.dtype), _as_float(y_pred, self.dtype)
        if y_pred.shape.rank != 2 or y_pred.shape[-1] is None:
            raise ValueError(f"FBetaScore expects 2D inputs with shape (batch_size, "
                             f"output_dim), with a known output_dim. Received: y_pred.shape="
                             f"{y_pred.shape}")
        if not self._built:
            self._build(y_pred.shape[-1])
        if self.threshold is None:  # the row's largest score; an all-zero row predicts none
            top = M.reduce_max(y_pred, axis=-1, keepdims=True)
            predicted = M.logical_and(M.greater_equal(y_pred, top),
                                      M.greater(M.abs(y_pred), 1e-9))
        else:
            predicted = M.greater(y_pred, self.threshold)
        y_pred = M.cast(predicted, self.dtype)
        weights = None if sample_weight is None else A.expand_dims(
            _as_float(sample_weight, self.dtype), 1)

        def total(values):
            return M.reduce_sum(values if weights is None else values * weights,
                                axis=self._axis)

        self.true_positives.assign_add(total(y_pred * y_true))
        self.false_positives.assign_add(total(y_pred * (1.0 - y_true)))
        self.false_negatives.assign_add(total((1.0 - y_pred) * y_true))
        self.intermediate_weights.assign_add(total(y_true))

    def result(self):
        tp = self.true_positives.read_value()
        precision = tp / (tp + self.false_positives.read_value() + _EPSILON)
        recall = tp / (tp + self.false_negatives.read_value() + _EPSILON)
        beta2 = self.beta ** 2
        score = precision * recall / (beta2 * precision + recall + _EPSILON) * (1.0 + beta2)
        if self.average == "weighted":
            weights = self.intermediate_weights.read_value()
            return M.reduce_sum(score * (weights / (M.reduce_sum(weights) + _EPSILON)))
        if self.average is not None:
            return M.reduce_mean(score)
        return score

    def reset_state(self):
        if self._built:
            super().reset_state()

    def get_config(self):
        return {**super().get_config(), "average": self.average, "beta": self.beta,
                "threshold": self.threshold}


class F1Score(FBetaScore):
    """The F1 score, the harmonic mean of precision and recall (`FBetaScore` with beta 1).

    Args:
      average: None, "micro", "macro" or "weighted" (see `FBetaScore`).
      threshold: A float in (0, 1], or None for each row's argmax.
      name: The metric's name.
      dtype: The dtype of the result.
    """
    def __init__(self, average=None, threshold=None, name="f1_score", dtype=None):
        super().__init__(average, 1.0, threshold, name, dtype)

    def get_config(self):
        config = super().get_config()
        del config["beta"]
        return config
