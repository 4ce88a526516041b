"""keras.utils image helpers: load_img, img_to_array, array_to_img, save_img.

Images are PIL images (Pillow, imported when first needed: `pip install pillow`); arrays
are (height, width, channels), or channels first with data_format="channels_first".
"""
import os
import tempfile

import numpy as np

from .. import backend

_RESAMPLING = ("nearest", "bilinear", "bicubic", "hamming", "box", "lanczos")


def _pil():
    try:
        from PIL import Image
    except ImportError as e:
        raise ImportError("Loading and saving images needs Pillow, which is not installed: "
                          "`pip install pillow`.") from e
    return Image


def _data_format(data_format):
    data_format = data_format or backend.image_data_format()
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(f'`data_format` must be "channels_last" or "channels_first". '
                         f"Received: data_format={data_format!r}")
    return data_format


def load_img(path, color_mode="rgb", target_size=None, interpolation="nearest",
             keep_aspect_ratio=False):
    """Loads an image file into a PIL image.

    Args:
      path: Path of the image file (str or pathlib.Path), or a binary file object.
      color_mode: "rgb", "rgba" or "grayscale": the channels of the returned image.
      target_size: None for the file's own size, or `(height, width)` to resize to.
      interpolation: Resampling used for the resize: "nearest", "bilinear", "bicubic",
        "hamming", "box" or "lanczos".
      keep_aspect_ratio: Whether to crop the centre of the image to the target's aspect
        ratio before resizing, instead of stretching it.

    Returns:
      A PIL image.

    Raises:
      ValueError: If `color_mode` or `interpolation` is unknown.
    """
    Image = _pil()
    if color_mode not in ("rgb", "rgba", "grayscale"):
        raise ValueError(f'`color_mode` must be "rgb", "rgba" or "grayscale". Received: '
                         f"color_mode={color_mode!r}")
    if interpolation not in _RESAMPLING:
        raise ValueError(f"`interpolation` must be one of {list(_RESAMPLING)}. Received: "
                         f"interpolation={interpolation!r}")
    if isinstance(path, os.PathLike):
        path = os.fspath(path)
    with Image.open(path) as opened:  # copy/convert read the pixels before the file closes
        keep = ("L", "I;16", "I") if color_mode == "grayscale" else (color_mode.upper(),)
        img = opened.copy() if opened.mode in keep else opened.convert(
            "L" if color_mode == "grayscale" else color_mode.upper())
    if target_size is not None:
        height, width = target_size
        if img.size != (width, height):
            if keep_aspect_ratio:
                w, h = img.size
                crop_w, crop_h = min(w, int(h * width / height)), min(h, int(w * height / width))
                left, top = (w - crop_w) // 2, (h - crop_h) // 2
                img = img.crop((left, top, left + crop_w, top + crop_h))
            img = img.resize((width, height), getattr(Image, interpolation.upper()))
    return img


def img_to_array(img, data_format=None, dtype=None):
    """Converts a PIL image (or array) to a NumPy array of `dtype` (default floatx).

    Args:
      img: A PIL image, or anything `np.asarray` accepts.
      data_format: "channels_last" (the default) or "channels_first".
      dtype: The array's dtype; default `keras.backend.floatx()` ("float32").

    Returns:
      A 3-D array: (height, width, channels), or (channels, height, width).

    Raises:
      ValueError: If the image is not 2-D or 3-D, or `data_format` is unknown.
    """
    data_format = _data_format(data_format)
    x = np.asarray(img, dtype=dtype or backend.floatx())
    if x.ndim == 2:
        x = x[None] if data_format == "channels_first" else x[..., None]
    elif x.ndim == 3:
        x = x.transpose(2, 0, 1) if data_format == "channels_first" else x
    else:
        raise ValueError(f"Unsupported image shape: {x.shape}; expected 2-D (height, width) "
                         f"or 3-D with channels.")
    return x


def array_to_img(x, data_format=None, scale=True, dtype=None):
    """Converts a 3-D array to a PIL image.

    Args:
      x: Array of shape (height, width, channels) (or channels first) with 1, 3 or 4
        channels.
      data_format: "channels_last" (the default) or "channels_first".
      scale: Whether to rescale the values to 0..255 (minimum to 0, maximum to 255).
      dtype: The dtype used for the arithmetic; default floatx.

    Returns:
      A PIL image: mode "RGB", "RGBA", "L", or "I" for one channel above 255.

    Raises:
      ValueError: If `x` is not 3-D or has another number of channels.
    """
    Image = _pil()
    data_format = _data_format(data_format)
    x = np.asarray(x.numpy() if hasattr(x, "numpy") else x, dtype=dtype or backend.floatx())
    if x.ndim != 3:
        raise ValueError(f"Expected an image array of rank 3 (one image). Received: an array "
                         f"of shape {x.shape}")
    if data_format == "channels_first":
        x = x.transpose(1, 2, 0)
    if scale:
        x = x - np.min(x)
        top = np.max(x)
        if top != 0:
            x = x / top
        x = x * 255
    channels = x.shape[2]
    if channels == 4:
        return Image.fromarray(x.astype("uint8"), "RGBA")
    if channels == 3:
        return Image.fromarray(x.astype("uint8"), "RGB")
    if channels == 1:
        if np.max(x) > 255:  # 32-bit signed integer greyscale
            return Image.fromarray(x[:, :, 0].astype("int32"), "I")
        return Image.fromarray(x[:, :, 0].astype("uint8"), "L")
    raise ValueError(f"Unsupported number of channels: {channels} (expected 1, 3 or 4); "
                     f"array shape {x.shape}")


def save_img(path, x, data_format=None, file_format=None, scale=True, **kwargs):
    """Saves an array as an image file; the file is written whole or not at all.

    Args:
      path: Path of the file to write.
      x: 3-D array, as for `array_to_img`.
      data_format: "channels_last" (the default) or "channels_first".
      file_format: Pillow format name ("png", "jpeg"...); default from the file's suffix.
      scale: Whether to rescale the values to 0..255 (see `array_to_img`).
      **kwargs: Passed to Pillow's `Image.save` (e.g. `quality=90`).

    Raises:
      ValueError: If the array cannot be an image, or no format can be told from `path`.
    """
    path = os.fspath(path)
    img = array_to_img(x, data_format=data_format, scale=scale)
    suffix = os.path.splitext(path)[1].lower().lstrip(".")
    file_format = (file_format or suffix or "").lower()
    if not file_format:
        raise ValueError(f"Cannot tell the image format of path={path!r}: pass `file_format`.")
    if img.mode == "RGBA" and file_format in ("jpg", "jpeg"):
        img = img.convert("RGB")  # JPEG has no alpha channel
    file_format = "jpeg" if file_format == "jpg" else file_format
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(path)), suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            img.save(f, format=file_format, **kwargs)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
