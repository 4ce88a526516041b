"""Ordering: sort, argsort and top_k (their gradients scatter back through take_along_axis)."""
import collections

from ..framework import dtypes
from ..framework.errors import InvalidArgumentError
from ..framework.registry import execute, op
from ..framework.tensor import EagerTensor
from ..framework.tensor_shape import TensorShape
from .array_ops import _axis_in_range, convert_to_tensor
from .indexing_ops import take_along_axis, take_along_axis_grad

# --- sorting -----------------------------------------------------------------------------------

@op("ArgSort", differentiable=False, infer=lambda ts, a: [(ts[0].shape, dtypes.int32)])
def ARGSORT(xp, x, axis, descending, stable):
    if descending:  # stable on the negated values: equal values keep their order, like TF
        keys = ~x if x.dtype.kind in "ub" else -x
        return xp.argsort(keys, axis=axis, kind="stable").astype(xp.int32)
    return xp.argsort(x, axis=axis, kind="stable").astype(xp.int32)


def _direction(direction, op_name):
    direction = str(direction).upper()
    if direction not in ("ASCENDING", "DESCENDING"):
        raise ValueError(f"{op_name}: direction must be 'ASCENDING' or 'DESCENDING', got "
                         f"{direction!r}.")
    return direction == "DESCENDING"


def argsort(values, axis=-1, direction="ASCENDING", stable=False, name=None):
    """Returns the indices that sort `values` along `axis`.

    Args:
      values: A numeric `Tensor`.
      axis: The axis to sort along (default -1).
      direction: "ASCENDING" or "DESCENDING".
      stable: If true, equal elements keep their order (ndflow's sort is always stable).
      name: A name for the operation (optional).

    Returns:
      An `int32` `Tensor` of `values`' shape.

    Raises:
      ValueError: If `direction` is invalid.

    Example:

    >>> ndflow.argsort([3, 1, 2]).numpy()
    array([1, 2, 0], dtype=int32)
    """
    values = convert_to_tensor(values)
    axis = _axis_in_range("argsort", int(axis), values.shape.rank)
    return execute(ARGSORT, (values,), {"axis": axis, "descending":
                                        _direction(direction, "argsort"), "stable": True}, name)


def sort(values, axis=-1, direction="ASCENDING", name=None):
    """Sorts `values` along `axis`.

    Args:
      values: A numeric `Tensor`.
      axis: The axis to sort along (default -1).
      direction: "ASCENDING" or "DESCENDING".
      name: A name for the operation (optional).

    Returns:
      A sorted `Tensor` of `values`' shape and dtype.

    Raises:
      ValueError: If `direction` is invalid.

    Example:

    >>> ndflow.sort([3, 1, 2], direction="DESCENDING").numpy()
    array([3, 2, 1], dtype=int32)
    """
    values = convert_to_tensor(values)
    axis = _axis_in_range("sort", int(axis), values.shape.rank)
    order = argsort(values, axis=axis, direction=direction)
    return take_along_axis(values, order, axis)


# --- top_k -------------------------------------------------------------------------------------

TopKV2 = collections.namedtuple("TopKV2", ["values", "indices"])


def _top_k_infer(ts, attrs):
    x, k = ts[0], attrs["k"]
    if x.shape.rank is None:
        return [(TensorShape(None), x.dtype), (TensorShape(None), dtypes.int32)]
    if x.shape.rank == 0:
        raise InvalidArgumentError("TopKV2: input must be at least rank 1, got a scalar.")
    last = x.shape.dims[-1]
    if last is not None and last < k:
        raise InvalidArgumentError(f"TopKV2: input must have at least k={k} columns, got shape "
                                   f"{x.shape}.")
    shape = TensorShape(list(x.shape.dims[:-1]) + [k])
    return [(shape, x.dtype), (shape, dtypes.int32)]


@op("TopKV2", multi_output=True, infer=_top_k_infer)
def TOP_K(xp, x, k, sorted):  # noqa: A002 - TensorFlow's attribute name
    if x.ndim == 0 or x.shape[-1] < k:
        raise InvalidArgumentError(f"input must have at least k={k} columns, got shape "
                                   f"{x.shape}.")
    # a stable sort of the negated values keeps the lower index first among ties, like TF
    order = xp.argsort(-x if x.dtype.kind != "u" else ~x, axis=-1, kind="stable")[..., :k]
    return [xp.take_along_axis(x, order, axis=-1), order.astype(xp.int32)]


@TOP_K.gradient
def _top_k_grad(op, g_values, g_indices):
    if g_values is None:
        return [None]
    return [take_along_axis_grad(g_values, op.inputs[0], op.outputs[1], -1)]


def top_k(input, k=1, sorted=True, name=None):  # noqa: A002
    """Finds the `k` largest entries along the last axis.

    Args:
      input: A numeric `Tensor` with last dimension >= `k`.
      k: How many entries to return.
      sorted: If true (default) the entries are in descending order.
      name: A name for the operation (optional).

    Returns:
      A `(values, indices)` pair: `values` of `input`'s dtype and `indices` (`int32`), each of
      shape `input.shape[:-1] + [k]`. Ties keep the lower index first.

    Raises:
      InvalidArgumentError: If the last dimension is smaller than `k`.

    Gradient: `dy` scattered back to the selected positions of `input`.

    Example:

    >>> values, indices = ndflow.math.top_k([1, 5, 3], k=2)
    >>> values.numpy(), indices.numpy()
    (array([5, 3], dtype=int32), array([1, 2], dtype=int32))
    """
    if isinstance(k, EagerTensor):
        k = k._value.item()
    if int(k) < 0:
        raise InvalidArgumentError(f"top_k: k must be non-negative, got {k}.")
    values, indices = execute(TOP_K, (input,), {"k": int(k), "sorted": bool(sorted)}, name)
    return TopKV2(values, indices)


@op("InTopKV2", differentiable=False,
    infer=lambda ts, a: [(TensorShape(ts[0].shape.dims[:1]) if ts[0].shape.rank else
                          TensorShape([None]), dtypes.bool)])
def IN_TOP_K(xp, predictions, targets, k):
    n, classes = predictions.shape
    valid = (targets >= 0) & (targets < classes)
    rows = xp.arange(n)
    target = predictions[rows, xp.where(valid, targets, 0)]
    # ties at the k-th place count as in the top k: only strictly larger ones push out
    larger = (predictions > target[:, None]).sum(axis=1)
    return valid & xp.isfinite(target) & (larger < k)


def in_top_k(targets, predictions, k, name=None):
    """Whether each `targets[i]` is among the `k` largest `predictions[i]` (ties at the
    boundary count as inside; non-finite predictions and out-of-range targets as outside).

    Args:
      targets: int32/int64 class ids, shape [batch].
      predictions: float32 scores, shape [batch, classes].
      k: how many top classes count.
    """
    predictions = convert_to_tensor(predictions)
    targets = convert_to_tensor(targets)
    if predictions.shape.rank is not None and predictions.shape.rank != 2:
        raise ValueError(f"in_top_k: predictions must be 2-D, got shape {predictions.shape}.")
    if not targets.dtype.is_integer:
        raise TypeError(f"in_top_k: targets must be int32 or int64, got {targets.dtype.name}.")
    if isinstance(k, EagerTensor):
        k = k._value.item()
    return execute(IN_TOP_K, (predictions, targets), {"k": int(k)}, name)


def in_top_k_v1(predictions, targets, k, name=None):
    """TF1's argument order: tf.compat.v1.nn.in_top_k(predictions, targets, k)."""
    return in_top_k(targets, predictions, k, name)


from ..util.export import export_many  # noqa: E402

export_many("nn", {"in_top_k": in_top_k})
export_many("math", {"in_top_k": in_top_k})
export_many("v1.nn", {"in_top_k": in_top_k_v1})
export_many("v1.math", {"in_top_k": in_top_k_v1})
export_many("", {"sort": sort, "argsort": argsort})
export_many("math", {"top_k": top_k})
export_many("nn", {"top_k": top_k})
