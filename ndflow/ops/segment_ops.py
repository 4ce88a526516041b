"""Segment reductions: tf.math.segment_* (sorted ids), unsorted_segment_* and
tf.sparse.segment_* (rows picked by `indices` first).

Four primitives per id kind (sum, max, min, prod; sorted and unsorted); means and sqrt_n are
sums divided by the segment sizes. Gradients follow TensorFlow: a gather of the output
gradient (sum), shared among the extreme elements (max/min), the product of the others
(prod).
"""
import numpy as np

from ..framework import dtypes
from ..framework.constant_op import convert_to_tensor
from ..framework.errors import InvalidArgumentError
from ..framework.registry import CONST, execute, op
from ..framework.tensor import EagerTensor, TensorLike
from ..framework.tensor_shape import TensorShape
from . import array_ops, math_ops
from .indexing_ops import gather

_KINDS = ("sum", "max", "min", "prod")


def _check_ids(xp, name, ids, num, sorted_ids):
    """Raises InvalidArgumentError for ids out of [0, num) (negatives: unsorted ids drop
    them, as TensorFlow does) or, for sorted ops, ids that decrease."""
    if not ids.size:
        return
    flat = ids.reshape(-1)
    if sorted_ids:
        if int(flat.min()) < 0:
            bad = int(xp.argmax(flat < 0))
            raise InvalidArgumentError(f"{name}: segment ids must be >= 0; segment_ids[{bad}] = "
                                       f"{int(flat[bad])}.")
        drops = xp.diff(flat) < 0
        if bool(drops.any()):
            i = int(xp.argmax(drops)) + 1
            raise InvalidArgumentError(
                f"{name}: segment ids are not increasing: segment_ids[{i - 1}] = "
                f"{int(flat[i - 1])} > segment_ids[{i}] = {int(flat[i])}.")
    if num is not None and int(flat.max()) >= num:
        bad = int(xp.argmax(flat >= num))
        raise InvalidArgumentError(f"{name}: segment_ids[{bad}] = {int(flat[bad])} is "
                                   f"out of range [0, {num}) (num_segments = {num}).")


def _identity(kind, dtype, sorted_ids):
    """The value of an empty segment: 0 for sums and for sorted max/min (TensorFlow's
    segment_max), the lowest/highest value for unsorted max/min, 1 for products."""
    if kind == "sum" or (sorted_ids and kind in ("max", "min")):
        return 0
    if kind == "prod":
        return 1
    info = np.finfo(dtype) if dtype.kind == "f" else np.iinfo(dtype)
    return info.min if kind == "max" else info.max


def _segment_kernel(kind, sorted_ids, name):
    def kernel(xp, data, segment_ids, num_segments):
        ids = segment_ids
        num = int(num_segments)
        if num < 0:  # sorted ops without num_segments: the last id + 1
            num = int(ids.max()) + 1 if ids.size else 0
        if ids.shape != data.shape[:ids.ndim]:
            raise InvalidArgumentError(f"{name}: segment_ids of shape {ids.shape} must be a "
                                       f"prefix of the data's shape {data.shape}.")
        _check_ids(xp, name, ids, num, sorted_ids)
        out = xp.full((num,) + data.shape[ids.ndim:], _identity(kind, data.dtype, sorted_ids),
                      dtype=data.dtype)
        keep = ids >= 0
        if not keep.all():
            data, segment_ids = data[keep], segment_ids[keep]
        if kind == "sum":
            if data.ndim == 1 and data.dtype.kind == "f":  # bincount: one pass, no add.at
                return xp.bincount(segment_ids.reshape(-1), weights=data.reshape(-1),
                                   minlength=num).astype(data.dtype)
            xp.add.at(out, segment_ids, data)
        elif kind == "prod":
            xp.multiply.at(out, segment_ids, data)
        elif sorted_ids:  # empty segments stay 0; filled ones start from their first value
            seen = xp.zeros(num, dtype=bool)
            seen[segment_ids] = True
            out[seen] = _identity(kind, data.dtype, False)
            (xp.maximum if kind == "max" else xp.minimum).at(out, segment_ids, data)
        else:
            (xp.maximum if kind == "max" else xp.minimum).at(out, segment_ids, data)
        return out
    return kernel


def _segment_infer(ts, attrs):
    data, ids, num = ts
    dims = None
    if num.op.op_def is CONST and int(num.op.attrs["value"]) >= 0:
        dims = int(num.op.attrs["value"])
    if data.shape.rank is None or ids.shape.rank is None:
        return [(TensorShape(None), data.dtype)]
    return [(TensorShape([dims] + list(data.shape.dims[ids.shape.rank:])), data.dtype)]


OPS = {}
for _kind in _KINDS:
    for _sorted in (True, False):
        _name = ("Segment" if _sorted else "UnsortedSegment") + _kind.capitalize()
        OPS[_kind, _sorted] = op(_name, grad_inputs=(0,), infer=_segment_infer)(
            _segment_kernel(_kind, _sorted, _name))


def _gather_drop_negatives(params, ids):
    """gather(params, ids) with rows of negative ids zero (unsorted ops drop them)."""
    clipped = math_ops.maximum(ids, array_ops.zeros_like(ids))
    rows = gather(params, clipped)
    keep = math_ops.greater_equal(ids, array_ops.zeros_like(ids))
    return array_ops.where(_trailing_ones(keep, rows, ids.shape.rank), rows,
                           array_ops.zeros_like(rows)), keep


def _trailing_ones(x, like, rank):
    """`x` (of `like`'s first `rank` dimensions) with size-1 dimensions for the rest of
    `like`'s, so it broadcasts against `like` (whose rank may be known only at run time)."""
    if like.shape.rank is not None:
        for _ in range(like.shape.rank - rank):
            x = array_ops.expand_dims(x, -1)
        return x
    from .join_ops import concat
    start = array_ops.rank(x) if rank is None else rank
    trailing = array_ops.ones_like(array_ops.shape(like)[start:])
    return array_ops.reshape(x, concat([array_ops.shape(x), trailing], 0))


def _num_of(op_):
    """The segment count an op ran with (its output's first dimension)."""
    return array_ops.shape(op_.outputs[0], out_type=op_.inputs[1].dtype)[0]


def _grad_sum(op_, g):
    return [_gather_drop_negatives(g, op_.inputs[1])[0], None, None]


def _grad_min_max(op_, g):
    data, ids = op_.inputs[0], op_.inputs[1]
    out, _ = _gather_drop_negatives(op_.outputs[0], ids)
    selected = math_ops.equal(data, out)
    unsorted = OPS["sum", False]
    count = execute(unsorted, (array_ops.cast(selected, g.dtype), ids, _num_of(op_)), {})
    share, keep = _gather_drop_negatives(math_ops.divide(g, math_ops.maximum(
        count, array_ops.ones_like(count))), ids)
    keep = _trailing_ones(keep, share, ids.shape.rank)
    return [array_ops.where(math_ops.logical_and(selected, keep), share,
                            array_ops.zeros_like(share)), None, None]


def _grad_prod(op_, g):
    data, ids = op_.inputs[0], op_.inputs[1]
    num = _num_of(op_)
    is_zero = math_ops.equal(data, array_ops.zeros_like(data))
    zeros = execute(OPS["sum", False], (array_ops.cast(is_zero, dtypes.int32), ids, num), {})
    g = array_ops.where(math_ops.greater(zeros, array_ops.ones_like(zeros)),
                        array_ops.zeros_like(g), g)
    nonzero = array_ops.where(is_zero, array_ops.ones_like(data), data)
    nonzero_prod = execute(OPS["prod", False], (nonzero, ids, num), {})
    prod, _ = _gather_drop_negatives(op_.outputs[0], ids)
    others = array_ops.where(is_zero, _gather_drop_negatives(nonzero_prod, ids)[0],
                             math_ops.divide(prod, nonzero))
    return [math_ops.multiply(_gather_drop_negatives(g, ids)[0], others), None, None]


for (_kind, _sorted), _op in OPS.items():
    _op.gradient({"sum": _grad_sum, "max": _grad_min_max, "min": _grad_min_max,
                  "prod": _grad_prod}[_kind])


# --- public functions --------------------------------------------------------------------------

def _ids_tensor(segment_ids, what="segment_ids"):
    ids = segment_ids if isinstance(segment_ids, TensorLike) else \
        convert_to_tensor(segment_ids)
    if not ids.dtype.is_integer:
        raise TypeError(f"{what} must be int32 or int64; got {ids.dtype.name}.")
    return ids


def _num_tensor(num_segments, ids):
    if isinstance(num_segments, TensorLike):
        return array_ops.cast(num_segments, ids.dtype) if num_segments.dtype != ids.dtype \
            else num_segments
    n = int(num_segments)
    if n < 0:
        raise InvalidArgumentError(f"num_segments must be >= 0; got {n}.")
    return convert_to_tensor(np.asarray(n, ids.dtype._np))


def _reduce(kind, sorted_ids, data, segment_ids, num_segments, name):
    data = convert_to_tensor(data)
    ids = _ids_tensor(segment_ids)
    if sorted_ids and ids.shape.rank not in (None, 1):
        raise InvalidArgumentError(f"segment_{kind}: segment_ids must be a vector; got shape "
                                   f"{ids.shape}.")
    num = convert_to_tensor(np.asarray(-1, ids.dtype._np)) if num_segments is None else \
        _num_tensor(num_segments, ids)  # -1: the kernel counts the last id + 1
    return execute(OPS[kind, sorted_ids], (data, ids, num), {}, name)


def _counts(data, ids, out, dtype):
    """Segment sizes shaped to divide `out` (the sum of `data` per segment)."""
    ones = array_ops.ones_like(ids, dtype=dtype)
    num = array_ops.shape(out, out_type=ids.dtype)[0]
    count = execute(OPS["sum", False], (ones, ids, num), {})
    count = math_ops.maximum(count, array_ops.ones_like(count))
    return _trailing_ones(count, out, 1)


def _mean(sorted_ids, data, segment_ids, num_segments, name, sqrt=False):
    data = convert_to_tensor(data)
    if not data.dtype.is_floating:
        raise TypeError(f"segment mean/sqrt_n needs floating data; got {data.dtype.name}.")
    ids = _ids_tensor(segment_ids)
    total = _reduce("sum", sorted_ids, data, ids, num_segments, None)
    count = _counts(data, ids, total, data.dtype)
    return math_ops.divide(total, math_ops.sqrt(count) if sqrt else count, name=name)


def segment_sum(data, segment_ids, name=None):
    """tf.math.segment_sum: sums of the rows of `data` with equal (sorted) segment ids.

    Args:
      data: a tensor.
      segment_ids: int32/int64 vector of data.shape[0] sorted, non-negative ids.
    Returns:
      A tensor of shape [segment_ids[-1] + 1] + data.shape[1:].
    Raises:
      InvalidArgumentError: ids unsorted or negative.
    """
    return _reduce("sum", True, data, segment_ids, None, name)


def segment_max(data, segment_ids, name=None):
    """Computes the maximum of the entries of `data` that share a segment id.

    Empty segments hold 0. Output row `i` gathers the entries whose id is `i`.

    Args:
      data: A numeric `Tensor`.
      segment_ids: A 1-D `int32`/`int64` tensor, one id per row of `data`, sorted and non-negative.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of `data`'s dtype and shape `[segment_ids[-1] + 1] + data.shape[1:]`.

    Raises:
      InvalidArgumentError: For ids that are unsorted or negative, or `segment_ids` not matching
        `data`'s shape.
    """
    return _reduce("max", True, data, segment_ids, None, name)


def segment_min(data, segment_ids, name=None):
    """Computes the minimum of the entries of `data` that share a segment id.

    Empty segments hold 0. Output row `i` gathers the entries whose id is `i`.

    Args:
      data: A numeric `Tensor`.
      segment_ids: A 1-D `int32`/`int64` tensor, one id per row of `data`, sorted and non-negative.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of `data`'s dtype and shape `[segment_ids[-1] + 1] + data.shape[1:]`.

    Raises:
      InvalidArgumentError: For ids that are unsorted or negative, or `segment_ids` not matching
        `data`'s shape.
    """
    return _reduce("min", True, data, segment_ids, None, name)


def segment_prod(data, segment_ids, name=None):
    """Computes the product of the entries of `data` that share a segment id.

    Empty segments hold 1. Output row `i` gathers the entries whose id is `i`.

    Args:
      data: A numeric `Tensor`.
      segment_ids: A 1-D `int32`/`int64` tensor, one id per row of `data`, sorted and non-negative.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of `data`'s dtype and shape `[segment_ids[-1] + 1] + data.shape[1:]`.

    Raises:
      InvalidArgumentError: For ids that are unsorted or negative, or `segment_ids` not matching
        `data`'s shape.
    """
    return _reduce("prod", True, data, segment_ids, None, name)


def segment_mean(data, segment_ids, name=None):
    """Computes the mean of the entries of `data` that share a segment id.

    Empty segments hold 0. Output row `i` gathers the entries whose id is `i`.

    Args:
      data: A numeric `Tensor`.
      segment_ids: A 1-D `int32`/`int64` tensor, one id per row of `data`, sorted and non-negative.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of `data`'s dtype and shape `[segment_ids[-1] + 1] + data.shape[1:]`.

    Raises:
      InvalidArgumentError: For ids that are unsorted or negative, or `segment_ids` not matching
        `data`'s shape.
    """
    return _mean(True, data, segment_ids, None, name)


def unsorted_segment_sum(data, segment_ids, num_segments, name=None):
    """tf.math.unsorted_segment_sum: sums of the parts of `data` with equal ids, in any
    order; negative ids are dropped.

    Args:
      data: a tensor.
      segment_ids: int tensor whose shape is a prefix of data's shape.
      num_segments: the number of segments (ids must be < num_segments).
    Returns:
      A tensor of shape [num_segments] + data.shape[segment_ids.rank:].
    Raises:
      InvalidArgumentError: an id >= num_segments.
    """
    return _reduce("sum", False, data, segment_ids, num_segments, name)


def unsorted_segment_max(data, segment_ids, num_segments, name=None):
    """Computes the maximum of the entries of `data` that share a segment id.

    Empty segments hold the lowest value of the dtype, as in TensorFlow. Output row `i` gathers the
    entries whose id is `i` (ids in any order).

    Args:
      data: A numeric `Tensor`.
      segment_ids: An integer tensor whose shape is a prefix of `data`'s shape; negative ids drop
        their entries.
      num_segments: The number of segments (every id must be smaller).
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of `data`'s dtype and shape `[num_segments] + data.shape[segment_ids.rank:]`.

    Raises:
      InvalidArgumentError: For an id >= `num_segments`, or `segment_ids` not matching `data`'s
        shape.
    """
    return _reduce("max", False, data, segment_ids, num_segments, name)


def unsorted_segment_min(data, segment_ids, num_segments, name=None):
    """Computes the minimum of the entries of `data` that share a segment id.

    Empty segments hold the highest value of the dtype, as in TensorFlow. Output row `i` gathers the
    entries whose id is `i` (ids in any order).

    Args:
      data: A numeric `Tensor`.
      segment_ids: An integer tensor whose shape is a prefix of `data`'s shape; negative ids drop
        their entries.
      num_segments: The number of segments (every id must be smaller).
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of `data`'s dtype and shape `[num_segments] + data.shape[segment_ids.rank:]`.

    Raises:
      InvalidArgumentError: For an id >= `num_segments`, or `segment_ids` not matching `data`'s
        shape.
    """
    return _reduce("min", False, data, segment_ids, num_segments, name)


def unsorted_segment_prod(data, segment_ids, num_segments, name=None):
    """Computes the product of the entries of `data` that share a segment id.

    Empty segments hold 1. Output row `i` gathers the entries whose id is `i` (ids in any order).

    Args:
      data: A numeric `Tensor`.
      segment_ids: An integer tensor whose shape is a prefix of `data`'s shape; negative ids drop
        their entries.
      num_segments: The number of segments (every id must be smaller).
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of `data`'s dtype and shape `[num_segments] + data.shape[segment_ids.rank:]`.

    Raises:
      InvalidArgumentError: For an id >= `num_segments`, or `segment_ids` not matching `data`'s
        shape.
    """
    return _reduce("prod", False, data, segment_ids, num_segments, name)


def unsorted_segment_mean(data, segment_ids, num_segments, name=None):
    """Computes the mean of the entries of `data` that share a segment id.

    Empty segments hold 0. Output row `i` gathers the entries whose id is `i` (ids in any order).

    Args:
      data: A numeric `Tensor`.
      segment_ids: An integer tensor whose shape is a prefix of `data`'s shape; negative ids drop
        their entries.
      num_segments: The number of segments (every id must be smaller).
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of `data`'s dtype and shape `[num_segments] + data.shape[segment_ids.rank:]`.

    Raises:
      InvalidArgumentError: For an id >= `num_segments`, or `segment_ids` not matching `data`'s
        shape.
    """
    return _mean(False, data, segment_ids, num_segments, name)


def unsorted_segment_sqrt_n(data, segment_ids, num_segments, name=None):
    """Computes the sum divided by sqrt(count) of the entries of `data` that share a segment id.

    Empty segments hold 0. Output row `i` gathers the entries whose id is `i` (ids in any order).

    Args:
      data: A numeric `Tensor`.
      segment_ids: An integer tensor whose shape is a prefix of `data`'s shape; negative ids drop
        their entries.
      num_segments: The number of segments (every id must be smaller).
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of `data`'s dtype and shape `[num_segments] + data.shape[segment_ids.rank:]`.

    Raises:
      InvalidArgumentError: For an id >= `num_segments`, or `segment_ids` not matching `data`'s
        shape.
    """
    return _mean(False, data, segment_ids, num_segments, name, sqrt=True)


def _sparse_segment(kind, data, indices, segment_ids, num_segments, name):
    indices = _ids_tensor(indices, "indices")
    rows = gather(data, indices)
    if kind == "sum":
        return _reduce("sum", True, rows, segment_ids, num_segments, name)
    return _mean(True, rows, segment_ids, num_segments, name, sqrt=kind == "sqrt_n")


def sparse_segment_sum(data, indices, segment_ids, num_segments=None, name=None):
    """tf.sparse.segment_sum: segment_sum of the rows `gather(data, indices)`.

    Args:
      data: a tensor.
      indices: int vector of rows of `data` to take.
      segment_ids: sorted int vector, one id per entry of `indices`.
      num_segments: optional number of output rows (default: the last id + 1).
    """
    return _sparse_segment("sum", data, indices, segment_ids, num_segments, name)


def sparse_segment_mean(data, indices, segment_ids, num_segments=None, name=None):
    """Segment mean of the rows `gather(data, indices)`.

    Args:
      data: A numeric `Tensor`.
      indices: A 1-D integer tensor: the rows of `data` to take.
      segment_ids: A sorted 1-D integer tensor, one id per entry of `indices`.
      num_segments: Optional number of output rows (default: the last id + 1).
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of shape `[num_segments] + data.shape[1:]`.
    """
    return _sparse_segment("mean", data, indices, segment_ids, num_segments, name)


def sparse_segment_sqrt_n(data, indices, segment_ids, num_segments=None, name=None):
    """Segment sum of the rows `gather(data, indices)`, divided by sqrt(count).

    Args:
      data: A numeric `Tensor`.
      indices: A 1-D integer tensor: the rows of `data` to take.
      segment_ids: A sorted 1-D integer tensor, one id per entry of `indices`.
      num_segments: Optional number of output rows (default: the last id + 1).
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of shape `[num_segments] + data.shape[1:]`.
    """
    return _sparse_segment("sqrt_n", data, indices, segment_ids, num_segments, name)


from ..util.export import export_many  # noqa: E402

_MATH = {"segment_sum": segment_sum, "segment_mean": segment_mean, "segment_max": segment_max,
         "segment_min": segment_min, "segment_prod": segment_prod,
         "unsorted_segment_sum": unsorted_segment_sum,
         "unsorted_segment_mean": unsorted_segment_mean,
         "unsorted_segment_max": unsorted_segment_max,
         "unsorted_segment_min": unsorted_segment_min,
         "unsorted_segment_prod": unsorted_segment_prod,
         "unsorted_segment_sqrt_n": unsorted_segment_sqrt_n}
export_many("math", _MATH)
export_many("v1", _MATH)
export_many("v1", {"sparse_segment_sum": sparse_segment_sum,
                   "sparse_segment_mean": sparse_segment_mean,
                   "sparse_segment_sqrt_n": sparse_segment_sqrt_n})
export_many("sparse", {"segment_sum": sparse_segment_sum, "segment_mean": sparse_segment_mean,
                       "segment_sqrt_n": sparse_segment_sqrt_n})
