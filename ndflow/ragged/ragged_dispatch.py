"""Ops on RaggedTensors: what happens when a tf.math op, reduction, concat or stack meets a
ragged input (the engine hands such ops to `dispatch_op`), and tf.gather/concat on ragged.

Elementwise ops run on the flat values: a ragged operand pairs with another of the same
row partition (checked), or with a dense operand that broadcasts against the flat values
(a scalar, or the inner dims) or that has one value per row (`[nrows, 1]`). Reductions over
a ragged dimension are segment reductions of the values by row (axis 1) or by position in
the row (axis 0), so their gradients are those of the segment ops.
"""
from ..framework import dtypes
from ..framework.constant_op import convert_to_tensor
from ..framework.errors import InvalidArgumentError
from ..framework.registry import execute
from ..framework.shape_fns import normalize_axes
from ..framework.tensor import TensorLike
from ..ops import array_ops, indexing_ops, join_ops, math_ops, segment_ops
from . import ragged_ops as R
from .ragged_tensor import RaggedTensor

_NO = {}

UNARY = frozenset({
    "Abs", "Ceil", "Cos", "Erf", "Exp", "Expm1", "Floor", "Identity", "Log", "Log1p",
    "LogicalNot", "Neg", "OnesLike", "Reciprocal", "Relu", "Relu6", "Round", "Rsqrt", "Selu",
    "Sigmoid", "Sign", "Sin", "Softplus", "Softsign", "Sqrt", "Square", "StopGradient", "Tan",
    "Tanh", "ZerosLike", "Cast", "IsNan", "IsInf", "IsFinite", "Elu", "LeakyRelu", "Asin",
    "Acos", "Atan", "Sinh", "Cosh", "Asinh", "Acosh", "Atanh", "Lgamma", "Digamma"})
BINARY = frozenset({
    "AddV2", "Sub", "Mul", "RealDiv", "FloorDiv", "FloorMod", "Pow", "Maximum", "Minimum",
    "SquaredDifference", "Equal", "NotEqual", "Less", "LessEqual", "Greater", "GreaterEqual",
    "LogicalAnd", "LogicalOr", "LogicalXor", "DivNoNan", "Xlogy", "Atan2", "TruncateDiv"})
REDUCTIONS = {"Sum": "sum", "Mean": "mean", "Max": "max", "Min": "min", "Prod": "prod",
              "Any": "any", "All": "all"}


def dispatch_op(op, inputs, attrs, name):
    """Runs registry op `op` on inputs of which at least one is a RaggedTensor."""
    n = op.name
    if n in UNARY and len(inputs) == 1:
        rt = inputs[0]
        return rt.with_flat_values(execute(op, (rt.flat_values,), attrs, name))
    if n in BINARY and len(inputs) == 2:
        return _binary(op, inputs[0], inputs[1], attrs, name)
    if n == "AddN":
        out = inputs[0]
        for x in inputs[1:]:
            out = _binary(math_ops.ADD, out, x, _NO, name)
        return out
    if n in REDUCTIONS:
        return reduce(inputs[0], REDUCTIONS[n], attrs.get("axis"), attrs.get("keepdims", False))
    if n == "GatherV2":
        return gather(inputs[0], inputs[1], attrs.get("axis", 0), attrs.get("batch_dims", 0))
    if n == "ConcatV2":
        return concat(list(inputs), attrs["axis"])
    if n == "Pack":
        from .ragged_factory import stack
        return stack(list(inputs), attrs["axis"])
    if n == "Shape":
        from .dynamic_ragged_shape import DynamicRaggedShape
        return DynamicRaggedShape(inputs[0], attrs["out_type"])
    raise TypeError(f"{n}: this op does not support RaggedTensor inputs in ndflow (got "
                    f"{[type(x).__name__ for x in inputs]}); apply it to rt.flat_values with "
                    "tf.ragged.map_flat_values, or convert with rt.to_tensor().")


def _binary(op, x, y, attrs, name):
    xr, yr = isinstance(x, RaggedTensor), isinstance(y, RaggedTensor)
    if xr and yr:
        if x.ragged_rank != y.ragged_rank:
            raise InvalidArgumentError(
                f"{op.name}: ragged operands have different ragged ranks: {x.shape} "
                f"(ragged_rank {x.ragged_rank}) and {y.shape} (ragged_rank {y.ragged_rank}).")
        from .ragged_factory import _same_partition
        splits = _same_partition(x, y, op.name)
        result = execute(op, (x.flat_values, y.flat_values), attrs, name)
        for s in reversed(splits):
            result = RaggedTensor(result, s, internal=True)
        return result
    rt, dense = (x, y) if xr else (y, x)
    fv = rt.flat_values
    if isinstance(dense, TensorLike) or isinstance(dense, (bool, int, float)):
        d = dense  # a Python scalar stays weakly typed
    else:
        d = convert_to_tensor(dense)
    drank = d.shape.rank if isinstance(d, TensorLike) else 0
    inner_rank = fv.shape.rank - 1 if fv.shape.rank is not None else None
    if isinstance(d, TensorLike) and drank is not None and inner_rank is not None and \
            drank > inner_rank:
        # one value per row of the outermost dimension: [nrows, 1, inner...]
        if rt.ragged_rank != 1 or drank != inner_rank + 2 or d.shape[1] not in (1, None):
            raise InvalidArgumentError(
                f"{op.name}: cannot broadcast a dense operand of shape {d.shape} against a "
                f"ragged tensor of shape {rt.shape}; the dense operand must broadcast against "
                "the inner dimensions or have one value per row ([nrows, 1, ...]).")
        d = indexing_ops.gather(array_ops.squeeze(d, [1]), rt.value_rowids())
    args = (fv, d) if xr else (d, fv)
    return rt.with_flat_values(execute(op, args, attrs, name))


# --- reductions ----------------------------------------------------------------------------

def _segment(kind, values, ids, num):
    if kind == "any":
        return math_ops.greater(segment_ops.unsorted_segment_max(
            array_ops.cast(values, dtypes.int32), ids, num), 0)
    if kind == "all":
        return math_ops.greater(segment_ops.unsorted_segment_min(
            array_ops.cast(values, dtypes.int32), ids, num), 0)
    if kind == "mean":
        total = segment_ops.unsorted_segment_sum(values, ids, num)
        count = segment_ops.unsorted_segment_sum(array_ops.ones_like(values), ids, num)
        return total / count
    fn = {"sum": segment_ops.unsorted_segment_sum, "max": segment_ops.unsorted_segment_max,
          "min": segment_ops.unsorted_segment_min, "prod": segment_ops.unsorted_segment_prod}
    return fn[kind](values, ids, num)


def _dense_reduce(kind, x, axis, keepdims):
    fn = {"sum": math_ops.reduce_sum, "mean": math_ops.reduce_mean,
          "max": math_ops.reduce_max, "min": math_ops.reduce_min,
          "prod": math_ops.reduce_prod, "any": math_ops.reduce_any,
          "all": math_ops.reduce_all}[kind]
    return fn(x, axis=axis, keepdims=keepdims)


def reduce(rt, kind, axis, keepdims=False):
    """tf.reduce_<kind> of a RaggedTensor over `axis` (None, an int or a list of ints)."""
    if axis is None:
        if keepdims:
            raise NotImplementedError("ragged reductions over all axes with keepdims=True.")
        fv = rt.flat_values
        if kind == "mean" and fv.dtype.is_integer:  # sum / count: float64, as TensorFlow
            return math_ops.reduce_sum(fv) / array_ops.size(fv, out_type=fv.dtype)
        return _dense_reduce(kind, fv, None, False)
    rank = rt.shape.rank
    axes = normalize_axes(axis, rank)
    if len(axes) > 1:
        if kind == "mean":
            total = reduce(rt, "sum", list(axes), keepdims)
            return total / reduce(math_ops.ones_like(rt), "sum", list(axes), keepdims)
        out = rt
        for a in sorted(axes, reverse=True):  # innermost first; the result may turn dense
            out = reduce(out, kind, a, keepdims) if isinstance(out, RaggedTensor) else \
                _dense_reduce(kind, out, a, keepdims)
        return out
    a = axes[0]
    r = rt.ragged_rank
    if a > r:  # a uniform inner dimension of the flat values
        return rt.with_flat_values(_dense_reduce(kind, rt.flat_values, a - r, keepdims))
    if a >= 2:
        return rt.with_values(reduce(rt.values, kind, a - 1, keepdims))
    if isinstance(rt.values, RaggedTensor):  # the reduced items are rows themselves
        if r != 2:
            raise NotImplementedError(f"reduce_{kind}: reducing axis {a} of a RaggedTensor with "
                                      f"ragged_rank {r} is not supported in ndflow (ragged_rank "
                                      "<= 2, inner axes and None are).")
        inner = rt.values
        if a == 1:  # the rows of each row are combined
            groups, count = rt.value_rowids(), rt.nrows()
        else:  # the rows at the same position of every row are combined
            groups, count = execute(R.COLUMN_IDS, (rt.row_splits,), _NO)
        splits, ids, num = execute(R.GROUP_COLUMNS, (groups, count, inner.row_splits), _NO)
        out = RaggedTensor(_segment(kind, inner.values, ids, num), splits, internal=True)
        if keepdims:
            raise NotImplementedError(f"reduce_{kind}: keepdims on a ragged dimension whose "
                                      "items are rows.")
        return out
    if a == 1:
        out = _segment(kind, rt.values, rt.value_rowids(), rt.nrows())
    else:  # axis 0: values at the same position of every row
        cols, width = execute(R.COLUMN_IDS, (rt.row_splits,), _NO)
        out = _segment(kind, rt.values, cols, width)
    return array_ops.expand_dims(out, a) if keepdims else out


# --- gather and concat ---------------------------------------------------------------------

def dispatch_function(name, args, kwargs):
    """Public functions that do more than one op (tf.gather, tf.boolean_mask) on ragged."""
    if name == "gather":
        return gather(*args, **kwargs)
    if name == "boolean_mask":
        from .ragged_factory import boolean_mask
        if kwargs.get("axis") not in (None, 0):
            raise NotImplementedError("tf.boolean_mask on a RaggedTensor: only axis=0.")
        return boolean_mask(args[0], args[1])
    raise TypeError(f"{name} does not support RaggedTensor arguments in ndflow.")


def gather(params, indices, axis=0, batch_dims=0, name=None, validate_indices=None):
    """tf.gather of the rows of a RaggedTensor (axis 0); ragged `indices` give a ragged
    result of the same partition."""
    if isinstance(indices, RaggedTensor):  # e.g. an embedding lookup of ragged ids
        return indices.with_flat_values(gather(params, indices.flat_values, axis, batch_dims)
                                        if isinstance(params, RaggedTensor) else
                                        indexing_ops.gather(params, indices.flat_values, axis=axis))
    if axis not in (0, None) or batch_dims != 0:
        raise NotImplementedError("tf.gather on a RaggedTensor: only axis=0, batch_dims=0.")
    idx = indices if isinstance(indices, TensorLike) else convert_to_tensor(indices)
    if not idx.dtype.is_integer:
        raise TypeError(f"gather: indices must be int32 or int64, got {idx.dtype.name}.")
    flat_idx = array_ops.reshape(idx, [-1])
    splits, positions = execute(R.GATHER_INDICES, (params.row_splits, flat_idx), _NO)
    values = params.values
    values = gather(values, positions) if isinstance(values, RaggedTensor) else \
        indexing_ops.gather(values, positions)
    out = RaggedTensor(values, splits, internal=True)
    if idx.shape.rank is not None and idx.shape.rank > 1:  # index shape becomes uniform dims
        raise NotImplementedError("tf.gather on a RaggedTensor with indices of rank > 1.")
    if idx.shape.rank == 0:
        return out[0]
    return out


def concat(values, axis, name=None):
    """tf.concat of ragged (and dense) tensors along axis 0 or 1."""
    from .ragged_factory import convert_to_ragged
    rts = [convert_to_ragged(v) for v in values]
    if len(rts) == 1:
        return rts[0]
    rank = rts[0].shape.rank
    a = normalize_axes(axis, rank)[0] if rank is not None else axis
    ranks = {r.ragged_rank for r in rts}
    if len(ranks) != 1:
        raise InvalidArgumentError(f"concat: ragged inputs have different ragged ranks "
                                   f"{sorted(ranks)}; shapes {[str(r.shape) for r in rts]}.")
    if a == 0:
        inner = [r.values for r in rts]
        merged = concat(inner, 0) if isinstance(inner[0], RaggedTensor) else \
            join_ops.concat(inner, 0)
        offsets, parts = 0, []
        for i, r in enumerate(rts):
            s = r.row_splits
            parts.append(s if i == 0 else s[1:] + offsets)
            offsets = s[-1] + offsets
        return RaggedTensor(merged, join_ops.concat(parts, 0), internal=True)
    if a == 1:  # row i is the concatenation of every input's row i
        splits, order = execute(R.CONCAT_ROWS, tuple(r.row_splits for r in rts), _NO)
        inner = [r.values for r in rts]
        if isinstance(inner[0], RaggedTensor):
            values = gather(concat(inner, 0), order)
        else:
            values = indexing_ops.gather(join_ops.concat(inner, 0), order)
        return RaggedTensor(values, splits, internal=True)
    if a is not None and a > rts[0].ragged_rank:
        from .ragged_factory import _same_partition
        _same_partition(rts[0], rts[1], "concat")
        return rts[0].with_flat_values(join_ops.concat([r.flat_values for r in rts],
                                                       a - rts[0].ragged_rank))
    raise NotImplementedError(f"tf.concat of RaggedTensors along axis {axis} (ragged_rank "
                              f"{rts[0].ragged_rank}).")
