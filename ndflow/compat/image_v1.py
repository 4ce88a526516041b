"""TF1's tf.image names: resize_images with TF1's own (legacy) pixel mapping, the old
spellings of TF2's functions, and everything ndflow.image has.

TF1's `resize_images(method=BILINEAR / NEAREST_NEIGHBOR)` maps output pixel i to input
coordinate `i * in / out` (or `i * (in - 1) / (out - 1)` with align_corners), not TF2's
half-pixel centres, so its values differ from `tf.image.resize`; they are reproduced here as
two small interpolation matrices applied along height and width (differentiable, as ops).
"""
import numpy as np

from ..framework import dtypes
from ..ops import array_ops as A
from ..ops.indexing_ops import gather
from ..ops.linalg_ops import tensordot
from ..util.export import EXPORTS


class ResizeMethod:
    """TF1's resize method ids (tf.compat.v1.image.ResizeMethod)."""
    BILINEAR, NEAREST_NEIGHBOR, BICUBIC, AREA = 0, 1, 2, 3


_NAMES = {0: "bilinear", 1: "nearest", 2: "bicubic", 3: "area", "bilinear": "bilinear",
          "nearest": "nearest", "bicubic": "bicubic", "area": "area"}


def _scale(n_in, n_out, align_corners):
    if align_corners and n_out > 1:
        return (n_in - 1) / (n_out - 1)
    return n_in / n_out


def _bilinear_matrix(n_in, n_out, align_corners):
    w = np.zeros((n_out, n_in), np.float32)
    scale = _scale(n_in, n_out, align_corners)
    for i in range(n_out):
        src = i * scale
        lo = min(int(np.floor(src)), n_in - 1)
        hi = min(lo + 1, n_in - 1)
        frac = np.float32(src - lo)
        w[i, lo] += 1 - frac
        w[i, hi] += frac
    return w


def _nearest_index(n_in, n_out, align_corners):
    scale = _scale(n_in, n_out, align_corners)
    src = np.arange(n_out) * scale
    idx = np.floor(src + 0.5) if align_corners else np.floor(src)  # halves round up, as TF
    return np.minimum(idx.astype(np.int64), n_in - 1)


def resize_images(images, size, method=ResizeMethod.BILINEAR, align_corners=False,
                  preserve_aspect_ratio=False, name=None):
    """tf.compat.v1.image.resize_images: TF1's legacy pixel mapping for BILINEAR and
    NEAREST_NEIGHBOR (see the module docstring); BICUBIC and AREA use ndflow.image.resize.

    Args:
      images: 4-D [batch, height, width, channels] or 3-D [height, width, channels].
      size: (new_height, new_width), Python ints.
      method: a ResizeMethod id (0-3) or name.

    Returns:
      float32 images, except NEAREST_NEIGHBOR which keeps the input dtype.

    Raises:
      ValueError: for a bad rank, size or method.
    """
    if method not in _NAMES:
        raise ValueError(f"resize_images: unknown method {method!r}; expected one of "
                         "ResizeMethod.BILINEAR, NEAREST_NEIGHBOR, BICUBIC, AREA.")
    kind = _NAMES[method]
    x = A.convert_to_tensor(images)
    rank = x.shape.rank
    if rank not in (3, 4):
        raise ValueError(f"resize_images: images must be 3-D or 4-D, got shape {x.shape}.")
    try:
        out_h, out_w = (int(s) for s in size)
    except (TypeError, ValueError):
        raise ValueError(f"resize_images: size must be 2 Python ints, got {size!r}.") from None
    if kind in ("bicubic", "area") or preserve_aspect_ratio:
        resize = EXPORTS["image"]["resize"]
        out = resize(x, (out_h, out_w), kind, preserve_aspect_ratio=preserve_aspect_ratio)
        return out if out.dtype == dtypes.float32 else A.cast(out, dtypes.float32)
    h_axis = rank - 3
    in_h, in_w = x.shape.as_list()[h_axis:h_axis + 2]
    if in_h is None or in_w is None:
        raise ValueError(f"resize_images: the height and width of images {x.shape} must be "
                         "known.")
    if kind == "nearest":
        out = gather(x, _nearest_index(in_h, out_h, align_corners), axis=h_axis)
        return gather(out, _nearest_index(in_w, out_w, align_corners), axis=h_axis + 1)
    if x.dtype != dtypes.float32:
        x = A.cast(x, dtypes.float32)
    wh = A.constant(_bilinear_matrix(in_h, out_h, align_corners))
    ww = A.constant(_bilinear_matrix(in_w, out_w, align_corners))
    # contract height, then width; tensordot moves the new axis first, so put it back
    out = tensordot(wh, x, [[1], [h_axis]])                       # (out_h, [n], w, c)
    out = tensordot(ww, out, [[1], [h_axis + 1]])                 # (out_w, out_h, [n], c)
    perm = [2, 1, 0, 3] if rank == 4 else [1, 0, 2]
    return A.transpose(out, perm)


def resize_bilinear(images, size, align_corners=False, name=None, half_pixel_centers=False):
    """tf.compat.v1.image.resize_bilinear (TF1 mapping unless half_pixel_centers)."""
    if half_pixel_centers:
        return EXPORTS["image"]["resize"](images, size, "bilinear")
    return resize_images(images, size, ResizeMethod.BILINEAR, align_corners)


def resize_nearest_neighbor(images, size, align_corners=False, name=None,
                            half_pixel_centers=False):
    """tf.compat.v1.image.resize_nearest_neighbor (TF1 mapping unless half_pixel_centers)."""
    if half_pixel_centers:
        return EXPORTS["image"]["resize"](images, size, "nearest")
    return resize_images(images, size, ResizeMethod.NEAREST_NEIGHBOR, align_corners)


def names():
    """The compat.v1 tf.image table: ndflow.image's names, then TF1's spellings."""
    table = dict(EXPORTS.get("image", {}))
    table.update(EXPORTS.get("v1.image", {}))
    table.update({"resize_images": resize_images, "resize_bilinear": resize_bilinear,
                  "resize_nearest_neighbor": resize_nearest_neighbor,
                  "ResizeMethod": ResizeMethod})
    if "resize_with_crop_or_pad" in table:
        table.setdefault("resize_image_with_crop_or_pad", table["resize_with_crop_or_pad"])
    if "resize_with_pad" in table:
        table.setdefault("resize_image_with_pad", table["resize_with_pad"])
    return table
