"""PNG, JPEG, GIF and BMP decoding and PNG/JPEG encoding (tf.io and tf.image decode_* /
encode_*), on Pillow: an optional dependency (the `data` extra), imported when first used.

Decoded images are uint8 (or uint16 for 16-bit PNGs with dtype=uint16) arrays (height,
width, channels); `channels` 0 keeps the file's, 1 gives grayscale, 3 RGB, 4 RGBA.
decode_gif and decode_image with expand_animations give every frame, (frames, h, w, 3).
Grayscale conversion of colour files uses Pillow's ITU-R 601 luma weights, where libpng
inside TensorFlow uses its own, so those pixels may differ by a level or two.
"""
import io

import numpy as np

from ..framework import dtypes
from ..framework.errors import InvalidArgumentError
from ..framework.registry import execute, op
from ..framework.tensor import EagerTensor
from ..framework.tensor_shape import TensorShape
from ..ops import array_ops as A

_MODES = {1: "L", 3: "RGB", 4: "RGBA"}


def _pillow():
    try:
        from PIL import Image
    except ImportError:
        raise ImportError("Decoding and encoding images needs Pillow: pip install pillow "
                          "(or ndflow[data]).") from None
    return Image


def _bytes(value, op_name):
    data = value[()] if isinstance(value, np.ndarray) else value
    if isinstance(data, str):
        data = data.encode("latin-1")
    if not isinstance(data, (bytes, bytearray)):
        raise InvalidArgumentError(f"{op_name}: 'contents' must be a scalar string tensor of "
                                   f"encoded image bytes, got {type(data).__name__}.")
    return bytes(data)


def _convert(img, channels, op_name):
    if channels == 0:  # the file's own channels; palettes and CMYK become RGB(A)
        if img.mode in ("L", "LA", "RGB", "RGBA", "I;16", "I;16B", "I"):
            return img
        if img.mode == "1":
            return img.convert("L")
        return img.convert("RGBA" if "transparency" in img.info or "A" in img.getbands()
                           else "RGB")
    if channels not in _MODES:
        raise InvalidArgumentError(f"{op_name}: channels must be 0, 1, 3 or 4, got {channels}.")
    return img.convert(_MODES[channels])


def _to_array(img, dtype):
    arr = np.asarray(img)
    if arr.dtype.kind in "iu" and arr.dtype.itemsize > 1:  # a 16-bit PNG
        arr = arr.astype(np.uint16)
        if dtype == "uint8":
            arr = (arr >> 8).astype(np.uint8)
    elif dtype == "uint16":
        arr = arr.astype(np.uint16) * 257
    if arr.ndim == 2:
        arr = arr[:, :, None]
    return np.ascontiguousarray(arr)


def _infer_decode(ts, attrs):
    c = attrs["channels"] or None
    shape = [None, None, None, 3] if attrs["frames"] else [None, None, c]
    return [(TensorShape(shape), dtypes.as_dtype(attrs["dtype"]))]


@op("DecodeImage", host=True, differentiable=False, infer=_infer_decode)
def DECODE_IMAGE(xp, contents, channels, dtype, frames, formats, op_name):
    Image = _pillow()
    data = _bytes(contents, op_name)
    try:
        img = Image.open(io.BytesIO(data))
        img.load()
    except Exception as e:  # Pillow raises several types for damaged data
        raise InvalidArgumentError(f"{op_name}: the contents are not a decodable image "
                                   f"({type(e).__name__}: {e}).") from None
    if formats and img.format not in formats:
        raise InvalidArgumentError(f"{op_name}: expected {'/'.join(formats)} data, got "
                                   f"{img.format or 'an unknown format'}.")
    if frames:
        out = []
        for i in range(getattr(img, "n_frames", 1)):
            img.seek(i)
            out.append(_to_array(img.convert("RGB"), dtype))
        return np.stack(out)
    return _to_array(_convert(img, channels, op_name), dtype)


def _decode(contents, channels, dtype, op_name, formats=(), frames=False, name=None):
    dtype = dtypes.as_dtype(dtype)
    if dtype not in (dtypes.uint8, dtypes.uint16, dtypes.float32, dtypes.float16,
                     dtypes.float64):
        raise ValueError(f"{op_name}: dtype must be uint8, uint16 or a float type. Received: "
                         f"dtype={dtype.name}")
    raw = dtypes.uint16 if dtype == dtypes.uint16 else dtypes.uint8
    out = execute(DECODE_IMAGE, (contents,),
                  {"channels": int(channels or 0), "dtype": raw.name, "frames": bool(frames),
                   "formats": tuple(formats), "op_name": op_name}, name)
    if dtype.is_floating:
        from ..ops.image_ops import convert_image_dtype
        out = convert_image_dtype(out, dtype)
    return out


def decode_png(contents, channels=0, dtype=dtypes.uint8, name=None):
    """Decodes PNG bytes to a uint8 (or uint16) tensor (height, width, channels)."""
    return _decode(contents, channels, dtype, "decode_png", ("PNG",), name=name)


def decode_jpeg(contents, channels=0, ratio=1, fancy_upscaling=True,
                try_recover_truncated=False, acceptable_fraction=1, dct_method="",
                name=None):
    """Decodes JPEG bytes to a uint8 tensor (height, width, channels)."""
    if ratio != 1:
        raise ValueError(f"decode_jpeg: only ratio=1 is supported. Received: ratio={ratio}")
    return _decode(contents, channels, dtypes.uint8, "decode_jpeg", ("JPEG", "MPO"), name=name)


def decode_gif(contents, name=None):
    """Decodes GIF bytes to uint8 frames (num_frames, height, width, 3)."""
    return _decode(contents, 3, dtypes.uint8, "decode_gif", ("GIF",), frames=True, name=name)


def decode_bmp(contents, channels=0, name=None):
    """Decodes BMP bytes to a uint8 tensor (height, width, channels)."""
    return _decode(contents, channels, dtypes.uint8, "decode_bmp", ("BMP",), name=name)


def decode_image(contents, channels=None, dtype=dtypes.uint8, name=None,
                 expand_animations=True):
    """Decodes PNG, JPEG, GIF or BMP bytes (the format read from the data): 3-D, or 4-D for
    a GIF with expand_animations=True."""
    gif = False
    if expand_animations and isinstance(contents, (bytes, EagerTensor)):
        data = contents if isinstance(contents, bytes) else contents.numpy()
        gif = isinstance(data, bytes) and data[:6] in (b"GIF87a", b"GIF89a")
    return _decode(contents, channels, dtype, "decode_image", frames=gif, name=name)


def _encode_infer(ts, attrs):
    return [(TensorShape([]), dtypes.string)]


@op("EncodeImage", host=True, differentiable=False, infer=_encode_infer)
def ENCODE_IMAGE(xp, image, fmt, options):
    Image = _pillow()
    op_name = f"encode_{fmt.lower()}"
    if image.ndim != 3 or image.shape[2] not in (1, 2, 3, 4) or \
            (fmt == "JPEG" and image.shape[2] not in (1, 3)):
        raise InvalidArgumentError(f"{op_name}: image must be (height, width, channels) with "
                                   f"{'1 or 3' if fmt == 'JPEG' else '1-4'} channels, got "
                                   f"shape {image.shape}.")
    if image.dtype == np.uint16:
        if fmt != "PNG" or image.shape[2] != 1:
            raise InvalidArgumentError(f"{op_name}: uint16 images are encoded as 1-channel "
                                       "PNGs only.")
        pil = Image.fromarray(np.ascontiguousarray(image[:, :, 0]))  # mode I;16
    else:
        arr = image[:, :, 0] if image.shape[2] == 1 else image
        pil = Image.fromarray(np.ascontiguousarray(arr.astype(np.uint8)))
    buf = io.BytesIO()
    pil.save(buf, format=fmt, **dict(options))
    out = np.empty((), dtype=object)
    out[()] = buf.getvalue()
    return out


def _image_arg(image, op_name, allowed):
    image = A.convert_to_tensor(image)
    if image.dtype not in allowed:
        raise ValueError(f"{op_name}: image dtype must be one of "
                         f"{[d.name for d in allowed]}. Received: {image.dtype.name}")
    return image


def encode_png(image, compression=-1, name=None):
    """Encodes a uint8 or uint16 image (height, width, channels) as PNG bytes."""
    image = _image_arg(image, "encode_png", (dtypes.uint8, dtypes.uint16))
    level = 6 if compression == -1 else int(compression)
    if not 0 <= level <= 9:
        raise ValueError(f"encode_png: compression must be -1 or in [0, 9]. Received: "
                         f"{compression}")
    return execute(ENCODE_IMAGE, (image,), {"fmt": "PNG",
                                            "options": (("compress_level", level),)}, name)


def encode_jpeg(image, format="", quality=95, progressive=False,  # noqa: A002
                optimize_size=False, chroma_downsampling=True, density_unit="in",
                x_density=300, y_density=300, xmp_metadata="", name=None):
    """Encodes a uint8 image (height, width, 1 or 3) as JPEG bytes."""
    image = _image_arg(image, "encode_jpeg", (dtypes.uint8,))
    if not 0 <= int(quality) <= 100:
        raise ValueError(f"encode_jpeg: quality must be in [0, 100]. Received: {quality}")
    options = (("quality", int(quality)), ("progressive", bool(progressive)),
               ("optimize", bool(optimize_size)),
               ("subsampling", 2 if chroma_downsampling else 0),
               ("dpi", (int(x_density), int(y_density))))
    return execute(ENCODE_IMAGE, (image,), {"fmt": "JPEG", "options": options}, name)


def is_jpeg(contents, name=None):
    """Whether `contents` start with the JPEG marker."""
    data = contents.numpy() if hasattr(contents, "numpy") else contents
    return A.convert_to_tensor(isinstance(data, bytes) and data[:3] == b"\xff\xd8\xff")


from ..util.export import export_many  # noqa: E402

_CODECS = {"decode_png": decode_png, "decode_jpeg": decode_jpeg, "decode_gif": decode_gif,
           "decode_bmp": decode_bmp, "decode_image": decode_image, "encode_png": encode_png,
           "encode_jpeg": encode_jpeg, "is_jpeg": is_jpeg}
export_many("io", _CODECS)
export_many("image", _CODECS)
