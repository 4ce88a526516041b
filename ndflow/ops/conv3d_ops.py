"""3-D convolutions and pooling of tf.nn: conv3d, conv3d_transpose, max_pool3d, avg_pool3d
(NDHWC).

Each is built from the 2-D ops with the depth axis folded into the batch: a 3-D convolution
is the sum over the kd depth taps of 2-D convolutions of strided depth slices; its transpose
places the 2-D transposed convolutions back at those depths; 3-D pooling pools height and
width in 2-D, then takes the max (or the mean over the window's inside entries) over depth
windows, which gives the box window's result since a box is separable. Gradients (and
second derivatives) are those of the 2-D ops, slicing and padding.
"""
import numpy as np

from . import array_ops as A
from . import join_ops, math_ops
from .conv_ops import _out_size, conv2d, conv2d_transpose
from .pooling_ops import avg_pool2d, max_pool2d


def _triple(value, arg, op_name, default=1):
    """An int or a list of 1, 3 or 5 ints (batch and channel entries 1) as (d, h, w)."""
    if value is None:
        return (default,) * 3
    if hasattr(value, "numpy"):
        value = value.numpy().tolist()
    if isinstance(value, (int, np.integer)):
        return (int(value),) * 3
    values = [int(v) for v in value]
    if len(values) == 1:
        values = values * 3
    elif len(values) == 5:
        if values[0] != 1 or values[4] != 1:
            raise ValueError(f"{op_name}: {arg} in the batch and depth dimensions must be 1. "
                             f"Received: {arg}={list(value)}")
        values = values[1:4]
    if len(values) != 3 or min(values) < 1:
        raise ValueError(f"{op_name}: {arg} must be a positive int or a list of 1, 3 or 5 "
                         f"positive ints. Received: {arg}={list(value)}")
    return tuple(values)


def _check(op_name, x, data_format, padding):
    if str(data_format).upper() != "NDHWC":
        raise ValueError(f"{op_name}: only data_format='NDHWC' is supported (as on "
                         f"TensorFlow's CPU). Received: data_format={data_format!r}")
    padding = str(padding).upper()
    if padding not in ("SAME", "VALID"):
        raise ValueError(f"{op_name}: padding must be 'SAME' or 'VALID'. Received: "
                         f"padding={padding!r}")
    x = A.convert_to_tensor(x)
    dims = x.shape.dims
    if dims is None or len(dims) != 5:
        raise ValueError(f"{op_name}: input must be 5-D (batch, depth, height, width, "
                         f"channels). Received: shape {x.shape}")
    if any(d is None for d in dims[1:]):
        raise ValueError(f"{op_name}: needs static depth, height, width and channels. "
                         f"Received: shape {x.shape}")
    return x, padding


def _depth_taps(x, k, stride, dilation, out):
    """x[:, k*dilation :: stride] limited to `out` entries (one depth tap)."""
    start = k * dilation
    return x[:, start:start + (out - 1) * stride + 1:stride]


def _fold(x):
    """(n, d, h, w, c) -> (n*d, h, w, c)."""
    dims = x.shape.dims
    return A.reshape(x, [-1] + list(dims[2:]))


def _unfold(y, n, d):
    dims = y.shape.dims
    return A.reshape(y, join_ops.stack([n, d] + [dims[i] if dims[i] is not None
                                                 else A.shape(y)[i] for i in (1, 2, 3)]))


def conv3d(input, filters, strides, padding, data_format="NDHWC",  # noqa: A002
           dilations=None, name=None):
    """tf.nn.conv3d: NDHWC input, filters (kd, kh, kw, in_channels, out_channels)."""
    op_name = "conv3d"
    x, padding = _check(op_name, input, data_format, padding)
    w = A.convert_to_tensor(filters, dtype_hint=x.dtype)
    wd = w.shape.dims
    if wd is None or len(wd) != 5 or None in wd:
        raise ValueError(f"{op_name}: filters must be 5-D with a static shape. Received: "
                         f"shape {w.shape}")
    if wd[3] != x.shape.dims[4]:
        raise ValueError(f"{op_name}: input depth {x.shape.dims[4]} does not match the "
                         f"filters' in_channels {wd[3]} (filters shape {tuple(wd)}).")
    (sd, sh, sw), (dd, dh, dw) = (_triple(strides, "strides", op_name),
                                  _triple(dilations, "dilations", op_name))
    depth = x.shape.dims[1]
    od, front, back = _out_size(op_name, depth, wd[0], sd, dd, padding)
    x = join_ops.pad(x, [[0, 0], [front, back], [0, 0], [0, 0], [0, 0]])
    n = A.shape(x)[0]
    total = None
    for k in range(wd[0]):
        y = conv2d(_fold(_depth_taps(x, k, sd, dd, od)), w[k], [sh, sw], padding,
                   dilations=[dh, dw])
        total = y if total is None else total + y
    return A.identity(_unfold(total, n, od), name=name)


def conv3d_transpose(input, filters, output_shape, strides, padding="SAME",  # noqa: A002
                     data_format="NDHWC", dilations=None, name=None):
    """tf.nn.conv3d_transpose: the gradient of conv3d w.r.t. its input; filters (kd, kh, kw,
    output_channels, input_channels); output_shape (batch, depth, height, width, channels)."""
    op_name = "conv3d_transpose"
    dy, padding = _check(op_name, input, data_format, padding)
    w = A.convert_to_tensor(filters, dtype_hint=dy.dtype)
    wd = w.shape.dims
    if wd is None or len(wd) != 5 or None in wd:
        raise ValueError(f"{op_name}: filters must be 5-D with a static shape. Received: "
                         f"shape {w.shape}")
    shape = output_shape.numpy().tolist() if hasattr(output_shape, "numpy") else \
        list(output_shape)
    if len(shape) != 5:
        raise ValueError(f"{op_name}: output_shape must have 5 entries. Received: "
                         f"output_shape={shape}")
    n, depth, h, wid, c = shape
    (sd, sh, sw), (dd, dh, dw) = (_triple(strides, "strides", op_name),
                                  _triple(dilations, "dilations", op_name))
    od, front, back = _out_size(op_name, int(depth), wd[0], sd, dd, padding)
    if dy.shape.dims[1] != od:
        raise ValueError(f"{op_name}: input depth {dy.shape.dims[1]} does not match the "
                         f"{od} that a conv3d of output_shape {shape} produces.")
    batch = A.shape(dy)[0]
    rows = batch * od
    flat = _fold(dy)
    padded_depth = int(depth) + front + back
    total = None
    for k in range(wd[0]):
        z = conv2d_transpose(flat, w[k], [rows, int(h), int(wid), int(c)], [sh, sw], padding,
                             dilations=[dh, dw])
        z = _unfold(z, batch, od)                            # (n, od, h, w, c)
        if sd > 1:  # interleave zeros: tap j lands at depth k*dd + j*sd
            z = join_ops.stack([z] + [A.zeros_like(z)] * (sd - 1), axis=2)
            z = A.reshape(z, join_ops.stack([batch, od * sd, int(h), int(wid), int(c)]))
            z = z[:, :(od - 1) * sd + 1]
        before = k * dd
        after = padded_depth - before - ((od - 1) * sd + 1)
        z = join_ops.pad(z, [[0, 0], [before, after], [0, 0], [0, 0], [0, 0]])
        total = z if total is None else total + z
    out = total[:, front:front + int(depth)]
    if n is not None and not hasattr(n, "dtype"):
        out = A.reshape(out, [int(n), int(depth), int(h), int(wid), int(c)])
    return A.identity(out, name=name)


def _pool3d(op_name, input, ksize, strides, padding, data_format, mode):  # noqa: A002
    x, padding = _check(op_name, input, data_format, padding)
    if mode == "avg" and not x.dtype.is_floating:
        raise TypeError(f"{op_name}: expected a floating-point input, got {x.dtype.name}.")
    (kd, kh, kw), (sd, sh, sw) = (_triple(ksize, "ksize", op_name),
                                  _triple(strides, "strides", op_name))
    n = A.shape(x)[0]
    depth = x.shape.dims[1]
    pool2d = max_pool2d if mode == "max" else avg_pool2d
    y = _unfold(pool2d(_fold(x), [kh, kw], [sh, sw], padding), n, depth)
    od, front, back = _out_size(op_name, depth, kd, sd, 1, padding)
    if mode == "max":
        low = float("-inf") if x.dtype.is_floating else int(x.dtype.min)
        y = join_ops.pad(y, [[0, 0], [front, back], [0, 0], [0, 0], [0, 0]],
                         constant_values=low)
        out = _depth_taps(y, 0, sd, 1, od)
        for k in range(1, kd):
            out = math_ops.maximum(out, _depth_taps(y, k, sd, 1, od))
        return out
    y = join_ops.pad(y, [[0, 0], [front, back], [0, 0], [0, 0], [0, 0]])
    total = _depth_taps(y, 0, sd, 1, od)
    for k in range(1, kd):
        total = total + _depth_taps(y, k, sd, 1, od)
    starts = np.arange(od) * sd - front  # the inside entries of each depth window
    counts = np.minimum(starts + kd, depth) - np.maximum(starts, 0)
    return total / A.cast(counts.reshape(1, od, 1, 1, 1).astype(np.float64), x.dtype)


def max_pool3d(input, ksize, strides, padding, data_format="NDHWC", name=None):  # noqa: A002
    """tf.nn.max_pool3d: the maximum of each (kd, kh, kw) window (NDHWC)."""
    return A.identity(_pool3d("max_pool3d", input, ksize, strides, padding, data_format,
                              "max"), name=name)


def avg_pool3d(input, ksize, strides, padding, data_format="NDHWC", name=None):  # noqa: A002
    """tf.nn.avg_pool3d: the mean of each window's entries inside the input (NDHWC)."""
    return A.identity(_pool3d("avg_pool3d", input, ksize, strides, padding, data_format,
                              "avg"), name=name)


from ..util.export import export_many  # noqa: E402

export_many("nn", {"conv3d": conv3d, "conv3d_transpose": conv3d_transpose,
                   "max_pool3d": max_pool3d, "avg_pool3d": avg_pool3d})


def conv3d_v1(input, filter=None, strides=None, padding=None,  # noqa: A002
              data_format="NDHWC", dilations=None, name=None, filters=None):
    """TF1 tf.nn.conv3d (`filter=`)."""
    return conv3d(input, filter if filters is None else filters, strides, padding,
                  data_format, dilations, name)


export_many("v1.nn", {"conv3d": conv3d_v1, "conv3d_transpose": conv3d_transpose,
                      "max_pool3d": max_pool3d, "avg_pool3d": avg_pool3d})
