"""Image resizing ops of tf.image: bilinear, nearest, bicubic, area and the scale-and-translate
kernels (lanczos3/5, gaussian, mitchellcubic, and antialiased bilinear/bicubic).

Every method but nearest is linear and separable: resizing an axis from `n_in` to `n_out`
pixels multiplies it by an (n_out, n_in) weight matrix, and an image is resized by one such
matrix per spatial axis (two batched GEMMs). The weights are computed in float32 with
TensorFlow's arithmetic (half-pixel centres, its clamping at the borders, bicubic's
1024-entry coefficient table, the scale-and-translate spans and their normalisation), so
values equal TensorFlow's to float32 rounding. The gradient of a resize is the same two
matrices transposed (ResizeGrad); ResizeArea has no gradient, as in TensorFlow. Nearest
neighbour gathers rows and columns, keeps the dtype, and scatters back in its gradient.
"""
import math

import numpy as np

from ..framework import dtypes
from ..framework.errors import InvalidArgumentError
from ..framework.registry import execute, op
from ..framework.tensor import SymbolicTensor
from ..framework.tensor_shape import TensorShape
from . import array_ops as A
from .conv_ops import _sizes_value

_F32 = np.float32


# --- 1-D weight matrices (out, in), float32 as TensorFlow computes them -------------------------

def _scale(n_in, n_out, coords="half_pixel"):
    if coords == "align_corners" and n_out > 1:
        return _F32(n_in - 1) / _F32(n_out - 1)
    return _F32(n_in) / _F32(n_out)


def _source(xp, n_in, n_out, coords, shift=0.5):
    """Input coordinates of the output pixels: half-pixel centres (TF2), or TF1's corner
    scaling (`legacy`: x * in / out; `align_corners`: x * (in - 1) / (out - 1))."""
    x = xp.arange(n_out, dtype=_F32)
    if coords == "half_pixel":
        return (x + _F32(0.5)) * _scale(n_in, n_out) - _F32(shift)
    return x * _scale(n_in, n_out, coords)


def _one_hot(xp, idx, weights, n_in):
    """(out, in) matrix adding `weights[:, t]` at column `idx[:, t]` of each row."""
    cols = xp.arange(n_in)
    w = xp.zeros((idx.shape[0], n_in), dtype=_F32)
    for t in range(idx.shape[1]):
        w += weights[:, t:t + 1] * (cols[None, :] == idx[:, t:t + 1])
    return w


def _nearest_index(xp, n_in, n_out, coords="half_pixel"):
    src = _source(xp, n_in, n_out, coords, shift=0.0)
    if coords == "align_corners":  # roundf: halves away from zero
        src = src + _F32(0.5)
    return xp.clip(xp.floor(src).astype(xp.int64), 0, n_in - 1)


def _bilinear_weights(xp, n_in, n_out, coords="half_pixel"):
    src = _source(xp, n_in, n_out, coords)
    low = xp.floor(src)
    lerp = (src - low).astype(_F32)
    lo = xp.maximum(low, 0).astype(xp.int64)
    hi = xp.minimum(xp.ceil(src), n_in - 1).astype(xp.int64)
    return _one_hot(xp, xp.stack([lo, hi], 1), xp.stack([1 - lerp, lerp], 1), n_in)


_TABLE = 1024


def _keys_table(xp, a=-0.5):
    """TensorFlow's bicubic coefficient table: w(x) and w(x + 1) at x = i / 1024."""
    x = xp.arange(_TABLE + 1, dtype=_F32) / _F32(_TABLE)
    near = ((a + 2) * x - (a + 3)) * x * x + 1
    x1 = x + 1
    far = ((a * x1 - 5 * a) * x1 + 8 * a) * x1 - 4 * a
    return near.astype(_F32), far.astype(_F32)


def _bicubic_weights(xp, n_in, n_out, coords="half_pixel"):
    src = _source(xp, n_in, n_out, coords)
    base = xp.floor(src)
    offset = xp.rint((src - base) * _F32(_TABLE)).astype(xp.int64)
    keys = coords == "half_pixel"  # TF2: Keys' a = -0.5, taps outside dropped; TF1: -0.75
    near, far = _keys_table(xp, -0.5 if keys else -0.75)
    weights = xp.stack([far[offset], near[offset], near[_TABLE - offset],
                        far[_TABLE - offset]], 1)
    taps = base.astype(xp.int64)[:, None] + xp.arange(-1, 3)[None, :]
    idx = xp.clip(taps, 0, n_in - 1)
    if keys:
        weights = xp.where(idx == taps, weights, _F32(0))  # out-of-image taps dropped...
        total = weights.sum(1, keepdims=True)              # ...and the rest renormalised
        weights = xp.where(xp.abs(total) >= 1000 * np.finfo(_F32).tiny, weights / total,
                           weights)
    return _one_hot(xp, idx, weights.astype(_F32), n_in)


def _area_weights(xp, n_in, n_out, coords="half_pixel"):
    scale = _scale(n_in, n_out, coords)
    y = xp.arange(n_out, dtype=_F32)
    lo, hi = y * scale, (y + 1) * scale
    start = xp.floor(lo).astype(xp.int64)
    end = xp.ceil(hi).astype(xp.int64)
    taps = math.ceil(float(scale)) + 2
    i = start[:, None] + xp.arange(taps)[None, :]
    fi = i.astype(_F32)
    w = xp.where(fi < lo[:, None],
                 xp.where(fi + 1 > hi[:, None], scale, fi + 1 - lo[:, None]),
                 xp.where(fi + 1 > hi[:, None], hi[:, None] - fi, _F32(1)))
    w = xp.where(i < end[:, None], w, _F32(0)).astype(_F32) / scale
    return _one_hot(xp, xp.minimum(i, n_in - 1), w.astype(_F32), n_in)


def _sinc(xp, x):
    safe = xp.maximum(x, _F32(1e-3))
    return xp.where(x < 1e-3, _F32(1), xp.sin(_F32(np.pi) * safe) / (_F32(np.pi) * safe))


def _kernel_fn(kind):
    """(radius, f(xp, |x|)) of TensorFlow's scale-and-translate kernels."""
    if kind == "triangle":
        return 1.0, lambda xp, x: xp.maximum(1 - x, 0)
    if kind == "keyscubic":
        return 2.0, lambda xp, x: xp.where(
            x >= 2, 0, xp.where(x >= 1, ((-0.5 * x + 2.5) * x - 4) * x + 2,
                                ((1.5 * x - 2.5) * x) * x + 1))
    if kind in ("lanczos3", "lanczos5"):
        r = 3.0 if kind == "lanczos3" else 5.0
        return r, lambda xp, x: xp.where(x > r, 0, _sinc(xp, x) * _sinc(xp, x / _F32(r)))
    if kind == "gaussian":
        sigma = 1.5 / 3.0
        return 1.5, lambda xp, x: xp.where(x >= 1.5, 0, xp.exp(-x * x / (2 * sigma * sigma)))
    if kind == "mitchellcubic":
        return 2.0, lambda xp, x: xp.where(
            x >= 2, 0, xp.where(x >= 1, (((-7 / 18) * x + 2) * x - 10 / 3) * x + 16 / 9,
                                ((7 / 6 * x - 2) * x) * x + 8 / 9))
    if kind == "box":
        return 1.0, lambda xp, x: xp.where(x < 0.5, 1, xp.where(x == 0.5, 0.5, 0))
    raise ValueError(f"Unknown resize kernel {kind!r}")


def _span_weights(xp, n_in, n_out, kind, antialias):
    """TensorFlow's ScaleAndTranslate spans (translation 0) as an (out, in) matrix."""
    radius, fn = _kernel_fn(kind)
    inv_scale = _F32(1) / (_F32(n_out) / _F32(n_in))
    kscale = max(float(inv_scale), 1.0) if antialias else 1.0
    span = min(2 * math.ceil(radius * kscale) + 1, n_in)
    sample = (xp.arange(n_out, dtype=_F32) + _F32(0.5)) * inv_scale
    start = xp.clip(xp.ceil(sample - _F32(radius * kscale) - _F32(0.5)), 0, n_in - 1)
    end = xp.clip(xp.floor(sample + _F32(radius * kscale) - _F32(0.5)), 0, n_in - 1) + 1
    src = start[:, None] + xp.arange(span, dtype=_F32)[None, :]
    pos = xp.abs((src + _F32(0.5) - sample[:, None]) * _F32(1 / kscale)).astype(_F32)
    w = xp.where(src < end[:, None], fn(xp, pos), 0).astype(_F32)
    total = w.sum(1, keepdims=True)
    w = xp.where(xp.abs(total) >= 1000 * np.finfo(_F32).tiny, w / total, w).astype(_F32)
    idx = xp.minimum(src, n_in - 1).astype(xp.int64)
    return _one_hot(xp, idx, w, n_in)


_ANTIALIAS_KERNEL = {"bilinear": "triangle", "bicubic": "keyscubic"}
SPAN_METHODS = ("lanczos3", "lanczos5", "gaussian", "mitchellcubic")


def _weights(xp, method, antialias, n_in, n_out, coords="half_pixel"):
    if method in SPAN_METHODS or (antialias and method in _ANTIALIAS_KERNEL):
        return _span_weights(xp, n_in, n_out, _ANTIALIAS_KERNEL.get(method, method), antialias)
    return {"bilinear": _bilinear_weights, "bicubic": _bicubic_weights,
            "area": _area_weights}[method](xp, n_in, n_out, coords)


# --- kernels on NHWC arrays ----------------------------------------------------------------------

def _float(xp, x):
    """TensorFlow computes resizes in float32 (float64 stays float64 here, see image/)."""
    return x if x.dtype in (xp.float32, xp.float64) else x.astype(_F32)


def _apply(xp, x, wh, ww):
    """wh @ x @ ww.T over (height, width) of NHWC `x`: two large GEMMs (measured ~10x faster
    than batched per-row products, whose inner dimensions are only the channels)."""
    n, h, w, c = x.shape
    oh, ow = wh.shape[0], ww.shape[0]
    wh, ww = wh.astype(x.dtype), ww.astype(x.dtype)
    y = x.transpose(0, 1, 3, 2).reshape(n * h * c, w) @ ww.T            # (n*h*c, ow)
    y = y.reshape(n, h, c * ow).transpose(0, 2, 1).reshape(n * c * ow, h) @ wh.T
    return y.reshape(n, c, ow, oh).transpose(0, 3, 2, 1)


def _check_image(op_name, shape):
    if shape is not None and len(shape) != 4:
        raise InvalidArgumentError(f"{op_name}: images must be 4-D (batch, height, width, "
                                   f"channels), got shape {tuple(shape)}.")


def _scalar_dim(t):
    """A scalar int tensor's static value: a constant or one known dim of a shape."""
    if t.op.type == "Const":
        value = int(np.asarray(t.op.attrs["value"]))
        return value if value >= 0 else None
    if t.op.type == "GetItem" and t.op.inputs[0].op.type == "Shape":
        key = t.op.attrs["key"]
        dims = t.op.inputs[0].op.inputs[0].shape.dims
        if dims is not None and len(key) == 1 and isinstance(key[0], (int, np.integer)):
            return dims[key[0]]
    return None


def size_dims(size):
    """Static [new_height, new_width] of a size tensor, None where not known while building
    (TensorFlow's constant_value_as_shape: constants, stacks, slices of a shape)."""
    op_ = size.op
    if op_.type == "GetItem" and op_.inputs[0].op.type == "Shape":
        key = op_.attrs["key"]
        dims = op_.inputs[0].op.inputs[0].shape.dims
        if dims is not None and len(key) == 1 and isinstance(key[0], slice):
            part = list(dims[key[0]])
            if len(part) == 2:
                return part
    if op_.type == "Pack" and len(op_.inputs) == 2:
        return [_scalar_dim(t) for t in op_.inputs]
    dims = A.shape_tensor_dims(size)
    return dims if dims is not None and len(dims) == 2 else [None, None]


def _resize_infer(op_name):
    def infer(ts, attrs):
        x = ts[0]
        dims = x.shape.dims
        _check_image(op_name, dims)
        dims = dims or [None] * 4
        dtype = x.dtype if attrs["method"] == "nearest" else \
            (x.dtype if x.dtype in (dtypes.float32, dtypes.float64) else dtypes.float32)
        new = attrs["size"] if attrs["size"] is not None else size_dims(ts[1])
        return [(TensorShape([dims[0], new[0], new[1], dims[3]]), dtype)]
    return infer


@op("ResizeImage", infer=_resize_infer("ResizeImage"), grad_inputs=(0,))
def RESIZE(xp, x, *size_input, size, method, antialias, coords):
    """Resizes NHWC `x` to `size` = (height, width) with `method`; `coords` as _source.
    `size` None: the size is the second input (an int32 tensor of 2 values), read here."""
    _check_image("ResizeImage", x.shape)
    _, h, w, _ = x.shape
    if size is None:
        values = [int(v) for v in size_input[0].reshape(-1).tolist()]  # to the host
        if len(values) != 2 or min(values) <= 0:
            raise InvalidArgumentError(f"ResizeImage: size must be 2 positive values "
                                       f"(new_height, new_width). Received: {values}")
        size = (int(values[0]), int(values[1]))
    oh, ow = size
    if method == "nearest":
        return x[:, _nearest_index(xp, h, oh, coords)][:, :, _nearest_index(xp, w, ow, coords)]
    x = _float(xp, x)
    return _apply(xp, x, _weights(xp, method, antialias, h, oh, coords),
                  _weights(xp, method, antialias, w, ow, coords))


def _grad_infer(ts, attrs):
    dy, sizes = ts
    dims = dy.shape.dims or [None] * 4
    in_dims = _sizes_value(sizes) or [None] * 4
    return [(TensorShape([dims[0], in_dims[1], in_dims[2], dims[3]]), dy.dtype)]


@op("ResizeImageGrad", infer=_grad_infer, grad_inputs=(0,))
def RESIZE_GRAD(xp, dy, in_sizes, size, method, antialias, coords):
    """Adjoint of ResizeImage: the output gradient through the transposed weights, back to
    an image of shape `in_sizes` (the forward input's shape)."""
    _, oh, ow, _ = dy.shape
    h, w = int(in_sizes[1]), int(in_sizes[2])
    if method == "nearest":
        ones = xp.ones((max(oh, ow), 1), _F32)
        wh = _one_hot(xp, _nearest_index(xp, h, oh, coords)[:, None], ones[:oh], h)
        ww = _one_hot(xp, _nearest_index(xp, w, ow, coords)[:, None], ones[:ow], w)
    else:
        wh = _weights(xp, method, antialias, h, oh, coords)
        ww = _weights(xp, method, antialias, w, ow, coords)
    return _apply(xp, dy, wh.T, ww.T)


def _attrs_of(op_):
    return {k: op_.attrs[k] for k in ("method", "antialias", "size", "coords")}


@RESIZE.gradient
def _resize_grad(op_, dy):
    x = op_.inputs[0]
    attrs = _attrs_of(op_)
    if attrs["method"] == "area":
        raise LookupError("resize: method='area' has no gradient (as in TensorFlow, whose "
                          "ResizeArea op has none); use 'bilinear' or antialias=True.")
    none = [None] * (len(op_.inputs) - 1)  # the size input: none
    if not x.dtype.is_floating:
        return [None] + none
    return [execute(RESIZE_GRAD, (dy, A.shape(x)), attrs)] + none


@RESIZE_GRAD.gradient
def _resize_grad_grad(op_, ddx):
    attrs = _attrs_of(op_)
    size = () if attrs["size"] is not None else (A.shape(op_.inputs[0])[1:3],)
    return [execute(RESIZE, (ddx,) + size, attrs), None]


def resize_nhwc(images, size, method, antialias, name=None, coords="half_pixel"):
    """ResizeImage on a 4-D NHWC tensor (the public functions are below; `coords` "legacy"
    and "align_corners" are TF1's sampling). `size`: 2 ints, or an int32 tensor of 2 values
    known only when the graph runs."""
    attrs = {"method": method, "antialias": bool(antialias), "coords": coords}
    if isinstance(size, SymbolicTensor):
        return execute(RESIZE, (images, size), dict(attrs, size=None), name)
    return execute(RESIZE, (images,), dict(attrs, size=(int(size[0]), int(size[1]))), name)


# --- public functions (tf.image) --------------------------------------------------------------

class ResizeMethod:
    """Names of the tf.image.resize methods."""
    BILINEAR = "bilinear"
    NEAREST_NEIGHBOR = "nearest"
    BICUBIC = "bicubic"
    AREA = "area"
    LANCZOS3 = "lanczos3"
    LANCZOS5 = "lanczos5"
    GAUSSIAN = "gaussian"
    MITCHELLCUBIC = "mitchellcubic"


METHODS = ("bilinear", "nearest", "bicubic", "area") + SPAN_METHODS


def as_batch(images, op_name):
    """(4-D images, was_3d): a 3-D image gets a batch axis; other ranks are an error."""
    images = A.convert_to_tensor(images)
    rank = images.shape.rank
    if rank not in (3, 4):
        raise ValueError(f"{op_name}: 'images' must be 3-D or 4-D (must have either 3 or 4 "
                         "dimensions: [batch,] height, width, channels). Received: shape "
                         f"{images.shape}")
    return (A.expand_dims(images, 0), True) if rank == 3 else (images, False)


def unbatch(images, was_3d):
    return A.squeeze(images, [0]) if was_3d else images


def static_size(size, op_name, arg="size"):
    """`size` as two positive Python ints (a list, array or eager tensor of 2 elements)."""
    if hasattr(size, "numpy"):
        try:
            size = size.numpy()
        except Exception:  # a graph tensor: its value is not known while building
            raise ValueError(f"{op_name}: '{arg}' must be known when the graph is built (a "
                             f"list of 2 ints or a constant). Received: {size!r}") from None
    values = np.asarray(size).reshape(-1)
    if values.shape != (2,) or values.dtype.kind not in "iu":
        raise ValueError(f"{op_name}: '{arg}' must be a 1-D tensor of 2 integers, new_height "
                         f"and new_width. Received: {arg}={size!r}")
    if min(values) <= 0:
        raise ValueError(f"{op_name}: '{arg}' must be positive (new_height and new_width). "
                         f"Received: {arg}={values.tolist()}")
    return int(values[0]), int(values[1])


def _is_symbolic(value):
    return isinstance(value, SymbolicTensor) or (
        isinstance(value, (list, tuple)) and any(isinstance(v, SymbolicTensor) for v in value))


def size_arg(size, op_name, arg="size"):
    """`size` as two positive ints when its value is known while building (ints, an array, an
    eager tensor, a graph constant), else as an int32 graph tensor of shape (2,) (its values
    are checked when the graph runs)."""
    if not _is_symbolic(size):
        return static_size(size, op_name, arg)
    if isinstance(size, SymbolicTensor) and size.op.type == "Const":
        return static_size(size.op.attrs["value"], op_name, arg)
    if isinstance(size, (list, tuple)):
        from .join_ops import stack
        size = stack([A.cast(v, dtypes.int32) if isinstance(v, SymbolicTensor) else int(v)
                      for v in size])
    if not size.dtype.is_integer:
        raise ValueError(f"{op_name}: '{arg}' must be a 1-D tensor of 2 integers, new_height "
                         f"and new_width. Received: {arg}={size!r}")
    if size.shape.rank is not None and size.shape.as_list() not in ([2], [None]):
        raise ValueError(f"{op_name}: '{arg}' must be a 1-D tensor of 2 elements: new_height, "
                         f"new_width. Received: {arg} of shape {size.shape}")
    return A.cast(size, dtypes.int32) if size.dtype != dtypes.int32 else size


def _method_name(method):
    name = str(method).lower()
    if name not in METHODS:
        raise ValueError(f"resize: method must be one of {list(METHODS)}. Received: "
                         f"method={method!r}")
    return name


def _aspect_size(x, size):
    """The largest size within `size` keeping the images' h:w (TensorFlow rounds half to
    even): ints when all is static, else an int32 tensor computed when the graph runs."""
    h, w = x.shape.dims[1:3]
    if h is not None and w is not None and not isinstance(size, SymbolicTensor):
        scale = min(_F32(size[0]) / _F32(h), _F32(size[1]) / _F32(w))
        return int(np.rint(_F32(h) * scale)), int(np.rint(_F32(w) * scale))
    from . import math_ops as M
    hw = A.cast(A.shape(x)[1:3], dtypes.float32)
    scale = M.reduce_min(A.cast(size, dtypes.float32) / hw)
    return A.cast(M.round(hw * scale), dtypes.int32)


def resize(images, size, method=ResizeMethod.BILINEAR, preserve_aspect_ratio=False,
           antialias=False, name=None):
    """tf.image.resize: resizes images to `size` with TensorFlow's half-pixel centres.

    Args:
      images: 4-D (batch, height, width, channels) or 3-D (height, width, channels) tensor;
        height and width may be unknown (None) while a graph is built.
      size: (new_height, new_width): 2 ints, or a 1-D int32 tensor of 2 elements whose
        values may be known only when the graph runs (the static shape then has None there).
      method: a ResizeMethod name: "bilinear", "nearest", "bicubic", "area", "lanczos3",
        "lanczos5", "gaussian" or "mitchellcubic".
      preserve_aspect_ratio: resize to the largest size within `size` with the same
        aspect ratio.
      antialias: low-pass filter when downsampling (ignored by "nearest" and "area").
      name: optional op name.

    Returns:
      The resized images: float32 (float64 images stay float64), or the input dtype for
      "nearest".

    Raises:
      ValueError: for a rank other than 3 or 4, a bad `size` or an unknown method.
    """
    method = _method_name(method)
    x, was_3d = as_batch(images, "resize")
    size = size_arg(size, "resize")
    if preserve_aspect_ratio:
        size = _aspect_size(x, size)
    out = resize_nhwc(x, size, method, antialias and method not in ("nearest", "area"), name)
    return unbatch(out, was_3d)


# --- TF1 (compat.v1.image): corner-aligned sampling ------------------------------------------

class ResizeMethodV1:
    """TF1's resize method numbers."""
    BILINEAR = 0
    NEAREST_NEIGHBOR = 1
    BICUBIC = 2
    AREA = 3


_V1_METHODS = {0: "bilinear", 1: "nearest", 2: "bicubic", 3: "area"}


def _resize_v1(images, size, method, align_corners, half_pixel_centers, op_name, name=None):
    if align_corners and half_pixel_centers:
        raise ValueError(f"{op_name}: if half_pixel_centers is True, align_corners must be "
                         "False.")
    x, was_3d = as_batch(images, op_name)
    size = size_arg(size, op_name)
    coords = "half_pixel" if half_pixel_centers else \
        ("align_corners" if align_corners else "legacy")
    out = resize_nhwc(x, size, method, False, name, coords)
    if out.dtype == dtypes.float64:  # TF1's resize ops return float32 whatever the input
        out = A.cast(out, dtypes.float32)
    return unbatch(out, was_3d)


def resize_images_v1(images, size, method=ResizeMethodV1.BILINEAR, align_corners=False,
                     preserve_aspect_ratio=False, name=None):
    """TF1 tf.image.resize_images: TF1's corner sampling (`align_corners` aligns the corner
    pixels); an image already of `size` is returned as it is.

    Args:
      images: A `[batch, height, width, channels]` (or 3-D) tensor; height and width may be
        unknown (None) while the graph is built.
      size: The new `[height, width]`: 2 ints, or an int32 tensor known when the graph runs.
      method: A ResizeMethod number (BILINEAR 0, NEAREST_NEIGHBOR 1, BICUBIC 2, AREA 3).
      align_corners: If true, the corner pixels of input and output are aligned.
      preserve_aspect_ratio: Resize to the largest size within `size` keeping the aspect.
      name: A name for the operation (optional).

    Returns:
      float32 images (NEAREST_NEIGHBOR keeps the images' dtype).

    Raises:
      ValueError: for a rank other than 3 or 4, a bad `size` or an unknown method.
    """
    method = _V1_METHODS.get(method, method)
    if method not in _V1_METHODS.values():
        raise ValueError(f"resize_images: method must be a ResizeMethodV1 (0-3) or one of "
                         f"{list(_V1_METHODS.values())}. Received: method={method!r}")
    x, was_3d = as_batch(images, "resize_images")
    size = size_arg(size, "resize_images")
    h, w = x.shape.dims[1:3]
    if preserve_aspect_ratio:
        size = _aspect_size(x, size)
    if not isinstance(size, SymbolicTensor) and (h, w) == tuple(size):
        return unbatch(x, was_3d)
    return _resize_v1(unbatch(x, was_3d), size, method, align_corners, False,
                      "resize_images", name)


def resize_bilinear(images, size, align_corners=False, name=None, half_pixel_centers=False):
    """TF1 `image.resize_bilinear`: bilinear resize with TF1's corner options.

    Args:
      images: A `[batch, height, width, channels]` (or 3-D) tensor.
      size: The new `[height, width]`: 2 ints, or an int32 tensor known when the graph runs.
      align_corners: If true, the corner pixels of input and output are aligned.
      name: A name for the operation (optional).
      half_pixel_centers: If true, pixel centres are at half-integer coordinates (TF2's).

    Returns:
      A `float32` tensor of the new size.
    """
    return _resize_v1(images, size, "bilinear", align_corners, half_pixel_centers,
                      "resize_bilinear", name)


def resize_nearest_neighbor(images, size, align_corners=False, name=None,
                            half_pixel_centers=False):
    """TF1 `image.resize_nearest_neighbor`: nearest-neighbour resize with TF1's corner
    options (halves round away from zero with `align_corners`).

    Args:
      images: A `[batch, height, width, channels]` (or 3-D) tensor.
      size: The new `[height, width]`: 2 ints, or an int32 tensor known when the graph runs.
      align_corners: If true, the corner pixels of input and output are aligned.
      name: A name for the operation (optional).
      half_pixel_centers: If true, pixel centres are at half-integer coordinates (TF2's).

    Returns:
      A tensor of the new size and the images' dtype.
    """
    return _resize_v1(images, size, "nearest", align_corners, half_pixel_centers,
                      "resize_nearest_neighbor", name)


def resize_bicubic(images, size, align_corners=False, name=None, half_pixel_centers=False):
    """TF1 `image.resize_bicubic`: bicubic resize with TF1's corner options.

    Args:
      images: A `[batch, height, width, channels]` (or 3-D) tensor.
      size: The new `[height, width]`.
      align_corners: If true, the corner pixels of input and output are aligned.
      name: A name for the operation (optional).
      half_pixel_centers: If true, pixel centres are at half-integer coordinates.

    Returns:
      A `float32` tensor of the new size.
    """
    return _resize_v1(images, size, "bicubic", align_corners, half_pixel_centers,
                      "resize_bicubic", name)


def resize_area(images, size, align_corners=False, name=None):
    """TF1 `image.resize_area`: resizes by averaging the input area each output pixel covers.

    Args:
      images: A `[batch, height, width, channels]` (or 3-D) tensor.
      size: The new `[height, width]`.
      align_corners: If true, the corner pixels of input and output are aligned.
      name: A name for the operation (optional).

    Returns:
      A `float32` tensor of the new size.
    """
    return _resize_v1(images, size, "area", align_corners, False, "resize_area", name)


from ..util.export import export_many  # noqa: E402

export_many("image", {"resize": resize, "ResizeMethod": ResizeMethod})
export_many("v1.image", {"resize": resize_images_v1, "resize_images": resize_images_v1,
                         "ResizeMethod": ResizeMethodV1, "resize_bilinear": resize_bilinear,
                         "resize_nearest_neighbor": resize_nearest_neighbor,
                         "resize_bicubic": resize_bicubic, "resize_area": resize_area})
