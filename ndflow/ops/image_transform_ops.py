"""Projective image transforms (TensorFlow's ImageProjectiveTransformV3), behind Keras's
RandomRotation, RandomZoom and RandomTranslation.

Each transform is 8 numbers [a0, a1, a2, b0, b1, b2, c0, c1] mapping an output pixel (x, y)
to the input point ((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k), k = c0 x + c1 y + 1.
Points outside the image are folded back by `fill_mode` ("reflect": d c b a | a b c d,
"wrap", "nearest": the edge pixel) or read as `fill_value` ("constant"), then sampled with
"nearest" or "bilinear" interpolation, with TensorFlow's arithmetic for each. The op has no
gradient (augmentation precedes the trainable part of a model).
"""
from ..framework.errors import InvalidArgumentError
from ..framework.registry import execute, op
from ..framework.tensor_shape import TensorShape
from . import array_ops as A

FILL_MODES = ("reflect", "wrap", "constant", "nearest")
INTERPOLATIONS = ("nearest", "bilinear")


def _fold(xp, coord, size, mode):
    """Input coordinates mapped into [0, size - 1] by `mode` (constant: left as they are)."""
    if mode == "constant":
        return coord
    if size <= 1:
        return xp.zeros_like(coord)
    top = size - 1
    if mode == "reflect":
        period = 2.0 * size
        low = coord < 0
        neg = xp.where(coord < period, period * xp.trunc(-coord / period) + coord, coord)
        neg = xp.where(neg < -size, neg + period, -neg - 1)
        high = coord - period * xp.trunc(coord / period)
        high = xp.where(high >= size, period - high - 1, high)
        coord = xp.where(low, neg, xp.where(coord > top, high, coord))
    elif mode == "wrap":
        span = float(top)
        neg = coord + size * (xp.trunc(-coord / span) + 1)
        high = coord - size * xp.trunc(coord / span)
        coord = xp.where(coord < 0, neg, xp.where(coord > top, high, coord))
    return xp.clip(coord, 0, top)


def _read(xp, x, batch, yi, xi, fill_value):
    """x[batch, yi, xi] where (yi, xi) is inside the image, else fill_value; (n, oh, ow, c)."""
    h, w = x.shape[1:3]
    inside = (yi >= 0) & (yi < h) & (xi >= 0) & (xi < w)
    values = x[batch, xp.clip(yi, 0, h - 1), xp.clip(xi, 0, w - 1)]
    return xp.where(inside[..., None], values, xp.asarray(fill_value, dtype=values.dtype))


def _transform_infer(ts, attrs):
    x = ts[0]
    dims = x.shape.dims or [None] * 4
    return [(TensorShape([dims[0], attrs["output_shape"][0], attrs["output_shape"][1],
                          dims[3]]), x.dtype)]


@op("ImageProjectiveTransformV3", differentiable=False, infer=_transform_infer)
def PROJECTIVE_TRANSFORM(xp, x, transforms, output_shape, interpolation, fill_mode,
                         fill_value):
    if x.ndim != 4:
        raise InvalidArgumentError("ImageProjectiveTransformV3: images must be 4-D, got shape "
                                   f"{tuple(x.shape)}.")
    if transforms.ndim != 2 or transforms.shape[1] != 8 or \
            transforms.shape[0] not in (1, x.shape[0]):
        raise InvalidArgumentError(
            "ImageProjectiveTransformV3: transforms must have shape (1, 8) or (batch, 8), got "
            f"{tuple(transforms.shape)} for images of shape {tuple(x.shape)}.")
    n, h, w, _ = x.shape
    oh, ow = output_shape
    t = xp.broadcast_to(transforms.astype(xp.float32), (n, 8))[:, :, None, None]
    oy, ox = xp.meshgrid(xp.arange(oh, dtype=xp.float32), xp.arange(ow, dtype=xp.float32),
                         indexing="ij")
    k = t[:, 6] * ox + t[:, 7] * oy + 1
    safe_k = xp.where(k == 0, xp.float32(1), k)
    src_x = _fold(xp, (t[:, 0] * ox + t[:, 1] * oy + t[:, 2]) / safe_k, w, fill_mode)
    src_y = _fold(xp, (t[:, 3] * ox + t[:, 4] * oy + t[:, 5]) / safe_k, h, fill_mode)
    batch = xp.arange(n)[:, None, None]
    xf = x.astype(xp.float32) if x.dtype.kind != "f" else x
    if interpolation == "nearest":  # std::round: halves away from zero
        yi = (xp.sign(src_y) * xp.floor(xp.abs(src_y) + 0.5)).astype(xp.int64)
        xi = (xp.sign(src_x) * xp.floor(xp.abs(src_x) + 0.5)).astype(xp.int64)
        out = _read(xp, xf, batch, yi, xi, fill_value)
    else:
        y0, x0 = xp.floor(src_y), xp.floor(src_x)
        wy, wx = (src_y - y0)[..., None], (src_x - x0)[..., None]
        y0i, x0i = y0.astype(xp.int64), x0.astype(xp.int64)
        top = (1 - wx) * _read(xp, xf, batch, y0i, x0i, fill_value) + \
            wx * _read(xp, xf, batch, y0i, x0i + 1, fill_value)
        bottom = (1 - wx) * _read(xp, xf, batch, y0i + 1, x0i, fill_value) + \
            wx * _read(xp, xf, batch, y0i + 1, x0i + 1, fill_value)
        out = (1 - wy) * top + wy * bottom
    out = xp.where((k == 0)[..., None], xp.asarray(fill_value, dtype=out.dtype), out)
    return out.astype(x.dtype)


def transform(images, transforms, output_shape=None, interpolation="bilinear",
              fill_mode="reflect", fill_value=0.0, name=None):
    """Applies projective `transforms` ((1, 8) or (batch, 8)) to NHWC `images`.

    Args:
      images: 4-D tensor (batch, height, width, channels).
      transforms: the 8 projective parameters per image (output -> input coordinates).
      output_shape: (height, width) of the output; default the input's.
      interpolation: "nearest" or "bilinear".
      fill_mode: "reflect", "wrap", "constant" or "nearest".
      fill_value: the value read outside the image in "constant" mode.
      name: optional op name.

    Returns:
      The transformed images, of the input dtype.
    """
    interpolation, fill_mode = str(interpolation).lower(), str(fill_mode).lower()
    if interpolation not in INTERPOLATIONS:
        raise ValueError(f"transform: interpolation must be one of {INTERPOLATIONS}. "
                         f"Received: interpolation={interpolation!r}")
    if fill_mode not in FILL_MODES:
        raise ValueError(f"transform: fill_mode must be one of {FILL_MODES}. Received: "
                         f"fill_mode={fill_mode!r}")
    images = A.convert_to_tensor(images)
    if output_shape is None:
        dims = images.shape.dims
        if dims is None or dims[1] is None or dims[2] is None:
            raise ValueError("transform: output_shape is needed when the images' height and "
                             f"width are not static. Received images of shape {images.shape}")
        output_shape = dims[1:3]
    return execute(PROJECTIVE_TRANSFORM, (images, transforms),
                   {"output_shape": (int(output_shape[0]), int(output_shape[1])),
                    "interpolation": interpolation, "fill_mode": fill_mode,
                    "fill_value": float(fill_value)}, name)
