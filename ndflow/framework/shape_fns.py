"""Static shape/dtype inference helpers shared by many ops."""
from . import dtypes
from .errors import InvalidArgumentError
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
