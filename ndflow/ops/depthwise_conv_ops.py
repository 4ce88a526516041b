"""Depthwise and separable convolutions of tf.nn (DepthwiseConv2dNative and its gradients).

A depthwise convolution filters each input channel on its own with `channel_multiplier`
filters: filter shape (kh, kw, in_channels, multiplier), output channel `c * m + k` from
input channel `c` and filter `[:, :, c, k]`, as TensorFlow orders them. With one to a
few input channels per output there is no GEMM to win, so the kernels loop over the kh*kw
window offsets (conv_ops' window arithmetic) with one broadcast multiply-add each. The
gradient ops are differentiable again (the input gradient is linear in the filter and in
the output gradient), so second derivatives come for free, as for Conv2D.
"""
import numpy as np

from ..framework.errors import InvalidArgumentError
from ..framework.registry import ALL, execute, op
from ..framework.tensor_shape import TensorShape
from . import array_ops as A
from .conv_ops import (CONV2D, _check_rank, _conv_attrs, _conv_infer_core, _crop, _dims,
                       _fmt, _from_nhwc, _from_nhwc_dims, _geometry, _nhwc_shape, _offsets,
                       _pad, _sizes_arg, _sizes_value, _to_nhwc)

_NAME = "DepthwiseConv2dNative"


def _check_in_depth(op_name, x_shape, w_shape, in_depth, filter_depth):
    if in_depth is not None and filter_depth is not None and in_depth != filter_depth:
        raise InvalidArgumentError(
            f"{op_name}: input depth {in_depth} does not match the filter's in_channels "
            f"{filter_depth} (input shape {_fmt(x_shape)}, filter shape {_fmt(w_shape)}).")


# --- kernels on NHWC arrays --------------------------------------------------------------------
# Every kernel is a sum over the kh*kw window offsets of whole-array multiplies. Done over the
# whole batch, each offset streams the output (and a buffer as large) through memory once
# more; done a block of output rows at a time (BLOCK_BYTES of output), the block and its
# buffer stay in cache for all the offsets and memory sees each array about once.

BLOCK_BYTES = 1 << 18


def _row_blocks(n, oh, row_bytes):
    """(batch slice, output-row slice) blocks of about BLOCK_BYTES of output each: several
    whole images when images are small, else bands of rows of one image."""
    image = oh * row_bytes
    if image >= BLOCK_BYTES:
        rows = max(1, BLOCK_BYTES // max(row_bytes, 1))
        return [(slice(i, i + 1), slice(r, min(r + rows, oh)))
                for i in range(n) for r in range(0, oh, rows)]
    step = max(1, BLOCK_BYTES // max(image, 1))
    return [(slice(i, min(i + step, n)), slice(0, oh)) for i in range(0, n, step)]


def _input_rows(rs, stride, k_eff):
    """The rows of the padded input that output rows `rs` read."""
    return slice(rs.start * stride, (rs.stop - 1) * stride + k_eff)


def _dw_forward(xp, x, w, strides, padding, dilations, op_name=_NAME):
    n, h, wd, c = x.shape
    kh, kw, _, m = w.shape
    oh, ow, pads = _geometry(op_name, h, wd, (kh, kw), strides, dilations, padding)
    x = _pad(xp, x, pads)
    dtype = xp.result_type(x.dtype, w.dtype)
    out = xp.empty((n, oh, ow, c) if m == 1 else (n, oh, ow, c, m), dtype=dtype)
    taps = [w[i, j, :, 0] if m == 1 else w[i, j] for i in range(kh) for j in range(kw)]
    k_eff = (kh - 1) * dilations[0] + 1
    part = None
    for bs, rs in _row_blocks(n, oh, ow * c * m * out.itemsize):
        o = out[bs, rs]
        xb = x[bs, _input_rows(rs, strides[0], k_eff)]
        if part is None:
            part = xp.empty(o.shape, dtype=dtype) if len(taps) > 1 else None
        p = part if part is None or part.shape == o.shape else part[:o.shape[0], :o.shape[1]]
        offsets = _offsets((kh, kw), (o.shape[1], ow), strides, dilations)
        for k, (rows, cols) in enumerate(offsets):
            xs = xb[:, rows, cols] if m == 1 else xb[:, rows, cols, :, None]
            if k == 0:  # the first tap writes, the others accumulate through one buffer
                xp.multiply(xs, taps[k], out=o)
            else:
                xp.multiply(xs, taps[k], out=p)
                o += p
    return out.reshape(n, oh, ow, c * m)


def _dw_input_grad(xp, dy, w, in_hw, strides, padding, dilations, op_name):
    n, oh, ow, _ = dy.shape
    kh, kw, c, m = w.shape
    h, wd = in_hw
    oh2, ow2, pads = _geometry(op_name, h, wd, (kh, kw), strides, dilations, padding)
    if (oh2, ow2) != (oh, ow):
        raise InvalidArgumentError(
            f"{op_name}: the gradient's spatial size {(oh, ow)} does not match the size "
            f"{(oh2, ow2)} that a depthwise convolution of an input of size {(h, wd)} "
            "produces.")
    (top, bottom), (left, right) = pads
    dx = xp.zeros((n, h + top + bottom, wd + left + right, c), dtype=dy.dtype)
    dy5 = dy.reshape(n, oh, ow, c, m)
    k_eff = (kh - 1) * dilations[0] + 1
    part = None
    for bs, rs in _row_blocks(n, oh, ow * c * m * dy.itemsize):
        d = dy5[bs, rs]
        dxb = dx[bs, _input_rows(rs, strides[0], k_eff)]
        if part is None:
            part = xp.empty(d.shape[:4], dtype=dy.dtype)
        p = part if part.shape == d.shape[:4] else part[:d.shape[0], :d.shape[1]]
        offsets = _offsets((kh, kw), (d.shape[1], ow), strides, dilations)
        for k, (rows, cols) in enumerate(offsets):
            tap = w[k // kw, k % kw]
            if m == 1:
                xp.multiply(d[..., 0], tap[:, 0], out=p)
            else:
                p[...] = xp.einsum("nhwcm,cm->nhwc", d, tap)
            dxb[:, rows, cols] += p
    return _crop(dx, pads, h, wd)


def _dw_filter_grad(xp, x, dy, k_hw, m, strides, padding, dilations, op_name):
    n, h, wd, c = x.shape
    kh, kw = k_hw
    oh, ow, pads = _geometry(op_name, h, wd, (kh, kw), strides, dilations, padding)
    if (oh, ow) != tuple(dy.shape[1:3]):
        raise InvalidArgumentError(
            f"{op_name}: the gradient's spatial size {tuple(dy.shape[1:3])} does not match "
            f"the depthwise convolution output size {(oh, ow)} of input shape "
            f"{tuple(x.shape)}.")
    x = _pad(xp, x, pads)
    dy5 = dy.reshape(n, oh, ow, c, m)
    dtype = xp.result_type(x.dtype, dy.dtype)
    dw = xp.zeros((kh, kw, c, m), dtype=dtype)
    k_eff = (kh - 1) * dilations[0] + 1
    for bs, rs in _row_blocks(n, oh, ow * c * m * dy.itemsize):
        d = dy5[bs, rs]
        xb = x[bs, _input_rows(rs, strides[0], k_eff)]
        offsets = _offsets((kh, kw), (d.shape[1], ow), strides, dilations)
        for k, (rows, cols) in enumerate(offsets):
            xs = xb[:, rows, cols]  # a strided view: einsum reduces it without a copy
            if m == 1:
                dw[k // kw, k % kw, :, 0] += xp.einsum("nhwc,nhwc->c", xs, d[..., 0])
            else:
                dw[k // kw, k % kw] += xp.einsum("nhwc,nhwcm->cm", xs, d)
    return dw


# --- the ops ----------------------------------------------------------------------------------

def _dw_infer(ts, attrs):
    x, w = ts
    fmt = attrs["data_format"]
    x_dims, w_dims = _dims(x), _dims(w)
    _check_rank(_NAME, "input", x_dims, 4)
    _check_rank(_NAME, "filter", w_dims, 4)
    w_dims = w_dims or [None] * 4
    if x_dims is None:
        return [(TensorShape([None] * 4), x.dtype)]
    n, h, wd, c = _nhwc_shape(x_dims, fmt)
    _check_in_depth(_NAME, x_dims, w_dims, c, w_dims[2])
    c = w_dims[2] if c is None else c
    out_c = None if c is None or w_dims[3] is None else c * w_dims[3]
    out = _conv_infer_core(_NAME, [n, h, wd, None], w_dims[:3] + [out_c], attrs)
    return [(TensorShape(_from_nhwc_dims(out, fmt)), x.dtype)]


@op(_NAME, unify=ALL, infer=_dw_infer)
def DEPTHWISE_CONV2D(xp, x, w, strides, padding, dilations, data_format):
    _check_rank(_NAME, "input", x.shape, 4)
    _check_rank(_NAME, "filter", w.shape, 4)
    xn = _to_nhwc(x, data_format)
    _check_in_depth(_NAME, x.shape, w.shape, xn.shape[3], w.shape[2])
    return _from_nhwc(_dw_forward(xp, xn, w, strides, padding, dilations), data_format)


def _bp_input_infer(ts, attrs):
    sizes, w, _ = ts
    dims = _sizes_value(sizes) or [None] * 4
    _check_rank(_NAME + "BackpropInput", "input_sizes", dims, 4)
    return [(TensorShape(dims), w.dtype)]


@op(_NAME + "BackpropInput", unify=(1, 2), grad_inputs=(1, 2), infer=_bp_input_infer)
def DEPTHWISE_BACKPROP_INPUT(xp, sizes, w, dy, strides, padding, dilations, data_format):
    """Gradient of DepthwiseConv2dNative w.r.t. its input of shape `sizes`."""
    name = _NAME + "BackpropInput"
    sizes = [int(s) for s in sizes]
    _check_rank(name, "input_sizes", sizes, 4)
    _check_rank(name, "filter", w.shape, 4)
    _check_rank(name, "out_backprop", dy.shape, 4)
    n, h, wd, c = _nhwc_shape(sizes, data_format)
    _check_in_depth(name, sizes, w.shape, c, w.shape[2])
    dyn = _to_nhwc(dy, data_format)
    if dyn.shape[0] != n or dyn.shape[3] != c * w.shape[3]:
        raise InvalidArgumentError(
            f"{name}: out_backprop shape {tuple(dy.shape)} does not fit input_sizes {sizes} "
            f"and filter shape {tuple(w.shape)}.")
    dx = _dw_input_grad(xp, dyn, w, (h, wd), strides, padding, dilations, name)
    return _from_nhwc(dx, data_format)


def _bp_filter_infer(ts, attrs):
    x, sizes, _ = ts
    dims = _sizes_value(sizes) or [None] * 4
    _check_rank(_NAME + "BackpropFilter", "filter_sizes", dims, 4)
    return [(TensorShape(dims), x.dtype)]


@op(_NAME + "BackpropFilter", unify=(0, 2), grad_inputs=(0, 2), infer=_bp_filter_infer)
def DEPTHWISE_BACKPROP_FILTER(xp, x, sizes, dy, strides, padding, dilations, data_format):
    """Gradient of DepthwiseConv2dNative w.r.t. its filter of shape `sizes`."""
    name = _NAME + "BackpropFilter"
    sizes = [int(s) for s in sizes]
    _check_rank(name, "filter_sizes", sizes, 4)
    _check_rank(name, "input", x.shape, 4)
    _check_rank(name, "out_backprop", dy.shape, 4)
    xn, dyn = _to_nhwc(x, data_format), _to_nhwc(dy, data_format)
    _check_in_depth(name, x.shape, sizes, xn.shape[3], sizes[2])
    if dyn.shape[3] != sizes[2] * sizes[3]:
        raise InvalidArgumentError(
            f"{name}: out_backprop depth {dyn.shape[3]} is not in_channels * multiplier of "
            f"filter_sizes {sizes}.")
    return _dw_filter_grad(xp, xn, dyn, sizes[:2], sizes[3], strides, padding, dilations,
                           name)


def _attrs_of(op_):
    return {k: op_.attrs[k] for k in ("strides", "padding", "dilations", "data_format")}


@DEPTHWISE_CONV2D.gradient
def _dw_grad(op_, dy, *, needs=(True, True)):
    x, w = op_.inputs
    attrs = _attrs_of(op_)
    return [execute(DEPTHWISE_BACKPROP_INPUT, (A.shape(x), w, dy), attrs) if needs[0] else None,
            execute(DEPTHWISE_BACKPROP_FILTER, (x, A.shape(w), dy), attrs) if needs[1]
            else None]


@DEPTHWISE_BACKPROP_INPUT.gradient
def _bp_input_grad(op_, ddx):
    _, w, dy = op_.inputs
    attrs = _attrs_of(op_)
    return [None, execute(DEPTHWISE_BACKPROP_FILTER, (ddx, A.shape(w), dy), attrs),
            execute(DEPTHWISE_CONV2D, (ddx, w), attrs)]


@DEPTHWISE_BACKPROP_FILTER.gradient
def _bp_filter_grad(op_, ddw):
    x, _, dy = op_.inputs
    attrs = _attrs_of(op_)
    return [execute(DEPTHWISE_BACKPROP_INPUT, (A.shape(x), ddw, dy), attrs), None,
            execute(DEPTHWISE_CONV2D, (x, ddw), attrs)]


# --- public functions ---------------------------------------------------------------------------

def depthwise_conv2d(input, filter, strides, padding, data_format=None,  # noqa: A002
                     dilations=None, name=None):
    """tf.nn.depthwise_conv2d: each input channel convolved with its own filters.

    Args:
      input: 4-D tensor, NHWC (or NCHW with `data_format="NCHW"`).
      filter: (filter_height, filter_width, in_channels, channel_multiplier).
      strides: an int or a list of 1, 2 or 4 ints.
      padding: "SAME", "VALID" or explicit pairs.
      data_format: "NHWC" (default) or "NCHW".
      dilations: the dilation rate (an int or a list of 1, 2 or 4 ints).
      name: optional op name.

    Returns:
      A 4-D tensor with in_channels * channel_multiplier channels.
    """
    attrs = _conv_attrs("depthwise_conv2d", strides, padding, data_format, dilations)
    return execute(DEPTHWISE_CONV2D, (input, filter), attrs, name)


def _static_dims(value):
    shape = getattr(value, "shape", None)
    shape = TensorShape(np.shape(value) if shape is None else shape)
    return None if shape.rank is None else shape.as_list()


def depthwise_conv2d_v1(input, filter, strides, padding, rate=None, name=None,  # noqa: A002
                        data_format=None, dilations=None):
    """TF1 tf.nn.depthwise_conv2d (`rate=` is the dilation)."""
    return depthwise_conv2d(input, filter, strides, padding, data_format,
                            dilations if rate is None else rate, name)


def separable_conv2d(input, depthwise_filter, pointwise_filter, strides, padding,  # noqa: A002
                     data_format=None, dilations=None, name=None):
    """tf.nn.separable_conv2d: a depthwise convolution, then a 1x1 convolution mixing channels.

    Args:
      input: 4-D tensor, NHWC (or NCHW).
      depthwise_filter: (filter_height, filter_width, in_channels, channel_multiplier).
      pointwise_filter: (1, 1, in_channels * channel_multiplier, out_channels).
      strides, padding, data_format, dilations: as for `depthwise_conv2d`.
      name: optional op name.

    Returns:
      A 4-D tensor with out_channels channels.
    """
    pw_dims = _static_dims(pointwise_filter)
    if pw_dims is not None and len(pw_dims) == 4 and \
            any(d not in (None, 1) for d in pw_dims[:2]):
        raise ValueError("separable_conv2d: pointwise_filter must have height and width 1. "
                         f"Received: pointwise_filter shape {tuple(pw_dims)}")
    attrs = _conv_attrs("separable_conv2d", strides, padding, data_format, dilations)
    depth = execute(DEPTHWISE_CONV2D, (input, depthwise_filter), attrs)
    point = dict(attrs, strides=(1, 1), padding="VALID", dilations=(1, 1))
    return execute(CONV2D, (depth, pointwise_filter), point, name)


def separable_conv2d_v1(input, depthwise_filter, pointwise_filter, strides,  # noqa: A002
                        padding, rate=None, name=None, data_format=None, dilations=None):
    """TF1 `nn.separable_conv2d`: a depthwise convolution followed by a 1x1 pointwise one.

    Args:
      input: A 4-D tensor (NHWC by default).
      depthwise_filter: A `(height, width, in_channels, channel_multiplier)` kernel.
      pointwise_filter: A `(1, 1, in_channels * channel_multiplier, out_channels)` kernel.
      strides: The depthwise convolution's strides.
      padding: "VALID" or "SAME".
      rate: TF1's name for `dilations`.
      name: A name for the operation (optional).
      data_format: "NHWC" (default) or "NCHW".
      dilations: The depthwise convolution's dilation rates.

    Returns:
      The convolved `Tensor`.
    """
    return separable_conv2d(input, depthwise_filter, pointwise_filter, strides, padding,
                            data_format, dilations if rate is None else rate, name)


def depthwise_conv2d_backprop_input(input_sizes, filter, out_backprop, strides,  # noqa: A002
                                    padding, data_format="NHWC", dilations=None, name=None):
    """The gradient of `depthwise_conv2d` with respect to its input.

    Args:
      input_sizes: The input's shape (a 1-D integer tensor or list of 4 ints).
      filter: The `(height, width, in_channels, channel_multiplier)` kernel.
      out_backprop: The gradient of the convolution's output.
      strides: The convolution's strides.
      padding: The convolution's padding.
      data_format: "NHWC" (default) or "NCHW".
      dilations: The convolution's dilations.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of shape `input_sizes`.
    """
    attrs = _conv_attrs("depthwise_conv2d_backprop_input", strides, padding, data_format,
                        dilations)
    return execute(DEPTHWISE_BACKPROP_INPUT,
                   (_sizes_arg(input_sizes, "input_sizes"), filter, out_backprop), attrs, name)


def depthwise_conv2d_backprop_filter(input, filter_sizes, out_backprop, strides,  # noqa: A002
                                     padding, data_format="NHWC", dilations=None, name=None):
    """The gradient of `depthwise_conv2d` with respect to its kernel.

    Args:
      input: The convolution's input.
      filter_sizes: The kernel's shape (a 1-D integer tensor or list of 4 ints).
      out_backprop: The gradient of the convolution's output.
      strides: The convolution's strides.
      padding: The convolution's padding.
      data_format: "NHWC" (default) or "NCHW".
      dilations: The convolution's dilations.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of shape `filter_sizes`.
    """
    attrs = _conv_attrs("depthwise_conv2d_backprop_filter", strides, padding, data_format,
                        dilations)
    return execute(DEPTHWISE_BACKPROP_FILTER,
                   (input, _sizes_arg(filter_sizes, "filter_sizes"), out_backprop), attrs,
                   name)


from ..util.export import export_many  # noqa: E402

export_many("nn", {"depthwise_conv2d": depthwise_conv2d, "separable_conv2d": separable_conv2d,
                   "depthwise_conv2d_backprop_input": depthwise_conv2d_backprop_input,
                   "depthwise_conv2d_backprop_filter": depthwise_conv2d_backprop_filter})
export_many("v1.nn", {"depthwise_conv2d": depthwise_conv2d_v1,
                      "separable_conv2d": separable_conv2d_v1,
                      "depthwise_conv2d_native": depthwise_conv2d,
                      "depthwise_conv2d_native_backprop_input": depthwise_conv2d_backprop_input,
                      "depthwise_conv2d_native_backprop_filter":
                          depthwise_conv2d_backprop_filter})
