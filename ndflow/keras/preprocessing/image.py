"""keras.preprocessing.image: the keras.utils image helpers, `smart_resize`, and Keras 2's
ImageDataGenerator (image_generator.py) with its iterators (image_iterators.py) and
transform functions (image_transforms.py)."""
from ...ops import array_ops
from ..layers.preprocessing_image import _smart_resize
from ..utils.image_utils import array_to_img, img_to_array, load_img, save_img  # noqa: F401
from .image_generator import ImageDataGenerator  # noqa: F401
from .image_iterators import (DataFrameIterator, DirectoryIterator, Iterator,  # noqa: F401
                              NumpyArrayIterator)
from .image_transforms import (apply_affine_transform, apply_brightness_shift,  # noqa: F401
                               apply_channel_shift, random_brightness, random_channel_shift,
                               random_rotation, random_shear, random_shift, random_zoom)


def smart_resize(x, size, interpolation="bilinear", data_format="channels_last"):
    """Resizes images to `size` without distorting them: crops the centred window of the
    target aspect ratio, then resizes it.

    Args:
      x: One image (height, width, channels) or a batch of them, as an array or tensor.
      size: `(height, width)` of the result.
      interpolation: A tf.image.resize method ("bilinear", "nearest", "bicubic", "area"...).
      data_format: "channels_last" or "channels_first".

    Returns:
      A float tensor of the same rank, with height and width `size`.

    Raises:
      ValueError: If `x` is not 3-D or 4-D, or `data_format` is unknown.
    """
    x = array_ops.convert_to_tensor(x)
    if x.dtype.is_integer:
        x = array_ops.cast(x, "float32")
    rank = x.shape.rank
    if rank not in (3, 4):
        raise ValueError(f"smart_resize: expected an image (rank 3) or a batch of images "
                         f"(rank 4). Received: shape {tuple(x.shape)}")
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(f'`data_format` must be "channels_last" or "channels_first". '
                         f"Received: data_format={data_format!r}")
    batch = x if rank == 4 else array_ops.expand_dims(x, 0)
    if data_format == "channels_first":
        batch = array_ops.transpose(batch, (0, 2, 3, 1))
    out = _smart_resize(batch, tuple(int(s) for s in size), interpolation)
    if data_format == "channels_first":
        out = array_ops.transpose(out, (0, 3, 1, 2))
    return out if rank == 4 else out[0]

