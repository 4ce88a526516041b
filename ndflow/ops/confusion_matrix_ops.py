"""tf.math.confusion_matrix: counts (or summed weights) of each (label, prediction) pair."""
from ..framework import dtypes
from ..framework.errors import InvalidArgumentError
from .array_ops import cast, convert_to_tensor, ones_like, reshape
from .join_ops import stack
from .math_ops import maximum, reduce_max
from .scatter_ops import scatter_nd


def _check_range(values, what, num_classes):
    """TensorFlow's asserts, eagerly (a graph skips them: values are unknown there)."""
    if hasattr(values, "numpy") and hasattr(num_classes, "numpy"):
        v, n = values.numpy(), int(num_classes.numpy())
        if v.size and (v.min() < 0 or v.max() >= n):
            raise InvalidArgumentError(f"confusion_matrix: `{what}` must be in [0, {n}). "
                                       f"Received: values from {v.min()} to {v.max()}")


def confusion_matrix(labels, predictions, num_classes=None, weights=None, dtype=dtypes.int32,
                     name=None):
    """The `[num_classes, num_classes]` confusion matrix: entry `[i, j]` counts the examples
    with label `i` predicted as `j` (or sums their `weights`).

    Args:
      labels: A 1-D integer `Tensor` of true class ids.
      predictions: A 1-D integer `Tensor` of predicted class ids, as long as `labels`.
      num_classes: The number of classes (default: one more than the largest id seen).
      weights: Optional 1-D `Tensor` of per-example weights.
      dtype: The result's dtype.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of `dtype` and shape `[num_classes, num_classes]` (rows: labels, columns:
      predictions).

    Raises:
      InvalidArgumentError: If an id is negative or not below `num_classes`.
    """
    dtype = dtypes.as_dtype(dtype)
    labels = reshape(cast(convert_to_tensor(labels), dtypes.int64), [-1])
    predictions = reshape(cast(convert_to_tensor(predictions), dtypes.int64), [-1])
    if num_classes is None:
        num_classes = maximum(reduce_max(labels), reduce_max(predictions)) + 1
    num_classes = cast(convert_to_tensor(num_classes), dtypes.int64)
    for values, what in ((labels, "labels"), (predictions, "predictions")):
        _check_range(values, what, num_classes)
    if weights is None:
        weights = ones_like(predictions, dtype=dtype)
    else:
        weights = cast(reshape(convert_to_tensor(weights), [-1]), dtype)
    return scatter_nd(stack([labels, predictions], axis=1), weights,
                      stack([num_classes, num_classes]), name=name)


from ..util.export import export_many  # noqa: E402

export_many("math", {"confusion_matrix": confusion_matrix})
