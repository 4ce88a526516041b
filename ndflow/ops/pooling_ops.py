"""Pooling ops of tf.nn: max and average pooling (1-D and 2-D) and their gradients.

Kernels work on NHWC arrays with conv_ops' window arithmetic and loop over the offsets of
a window (a handful of whole-array calls each), never over pixels: pooling reduces the
window's rows first, then its columns (kh + kw - 2 calls); the gradients loop over the
kh*kw offsets. Max pooling routes gradients to each window's first maximum, as TensorFlow
does; its gradient's gradient gathers at the same positions.
"""
import numpy as np

from ..framework.errors import InvalidArgumentError
from ..framework.registry import ALL, execute, op
from ..framework.tensor import TensorLike
from ..framework.tensor_shape import TensorShape
from ..util import parallel
from . import array_ops as A
from . import conv_kernels_jit as K
from .join_ops import stack as join_stack
from .conv_ops import (_check_rank, _crop, _data_format_1d, _data_format_2d, _dims,
                       _from_nhwc, _from_nhwc_dims, _geometry, _nhwc_shape, _offsets, _one_d,
                       _pad, _padding_attr, _sizes_value, _spatial_pair, _static_out, _to_nhwc)


def _pool_attrs(op_name, ksize, strides, padding, data_format):
    fmt = _data_format_2d(data_format, op_name)
    return {"ksize": _spatial_pair(ksize, "ksize", op_name, fmt),
            "strides": _spatial_pair(strides, "strides", op_name, fmt),
            "padding": _padding_attr(padding, op_name, fmt, explicit_ok=False),
            "data_format": fmt}


# --- pooling kernels -------------------------------------------------------------------------

def _lowest(dtype):
    dtype = np.dtype(dtype)
    return -np.inf if dtype.kind == "f" else np.iinfo(dtype).min


def _pool_setup(op_name, x_nhwc, ksize, strides, padding):
    n, h, w, c = x_nhwc.shape
    return _geometry(op_name, h, w, ksize, strides, (1, 1), padding)


def _separable(xp, x, ksize, strides, out_hw, combine):
    """Reduces each window with `combine` (maximum or add) in two passes: over the window's
    rows first (whole image rows at a time: long contiguous runs), then over its columns:
    kh + kw - 2 whole-array calls instead of kh * kw - 1. The result is a new array."""
    (kh, kw), (sh, sw), (oh, ow) = ksize, strides, out_hw

    def reduce(bands):
        out = next(bands)
        for k, band in enumerate(bands):
            out = combine(out, band) if k == 0 else combine(out, band, out=out)
        return out
    rows = reduce(x[:, i:i + (oh - 1) * sh + 1:sh] for i in range(kh))
    out = reduce(rows[:, :, j:j + (ow - 1) * sw + 1:sw] for j in range(kw))
    return out.copy() if kw == 1 else out


def _max_pool_nhwc(xp, x, ksize, strides, padding):
    oh, ow, pads = _pool_setup("MaxPool", x, ksize, strides, padding)
    if K.usable(xp, x) and oh and ow:  # one compiled pass, padding skipped
        return K.max_pool(xp, x, ksize, strides, pads, (oh, ow))
    x = _pad(xp, x, pads, _lowest(x.dtype))
    return _separable(xp, x, ksize, strides, (oh, ow), xp.maximum)


def _argmax_hits(xp, x, y, ksize, strides):
    """Yields (rows, cols, hit): `hit` marks outputs whose first maximum (row-major window
    order, like TensorFlow) sits at this window offset. (`hit` is one buffer, rewritten at
    every offset: use it before the next.)"""
    hit = xp.empty(y.shape, dtype=bool)
    free = None
    offsets = list(_offsets(ksize, y.shape[1:3], strides))
    for k, (rows, cols) in enumerate(offsets):
        xp.equal(x[:, rows, cols], y, out=hit)
        if free is not None:
            hit &= free
        if k + 1 < len(offsets):
            if free is None:
                free = xp.logical_not(hit)
            else:
                xp.greater(free, hit, out=free)  # free and not hit
        yield rows, cols, hit


POOL_BLOCK_BYTES = 1 << 19  # input per batch block of the max-pool gradient: stays in cache


def _max_pool_grad_nhwc(xp, x, y, dy, ksize, strides, padding):
    n, h, w, c = x.shape
    _, _, pads = _pool_setup("MaxPoolGrad", x, ksize, strides, padding)
    if strides[0] >= ksize[0] and strides[1] >= ksize[1] and K.usable(xp, x, y, dy) and \
            y.shape == dy.shape:  # windows apart: one compiled pass writing every dx
        return K.max_pool_grad(xp, x, y, dy, ksize, strides, pads)
    x = _pad(xp, x, pads, _lowest(x.dtype))
    if strides[0] < ksize[0] or strides[1] < ksize[1]:  # overlapping windows
        dx = xp.zeros(x.shape, dtype=dy.dtype)
        for rows, cols, hit in _argmax_hits(xp, x, y, ksize, strides):
            dx[:, rows, cols] += dy * hit
        return _crop(dx, pads, h, w)
    # Each input position belongs to one window at most. Windows that tile the (padded)
    # input write every element of dx once: no zero fill. A block of images at a time, so
    # the masks and the block's arrays stay in cache through all the window offsets.
    tiled = (y.shape[1] * ksize[0], y.shape[2] * ksize[1]) == tuple(x.shape[1:3])
    dx = (xp.empty if tiled else xp.zeros)(x.shape, dtype=dy.dtype)
    step = max(1, POOL_BLOCK_BYTES // max(x[:1].nbytes, 1))

    def blocks(first, last):  # blocks first:last, each with its own masks (thread-safe)
        for i in range(first * step, min(last * step, n), step):
            b = slice(i, i + step)
            for rows, cols, hit in _argmax_hits(xp, x[b], y[b], ksize, strides):
                xp.multiply(dy[b], hit, out=dx[b, rows, cols])
    count = -(-n // step)
    if xp is np:  # NumPy releases the GIL in ufunc loops: blocks on every core
        per_block = step * x.shape[1] * x.shape[2] * x.shape[3]
        parallel.split(blocks, count, 1 + 2 * parallel.MIN_ITEMS // max(per_block, 1))
    else:
        blocks(0, count)
    return _crop(dx, pads, h, w)


def _max_pool_grad_grad_nhwc(xp, x, y, g, ksize, strides, padding):
    _, _, pads = _pool_setup("MaxPoolGradGrad", x, ksize, strides, padding)
    x = _pad(xp, x, pads, _lowest(x.dtype))
    g = _pad(xp, g, pads)
    out = xp.zeros(y.shape, dtype=g.dtype)
    for rows, cols, hit in _argmax_hits(xp, x, y, ksize, strides):
        out = xp.where(hit, g[:, rows, cols], out)
    return out


def _window_counts(xp, h, w, ksize, strides, padding, dtype):
    """How many real (unpadded) elements each output window covers: avg pool's divisor."""
    oh, ow, pads = _geometry("AvgPool", h, w, ksize, strides, (1, 1), padding)
    if padding == "VALID":
        return None, (oh, ow), pads
    counts = []
    for size, out, k, s, (before, _) in ((h, oh, ksize[0], strides[0], pads[0]),
                                         (w, ow, ksize[1], strides[1], pads[1])):
        start = xp.arange(out) * s - before
        counts.append(xp.minimum(start + k, size) - xp.maximum(start, 0))
    return (counts[0][:, None] * counts[1][None, :]).astype(dtype)[None, :, :, None], \
        (oh, ow), pads


def _avg_pool_nhwc(xp, x, ksize, strides, padding):
    n, h, w, c = x.shape
    counts, out_hw, pads = _window_counts(xp, h, w, ksize, strides, padding, x.dtype)
    x = _pad(xp, x, pads)
    total = _separable(xp, x, ksize, strides, out_hw, xp.add)
    if counts is None:
        total *= 1.0 / (ksize[0] * ksize[1])
        return total
    return total / counts


def _avg_pool_grad_nhwc(xp, in_shape, dy, ksize, strides, padding):
    n, h, w, c = in_shape
    counts, out_hw, pads = _window_counts(xp, h, w, ksize, strides, padding, dy.dtype)
    if tuple(dy.shape[1:3]) != out_hw:
        raise InvalidArgumentError(
            f"AvgPoolGrad: the gradient's spatial size {tuple(dy.shape[1:3])} does not match "
            f"the pooled size {out_hw} of an input of shape {tuple(in_shape)}.")
    g = dy * (1.0 / (ksize[0] * ksize[1])) if counts is None else dy / counts
    (top, bottom), (left, right) = pads
    dx = xp.zeros((n, h + top + bottom, w + left + right, c), dtype=dy.dtype)
    overlapping = strides[0] < ksize[0] or strides[1] < ksize[1]
    for rows, cols in _offsets(ksize, out_hw, strides):
        if overlapping:
            dx[:, rows, cols] += g
        else:  # each input position belongs to one window only
            dx[:, rows, cols] = g
    return _crop(dx, pads, h, w)


# --- pooling ops -----------------------------------------------------------------------------

def _pool_infer_dims(op_name, x_dims, attrs):
    fmt = attrs["data_format"]
    _check_rank(op_name, "input", x_dims, 4)
    if x_dims is None:
        return [None] * 4
    n, h, w, c = _nhwc_shape(x_dims, fmt)
    k, s, pad = attrs["ksize"], attrs["strides"], attrs["padding"]
    out = [n, _static_out(op_name, h, k[0], s[0], 1, pad),
           _static_out(op_name, w, k[1], s[1], 1, pad), c]
    return _from_nhwc_dims(out, fmt)


def _pool_infer(op_name):
    def infer(ts, attrs):
        return [(TensorShape(_pool_infer_dims(op_name, _dims(ts[0]), attrs)), ts[0].dtype)]
    return infer


def _pool_kernel(fn, op_name):
    """Wraps an NHWC pooling function into a kernel handling ranks and data formats."""
    def kernel(xp, x, ksize, strides, padding, data_format):
        _check_rank(op_name, "input", x.shape, 4)
        out = fn(xp, _to_nhwc(x, data_format), ksize, strides, padding)
        return _from_nhwc(out, data_format)
    return kernel


MAX_POOL = op("MaxPool", infer=_pool_infer("MaxPool"))(_pool_kernel(_max_pool_nhwc, "MaxPool"))
AVG_POOL = op("AvgPool", infer=_pool_infer("AvgPool"))(_pool_kernel(_avg_pool_nhwc, "AvgPool"))


@op("MaxPoolGrad", unify=ALL, grad_inputs=(2,),
    infer=lambda ts, a: [(ts[0].shape, ts[2].dtype)])
def MAX_POOL_GRAD(xp, x, y, dy, ksize, strides, padding, data_format):
    """Routes each output gradient to the (first) maximum of its window."""
    to = lambda t: _to_nhwc(t, data_format)  # noqa: E731
    dx = _max_pool_grad_nhwc(xp, to(x), to(y), to(dy), ksize, strides, padding)
    return _from_nhwc(dx, data_format)


@op("MaxPoolGradGrad", unify=ALL, grad_inputs=(2,),
    infer=lambda ts, a: [(ts[1].shape, ts[2].dtype)])
def MAX_POOL_GRAD_GRAD(xp, x, y, g, ksize, strides, padding, data_format):
    """Gathers `g` (shaped like the pool's input) at each window's (first) maximum."""
    to = lambda t: _to_nhwc(t, data_format)  # noqa: E731
    out = _max_pool_grad_grad_nhwc(xp, to(x), to(y), to(g), ksize, strides, padding)
    return _from_nhwc(out, data_format)


def _avg_pool_grad_infer(ts, attrs):
    dims = _sizes_value(ts[0])
    return [(TensorShape(dims if dims is not None else [None] * 4), ts[1].dtype)]


@op("AvgPoolGrad", grad_inputs=(1,), infer=_avg_pool_grad_infer)
def AVG_POOL_GRAD(xp, sizes, dy, ksize, strides, padding, data_format):
    """Spreads each output gradient evenly over the real elements of its window."""
    sizes = [int(s) for s in sizes]
    _check_rank("AvgPoolGrad", "orig_input_shape", sizes, 4)
    dx = _avg_pool_grad_nhwc(xp, _nhwc_shape(sizes, data_format), _to_nhwc(dy, data_format),
                             ksize, strides, padding)
    return _from_nhwc(dx, data_format)


def _pool_attrs_of(op_):
    return {k: op_.attrs[k] for k in ("ksize", "strides", "padding", "data_format")}


@MAX_POOL.gradient
def _max_pool_grad(op_, dy):
    return [execute(MAX_POOL_GRAD, (op_.inputs[0], op_.outputs[0], dy), _pool_attrs_of(op_))]


@MAX_POOL_GRAD.gradient
def _max_pool_grad_grad(op_, ddx):
    # the routing is piecewise constant in x: only the incoming gradient carries a gradient
    x, y, _ = op_.inputs
    return [None, None, execute(MAX_POOL_GRAD_GRAD, (x, y, ddx), _pool_attrs_of(op_))]


@MAX_POOL_GRAD_GRAD.gradient
def _max_pool_grad_grad_grad(op_, dd):
    x, y, _ = op_.inputs
    return [None, None, execute(MAX_POOL_GRAD, (x, y, dd), _pool_attrs_of(op_))]


@AVG_POOL.gradient
def _avg_pool_grad(op_, dy):
    return [execute(AVG_POOL_GRAD, (A.shape(op_.inputs[0]), dy), _pool_attrs_of(op_))]


@AVG_POOL_GRAD.gradient
def _avg_pool_grad_grad(op_, ddx):
    return [None, execute(AVG_POOL, (ddx,), _pool_attrs_of(op_))]


# --- public functions: pooling -------------------------------------------------------------

def max_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None):  # noqa: A002
    """Max pooling over 2-D windows: the maximum of each window.

    Args:
      input: A 4-D tensor, NHWC (or NCHW with `data_format`).
      ksize: The window size: an int or a list of 2 or 4 ints.
      strides: The window step: an int or a list of 2 or 4 ints.
      padding: "VALID" or "SAME" (padded positions are ignored), or explicit paddings.
      data_format: "NHWC" (default) or "NCHW".
      name: A name for the operation (optional).

    Returns:
      The pooled `Tensor`, of `input`'s dtype.

    Raises:
      ValueError: If the window, strides or padding are malformed.

    Example:

    >>> ndflow.nn.max_pool2d(ndflow.ones([1, 4, 4, 1]), 2, 2, "VALID").shape
    TensorShape([1, 2, 2, 1])
    """
    depth = _depth_window(ksize, strides, data_format)
    if depth:
        return _depth_max_pool(input, depth, name)
    attrs = _pool_attrs("max_pool2d", ksize, strides, padding, data_format)
    return execute(MAX_POOL, (input,), attrs, name)


def _depth_window(ksize, strides, data_format):
    """k when ksize is TensorFlow's depth pooling form [1, 1, 1, k] (NHWC), else None."""
    if isinstance(ksize, (int, np.integer)) or len(ksize) != 4 or \
            str(data_format or "NHWC").upper() != "NHWC" or int(ksize[3]) == 1 or \
            [int(v) for v in ksize[:3]] != [1, 1, 1]:
        return None  # (spatial windows with a depth entry are refused by _pool_attrs)
    k = int(ksize[3])
    if isinstance(strides, (int, np.integer)) or [int(v) for v in strides] != [1, 1, 1, k]:
        raise ValueError("max_pool: pooling over depth (ksize [1, 1, 1, k]) needs strides "
                         "[1, 1, 1, k]; it cannot be combined with spatial pooling. Received: "
                         f"ksize={list(ksize)}, strides={strides}")
    return k


def _depth_max_pool(x, k, name):
    """Max over groups of k consecutive channels (channels must divide by k)."""
    x = A.convert_to_tensor(x)
    dims = x.shape.dims
    if dims is None or len(dims) != 4 or dims[3] is None or dims[3] % k:
        raise ValueError(f"max_pool: depth pooling needs a 4-D input whose static depth is a "
                         f"multiple of the window {k}. Received: shape {x.shape}")
    from .math_ops import reduce_max
    shape = A.shape(x)
    grouped = A.reshape(x, join_stack([shape[0], shape[1], shape[2], dims[3] // k, k]))
    return reduce_max(grouped, -1, name=name)


def _check_floating(x, op_name):
    x = A.convert_to_tensor(x)
    if not x.dtype.is_floating:
        raise TypeError(f"{op_name}: expected a floating-point input, got {x.dtype.name}.")
    return x


def avg_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None):  # noqa: A002
    """Avg pooling over 2-D windows: the average of each window.

    Args:
      input: A 4-D tensor, NHWC (or NCHW with `data_format`).
      ksize: The window size: an int or a list of 2 or 4 ints.
      strides: The window step: an int or a list of 2 or 4 ints.
      padding: "VALID" or "SAME" (padded positions are ignored), or explicit paddings.
      data_format: "NHWC" (default) or "NCHW".
      name: A name for the operation (optional).

    Returns:
      The pooled `Tensor`, of `input`'s dtype.

    Raises:
      ValueError: If the window, strides or padding are malformed.
    """
    attrs = _pool_attrs("avg_pool2d", ksize, strides, padding, data_format)
    return execute(AVG_POOL, (_check_floating(input, "avg_pool2d"),), attrs, name)


def _pool_1d(pool2d, op_name, input, ksize, strides, padding, data_format, name):  # noqa: A002
    fmt, fmt2 = _data_format_1d(data_format, op_name)
    axis = 1 if fmt == "NWC" else 2
    x = A.expand_dims(input, axis)
    y = pool2d(x, (1, _one_d(ksize, "ksize", op_name)), (1, _one_d(strides, "strides", op_name)),
               padding, fmt2)
    return A.squeeze(y, [axis], name=name)


def max_pool1d(input, ksize, strides, padding, data_format="NWC", name=None):  # noqa: A002
    """Max pooling over 1-D windows: the maximum of each window.

    Args:
      input: A 3-D tensor, NWC (or NCW with `data_format`).
      ksize: The window size: an int or a list of 1 or 3 ints.
      strides: The window step: an int or a list of 1 or 3 ints.
      padding: "VALID" or "SAME" (padded positions are ignored), or explicit paddings.
      data_format: "NWC" (default) or "NCW".
      name: A name for the operation (optional).

    Returns:
      The pooled `Tensor`, of `input`'s dtype.

    Raises:
      ValueError: If the window, strides or padding are malformed.
    """
    return _pool_1d(max_pool2d, "max_pool1d", input, ksize, strides, padding, data_format, name)


def avg_pool1d(input, ksize, strides, padding, data_format="NWC", name=None):  # noqa: A002
    """Avg pooling over 1-D windows: the average of each window.

    Args:
      input: A 3-D tensor, NWC (or NCW with `data_format`).
      ksize: The window size: an int or a list of 1 or 3 ints.
      strides: The window step: an int or a list of 1 or 3 ints.
      padding: "VALID" or "SAME" (padded positions are ignored), or explicit paddings.
      data_format: "NWC" (default) or "NCW".
      name: A name for the operation (optional).

    Returns:
      The pooled `Tensor`, of `input`'s dtype.

    Raises:
      ValueError: If the window, strides or padding are malformed.
    """
    return _pool_1d(avg_pool2d, "avg_pool1d", input, ksize, strides, padding, data_format, name)


def _rank_of(x):
    return x.shape.rank if isinstance(x, TensorLike) else np.ndim(x)


def _pool_nd(pool1d, pool2d, op_name, input, ksize, strides, padding, data_format,  # noqa: A002
             name):
    rank = _rank_of(input)
    if rank == 3 or (data_format is not None and str(data_format).upper() in ("NWC", "NCW")):
        return pool1d(input, ksize, strides, padding, data_format or "NWC", name)
    if rank in (4, None):
        return pool2d(input, ksize, strides, padding, data_format or "NHWC", name)
    if rank == 5:
        from . import conv3d_ops
        pool3d = conv3d_ops.max_pool3d if pool2d is max_pool2d else conv3d_ops.avg_pool3d
        return pool3d(input, ksize, strides, padding, data_format or "NDHWC", name)
    raise ValueError(f"{op_name}: input must be of rank 3 or 4 (3-D pooling is not supported "
                     f"yet). Received: input of rank {rank}")


def max_pool(input, ksize, strides, padding, data_format=None, name=None):  # noqa: A002
    """tf.nn.max_pool: picks max_pool1d or max_pool2d from the input's rank."""
    return _pool_nd(max_pool1d, max_pool2d, "max_pool", input, ksize, strides, padding,
                    data_format, name)


def avg_pool(input, ksize, strides, padding, data_format=None, name=None):  # noqa: A002
    """tf.nn.avg_pool: picks avg_pool1d or avg_pool2d from the input's rank."""
    return _pool_nd(avg_pool1d, avg_pool2d, "avg_pool", input, ksize, strides, padding,
                    data_format, name)


def max_pool_v1(value=None, ksize=None, strides=None, padding=None, data_format="NHWC",
                name=None, input=None):  # noqa: A002
    """TF1 `nn.max_pool`: `max_pool2d` with TF1's argument names (`value` for `input`).

    Args:
      value: A 4-D tensor (NHWC by default).
      ksize: The window size (a list of 4 ints, or fewer).
      strides: The window step.
      padding: "VALID" or "SAME".
      data_format: "NHWC" (default) or "NCHW".
      name: A name for the operation (optional).
      input: TF 2's name for `value`.

    Returns:
      The pooled `Tensor`.
    """
    return max_pool2d(input if value is None else value, ksize, strides, padding, data_format,
                      name)


def avg_pool_v1(value=None, ksize=None, strides=None, padding=None, data_format="NHWC",
                name=None, input=None):  # noqa: A002
    """TF1 `nn.avg_pool`: `avg_pool2d` with TF1's argument names (`value` for `input`).

    Args:
      value: A 4-D tensor (NHWC by default).
      ksize: The window size (a list of 4 ints, or fewer).
      strides: The window step.
      padding: "VALID" or "SAME".
      data_format: "NHWC" (default) or "NCHW".
      name: A name for the operation (optional).
      input: TF 2's name for `value`.

    Returns:
      The pooled `Tensor`.
    """
    return avg_pool2d(input if value is None else value, ksize, strides, padding, data_format,
                      name)


def pool(input, window_shape, pooling_type, strides=None, padding="VALID",  # noqa: A002
         data_format=None, dilations=None, name=None):
    """tf.nn.pool for 1-D and 2-D windows ('MAX' or 'AVG'); dilations must be 1."""
    if dilations is not None and any(int(d) != 1 for d in np.ravel(dilations)):
        raise NotImplementedError("pool: dilations other than 1 are not supported yet.")
    kind = str(pooling_type).upper()
    if kind not in ("MAX", "AVG"):
        raise ValueError(f"pool: pooling_type must be 'MAX' or 'AVG'. "
                         f"Received: pooling_type={pooling_type!r}")
    window = [int(v) for v in np.ravel(window_shape)]
    if strides is None:
        strides = [1] * len(window)
    fn = max_pool if kind == "MAX" else avg_pool
    return fn(input, window, strides, padding, data_format, name)


from ..util.export import export_many  # noqa: E402

export_many("nn", {
    "max_pool": max_pool, "max_pool2d": max_pool2d, "max_pool1d": max_pool1d,
    "avg_pool": avg_pool, "avg_pool2d": avg_pool2d, "avg_pool1d": avg_pool1d, "pool": pool,
})
export_many("v1.nn", {"max_pool": max_pool_v1, "avg_pool": avg_pool_v1})
