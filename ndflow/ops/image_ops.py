"""tf.image geometry and pixel-value functions: flips, rot90, transpose, crops and pads,
central_crop, resize_with_crop_or_pad / resize_with_pad, random_crop and random flips,
convert_image_dtype, per_image_standardization, extract_patches, crop_and_resize,
image_gradients, sobel_edges, total_variation and draw_bounding_boxes.

All but draw_bounding_boxes are compositions of ndflow ops (reverse, slicing, pad, gather,
arithmetic), so they run eagerly, in graphs and under tf.function, and are differentiable
where TensorFlow's are: crop_and_resize to the image and to the boxes, through the same
bilinear weights TensorFlow uses. Images are (height, width, channels) or (batch, height,
width, channels); offsets and sizes must be known when the op is built.
"""
import numpy as np

from ..framework import dtypes
from ..framework.errors import InvalidArgumentError
from ..framework.registry import execute, op
from . import array_ops as A
from . import clip_ops, creation_ops, indexing_ops, join_ops, math_ops, random_ops
from .image_resize_ops import ResizeMethod, resize


def _image(image, op_name, ranks=(3, 4)):
    """(tensor, rank) of an image argument of an allowed rank, else a clear error."""
    image = A.convert_to_tensor(image)
    rank = image.shape.rank
    if rank not in ranks:
        names = {3: "3-D (height, width, channels)", 4: "4-D (batch, height, width, channels)"}
        raise ValueError(f"{op_name}: 'image' must be " + " or ".join(names[r] for r in ranks)
                         + f". Received: shape {image.shape}")
    return image, rank


def _int(value, arg, op_name):
    if hasattr(value, "numpy"):
        value = value.numpy()
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValueError(f"{op_name}: '{arg}' must be an integer known when the op is built. "
                         f"Received: {arg}={value!r}") from None


def _hw(image, rank, op_name):
    dims = image.shape.dims
    h, w = dims[rank - 3], dims[rank - 2]
    if h is None or w is None:
        raise ValueError(f"{op_name}: needs the image's static height and width. Received: "
                         f"shape {image.shape}")
    return h, w


# --- flips, rotations, crops and pads -----------------------------------------------------------

def flip_left_right(image):
    """Reverses the width axis."""
    image, rank = _image(image, "flip_left_right")
    return join_ops.reverse(image, [rank - 2])


def flip_up_down(image):
    """Reverses the height axis."""
    image, rank = _image(image, "flip_up_down")
    return join_ops.reverse(image, [rank - 3])


def _random_flip(image, axis_from_end, draw, op_name):
    """TensorFlow's draws: one uniform for an image (flip below 1/2), one per image of a
    batch (flip where it rounds to 1)."""
    image, rank = _image(image, op_name)
    axis = rank - axis_from_end
    flipped = join_ops.reverse(image, [axis])
    if rank == 3:
        return A.where(draw([]) < 0.5, flipped, image)
    batch = A.shape(image)[0]
    flips = math_ops.round(A.reshape(draw(join_ops.stack([batch])),
                                     join_ops.stack([batch, 1, 1, 1])))
    return A.where(flips > 0.5, flipped, image)


def _stateful(seed):
    return lambda shape: random_ops.random_uniform(shape, seed=seed)


def _stateless(seed):
    return lambda shape: random_ops.stateless_random_uniform(shape, seed)


def random_flip_left_right(image, seed=None):
    """Flips each image left-right with probability 1/2."""
    return _random_flip(image, 2, _stateful(seed), "random_flip_left_right")


def random_flip_up_down(image, seed=None):
    """Flips each image upside down with probability 1/2."""
    return _random_flip(image, 3, _stateful(seed), "random_flip_up_down")


def stateless_random_flip_left_right(image, seed):
    """random_flip_left_right drawn from the stateless generator with `seed` (shape [2])."""
    return _random_flip(image, 2, _stateless(seed), "stateless_random_flip_left_right")


def stateless_random_flip_up_down(image, seed):
    """random_flip_up_down drawn from the stateless generator with `seed` (shape [2])."""
    return _random_flip(image, 3, _stateless(seed), "stateless_random_flip_up_down")


def transpose(image, name=None):
    """Swaps height and width."""
    image, rank = _image(image, "transpose")
    return A.transpose(image, [1, 0, 2] if rank == 3 else [0, 2, 1, 3], name=name)


def rot90(image, k=1, name=None):
    """Rotates by k * 90 degrees counter-clockwise."""
    image, rank = _image(image, "rot90")
    k = _int(k, "k", "rot90") % 4
    h_axis, w_axis = rank - 3, rank - 2
    if k == 0:
        return image
    if k == 2:
        return join_ops.reverse(image, [h_axis, w_axis])
    if k == 1:
        return transpose(join_ops.reverse(image, [w_axis]))
    return join_ops.reverse(transpose(image), [w_axis])


def _check_box(op_name, **values):
    for name, value in values.items():
        if value < 0 if name.startswith("offset") else value <= 0:
            bound = ">= 0" if name.startswith("offset") else "> 0"
            raise ValueError(f"{op_name}: {name} must be {bound}. Received: {name}={value}")


def crop_to_bounding_box(image, offset_height, offset_width, target_height, target_width):
    """The (target_height, target_width) window whose top-left corner is at the offsets."""
    op_name = "crop_to_bounding_box"
    image, rank = _image(image, op_name)
    oh, ow = _int(offset_height, "offset_height", op_name), _int(offset_width, "offset_width",
                                                                   op_name)
    th, tw = _int(target_height, "target_height", op_name), _int(target_width, "target_width",
                                                                   op_name)
    _check_box(op_name, offset_height=oh, offset_width=ow, target_height=th, target_width=tw)
    dims = image.shape.dims
    h, w = dims[rank - 3], dims[rank - 2]
    if (h is not None and oh + th > h) or (w is not None and ow + tw > w):
        raise ValueError(f"{op_name}: the box (offset {oh, ow}, size {th, tw}) does not fit "
                         f"in an image of height and width {h, w}.")
    key = (slice(oh, oh + th), slice(ow, ow + tw))
    return image[key] if rank == 3 else image[(slice(None),) + key]


def pad_to_bounding_box(image, offset_height, offset_width, target_height, target_width):
    """Pads with zeros to (target_height, target_width), the image at the offsets."""
    op_name = "pad_to_bounding_box"
    image, rank = _image(image, op_name)
    oh, ow = _int(offset_height, "offset_height", op_name), _int(offset_width, "offset_width",
                                                                   op_name)
    th, tw = _int(target_height, "target_height", op_name), _int(target_width, "target_width",
                                                                   op_name)
    _check_box(op_name, offset_height=oh, offset_width=ow, target_height=th, target_width=tw)
    h, w = _hw(image, rank, op_name)
    after_h, after_w = th - oh - h, tw - ow - w
    if after_h < 0 or after_w < 0:
        raise ValueError(f"{op_name}: an image of height and width {h, w} at offset {oh, ow} "
                         f"does not fit in the target size {th, tw}.")
    pads = [[oh, after_h], [ow, after_w], [0, 0]]
    return join_ops.pad(image, pads if rank == 3 else [[0, 0]] + pads)


def central_crop(image, central_fraction):
    """The central `central_fraction` (in (0, 1]) of each image's height and width."""
    image, rank = _image(image, "central_crop")
    fraction = float(central_fraction)
    if not 0.0 < fraction <= 1.0:
        raise ValueError("central_crop: central_fraction must be within (0, 1]. Received: "
                         f"central_fraction={central_fraction}")
    if fraction == 1.0:
        return image
    h, w = _hw(image, rank, "central_crop")
    top = int((h - h * fraction) / 2)
    left = int((w - w * fraction) / 2)
    return crop_to_bounding_box(image, top, left, h - 2 * top, w - 2 * left)


def resize_with_crop_or_pad(image, target_height, target_width):
    """Centre crops and/or zero pads to (target_height, target_width)."""
    op_name = "resize_with_crop_or_pad"
    image, rank = _image(image, op_name)
    th, tw = _int(target_height, "target_height", op_name), _int(target_width, "target_width",
                                                                   op_name)
    _check_box(op_name, target_height=th, target_width=tw)
    h, w = _hw(image, rank, op_name)
    dh, dw = th - h, tw - w
    cropped = crop_to_bounding_box(image, max(-dh // 2, 0), max(-dw // 2, 0), min(th, h),
                                   min(tw, w))
    return pad_to_bounding_box(cropped, max(dh // 2, 0), max(dw // 2, 0), th, tw)


def resize_with_pad(image, target_height, target_width, method=ResizeMethod.BILINEAR,
                    antialias=False):
    """Resizes keeping the aspect ratio, then zero pads (centred) to the target size."""
    op_name = "resize_with_pad"
    image, rank = _image(image, op_name)
    th, tw = _int(target_height, "target_height", op_name), _int(target_width, "target_width",
                                                                   op_name)
    _check_box(op_name, target_height=th, target_width=tw)
    h, w = _hw(image, rank, op_name)
    f32 = np.float32
    ratio = max(f32(w) / f32(tw), f32(h) / f32(th))
    new_h, new_w = f32(h) / ratio, f32(w) / ratio
    pad_h = max(0, int(np.floor((f32(th) - new_h) / 2)))
    pad_w = max(0, int(np.floor((f32(tw) - new_w) / 2)))
    resized = resize(image, (int(np.floor(new_h)), int(np.floor(new_w))), method,
                     antialias=antialias)
    return pad_to_bounding_box(resized, pad_h, pad_w, th, tw)


def random_crop(value, size, seed=None, name=None):
    """A random `size` window of `value` (any rank), the same offset for the whole tensor."""
    value = A.convert_to_tensor(value)
    size = [_int(s, "size", "random_crop") for s in np.asarray(
        size.numpy() if hasattr(size, "numpy") else size).reshape(-1)]
    dims = value.shape.dims
    if dims is None or len(size) != len(dims):
        raise ValueError(f"random_crop: 'size' must have one entry per dimension of 'value'. "
                         f"Received: size={size} for shape {value.shape}")
    out = value
    for axis, (d, s) in enumerate(zip(dims, size)):
        if d is None:
            raise ValueError(f"random_crop: needs a static shape. Received: {value.shape}")
        if s > d or s < 0:
            raise ValueError(f"random_crop: size {size} is larger than the value's shape "
                             f"{value.shape} (or negative).")
        if s == d:
            continue
        start = random_ops.random_uniform([], maxval=d - s + 1, dtype=dtypes.int32, seed=seed)
        out = indexing_ops.gather(out, start + creation_ops.range(s), axis=axis)
    return A.identity(out, name=name)


# --- pixel values -------------------------------------------------------------------------------

def _saturate_cast(x, dtype):
    """Cast clipping to the target dtype's range first (tf.saturate_cast)."""
    if dtype.is_integer and x.dtype.is_floating:
        x = clip_ops.clip_by_value(x, float(dtype.min), float(dtype.max))
    elif dtype.is_integer and x.dtype.is_integer and x.dtype != dtype:
        low = max(int(dtype.min), int(x.dtype.min))
        high = min(int(dtype.max), int(x.dtype.max))
        x = clip_ops.clip_by_value(x, A.cast(low, x.dtype), A.cast(high, x.dtype))
    return A.cast(x, dtype)


def convert_image_dtype(image, dtype, saturate=False, name=None):
    """Converts pixel values between dtypes with TensorFlow's scaling: floats span [0, 1],
    integers [0, MAX]; integer<->integer conversions shift by the ratio of the ranges."""
    image = A.convert_to_tensor(image)
    dtype = dtypes.as_dtype(dtype)
    src = image.dtype
    if not (src.is_floating or src.is_integer) or not (dtype.is_floating or dtype.is_integer):
        raise AttributeError(f"convert_image_dtype: image and dtype must be floating or "
                             f"integer. Received: image dtype {src.name}, dtype {dtype.name}")
    if src == dtype:
        return A.identity(image, name=name)
    if src.is_integer and dtype.is_integer:
        in_max, out_max = int(src.max), int(dtype.max)
        if in_max > out_max:
            scaled = math_ops.floordiv(image, A.cast((in_max + 1) // (out_max + 1), src))
            return _saturate_cast(scaled, dtype) if saturate else A.cast(scaled, dtype)
        cast = _saturate_cast(image, dtype) if saturate else A.cast(image, dtype)
        return cast * A.cast((out_max + 1) // (in_max + 1), dtype)
    if src.is_floating and dtype.is_floating:
        return A.cast(image, dtype, name=name)
    if src.is_integer:
        return A.cast(image, dtype) * A.cast(1.0 / float(src.max), dtype)
    scaled = image * A.cast(float(dtype.max) + 0.5, src)
    return _saturate_cast(scaled, dtype) if saturate else A.cast(scaled, dtype)


def per_image_standardization(image):
    """(x - mean) / max(stddev, 1 / sqrt(pixels)) per image, in float32 for integer input."""
    image, rank = _image(image, "per_image_standardization")
    if not image.dtype.is_floating:
        image = A.cast(image, dtypes.float32)
    axes = [-1, -2, -3]
    dims = image.shape.dims[-3:]
    if None in dims:
        pixels = A.cast(math_ops.reduce_prod(A.shape(image)[-3:]), image.dtype)
    else:
        pixels = float(np.prod(dims))
    mean = math_ops.reduce_mean(image, axes, keepdims=True)
    stddev = math_ops.reduce_std(image, axes, keepdims=True)
    floor = math_ops.rsqrt(A.cast(pixels, image.dtype))
    return (image - mean) / math_ops.maximum(stddev, floor)


# --- patches, gradients, edges ------------------------------------------------------------------

def _window_list(value, arg, op_name):
    values = [int(v) for v in value]
    if len(values) != 4 or values[0] != 1 or values[3] != 1 or min(values) < 1:
        raise ValueError(f"{op_name}: '{arg}' must be [1, rows, cols, 1] with positive "
                         f"entries. Received: {arg}={list(value)}")
    return values[1], values[2]


def extract_patches(images, sizes, strides, rates, padding, name=None):
    """Each (rows, cols) window (dilated by `rates`) flattened into the depth axis, in
    (row, col, channel) order: output (batch, out_rows, out_cols, rows * cols * depth)."""
    from .conv_ops import _out_size
    op_name = "extract_patches"
    images, _ = _image(images, op_name, ranks=(4,))
    (kh, kw), (sh, sw), (rh, rw) = (_window_list(v, a, op_name) for v, a in
                                    ((sizes, "sizes"), (strides, "strides"), (rates, "rates")))
    padding = str(padding).upper()
    if padding not in ("SAME", "VALID"):
        raise ValueError(f"{op_name}: padding must be 'SAME' or 'VALID'. Received: {padding!r}")
    h, w = _hw(images, 4, op_name)
    oh, top, bottom = _out_size(op_name, h, kh, sh, rh, padding)
    ow, left, right = _out_size(op_name, w, kw, sw, rw, padding)
    x = join_ops.pad(images, [[0, 0], [top, bottom], [left, right], [0, 0]])
    patches = [x[:, i * rh:i * rh + (oh - 1) * sh + 1:sh, j * rw:j * rw + (ow - 1) * sw + 1:sw]
               for i in range(kh) for j in range(kw)]
    return A.identity(join_ops.concat(patches, axis=3), name=name)


def image_gradients(image):
    """(dy, dx): forward differences along height and width, zero in the last row/column."""
    image, _ = _image(image, "image_gradients", ranks=(4,))
    dy = image[:, 1:] - image[:, :-1]
    dx = image[:, :, 1:] - image[:, :, :-1]
    dy = join_ops.concat([dy, A.zeros_like(image[:, :1])], axis=1)
    dx = join_ops.concat([dx, A.zeros_like(image[:, :, :1])], axis=2)
    return dy, dx


def sobel_edges(image):
    """Sobel responses (vertical then horizontal kernel) per channel: (batch, h, w, d, 2),
    the image padded by reflection."""
    from .depthwise_conv_ops import depthwise_conv2d
    image, _ = _image(image, "sobel_edges", ranks=(4,))
    depth = image.shape.dims[3]
    if depth is None:
        raise ValueError(f"sobel_edges: needs a static depth. Received: shape {image.shape}")
    dy = np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]])
    kernels = np.stack([dy, dy.T], axis=-1)[:, :, None, :]        # (3, 3, 1, 2)
    kernels = np.tile(kernels, (1, 1, depth, 1)).astype(image.dtype.as_numpy_dtype)
    padded = join_ops.pad(image, [[0, 0], [1, 1], [1, 1], [0, 0]], mode="REFLECT")
    out = depthwise_conv2d(padded, kernels, [1, 1, 1, 1], "VALID")
    shape = join_ops.concat([A.shape(image), [2]], axis=0)
    return A.reshape(out, shape)


def total_variation(images, name=None):
    """Sum of absolute differences of neighbouring pixels: a scalar for one image, one value
    per image for a batch."""
    images, rank = _image(images, "total_variation")
    tv = 0
    for axis in (rank - 3, rank - 2):  # height, then width
        lo, hi = [slice(None)] * rank, [slice(None)] * rank
        lo[axis], hi[axis] = slice(None, -1), slice(1, None)
        diff = math_ops.abs(images[tuple(hi)] - images[tuple(lo)])
        tv = tv + math_ops.reduce_sum(diff, [-3, -2, -1])
    return A.identity(tv, name=name)


# --- crop_and_resize ---------------------------------------------------------------------------

def crop_and_resize(image, boxes, box_indices, crop_size, method="bilinear",
                    extrapolation_value=0.0, name=None):
    """Crops each box of `boxes` ((num_boxes, 4), normalised [y1, x1, y2, x2]) out of image
    `box_indices[i]` of the batch and resizes it to `crop_size` (corners sampled exactly,
    TensorFlow's align-corners sampling), "bilinear" or "nearest". Points outside the image
    read `extrapolation_value`. Differentiable w.r.t. the image and the boxes (bilinear).

    Returns:
      float32 (num_boxes, crop_height, crop_width, depth) (float64 images stay float64).
    """
    op_name = "crop_and_resize"
    image, _ = _image(image, op_name, ranks=(4,))
    if method not in ("bilinear", "nearest"):
        raise ValueError(f"{op_name}: method must be 'bilinear' or 'nearest'. Received: "
                         f"method={method!r}")
    from .image_resize_ops import static_size
    ch, cw = static_size(crop_size, op_name, "crop_size")
    dtype = image.dtype if image.dtype in (dtypes.float32, dtypes.float64) else dtypes.float32
    image = A.cast(image, dtype)
    boxes = A.cast(A.convert_to_tensor(boxes), dtype)
    box_indices = A.cast(A.convert_to_tensor(box_indices), dtypes.int32)
    if boxes.shape.rank != 2 or boxes.shape.dims[1] not in (None, 4):
        raise ValueError(f"{op_name}: 'boxes' must have shape (num_boxes, 4). Received: "
                         f"shape {boxes.shape}")
    if box_indices.shape.rank != 1:
        raise ValueError(f"{op_name}: 'box_indices' must have shape (num_boxes,). Received: "
                         f"shape {box_indices.shape}")
    shape = A.shape(image)
    h = A.cast(shape[1], dtype)
    w = A.cast(shape[2], dtype)
    y1, x1, y2, x2 = (boxes[:, i] for i in range(4))
    in_y = _sample_points(y1, y2, h, ch, dtype)          # (num_boxes, ch)
    in_x = _sample_points(x1, x2, w, cw, dtype)          # (num_boxes, cw)
    valid_y = (in_y >= 0) & (in_y <= h - 1)
    valid_x = (in_x >= 0) & (in_x <= w - 1)
    batch = box_indices[:, None, None]
    if method == "nearest":
        yi = _clamped_index(_round_half_away(in_y), shape[1])
        xi = _clamped_index(_round_half_away(in_x), shape[2])
        out = _gather_pixels(image, batch, yi, xi)
    else:
        y0, x0 = math_ops.floor(in_y), math_ops.floor(in_x)
        dy = (in_y - y0)[:, :, None, None]
        dx = (in_x - x0)[:, None, :, None]
        yt, yb = _clamped_index(y0, shape[1]), _clamped_index(math_ops.ceil(in_y), shape[1])
        xl, xr = _clamped_index(x0, shape[2]), _clamped_index(math_ops.ceil(in_x), shape[2])
        top_left, top_right = _gather_pixels(image, batch, yt, xl), \
            _gather_pixels(image, batch, yt, xr)
        bottom_left, bottom_right = _gather_pixels(image, batch, yb, xl), \
            _gather_pixels(image, batch, yb, xr)
        top = top_left + (top_right - top_left) * dx
        bottom = bottom_left + (bottom_right - bottom_left) * dx
        out = top + (bottom - top) * dy
    valid = (valid_y[:, :, None] & valid_x[:, None, :])[..., None]
    fill = A.cast(float(extrapolation_value), dtype)
    return A.where(valid, out, A.zeros_like(out) + fill, name=name)


def _sample_points(lo, hi, size, n, dtype):
    """TensorFlow's crop_and_resize sample coordinates along one axis, (num_boxes, n)."""
    if n == 1:
        return (0.5 * (lo + hi) * (size - 1))[:, None]
    steps = A.cast(creation_ops.range(n), dtype)[None, :]
    scale = (hi - lo) * (size - 1) / float(n - 1)
    return (lo * (size - 1))[:, None] + steps * scale[:, None]


def _round_half_away(x):
    return math_ops.sign(x) * math_ops.floor(math_ops.abs(x) + 0.5)


def _clamped_index(coord, size):
    """Integer indices clamped into [0, size - 1] (out-of-range points are masked later)."""
    return clip_ops.clip_by_value(A.cast(coord, dtypes.int32), 0, size - 1)


def _gather_pixels(image, batch, yi, xi):
    """image[batch, yi, xi] for yi (num_boxes, ch), xi (num_boxes, cw): (nb, ch, cw, d)."""
    nb = A.shape(yi)[0]
    ch, cw = A.shape(yi)[1], A.shape(xi)[1]
    b = batch + A.zeros(join_ops.stack([nb, ch, cw]), dtypes.int32)
    y = yi[:, :, None] + A.zeros(join_ops.stack([nb, ch, cw]), dtypes.int32)
    x = xi[:, None, :] + A.zeros(join_ops.stack([nb, ch, cw]), dtypes.int32)
    return indexing_ops.gather_nd(image, join_ops.stack([b, y, x], axis=-1))


# --- draw_bounding_boxes -----------------------------------------------------------------------

def _draw_infer(ts, attrs):
    return [(ts[0].shape, ts[0].dtype)]  # the images with outlines drawn in


@op("DrawBoundingBoxesV2", differentiable=False, host=True, infer=_draw_infer)
def DRAW_BOUNDING_BOXES(xp, images, boxes, colors):
    if images.ndim != 4 or boxes.ndim != 3 or boxes.shape[2] != 4 or \
            boxes.shape[0] != images.shape[0]:
        raise InvalidArgumentError(
            "draw_bounding_boxes: images must be (batch, h, w, depth) and boxes (batch, "
            f"num_boxes, 4); got {tuple(images.shape)} and {tuple(boxes.shape)}.")
    n, h, w, depth = images.shape
    if colors.ndim != 2 or colors.shape[0] == 0 or colors.shape[1] < depth:
        raise InvalidArgumentError(
            "draw_bounding_boxes: colors must be (num_colors, >= depth); got "
            f"{tuple(colors.shape)} for depth {depth}.")
    canvas = images.copy()
    table = colors[:, :depth].astype(images.dtype)
    edges = boxes.astype(xp.float32) * xp.asarray([h - 1, w - 1, h - 1, w - 1], xp.float32)
    edges = edges.astype(xp.int64)  # truncation toward zero, as TensorFlow's kernel
    for b in range(n):
        for k in range(boxes.shape[1]):
            top, left, bottom, right = (int(v) for v in edges[b, k])
            if top > bottom or left > right or top >= h or bottom < 0 or left >= w or \
                    right < 0:
                continue  # an inverted box, or one wholly outside: not drawn
            color = table[k % table.shape[0]]
            r0, r1 = max(top, 0), min(bottom, h - 1)
            c0, c1 = max(left, 0), min(right, w - 1)
            if top >= 0:
                canvas[b, top, c0:c1 + 1] = color
            if bottom < h:
                canvas[b, bottom, c0:c1 + 1] = color
            if left >= 0:
                canvas[b, r0:r1 + 1, left] = color
            if right < w:
                canvas[b, r0:r1 + 1, right] = color
    return canvas


_DEFAULT_COLORS = np.array([[1, 1, 0, 1], [0, 0, 1, 1], [1, 0, 0, 1], [0.35, 0.9, 0.35, 1],
                            [0.5, 0.2, 0.9, 1], [0.9, 0.5, 0.2, 1]], np.float32)


def draw_bounding_boxes(images, boxes, colors, name=None):
    """Draws 1-pixel box outlines on float images ((batch, h, w, depth)); boxes (batch,
    num_boxes, 4) normalised [y_min, x_min, y_max, x_max]; box k uses colors[k % len]."""
    images, _ = _image(images, "draw_bounding_boxes", ranks=(4,))
    if colors is None:
        colors = _DEFAULT_COLORS
    colors = A.cast(A.convert_to_tensor(colors), images.dtype)
    return execute(DRAW_BOUNDING_BOXES, (images, A.cast(A.convert_to_tensor(boxes),
                                                         dtypes.float32), colors), {}, name)


def draw_bounding_boxes_v1(images, boxes, name=None, colors=None):
    """TF1 `image.draw_bounding_boxes`: draws box outlines on a batch of images.

    Args:
      images: A `[batch, height, width, depth]` float tensor.
      boxes: A `[batch, num_boxes, 4]` tensor of `[y_min, x_min, y_max, x_max]` in [0, 1].
      name: A name for the operation (optional).
      colors: Optional `[num_colors, depth]` colours, used in turn.

    Returns:
      The images with the boxes drawn, of `images`' shape and dtype.
    """
    return draw_bounding_boxes(images, boxes, colors, name)


from ..util.export import export_many  # noqa: E402

export_many("image", {
    "flip_left_right": flip_left_right, "flip_up_down": flip_up_down,
    "random_flip_left_right": random_flip_left_right,
    "random_flip_up_down": random_flip_up_down, "transpose": transpose, "rot90": rot90,
    "stateless_random_flip_left_right": stateless_random_flip_left_right,
    "stateless_random_flip_up_down": stateless_random_flip_up_down,
    "crop_to_bounding_box": crop_to_bounding_box, "pad_to_bounding_box": pad_to_bounding_box,
    "central_crop": central_crop, "resize_with_crop_or_pad": resize_with_crop_or_pad,
    "resize_with_pad": resize_with_pad, "random_crop": random_crop,
    "convert_image_dtype": convert_image_dtype,
    "per_image_standardization": per_image_standardization,
    "extract_patches": extract_patches, "image_gradients": image_gradients,
    "sobel_edges": sobel_edges, "total_variation": total_variation,
    "crop_and_resize": crop_and_resize, "draw_bounding_boxes": draw_bounding_boxes,
})
export_many("v1.image", {"draw_bounding_boxes": draw_bounding_boxes_v1})
