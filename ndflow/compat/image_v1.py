"""TF1's tf.image names: ndflow.image's names, then TF1's own spellings.

TF1's resize functions (`resize_images` with ResizeMethod 0-3, `resize_bilinear`,
`resize_nearest_neighbor`, `resize_bicubic`, `resize_area`; TF1's corner pixel mapping and
`align_corners`) live with the resize op in ndflow/ops/image_resize_ops.py, exported as
"v1.image".
"""
from ..util.export import EXPORTS


def names():
    """The compat.v1 tf.image table: ndflow.image's names, then TF1's spellings."""
    table = dict(EXPORTS.get("image", {}))
    table.update(EXPORTS.get("v1.image", {}))
    if "resize_with_crop_or_pad" in table:
        table.setdefault("resize_image_with_crop_or_pad", table["resize_with_crop_or_pad"])
    if "resize_with_pad" in table:
        table.setdefault("resize_image_with_pad", table["resize_with_pad"])
    return table
