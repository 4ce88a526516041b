"""Convolution and bias_add ops of tf.nn, and the window arithmetic pooling shares.

Kernels work on NHWC arrays (NCHW inputs are transposed views on the way in and out).
A convolution is a GEMM over im2col patches taken with `as_strided` from the padded
input, a chunk of images at a time (CHUNK_BYTES of patches, so they are written and read
in cache, and a large batch never holds all its patches at once; 1x1 convolutions are
plain GEMMs, strided ones over a strided view). Its filter gradient is the sum over the
chunks of GEMMs of the same patches with the output gradient; its input gradient
multiplies the output gradient by the filter and adds the result back one window offset
at a time (measured faster here than convolving the zero-dilated gradient
with the flipped filter, which also wastes work on the zeros when strides > 1). The
gradients are registered ops whose own gradients are convolutions again, so second-order
derivatives and graph-mode gradients come for free. Pooling (pooling_ops) reads its
windows with the same helpers. With the jit on, stride-1 3x3 float32 convolutions of 16 or
more channels (W5's second layer) run all three kernels as Winograd F(2x2, 3x3) instead
(winograd.py, `_winograd`).
"""
import numpy as np

from ..framework import dtypes
from ..framework.errors import InvalidArgumentError
from ..framework.registry import ALL, CONST, execute, op
from ..framework.tensor import EagerTensor, TensorLike
from ..framework.tensor_shape import TensorShape
from . import array_ops as A
from .join_ops import stack
from . import conv_kernels_jit as _K
from . import winograd as _W


# --- argument normalisation (TensorFlow's accepted forms) -------------------------------------

def _data_format_2d(data_format, op_name):
    fmt = "NHWC" if data_format is None else str(data_format).upper()
    if fmt not in ("NHWC", "NCHW"):
        raise ValueError(f"{op_name}: data_format must be 'NHWC' or 'NCHW'. "
                         f"Received: data_format={data_format!r}")
    return fmt


def _spatial_pair(value, arg, op_name, data_format, default=1):
    """An int, or a list of 1, 2 or 4 ints (TensorFlow's forms), as (height, width)."""
    if value is None:
        return (default, default)
    if isinstance(value, EagerTensor):
        value = value.numpy().tolist()
    if isinstance(value, (int, np.integer)):
        return (int(value), int(value))
    values = [int(v) for v in value]
    if len(values) == 1:
        values = values * 2
    elif len(values) == 4:
        outer = (values[0], values[1]) if data_format == "NCHW" else (values[0], values[3])
        if outer != (1, 1):
            raise ValueError(f"{op_name}: {arg} in the batch and depth dimensions must be 1. "
                             f"Received: {arg}={list(value)}")
        values = values[2:] if data_format == "NCHW" else values[1:3]
    elif len(values) != 2:
        raise ValueError(f"{op_name}: {arg} must be an int or a list of 1, 2 or 4 ints. "
                         f"Received: {arg}={list(value)}")
    if min(values) < 1:
        raise ValueError(f"{op_name}: {arg} must be positive. Received: {arg}={list(value)}")
    return tuple(values)


def _padding_attr(padding, op_name, data_format, explicit_ok=True):
    """'SAME', 'VALID', or explicit ((top, bottom), (left, right)) from TF's 4 pairs."""
    if isinstance(padding, str):
        mode = padding.upper()
        if mode in ("SAME", "VALID"):
            return mode
        raise ValueError(f"{op_name}: padding must be 'SAME', 'VALID' or a list of pairs. "
                         f"Received: padding={padding!r}")
    if not explicit_ok or padding is None:
        raise ValueError(f"{op_name}: padding must be 'SAME' or 'VALID'. "
                         f"Received: padding={padding!r}")
    pairs = [tuple(int(v) for v in pair) for pair in padding]
    if len(pairs) == 4:
        outer = (pairs[0], pairs[1]) if data_format == "NCHW" else (pairs[0], pairs[3])
        if outer != ((0, 0), (0, 0)):
            raise ValueError(f"{op_name}: explicit padding of the batch and depth dimensions "
                             f"must be 0. Received: padding={padding!r}")
        pairs = pairs[2:] if data_format == "NCHW" else pairs[1:3]
    if len(pairs) != 2 or any(len(p) != 2 or min(p) < 0 for p in pairs):
        raise ValueError(f"{op_name}: explicit padding must be 4 (or 2 spatial) pairs of "
                         f"non-negative ints. Received: padding={padding!r}")
    return tuple(pairs)


def _conv_attrs(op_name, strides, padding, data_format, dilations):
    fmt = _data_format_2d(data_format, op_name)
    return {"strides": _spatial_pair(strides, "strides", op_name, fmt),
            "padding": _padding_attr(padding, op_name, fmt),
            "dilations": _spatial_pair(dilations, "dilations", op_name, fmt),
            "data_format": fmt}


# --- window arithmetic ------------------------------------------------------------------------

def _out_size(op_name, size, k, stride, dilation, padding):
    """(output size, pad before, pad after) along one spatial axis, as TensorFlow computes
    them: SAME gives ceil(size / stride) with the odd extra pad after (bottom/right)."""
    k_eff = (k - 1) * dilation + 1
    if padding == "SAME":
        out = -(-size // stride)
        total = max((out - 1) * stride + k_eff - size, 0)
        return out, total // 2, total - total // 2
    before, after = (0, 0) if padding == "VALID" else padding
    span = size + before + after - k_eff
    if span < 0:
        raise InvalidArgumentError(
            f"{op_name}: computed output size would be negative: input size {size} (padded "
            f"{size + before + after}) is smaller than the effective window size {k_eff}.")
    return span // stride + 1, before, after


def _geometry(op_name, h, w, ksize, strides, dilations, padding):
    """(out_h, out_w, ((top, bottom), (left, right)))."""
    pad_h = padding if isinstance(padding, str) else padding[0]
    pad_w = padding if isinstance(padding, str) else padding[1]
    oh, top, bottom = _out_size(op_name, h, ksize[0], strides[0], dilations[0], pad_h)
    ow, left, right = _out_size(op_name, w, ksize[1], strides[1], dilations[1], pad_w)
    return oh, ow, ((top, bottom), (left, right))


def _static_out(op_name, size, k, stride, dilation, padding):
    return None if size is None else _out_size(op_name, size, k, stride, dilation, padding)[0]


# --- array helpers (NHWC) -----------------------------------------------------------------------

def _to_nhwc(x, data_format):
    return x if data_format == "NHWC" else x.transpose(0, 2, 3, 1)


def _from_nhwc(x, data_format):
    return x if data_format == "NHWC" else x.transpose(0, 3, 1, 2)


def _nhwc_shape(shape, data_format):
    n, a, b, c = shape
    return (n, a, b, c) if data_format == "NHWC" else (n, b, c, a)


def _pad(xp, x, pads, value=0):
    (top, bottom), (left, right) = pads
    if not (top or bottom or left or right):
        return x
    n, h, w, c = x.shape
    out = xp.full((n, h + top + bottom, w + left + right, c), value, dtype=x.dtype)
    out[:, top:top + h, left:left + w] = x
    return out


def _crop(x, pads, h, w):
    (top, _), (left, _) = pads
    return x[:, top:top + h, left:left + w]


def _im2col(xp, x, ksize, out_hw, strides, dilations):
    """(N*OH*OW, KH*KW*C) matrix of the windows of padded NHWC `x`.

    The 6-D strided window view is copied in runs of kw*C elements (a window row); when that
    run is under 8 elements (W5's first layer: 3x1) kh*kw block copies, one per window
    offset, measured 1.5-2.4x faster; from kw*C = 9 up the strided copy is (3x at 3x3x3,
    6.5x at ResNet-50's 7x7x3 stride 2)."""
    n, _, _, c = x.shape
    rows = n * out_hw[0] * out_hw[1]
    if ksize[1] * c >= 8:
        sn, sh, sw, sc = x.strides
        shape = (n, out_hw[0], out_hw[1], ksize[0], ksize[1], c)
        steps = (sn, sh * strides[0], sw * strides[1], sh * dilations[0], sw * dilations[1],
                 sc)
        windows = xp.lib.stride_tricks.as_strided(x, shape, steps, writeable=False)
        return windows.reshape(rows, ksize[0] * ksize[1] * c)
    cols = xp.empty((n, out_hw[0], out_hw[1], ksize[0], ksize[1], c), x.dtype)
    for k, (r, q) in enumerate(_offsets(ksize, out_hw, strides, dilations)):
        cols[:, :, :, k // ksize[1], k % ksize[1], :] = x[:, r, q, :]
    return cols.reshape(rows, ksize[0] * ksize[1] * c)


def _patches(xp, x, ksize, out_hw, strides, dilations, pads, scratch):
    """The (rows, kh*kw*C) patch matrix of a chunk of unpadded NHWC `x`. Compiled (when
    `scratch` is a list, from `_patch_scratch`): one pass writing the patches, zeros for the
    padding, into a buffer reused across a kernel's chunks (held in `scratch`), instead of
    a padded copy of the chunk and then the strided copy; the same values either way."""
    n, _, _, c = x.shape
    (kh, kw), (oh, ow) = ksize, out_hw
    if scratch is not None:
        size = n * oh * ow * kh * kw * c
        if not scratch or scratch[0].size < size:
            scratch[:] = [xp.empty(size, dtype=x.dtype)]
        cols = scratch[0][:size].reshape(n, oh, ow, kh, kw, c)
        _K.im2col(x, cols, strides, dilations, pads)
        return cols.reshape(n * oh * ow, kh * kw * c)
    xs = _pad(xp, x, pads)
    if (kh, kw) == (1, 1):
        return xs[:, ::strides[0], ::strides[1]].reshape(-1, c)
    return _im2col(xp, xs, ksize, out_hw, strides, dilations)


def _patch_scratch(xp, x, ksize):
    """[] (a holder for `_patches`' reused buffer) when the compiled im2col runs for these
    arrays, else None: decided once per kernel call, not per chunk."""
    compiled = tuple(ksize) != (1, 1) and x.shape[3] >= 8 and _K.usable(xp, x)
    return [] if compiled else None  # (fewer than 8 channels: the block copies win)


def _offsets(ksize, out_hw, strides, dilations=(1, 1)):
    """For each window offset (i, j): the (rows, cols) slices of the padded input it reads."""
    for i in range(ksize[0]):
        for j in range(ksize[1]):
            r0, c0 = i * dilations[0], j * dilations[1]
            yield (slice(r0, r0 + max((out_hw[0] - 1) * strides[0] + 1, 0), strides[0]),
                   slice(c0, c0 + max((out_hw[1] - 1) * strides[1] + 1, 0), strides[1]))


def _check_depth(op_name, x_shape, w_shape, in_depth, filter_depth):
    if in_depth is not None and filter_depth is not None and in_depth != filter_depth:
        raise InvalidArgumentError(
            f"{op_name}: input depth {in_depth} does not match the filter's input depth "
            f"{filter_depth} (input shape {_fmt(x_shape)}, filter shape {_fmt(w_shape)}).")


def _check_rank(op_name, what, shape, rank):
    if shape is not None and len(shape) != rank:
        raise InvalidArgumentError(f"{op_name}: {what} must be {rank}-dimensional, got shape "
                                   f"{_fmt(shape)}.")


def _fmt(shape):
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + ")" \
        if shape is not None else "<unknown>"


# --- convolution kernels -------------------------------------------------------------------------

CHUNK_BYTES = 1 << 20  # patch matrix per batch chunk: stays in the L2 cache for its GEMM
MIN_ROWS = 1024  # but every GEMM gets this many rows (output positions) at least: skinny
# GEMMs run below BLAS's rate (ResNet-50's 7x7 layers, 49 rows an image: 1.47x slower one
# image at a time than 8 together on 1 thread), and far below it on 2 threads


def _batch_chunks(n, bytes_per_image, rows_per_image):
    """Slices of the batch whose patch matrices take about CHUNK_BYTES each, with at least
    MIN_ROWS rows each."""
    step = max(CHUNK_BYTES // max(bytes_per_image, 1), -(-MIN_ROWS // max(rows_per_image, 1)))
    step = max(1, min(n, step))
    return [slice(i, min(i + step, n)) for i in range(0, n, step)]


WINOGRAD_MIN_CHANNELS = 16  # Winograd F(2x2, 3x3) from this many input and output channels
WINOGRAD_MIN_ROWS = 1024  # and this many output positions (n * oh * ow) a call


def _winograd(xp, ksize, strides, dilations, padding, c, o, rows, *arrays, filter_grad=False):
    """Whether a convolution's kernels run as Winograd F(2x2, 3x3) (ndflow/ops/winograd.py):
    3x3, stride 1, no dilation, SAME or VALID, c in and o out channels both at least
    WINOGRAD_MIN_CHANNELS, float32 NumPy `arrays` with the jit on (float64 and the NumPy
    path keep im2col + GEMM: a NumPy Winograd measured no faster), and `rows` output
    positions at least WINOGRAD_MIN_ROWS (a filter gradient: c*o/16 too), below which the
    filter's transforms and the 16 small GEMMs cost more than they save (7x7x512x512 at
    batch 8: filter gradient 21 -> 47 ms). W5's second layer (batch 128, 1 thread CPU):
    forward 11.4 -> 7.8 ms, input gradient 11.8 -> 7.7, filter gradient 12.2 -> 8.7
    (benchmarks/bench_winograd.py)."""
    return isinstance(padding, str) and tuple(ksize) == (3, 3) and \
        tuple(strides) == (1, 1) == tuple(dilations) and \
        min(c, o) >= WINOGRAD_MIN_CHANNELS and arrays[0].dtype == np.float32 and \
        rows >= max(WINOGRAD_MIN_ROWS, c * o // 16 if filter_grad else 0) and \
        _K.usable(xp, *arrays)


def _conv_forward(xp, x, w, strides, pads, dilations, op_name="Conv2D", epilogue=None):
    """Cross-correlation of NHWC `x` with HWIO `w`: im2col patches times the filter matrix,
    a chunk of images at a time (each chunk's patches are written and read in cache), the
    GEMMs writing straight into the output. `epilogue(rows)`, when given, finishes each
    chunk's (rows, o) output in place while it is still in cache (FusedConv2D's bias add
    and activation)."""
    n, h, wd, c = x.shape
    kh, kw, _, o = w.shape
    oh, ow, pad_pairs = _geometry(op_name, h, wd, (kh, kw), strides, dilations, pads)
    if epilogue is None and _winograd(xp, (kh, kw), strides, dilations, pads, c, o,
                                      n * oh * ow, x, w):
        return _W.conv3x3(xp, x, w, pad_pairs, (oh, ow))
    pads = pad_pairs
    wmat = w.reshape(kh * kw * c, o)
    if (kh, kw) == (1, 1) and strides == (1, 1) and pads == ((0, 0), (0, 0)):
        rows = x.reshape(n * oh * ow, c) @ wmat
        if epilogue is not None:
            epilogue(rows)
        return rows.reshape(n, oh, ow, o)
    out = xp.empty((n, oh, ow, o), dtype=xp.result_type(x.dtype, w.dtype))
    rows = out.reshape(n * oh * ow, o)
    per_image = oh * ow
    scratch = _patch_scratch(xp, x, (kh, kw))
    for part in _batch_chunks(n, per_image * kh * kw * c * x.dtype.itemsize, per_image):
        cols = _patches(xp, x[part], (kh, kw), (oh, ow), strides, dilations, pads, scratch)
        chunk = rows[part.start * per_image:part.stop * per_image]
        xp.matmul(cols, wmat, out=chunk)
        if epilogue is not None:
            epilogue(chunk)
    return out


def _conv_input_grad(xp, dy, w, in_hw, strides, padding, dilations, op_name):
    """Adjoint of `_conv_forward` w.r.t. its input: patch gradients from GEMMs, added back
    window offset by window offset (kh*kw vectorised strided adds, no np.add.at)."""
    n, oh, ow, o = dy.shape
    kh, kw, c, _ = w.shape
    h, wd = in_hw
    oh2, ow2, pads = _geometry(op_name, h, wd, (kh, kw), strides, dilations, padding)
    if (oh2, ow2) != (oh, ow):
        raise InvalidArgumentError(
            f"{op_name}: the gradient's spatial size {(oh, ow)} does not match the size "
            f"{(oh2, ow2)} that a convolution of an input of size {(h, wd)} produces.")
    if _winograd(xp, (kh, kw), strides, dilations, padding, c, o, n * oh * ow, dy, w):
        return _W.input_grad(xp, dy, w, pads, in_hw)
    dy2 = dy.reshape(n * oh * ow, o)
    if strides == (1, 1) and c >= 8 and (kh, kw) != (1, 1) and _K.usable(xp, dy2, w):
        return _input_grad_stride1_cols(xp, dy2, w, (n, oh, ow), in_hw, pads, dilations)
    if strides == (1, 1) and c >= 8:
        dx = xp.empty((n, h, wd, c), dtype=dy.dtype)
        per_image = oh * ow
        for part in _batch_chunks(n, per_image * (o + c) * dy.dtype.itemsize, per_image):
            _input_grad_stride1(xp, dy2[part.start * per_image:part.stop * per_image], w,
                                (part.stop - part.start, oh, ow), in_hw, pads, dilations,
                                dx[part])
        return dx
    (top, bottom), (left, right) = pads
    dx = xp.zeros((n, h + top + bottom, wd + left + right, c), dtype=dy.dtype)
    offsets = _offsets((kh, kw), (oh, ow), strides, dilations)
    if c < 8:  # few input channels: one GEMM for all offsets (its result is small)
        dcols = (dy2 @ w.reshape(kh * kw * c, o).T).reshape(n, oh, ow, kh * kw, c)
        for k, (rows, cols) in enumerate(offsets):
            dx[:, rows, cols] += dcols[:, :, :, k]
    else:  # one GEMM per offset into a reused buffer: contiguous, cache-friendly adds
        part = xp.empty((n * oh * ow, c), dtype=dx.dtype)
        for k, (rows, cols) in enumerate(offsets):
            xp.matmul(dy2, w[k // kw, k % kw].T, out=part)
            dx[:, rows, cols] += part.reshape(n, oh, ow, c)
    return _crop(dx, pads, h, wd)


def _input_grad_stride1_cols(xp, dy2, w, out_nhw, in_hw, pads, dilations):
    """Stride-1 input gradient with the compiled col2im, a chunk of images at a time: one
    GEMM gives the chunk's patch gradients (rows, kh*kw*c) in cache (a wide product: 1.7x
    the rate of the kh*kw narrow per-offset GEMMs on W5's second layer), then one compiled
    pass adds them back into the chunk's dx. W5's conv2 input gradient: 17.6 -> 13.2 ms (1
    thread CPU). The same additions in NumPy (kh*kw strided adds) measured slower than
    `_input_grad_stride1`, which the NumPy path keeps; the two round differently (the GEMMs
    differ), within float32 tolerance."""
    n, oh, ow = out_nhw
    kh, kw, c, o = w.shape
    h, wd = in_hw
    per_image = oh * ow
    wt = w.reshape(kh * kw * c, o).T
    dx = xp.empty((n, h, wd, c), dtype=dy2.dtype)
    parts = _batch_chunks(n, per_image * kh * kw * c * dy2.dtype.itemsize, per_image)
    if not parts:
        return dx
    buf = xp.empty(((parts[0].stop - parts[0].start) * per_image, kh * kw * c), dy2.dtype)
    (top, _), (left, _) = pads
    for part in parts:
        m = part.stop - part.start
        dcols = buf[:m * per_image]
        xp.matmul(dy2[part.start * per_image:part.stop * per_image], wt, out=dcols)
        _K.col2im_stride1(dcols.reshape(m, oh, ow, kh, kw, c), dx[part], top, left, dilations)
    return dx


def _input_grad_stride1(xp, dy2, w, out_nhw, in_hw, pads, dilations, dx):
    """Stride-1 input gradient written straight into the unpadded result `dx` (a chunk of
    images): each window offset's GEMM is added into the part of dx it reaches, and an
    offset that reaches all of dx from all of dy (the centre of a SAME convolution) writes
    dx itself, so there is no zero fill, no padded buffer and no cropped (non-contiguous)
    result: 5-8% faster than the padded form on W5's second layer (issue 15)."""
    n, oh, ow = out_nhw
    kh, kw, c, _ = w.shape
    h, wd = in_hw
    (top, _), (left, _) = pads
    written, taps = False, []
    for i in range(kh):
        for j in range(kw):
            r0, c0 = i * dilations[0] - top, j * dilations[1] - left  # input = output + r0
            rows = slice(max(0, r0), min(h, oh + r0))
            cols = slice(max(0, c0), min(wd, ow + c0))
            if rows.start < rows.stop and cols.start < cols.stop:
                src = (slice(rows.start - r0, rows.stop - r0),
                       slice(cols.start - c0, cols.stop - c0))
                whole = (r0, c0, oh, ow) == (0, 0, h, wd)
                if whole and not written:
                    xp.matmul(dy2, w[i, j].T, out=dx.reshape(n * h * wd, c))
                    written = True
                else:
                    taps.append((w[i, j], rows, cols, src))
    if not written:
        dx[...] = 0
    part = xp.empty((n * oh * ow, c), dtype=dx.dtype)
    for w_ij, rows, cols, (src_rows, src_cols) in taps:
        xp.matmul(dy2, w_ij.T, out=part)
        dx[:, rows, cols] += part.reshape(n, oh, ow, c)[:, src_rows, src_cols]


def _conv_filter_grad(xp, x, dy, k_hw, strides, padding, dilations, op_name):
    """Gradient w.r.t. the filter: GEMMs of the im2col patches with the output gradient, a
    chunk of images at a time (the patches stay in cache), summed."""
    n, h, wd, c = x.shape
    o = dy.shape[3]
    kh, kw = k_hw
    oh, ow, pads = _geometry(op_name, h, wd, (kh, kw), strides, dilations, padding)
    if (oh, ow) != tuple(dy.shape[1:3]):
        raise InvalidArgumentError(
            f"{op_name}: the gradient's spatial size {tuple(dy.shape[1:3])} does not match "
            f"the convolution output size {(oh, ow)} of input shape {tuple(x.shape)}.")
    if _winograd(xp, (kh, kw), strides, dilations, padding, c, o, n * oh * ow, x, dy,
                 filter_grad=True):
        return _W.filter_grad(xp, x, dy, pads)
    per_image, k = oh * ow, kh * kw * c
    dy2 = dy.reshape(n * per_image, o)
    if (kh, kw) == (1, 1) and strides == (1, 1) and pads == ((0, 0), (0, 0)):
        return (x.reshape(n * per_image, c).T @ dy2).reshape(1, 1, c, o)
    dw = None
    scratch = _patch_scratch(xp, x, (kh, kw))
    for part in _batch_chunks(n, per_image * k * x.dtype.itemsize, per_image):
        cols = _patches(xp, x[part], (kh, kw), (oh, ow), strides, dilations, pads, scratch)
        d = dy2[part.start * per_image:part.stop * per_image]
        if c < 8:
            # Few channels: a (kh*kw*c, o) result summed over N*OH*OW rows. One GEMM of
            # that shape is a tiny-output, huge-K product that 2 BLAS threads run badly (3x
            # slower than 1 thread on a busy machine, issue 15); per-image products summed
            # are 16% cheaper single-threaded and immune to it.
            m = part.stop - part.start
            g = (cols.reshape(m, per_image, k).transpose(0, 2, 1)
                 @ d.reshape(m, per_image, o)).sum(axis=0)
        else:  # this orientation measured up to several times faster than d.T @ cols
            g = cols.T @ d
        if dw is None:
            dw = g
        else:
            dw += g
    if dw is None:  # an empty batch
        dw = xp.zeros((k, o), dtype=xp.result_type(x.dtype, dy.dtype))
    return dw.reshape(kh, kw, c, o)


# --- Conv2D and its gradient ops -----------------------------------------------------------------

def _sizes_value(t):
    """Static value of a shape tensor given to a backprop op (None entries: unknown), or
    None when not even its length is known."""
    op_ = t.op
    if op_.op_def is CONST:
        return [int(v) for v in np.asarray(op_.attrs["value"]).reshape(-1)]
    if op_.op_def.name == "Shape":
        return op_.inputs[0].shape.dims
    if op_.op_def.name == "Pack":  # e.g. [tf.shape(x)[0], 14, 14, 32]
        return [int(np.asarray(v.op.attrs["value"])) if v.op.op_def is CONST else None
                for v in op_.inputs]
    if t.shape.rank == 1 and t.shape.dims[0] is not None:
        return [None] * t.shape.dims[0]
    return None


def _dims(t):
    return t.shape.dims


def _conv_infer_core(op_name, x_dims, w_dims, attrs):
    """Static NHWC output dims of a convolution (x_dims and w_dims in NHWC / HWIO)."""
    n, h, w, _ = x_dims
    kh, kw, _, o = w_dims
    if kh is None or kw is None:
        return [n, None, None, o]
    strides, dil, pad = attrs["strides"], attrs["dilations"], attrs["padding"]
    pad_h = pad if isinstance(pad, str) else pad[0]
    pad_w = pad if isinstance(pad, str) else pad[1]
    return [n, _static_out(op_name, h, kh, strides[0], dil[0], pad_h),
            _static_out(op_name, w, kw, strides[1], dil[1], pad_w), o]


def _conv2d_infer(ts, attrs):
    x, w = ts
    fmt = attrs["data_format"]
    x_dims, w_dims = _dims(x), _dims(w)
    _check_rank("Conv2D", "input", x_dims, 4)
    _check_rank("Conv2D", "filter", w_dims, 4)
    w_dims = w_dims or [None] * 4
    if x_dims is None:
        return [(TensorShape([None, None, None, None]), x.dtype)]
    x_nhwc = _nhwc_shape(x_dims, fmt)
    _check_depth("Conv2D", x_dims, w_dims, x_nhwc[3], w_dims[2])
    out = _conv_infer_core("Conv2D", x_nhwc, w_dims, attrs)
    return [(TensorShape(_from_nhwc_dims(out, fmt)), x.dtype)]


def _from_nhwc_dims(d, data_format):
    return d if data_format == "NHWC" else [d[0], d[3], d[1], d[2]]


@op("Conv2D", unify=ALL, infer=_conv2d_infer)
def CONV2D(xp, x, w, strides, padding, dilations, data_format):
    _check_rank("Conv2D", "input", x.shape, 4)
    _check_rank("Conv2D", "filter", w.shape, 4)
    xn = _to_nhwc(x, data_format)
    _check_depth("Conv2D", x.shape, w.shape, xn.shape[3], w.shape[2])
    return _from_nhwc(_conv_forward(xp, xn, w, strides, padding, dilations), data_format)


def _backprop_input_infer(ts, attrs):
    sizes, w, dy = ts
    fmt = attrs["data_format"]
    dims = _sizes_value(sizes)
    if dims is None:
        dims = [None] * 4
    _check_rank("Conv2DBackpropInput", "input_sizes", dims, 4)
    n, h, wd, c = _nhwc_shape(dims, fmt)
    w_dims = _dims(w) or [None] * 4
    dy_dims = _dims(dy)
    _check_rank("Conv2DBackpropInput", "filter", w_dims, 4)
    _check_rank("Conv2DBackpropInput", "out_backprop", dy_dims, 4)
    if dy_dims is not None:
        dn, _, _, do = _nhwc_shape(dy_dims, fmt)
        n = dn if n is None else n
        _check_depth("Conv2DBackpropInput", dy_dims, w_dims, do, w_dims[3])
    c = w_dims[2] if c is None else c
    _check_depth("Conv2DBackpropInput", dims, w_dims, c, w_dims[2])
    return [(TensorShape(_from_nhwc_dims([n, h, wd, c], fmt)), w.dtype)]


@op("Conv2DBackpropInput", unify=(1, 2), grad_inputs=(1, 2), infer=_backprop_input_infer)
def CONV2D_BACKPROP_INPUT(xp, sizes, w, dy, strides, padding, dilations, data_format):
    """Gradient of Conv2D w.r.t. its input of shape `sizes` (also conv2d_transpose)."""
    name = "Conv2DBackpropInput"
    sizes = [int(s) for s in sizes]
    _check_rank(name, "input_sizes", sizes, 4)
    _check_rank(name, "filter", w.shape, 4)
    _check_rank(name, "out_backprop", dy.shape, 4)
    n, h, wd, c = _nhwc_shape(sizes, data_format)
    dyn = _to_nhwc(dy, data_format)
    _check_depth(name, dy.shape, w.shape, dyn.shape[3], w.shape[3])
    _check_depth(name, sizes, w.shape, c, w.shape[2])
    if n != dyn.shape[0]:
        raise InvalidArgumentError(f"{name}: input_sizes {sizes} and out_backprop shape "
                                   f"{tuple(dy.shape)} have different batch sizes.")
    dx = _conv_input_grad(xp, dyn, w, (h, wd), strides, padding, dilations, name)
    return _from_nhwc(dx, data_format)


def _backprop_filter_infer(ts, attrs):
    x, sizes, dy = ts
    dims = _sizes_value(sizes)
    if dims is None:
        dims = [None] * 4
    _check_rank("Conv2DBackpropFilter", "filter_sizes", dims, 4)
    return [(TensorShape(dims), x.dtype)]


@op("Conv2DBackpropFilter", unify=(0, 2), grad_inputs=(0, 2), infer=_backprop_filter_infer)
def CONV2D_BACKPROP_FILTER(xp, x, sizes, dy, strides, padding, dilations, data_format):
    """Gradient of Conv2D w.r.t. its filter of shape `sizes`."""
    name = "Conv2DBackpropFilter"
    sizes = [int(s) for s in sizes]
    _check_rank(name, "filter_sizes", sizes, 4)
    _check_rank(name, "input", x.shape, 4)
    _check_rank(name, "out_backprop", dy.shape, 4)
    xn, dyn = _to_nhwc(x, data_format), _to_nhwc(dy, data_format)
    _check_depth(name, x.shape, sizes, xn.shape[3], sizes[2])
    if dyn.shape[3] != sizes[3]:
        raise InvalidArgumentError(f"{name}: out_backprop depth {dyn.shape[3]} does not match "
                                   f"the filter's output depth {sizes[3]} (filter_sizes {sizes}).")
    return _conv_filter_grad(xp, xn, dyn, sizes[:2], strides, padding, dilations, name)


def _conv_attrs_of(op_):
    return {k: op_.attrs[k] for k in ("strides", "padding", "dilations", "data_format")}


@CONV2D.gradient
def _conv2d_grad(op_, dy, *, needs=(True, True)):
    x, w = op_.inputs
    attrs = _conv_attrs_of(op_)
    return [execute(CONV2D_BACKPROP_INPUT, (A.shape(x), w, dy), attrs) if needs[0] else None,
            execute(CONV2D_BACKPROP_FILTER, (x, A.shape(w), dy), attrs) if needs[1] else None]


@CONV2D_BACKPROP_INPUT.gradient
def _backprop_input_grad(op_, ddx):
    # dx = B(w) dy is linear in dy (the adjoint of conv) and bilinear in (w, dy)
    _, w, dy = op_.inputs
    attrs = _conv_attrs_of(op_)
    return [None,
            execute(CONV2D_BACKPROP_FILTER, (ddx, A.shape(w), dy), attrs),
            execute(CONV2D, (ddx, w), attrs)]


@CONV2D_BACKPROP_FILTER.gradient
def _backprop_filter_grad(op_, ddw):
    x, _, dy = op_.inputs
    attrs = _conv_attrs_of(op_)
    return [execute(CONV2D_BACKPROP_INPUT, (A.shape(x), ddw, dy), attrs),
            None,
            execute(CONV2D, (x, ddw), attrs)]


# --- bias_add ----------------------------------------------------------------------------------

def _bias_axis(rank, data_format):
    """Channels are last unless the format starts with 'NC' (NCHW, NC...)."""
    return 1 if data_format is not None and data_format.startswith("NC") else rank - 1


def _check_bias(op_name, value_shape, bias_shape, data_format):
    if value_shape is None:
        return
    if len(value_shape) < 2:
        raise InvalidArgumentError(f"{op_name}: value must be at least 2-dimensional, got "
                                   f"shape {_fmt(value_shape)}.")
    if bias_shape is None:
        return
    if len(bias_shape) != 1:
        raise InvalidArgumentError(f"{op_name}: bias must be 1-dimensional, got shape "
                                   f"{_fmt(bias_shape)}.")
    channels = value_shape[_bias_axis(len(value_shape), data_format)]
    if channels is not None and bias_shape[0] is not None and channels != bias_shape[0]:
        raise InvalidArgumentError(
            f"{op_name}: bias size {bias_shape[0]} does not match the channel dimension "
            f"{channels} of value (value shape {_fmt(value_shape)}, bias shape "
            f"{_fmt(bias_shape)}, data_format {data_format or 'NHWC'}).")


def _bias_add_infer(ts, attrs):
    value, bias = ts
    _check_bias("BiasAdd", _dims(value), _dims(bias), attrs["data_format"])
    return [(value.shape, value.dtype)]


def _bias_view(bias, rank, data_format):
    """`bias` shaped to broadcast along the channel axis."""
    axis = _bias_axis(rank, data_format)
    return bias.reshape((-1,) + (1,) * (rank - 1 - axis))


@op("BiasAdd", unify=ALL, infer=_bias_add_infer)
def BIAS_ADD(xp, value, bias, data_format):
    _check_bias("BiasAdd", value.shape, bias.shape, data_format)
    return value + _bias_view(bias, value.ndim, data_format)


def _bias_add_grad_infer(ts, attrs):
    dims = _dims(ts[0])
    if dims is None:
        return [(TensorShape([None]), ts[0].dtype)]
    return [(TensorShape([dims[_bias_axis(len(dims), attrs["data_format"])]]), ts[0].dtype)]


@op("BiasAddGrad", infer=_bias_add_grad_infer)
def BIAS_ADD_GRAD(xp, g, data_format):
    axis = _bias_axis(g.ndim, data_format)
    return g.sum(axis=tuple(a for a in range(g.ndim) if a != axis))


@BIAS_ADD.gradient
def _bias_add_grad(op_, g):
    return [g, execute(BIAS_ADD_GRAD, (g,), {"data_format": op_.attrs["data_format"]})]


@BIAS_ADD_GRAD.gradient
def _bias_add_grad_grad(op_, gg):
    g = op_.inputs[0]
    return [execute(BIAS_ADD, (A.zeros_like(g), gg), {"data_format": op_.attrs["data_format"]})]


def bias_add(value, bias, data_format=None, name=None):
    """value + bias along the channel axis (last; axis 1 for 'NC...' formats)."""
    if data_format is not None:
        data_format = str(data_format).upper()
        if not data_format.startswith("N") or len(data_format) < 2:
            raise ValueError(f"bias_add: data_format must look like 'NHWC' or 'NCHW'. "
                             f"Received: data_format={data_format!r}")
    return execute(BIAS_ADD, (value, bias), {"data_format": data_format}, name)


# --- public functions: convolution -------------------------------------------------------------

def conv2d(input, filters, strides, padding, data_format="NHWC", dilations=None,  # noqa: A002
           name=None):
    """tf.nn.conv2d: NHWC (or NCHW) input, HWIO filters."""
    attrs = _conv_attrs("conv2d", strides, padding, data_format, dilations)
    return execute(CONV2D, (input, filters), attrs, name)


def conv2d_v1(input, filter=None, strides=None, padding=None,  # noqa: A002
              use_cudnn_on_gpu=True, data_format="NHWC", dilations=None, name=None,
              filters=None):
    """TF1 tf.nn.conv2d (`filter=`; strides usually a list of 4)."""
    filters = filter if filters is None else filters
    if filters is None or strides is None or padding is None:
        raise ValueError("conv2d: filter, strides and padding must be given.")
    return conv2d(input, filters, strides, padding, data_format, dilations, name)


def _sizes_arg(shape, what):
    if isinstance(shape, TensorLike):
        return shape
    if isinstance(shape, TensorShape):
        shape = shape.as_list()
    if any(isinstance(d, TensorLike) for d in shape):
        return stack([A.cast(d, dtypes.int32) if isinstance(d, TensorLike) else int(d)
                        for d in shape])
    dims = [int(d) for d in shape]
    if len(dims) != 4:
        raise ValueError(f"conv2d_transpose: {what} must have 4 elements. Received: "
                         f"{what}={list(shape)}")
    return np.asarray(dims, np.int32)


def conv2d_transpose(input, filters, output_shape, strides, padding="SAME",  # noqa: A002
                     data_format="NHWC", dilations=None, name=None):
    """tf.nn.conv2d_transpose: the gradient of conv2d w.r.t. its input; filters are
    (height, width, output_channels, input_channels)."""
    attrs = _conv_attrs("conv2d_transpose", strides, padding, data_format, dilations)
    sizes = _sizes_arg(output_shape, "output_shape")
    return execute(CONV2D_BACKPROP_INPUT, (sizes, filters, input), attrs, name)


def conv2d_transpose_v1(value=None, filter=None, output_shape=None, strides=None,  # noqa: A002
                        padding="SAME", data_format="NHWC", name=None, input=None,  # noqa: A002
                        filters=None, dilations=None):
    """TF1 `nn.conv2d_transpose`: `conv2d_transpose` with TF1's argument names.

    Args:
      value: A 4-D input tensor (NHWC by default).
      filter: A `(height, width, output_channels, in_channels)` kernel.
      output_shape: The 1-D shape of the output.
      strides: The steps (an int or a list).
      padding: "SAME" (default) or "VALID".
      data_format: "NHWC" (default) or "NCHW".
      name: A name for the operation (optional).
      input: TF 2's name for `value`.
      filters: TF 2's name for `filter`.
      dilations: Optional dilation rates.

    Returns:
      A `Tensor` of `output_shape`.
    """
    value = input if value is None else value
    filters = filter if filters is None else filters
    return conv2d_transpose(value, filters, output_shape, strides, padding, data_format,
                            dilations, name)


def conv2d_backprop_input(input_sizes, filter=None, out_backprop=None, strides=None,  # noqa: A002
                          padding=None, use_cudnn_on_gpu=True, data_format="NHWC",
                          dilations=None, name=None, filters=None):
    """The gradient of `conv2d` with respect to its input.

    Args:
      input_sizes: The input's shape (a 1-D integer tensor or list of 4 ints).
      filter: The `(height, width, in_channels, out_channels)` kernel.
      out_backprop: The gradient of the convolution's output.
      strides: The convolution's strides.
      padding: The convolution's padding ("VALID", "SAME" or explicit).
      use_cudnn_on_gpu: Accepted for TF1 compatibility.
      data_format: "NHWC" (default) or "NCHW".
      dilations: The convolution's dilations.
      name: A name for the operation (optional).
      filters: TF 2's name for `filter`.

    Returns:
      A `Tensor` of shape `input_sizes`.
    """
    filters = filter if filters is None else filters
    attrs = _conv_attrs("conv2d_backprop_input", strides, padding, data_format, dilations)
    return execute(CONV2D_BACKPROP_INPUT,
                   (_sizes_arg(input_sizes, "input_sizes"), filters, out_backprop), attrs, name)


def conv2d_backprop_filter(input, filter_sizes, out_backprop, strides, padding,  # noqa: A002
                           use_cudnn_on_gpu=True, data_format="NHWC", dilations=None,
                           name=None):
    """The gradient of `conv2d` with respect to its kernel.

    Args:
      input: The convolution's input.
      filter_sizes: The kernel's shape (a 1-D integer tensor or list of 4 ints).
      out_backprop: The gradient of the convolution's output.
      strides: The convolution's strides.
      padding: The convolution's padding.
      use_cudnn_on_gpu: Accepted for TF1 compatibility.
      data_format: "NHWC" (default) or "NCHW".
      dilations: The convolution's dilations.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of shape `filter_sizes`.
    """
    attrs = _conv_attrs("conv2d_backprop_filter", strides, padding, data_format, dilations)
    return execute(CONV2D_BACKPROP_FILTER,
                   (input, _sizes_arg(filter_sizes, "filter_sizes"), out_backprop), attrs, name)


def _data_format_1d(data_format, op_name):
    fmt = "NWC" if data_format is None else str(data_format).upper()
    if fmt not in ("NWC", "NCW"):
        raise ValueError(f"{op_name}: data_format must be 'NWC' or 'NCW'. "
                         f"Received: data_format={data_format!r}")
    return fmt, ("NHWC" if fmt == "NWC" else "NCHW")


def _one_d(value, arg, op_name):
    """An int or a list of 1 or 3 ints as a 1-D window parameter."""
    if value is None:
        return 1
    if isinstance(value, (int, np.integer)):
        return int(value)
    values = [int(v) for v in value]
    if len(values) == 1:
        return values[0]
    if len(values) == 3:
        return values[1] if values[0] == values[2] == 1 else values[2]
    raise ValueError(f"{op_name}: {arg} must be an int or a list of 1 or 3 ints. "
                     f"Received: {arg}={list(value)}")


def _padding_1d(padding):
    if isinstance(padding, str) or padding is None:
        return padding
    pairs = [tuple(p) for p in padding]
    pairs = pairs[1:2] if len(pairs) == 3 else pairs  # TF's (batch, width, channel) pairs
    return [(0, 0)] + pairs if len(pairs) == 1 else pairs


def conv1d(input, filters, stride, padding, data_format="NWC", dilations=None,  # noqa: A002
           name=None):
    """tf.nn.conv1d: a conv2d over a unit height axis; filters (width, in, out)."""
    fmt, fmt2 = _data_format_1d(data_format, "conv1d")
    axis = 1 if fmt == "NWC" else 2
    x = A.expand_dims(input, axis)
    w = A.expand_dims(filters, 0)
    attrs = _conv_attrs("conv1d", (1, _one_d(stride, "stride", "conv1d")),
                        _padding_1d(padding), fmt2,
                        (1, _one_d(dilations, "dilations", "conv1d")))
    return A.squeeze(execute(CONV2D, (x, w), attrs), [axis], name=name)


def conv1d_v1(value=None, filters=None, stride=None, padding=None, use_cudnn_on_gpu=None,
              data_format=None, name=None, input=None, dilations=None):  # noqa: A002
    """TF1 `nn.conv1d`: `conv1d` with TF1's argument names.

    Args:
      value: A 3-D tensor `(batch, width, channels)` (NWC by default).
      filters: A `(width, in_channels, out_channels)` kernel.
      stride: An int or list: the step.
      padding: "VALID" or "SAME".
      use_cudnn_on_gpu: Accepted for TF1 compatibility.
      data_format: "NWC" (default) or "NCW".
      name: A name for the operation (optional).
      input: TF 2's name for `value`.
      dilations: Optional dilation rate.

    Returns:
      The convolved `Tensor`.
    """
    value = input if value is None else value
    return conv1d(value, filters, stride, padding, data_format or "NWC", dilations, name)


from ..util.export import export_many  # noqa: E402

export_many("nn", {"conv2d": conv2d, "conv2d_transpose": conv2d_transpose, "conv1d": conv1d,
                   "bias_add": bias_add})
export_many("v1.nn", {
    "conv2d": conv2d_v1, "conv2d_transpose": conv2d_transpose_v1, "conv1d": conv1d_v1,
    "conv2d_backprop_input": conv2d_backprop_input,
    "conv2d_backprop_filter": conv2d_backprop_filter,
})

from . import fused_conv_ops  # noqa: E402,F401  (FusedConv2D: registered with the conv ops)
