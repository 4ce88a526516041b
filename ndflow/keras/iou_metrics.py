"""Keras's intersection-over-union metrics: IoU, MeanIoU, BinaryIoU, OneHotIoU, OneHotMeanIoU.

Each accumulates a confusion matrix over batches (rows: true classes, columns: predicted)
and reports, for each target class, `tp / (tp + fp + fn)`, averaged over the target
classes that appeared (Keras 3's formula, with its small epsilons).
"""
from ..framework import dtypes
from ..ops import array_ops as A
from ..ops import indexing_ops as I
from ..ops import math_ops as M
from ..ops.histogram_ops import confusion_matrix
from ..ops.linalg_matrix_ops import diag_part
from .metrics import _EPSILON, Metric


class IoU(Metric):
    """Intersection over union of the `target_class_ids` classes, averaged.

    Args:
      num_classes: The number of classes.
      target_class_ids: The class ids whose IoU is averaged.
      name: The metric's name.
      dtype: The dtype of the confusion matrix (default int64, as Keras 3: float sample
        weights are then truncated; pass a float dtype to weigh samples). The result is
        float32 (or this dtype when it is a float).
      ignore_class: A class id whose true labels are left out (e.g. a void class).
      sparse_y_true: Whether labels are class ids (else one-hot / scores: argmax taken).
      sparse_y_pred: Whether predictions are class ids (else scores: argmax taken).
      axis: The class axis of non-sparse inputs.
    """
    def __init__(self, num_classes, target_class_ids, name=None, dtype=None, ignore_class=None,
                 sparse_y_true=True, sparse_y_pred=True, axis=-1):
        super().__init__(name, dtype or dtypes.int64)
        self.num_classes = int(num_classes)
        self.target_class_ids = [int(c) for c in target_class_ids]
        if any(not 0 <= c < self.num_classes for c in self.target_class_ids):
            raise ValueError(f"Target class id out of range: {self.target_class_ids} for "
                             f"num_classes={self.num_classes}.")
        self.ignore_class, self.axis = ignore_class, axis
        self.sparse_y_true, self.sparse_y_pred = sparse_y_true, sparse_y_pred
        self.total_cm = self.add_variable((self.num_classes, self.num_classes), name="total_cm")

    def _predicted_ids(self, y_pred):
        return y_pred if self.sparse_y_pred else M.argmax(y_pred, axis=self.axis)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred = A.convert_to_tensor(y_true), A.convert_to_tensor(y_pred)
        if not self.sparse_y_true:
            y_true = M.argmax(y_true, axis=self.axis)
        y_pred = self._predicted_ids(y_pred)
        y_true = A.reshape(M.cast(y_true, dtypes.int64), [-1])
        y_pred = A.reshape(M.cast(y_pred, dtypes.int64), [-1])
        weights = None if sample_weight is None else A.reshape(
            M.cast(A.convert_to_tensor(sample_weight), self.dtype), [-1])
        if self.ignore_class is not None:
            keep = M.not_equal(y_true, self.ignore_class)
            y_true, y_pred = I.boolean_mask(y_true, keep), I.boolean_mask(y_pred, keep)
            weights = None if weights is None else I.boolean_mask(weights, keep)
        self.total_cm.assign_add(confusion_matrix(y_true, y_pred, self.num_classes, weights,
                                                  dtype=self.dtype))

    def result(self):
        cm = self.total_cm.read_value()
        if not self.dtype.is_floating:
            cm = M.cast(cm, dtypes.float32)
        predicted, actual = M.reduce_sum(cm, axis=0), M.reduce_sum(cm, axis=1)
        true_positives = diag_part(cm)
        denominator = predicted + actual - true_positives
        ids = self.target_class_ids
        true_positives, denominator = I.gather(true_positives, ids), I.gather(denominator, ids)
        valid = M.reduce_sum(M.cast(M.greater(denominator, 1e-9), cm.dtype))
        iou = true_positives / (denominator + _EPSILON)
        return M.reduce_sum(iou) / (valid + _EPSILON)

    def get_config(self):
        return {**super().get_config(), "num_classes": self.num_classes,
                "target_class_ids": self.target_class_ids, "ignore_class": self.ignore_class,
                "sparse_y_true": self.sparse_y_true, "sparse_y_pred": self.sparse_y_pred,
                "axis": self.axis}


class MeanIoU(IoU):
    """Intersection over union averaged over all `num_classes` classes (that appeared), the
    usual semantic-segmentation score.

    Args:
      num_classes: The number of classes.
      name, dtype, ignore_class, sparse_y_true, sparse_y_pred, axis: As `IoU`.

    Example:

    >>> from ndflow import keras
    >>> m = keras.metrics.MeanIoU(num_classes=2)
    >>> float(m([0, 0, 1, 1], [0, 1, 0, 1]))
    0.3333333432674408
    """
    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None,
                 sparse_y_true=True, sparse_y_pred=True, axis=-1):
        super().__init__(num_classes, range(int(num_classes)), name, dtype, ignore_class,
                         sparse_y_true, sparse_y_pred, axis)

    def get_config(self):
        config = super().get_config()
        del config["target_class_ids"]
        return config


class BinaryIoU(IoU):
    """IoU of binary predictions: a score above `threshold` predicts class 1.

    Args:
      target_class_ids: Which of the classes 0 and 1 to average (default both).
      threshold: The decision threshold on the scores (default 0.5).
      name, dtype: As `Metric`.
    """
    def __init__(self, target_class_ids=(0, 1), threshold=0.5, name=None, dtype=None):
        super().__init__(2, target_class_ids, name, dtype)
        self.threshold = float(threshold)

    def _predicted_ids(self, y_pred):
        return M.cast(M.greater(M.cast(y_pred, dtypes.float32), self.threshold), dtypes.int64)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype.name,
                "target_class_ids": self.target_class_ids, "threshold": self.threshold}


class OneHotIoU(IoU):
    """IoU for one-hot labels and per-class scores (argmax taken of both).

    Args:
      num_classes, target_class_ids, name, dtype, ignore_class, sparse_y_pred, axis: As
        `IoU` (labels are one-hot).
    """
    def __init__(self, num_classes, target_class_ids, name=None, dtype=None, ignore_class=None,
                 sparse_y_pred=False, axis=-1):
        super().__init__(num_classes, target_class_ids, name, dtype, ignore_class,
                         sparse_y_true=False, sparse_y_pred=sparse_y_pred, axis=axis)


class OneHotMeanIoU(MeanIoU):
    """MeanIoU for one-hot labels and per-class scores (argmax taken of both).

    Args:
      num_classes, name, dtype, ignore_class, sparse_y_pred, axis: As `MeanIoU` (labels are
        one-hot).
    """
    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None,
                 sparse_y_pred=False, axis=-1):
        super().__init__(num_classes, name, dtype, ignore_class, sparse_y_true=False,
                         sparse_y_pred=sparse_y_pred, axis=axis)
