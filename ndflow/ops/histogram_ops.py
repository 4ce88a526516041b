"""Counting and bucketing: tf.histogram_fixed_width (and its `_bins`), tf.searchsorted and
tf.math.confusion_matrix. None is differentiable."""
from ..framework import dtypes
from ..framework.errors import InvalidArgumentError
from ..framework.registry import execute, op
from ..framework.tensor_shape import TensorShape
from .array_ops import cast, convert_to_tensor


def _check_range(lo, hi, what):
    if not lo < hi:
        raise InvalidArgumentError(f"{what}: value_range must be [low, high] with low < high, "
                                   f"got [{lo}, {hi}].")


@op("HistogramFixedWidth", differentiable=False,
    infer=lambda ts, a: [(TensorShape([a["nbins"]]), a["dtype"])])
def HISTOGRAM_FIXED_WIDTH(xp, values, value_range, nbins, dtype):
    lo, hi = (float(v) for v in value_range.reshape(-1)[:2])
    _check_range(lo, hi, "histogram_fixed_width")
    step = (hi - lo) / nbins  # in double precision, whatever the values' dtype
    bins = xp.clip(xp.floor((values.reshape(-1).astype(xp.float64) - lo) / step), 0, nbins - 1)
    return xp.bincount(bins.astype(xp.int64), minlength=nbins).astype(dtype._np)


def histogram_fixed_width(values, value_range, nbins=100, dtype=dtypes.int32, name=None):
    """Counts `values` in `nbins` equal-width bins spanning `value_range`; values below the
    range count in the first bin, values above it in the last.

    Args:
      values: A numeric `Tensor` (any shape).
      value_range: `[low, high]` of the values' dtype, low < high.
      nbins: The number of bins (a positive int).
      dtype: The dtype of the counts (int32 or int64).
      name: A name for the operation (optional).

    Returns:
      A 1-D `Tensor` `[nbins]` of counts.
    """
    if int(nbins) < 1:
        raise ValueError(f"histogram_fixed_width: nbins must be positive, got {nbins}.")
    values = convert_to_tensor(values)
    value_range = convert_to_tensor(value_range, dtype=values.dtype)
    return execute(HISTOGRAM_FIXED_WIDTH, (values, value_range),
                   {"nbins": int(nbins), "dtype": dtypes.as_dtype(dtype)}, name)


@op("HistogramFixedWidthBins", differentiable=False,
    infer=lambda ts, a: [(ts[0].shape, a["dtype"])])
def HISTOGRAM_FIXED_WIDTH_BINS(xp, values, value_range, nbins, dtype):
    lo, hi = value_range.reshape(-1)[0], value_range.reshape(-1)[1]
    _check_range(float(lo), float(hi), "histogram_fixed_width_bins")
    scaled = (values - lo) / (hi - lo)  # in the values' dtype, as TensorFlow
    index = xp.clip(xp.floor(values.dtype.type(nbins) * scaled), 0, nbins - 1)
    return index.astype(dtype._np)


def histogram_fixed_width_bins(values, value_range, nbins=100, dtype=dtypes.int32, name=None):
    """The bin index of each value for `histogram_fixed_width`'s bins (clipped to
    `[0, nbins - 1]`).

    Args:
      values: A numeric `Tensor`.
      value_range: `[low, high]`, low < high.
      nbins: The number of bins.
      dtype: The dtype of the indices.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of `values`' shape.
    """
    values = convert_to_tensor(values)
    if not values.dtype.is_floating:
        values = cast(values, dtypes.float32)
    value_range = convert_to_tensor(value_range, dtype=values.dtype)
    return execute(HISTOGRAM_FIXED_WIDTH_BINS, (values, value_range),
                   {"nbins": int(nbins), "dtype": dtypes.as_dtype(dtype)}, name)


@op("SearchSorted", differentiable=False, infer=lambda ts, a: [(ts[1].shape, a["out_type"])])
def SEARCH_SORTED(xp, sorted_sequence, values, side, out_type):
    if sorted_sequence.shape[:-1] != values.shape[:-1]:
        raise InvalidArgumentError(
            f"searchsorted: sorted_sequence {sorted_sequence.shape} and values "
            f"{values.shape} must have the same leading dimensions.")
    rows = sorted_sequence.reshape(-1, sorted_sequence.shape[-1])
    queries = values.reshape(-1, values.shape[-1]) if values.ndim else values.reshape(1, 1)
    out = xp.stack([xp.searchsorted(r, q, side=side) for r, q in zip(rows, queries)]) \
        if len(rows) else xp.zeros(queries.shape, xp.int64)
    return out.reshape(values.shape).astype(out_type._np)


def searchsorted(sorted_sequence, values, side="left", out_type=dtypes.int32, name=None):
    """For each value, the index in the innermost dimension of `sorted_sequence` where it
    would be inserted to keep the order (the first such index with `side="left"`, the last
    with `"right"`).

    Args:
      sorted_sequence: A `Tensor` `[..., N]` sorted along its last dimension.
      values: A `Tensor` `[..., K]` with the same leading dimensions.
      side: "left" or "right".
      out_type: int32 (default) or int64.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of `values`' shape.
    """
    if side not in ("left", "right"):
        raise ValueError(f"searchsorted: side must be 'left' or 'right', got {side!r}.")
    sorted_sequence = convert_to_tensor(sorted_sequence)
    values = convert_to_tensor(values, dtype=sorted_sequence.dtype)
    return execute(SEARCH_SORTED, (sorted_sequence, values),
                   {"side": side, "out_type": dtypes.as_dtype(out_type)}, name)


@op("ConfusionMatrix", differentiable=False,
    infer=lambda ts, a: [(TensorShape([None, None]), a["dtype"])])
def CONFUSION_MATRIX(xp, labels, predictions, *rest, num_classes, dtype):
    labels, predictions = labels.reshape(-1), predictions.reshape(-1)
    if labels.shape != predictions.shape:
        raise InvalidArgumentError(f"confusion_matrix: labels ({labels.size}) and predictions "
                                   f"({predictions.size}) must have the same size.")
    for what, v in (("labels", labels), ("predictions", predictions)):
        if v.size and v.min() < 0:
            raise InvalidArgumentError(f"confusion_matrix: `{what}` contains negative values.")
    n = num_classes if num_classes is not None else int(max(
        labels.max(initial=-1), predictions.max(initial=-1)) + 1)
    for what, v in (("labels", labels), ("predictions", predictions)):
        if v.size and v.max() >= n:
            raise InvalidArgumentError(f"confusion_matrix: `{what}` out of bound: "
                                       f"{int(v.max())} >= num_classes {n}.")
    weights = rest[0].reshape(-1).astype(dtype._np) if rest else None
    out = xp.zeros((n, n), dtype._np)
    xp.add.at(out, (labels.astype(xp.int64), predictions.astype(xp.int64)),
              weights if weights is not None else dtype._np.type(1))
    return out


def confusion_matrix(labels, predictions, num_classes=None, weights=None, dtype=dtypes.int32,
                     name=None):
    """The confusion matrix: entry `[i, j]` counts (or sums the weights of) the examples
    whose label is `i` and whose prediction is `j`.

    Args:
      labels: A 1-D `Tensor` of class ids (non-negative ints).
      predictions: A 1-D `Tensor` of predicted class ids, as many as `labels`.
      num_classes: The number of classes; default one more than the largest id seen.
      weights: Optional 1-D `Tensor` of per-example weights.
      dtype: The result's dtype (default int32).
      name: A name for the operation (optional).

    Returns:
      A `Tensor` `[num_classes, num_classes]`.

    Raises:
      InvalidArgumentError: A negative id, an id >= num_classes, or mismatched sizes.
    """
    labels = cast(convert_to_tensor(labels), dtypes.int64)
    predictions = cast(convert_to_tensor(predictions), dtypes.int64)
    inputs = (labels, predictions) if weights is None else (labels, predictions,
                                                            convert_to_tensor(weights))
    return execute(CONFUSION_MATRIX, inputs,
                   {"num_classes": None if num_classes is None else int(num_classes),
                    "dtype": dtypes.as_dtype(dtype)}, name)


from ..util.export import export_many  # noqa: E402

export_many("", {"histogram_fixed_width": histogram_fixed_width,
                 "histogram_fixed_width_bins": histogram_fixed_width_bins,
                 "searchsorted": searchsorted})
export_many("math", {"confusion_matrix": confusion_matrix})
export_many("v1", {"histogram_fixed_width": histogram_fixed_width,
                   "histogram_fixed_width_bins": histogram_fixed_width_bins,
                   "searchsorted": searchsorted, "confusion_matrix": confusion_matrix})
export_many("v1.math", {"confusion_matrix": confusion_matrix})
