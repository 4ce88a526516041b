"""Static shape/dtype inference: helpers shared by many ops, and the fallback for ops
without an inference function of their own."""
import numpy as np

from . import dtypes
from .errors import InvalidArgumentError, OpError
from .registry import CONST
from .tensor_shape import TensorShape


def unary(ts, attrs):
    return [(ts[0].shape, ts[0].dtype)]


def broadcast_shape(shapes, op_name="op"):
    """NumPy broadcasting of static shapes with unknown (None) dimensions."""
    if any(s.rank is None for s in shapes):
        return TensorShape(None)
    rank = max(s.rank for s in shapes)
    out = []
    for i in range(rank):
        dims = []
        for s in shapes:
            j = s.rank - rank + i
            dims.append(s.dims[j] if j >= 0 else 1)
        known = {d for d in dims if d is not None and d != 1}
        if len(known) > 1:
            shown = ", ".join("[" + ",".join("?" if d is None else str(d) for d in s.dims) + "]"
                              for s in shapes)
            a, b = sorted(known)[:2]
            raise InvalidArgumentError(
                f"{op_name}: Dimensions must be equal, but are {a} and {b} with input shapes: "
                f"{shown}.")
        if known:
            out.append(known.pop())
        elif all(d == 1 for d in dims):
            out.append(1)
        else:
            out.append(None)
    return TensorShape(out)


def broadcast(op_name, out_dtype=None):
    def infer(ts, attrs):
        shape = broadcast_shape([t.shape for t in ts], op_name)
        dtype = out_dtype if out_dtype is not None else ts[0].dtype
        return [(shape, dtype)]
    return infer


def comparison(op_name):
    return broadcast(op_name, dtypes.bool)


def normalize_axes(axis, rank):
    """Reduction axes as a sorted tuple of non-negative ints (None: all axes)."""
    if axis is None:
        return None if rank is None else tuple(range(rank))
    axes = (axis,) if isinstance(axis, int) else tuple(int(a) for a in axis)
    if rank is None:
        if any(a < 0 for a in axes):
            return None
        return tuple(sorted(set(axes)))
    out = []
    for a in axes:
        if not -rank <= a < max(rank, 1):
            raise InvalidArgumentError(f"Invalid reduction dimension {a} for input with rank "
                                       f"{rank}.")
        out.append(a % rank if rank else 0)
    return tuple(sorted(set(out)))


def reduction(ts, attrs, out_dtype=None):
    x = ts[0]
    dtype = out_dtype or x.dtype
    rank = x.shape.rank
    axes = normalize_axes(attrs.get("axis"), rank)
    keep = attrs.get("keepdims", False)
    if rank is None or axes is None:
        return [(TensorShape(None), dtype)]
    dims = []
    for i, d in enumerate(x.shape.dims):
        if i in axes:
            if keep:
                dims.append(1)
        else:
            dims.append(d)
    return [(TensorShape(dims), dtype)]


class ConstantSpec:
    """A concrete array seen as a graph constant by inference functions (which read
    `shape`, `dtype` and, for constants, `op.attrs["value"]`), so eager errors can be
    explained by the same inference a graph runs."""
    __slots__ = ("shape", "dtype", "op")

    def __init__(self, array):
        self.shape = TensorShape(np.shape(array))
        self.dtype = dtypes.from_numpy(np.asarray(array).dtype)
        self.op = _ConstantOp(array)


class _ConstantOp:
    __slots__ = ("attrs",)
    op_def = CONST

    def __init__(self, array):
        self.attrs = {"value": array}


# --- static shape inference fallback -----------------------------------------------------

_STAND_INS = (1009, 1013)  # two sizes standing in for unknown dimensions (see below)


def fallback_infer(op, tensors, attrs):
    """Infers output shapes by running the kernel on zero-stride stand-ins of the inputs.

    Unknown input dimensions are given a stand-in size; the kernel runs once per stand-in
    and an output dimension that differs between the runs depends on an unknown input
    dimension, so it is unknown (None)."""
    if any(t.shape.rank is None for t in tensors if t.op.op_def is not CONST):
        return [(TensorShape(None), tensors[0].dtype if tensors else dtypes.float32)]
    has_unknown = any(None in t.shape.dims for t in tensors if t.op.op_def is not CONST)
    runs = [_run_on_stand_ins(op, tensors, attrs, size)
            for size in (_STAND_INS if has_unknown else _STAND_INS[:1])]
    if any(r is None for r in runs):
        return [(TensorShape(None), tensors[0].dtype if tensors else dtypes.float32)]
    specs = []
    for outs in zip(*runs):
        shapes = [np.shape(o) for o in outs]
        if len({len(s) for s in shapes}) > 1:
            dims = None
        else:
            dims = [d if all(s[i] == d for s in shapes) else None
                    for i, d in enumerate(shapes[0])]
        specs.append((TensorShape(dims), dtypes.from_numpy(np.asarray(outs[0]).dtype)))
    return specs


def _run_on_stand_ins(op, tensors, attrs, size):
    arrays = []
    for t in tensors:
        if t.op.op_def is CONST:
            arrays.append(t.op.attrs["value"])
            continue
        shape = tuple(size if d is None else d for d in t.shape.dims)
        arrays.append(np.broadcast_to(np.zeros((), t.dtype._np), shape))
    try:
        lead = op.leading_args(np, None, lambda: np.random.default_rng(0))
        out = op.kernel(*lead, *arrays, **attrs)
    except OpError:
        raise
    except Exception as e:  # noqa: BLE001 - report shape errors in TensorFlow's style
        if any(None in t.shape.dims for t in tensors):
            return None  # may only fail because of the stand-in sizes
        shapes = ", ".join(str(t.shape) for t in tensors)
        raise InvalidArgumentError(f"{op.name}: {e} (input shapes: {shapes})") from e
    return out if op.multi_output else [out]
