"""tf.image colour functions: rgb_to_grayscale, grayscale_to_rgb, rgb_to_hsv, hsv_to_rgb,
rgb_to_yuv, yuv_to_rgb; adjust_brightness/contrast/saturation/hue/gamma and their seeded
random_* forms.

All are compositions of differentiable ndflow ops with TensorFlow's formulas (its HSV
sector arithmetic, its BT.601 YUV matrix); the divisions that are undefined for grey pixels
read a safe denominator so their gradients stay finite. Integer images are converted to
float32 in [0, 1] and back (saturating), as TensorFlow's adjust_* functions do.
"""
import numpy as np

from ..framework import dtypes
from . import array_ops as A
from . import clip_ops, join_ops, linalg_ops, math_ops, random_ops
from .image_ops import _image, convert_image_dtype

_GRAY_WEIGHTS = (0.2989, 0.5870, 0.1140)
_RGB_TO_YUV = np.array([[0.299, -0.14714119, 0.61497538],
                        [0.587, -0.28886916, -0.51496512],
                        [0.114, 0.43601035, -0.10001026]])
_YUV_TO_RGB = np.array([[1, 1, 1], [0, -0.394642334, 2.03206185],
                        [1.13988303, -0.58062185, 0]])


def _rgb(images, op_name):
    images = A.convert_to_tensor(images)
    dims = images.shape.dims
    if dims is None or len(dims) < 1 or dims[-1] not in (None, 3):
        raise ValueError(f"{op_name}: the last dimension of 'images' must be 3 (RGB). "
                         f"Received: shape {images.shape}")
    return images


def _channel_matmul(images, matrix):
    """images[..., :] @ matrix over the channel axis."""
    m = A.cast(matrix.astype(np.float64), images.dtype)
    shape = A.shape(images)
    flat = A.reshape(images, [-1, 3])
    return A.reshape(linalg_ops.matmul(flat, m), shape)


def rgb_to_grayscale(images, name=None):
    """Luma Y' = 0.2989 R + 0.5870 G + 0.1140 B, keeping a channel axis of size 1."""
    images = _rgb(images, "rgb_to_grayscale")
    dtype = images.dtype
    flt = convert_image_dtype(images, dtypes.float32)
    gray = math_ops.reduce_sum(flt * A.cast(np.array(_GRAY_WEIGHTS), flt.dtype), -1,
                               keepdims=True)
    return convert_image_dtype(gray, dtype, name=name)


def grayscale_to_rgb(images, name=None):
    """Repeats a size-1 channel axis three times."""
    images = A.convert_to_tensor(images)
    dims = images.shape.dims
    if dims is None or len(dims) < 2 or dims[-1] not in (None, 1):
        raise ValueError("grayscale_to_rgb: the last dimension of 'images' must be 1. "
                         f"Received: shape {images.shape}")
    return join_ops.concat([images] * 3, axis=-1, name=name or "concat")


def _floating(images, op_name):
    if not images.dtype.is_floating:
        raise TypeError(f"{op_name}: 'images' must be floating point (values in [0, 1]). "
                        f"Received: dtype {images.dtype.name}")
    return images


def rgb_to_hsv(images, name=None):
    """RGB in [0, 1] to (hue, saturation, value), each in [0, 1]."""
    images = _floating(_rgb(images, "rgb_to_hsv"), "rgb_to_hsv")
    r, g, b = images[..., 0], images[..., 1], images[..., 2]
    v = math_ops.maximum(math_ops.maximum(r, g), b)
    spread = v - math_ops.minimum(math_ops.minimum(r, g), b)
    zero = A.zeros_like(v)
    s = A.where(v > 0, spread / A.where(v > 0, v, zero + 1), zero)
    norm = 1.0 / (6.0 * A.where(spread > 0, spread, zero + 1))
    h = A.where(r == v, norm * (g - b),
                A.where(g == v, norm * (b - r) + 2.0 / 6.0, norm * (r - g) + 4.0 / 6.0))
    h = A.where(spread > 0, h, zero)
    h = A.where(h < 0, h + 1.0, h)
    return join_ops.stack([h, s, v], axis=-1, name=name or "stack")


def hsv_to_rgb(images, name=None):
    """(hue, saturation, value) in [0, 1] back to RGB."""
    images = _floating(_rgb(images, "hsv_to_rgb"), "hsv_to_rgb")
    h, s, v = images[..., 0], images[..., 1], images[..., 2]
    dh = h * 6.0

    def ramp(x):
        return clip_ops.clip_by_value(x, 0.0, 1.0)
    dr = ramp(math_ops.abs(dh - 3.0) - 1.0)
    dg = ramp(2.0 - math_ops.abs(dh - 2.0))
    db = ramp(2.0 - math_ops.abs(dh - 4.0))
    one_s = 1.0 - s
    return join_ops.stack([(one_s + s * dr) * v, (one_s + s * dg) * v, (one_s + s * db) * v],
                          axis=-1, name=name or "stack")


def rgb_to_yuv(images):
    """RGB to YUV (BT.601): Y in [0, 1], U and V in about [-0.5, 0.5]."""
    return _channel_matmul(_floating(_rgb(images, "rgb_to_yuv"), "rgb_to_yuv"), _RGB_TO_YUV)


def yuv_to_rgb(images):
    """YUV (BT.601) back to RGB."""
    return _channel_matmul(_floating(_rgb(images, "yuv_to_rgb"), "yuv_to_rgb"), _YUV_TO_RGB)


# --- adjustments -------------------------------------------------------------------------------

def _to_float(image):
    """(float image, original dtype): float images as they are, others to float32 [0, 1]."""
    image = A.convert_to_tensor(image)
    if image.dtype.is_floating:
        return image, image.dtype
    return convert_image_dtype(image, dtypes.float32), image.dtype


def _back(image, dtype):
    return convert_image_dtype(image, dtype, saturate=True)


def adjust_brightness(image, delta):
    """Adds `delta` to every pixel (in [0, 1] units for integer images)."""
    flt, dtype = _to_float(image)
    return _back(flt + A.cast(delta, flt.dtype), dtype)


def adjust_contrast(images, contrast_factor):
    """(x - mean) * contrast_factor + mean, the mean per image and channel."""
    images, _ = _image(images, "adjust_contrast")
    flt, dtype = _to_float(images)
    mean = math_ops.reduce_mean(flt, [-3, -2], keepdims=True)
    return _back((flt - mean) * A.cast(contrast_factor, flt.dtype) + mean, dtype)


def adjust_gamma(image, gamma=1, gain=1):
    """gain * x ** gamma (x in [0, 1] for integer images); gamma must be >= 0."""
    if not hasattr(gamma, "dtype") and float(gamma) < 0:
        raise ValueError(f"adjust_gamma: gamma should be a non-negative real number. "
                         f"Received: gamma={gamma}")
    flt, dtype = _to_float(image)
    return _back(A.cast(gain, flt.dtype) * math_ops.pow(flt, A.cast(gamma, flt.dtype)), dtype)


def adjust_saturation(image, saturation_factor, name=None):
    """Scales the HSV saturation by `saturation_factor` (clipped to [0, 1])."""
    flt, dtype = _to_float(_rgb(image, "adjust_saturation"))
    hsv = rgb_to_hsv(flt)
    s = clip_ops.clip_by_value(hsv[..., 1] * A.cast(saturation_factor, flt.dtype), 0.0, 1.0)
    rgb = hsv_to_rgb(join_ops.stack([hsv[..., 0], s, hsv[..., 2]], axis=-1))
    return _back(rgb, dtype)


def adjust_hue(image, delta, name=None):
    """Rotates the HSV hue by `delta` (in [-1, 1], a fraction of the colour wheel)."""
    if not hasattr(delta, "dtype") and not -1.0 <= float(delta) <= 1.0:
        raise ValueError(f"adjust_hue: delta must be in the interval [-1, 1]. Received: "
                         f"delta={delta}")
    flt, dtype = _to_float(_rgb(image, "adjust_hue"))
    hsv = rgb_to_hsv(flt)
    h = hsv[..., 0] + A.cast(delta, flt.dtype)
    h = h - math_ops.floor(h)
    return _back(hsv_to_rgb(join_ops.stack([h, hsv[..., 1], hsv[..., 2]], axis=-1)), dtype)


def _uniform(low, high, seed, stateless=False):
    if stateless:
        return random_ops.stateless_random_uniform([], seed, low, high)
    return random_ops.random_uniform([], low, high, seed=seed)


def _check_range(op_name, lower, upper):
    if upper <= lower:
        raise ValueError(f"{op_name}: upper must be > lower. Received: lower={lower}, "
                         f"upper={upper}")
    if lower < 0:
        raise ValueError(f"{op_name}: lower must be non-negative. Received: lower={lower}")


def random_brightness(image, max_delta, seed=None):
    """adjust_brightness by a delta drawn from [-max_delta, max_delta)."""
    if max_delta < 0:
        raise ValueError(f"random_brightness: max_delta must be non-negative. Received: "
                         f"max_delta={max_delta}")
    return adjust_brightness(image, _uniform(-max_delta, max_delta, seed))


def random_contrast(image, lower, upper, seed=None):
    """adjust_contrast by a factor drawn from [lower, upper)."""
    _check_range("random_contrast", lower, upper)
    return adjust_contrast(image, _uniform(lower, upper, seed))


def random_saturation(image, lower, upper, seed=None):
    """adjust_saturation by a factor drawn from [lower, upper)."""
    _check_range("random_saturation", lower, upper)
    return adjust_saturation(image, _uniform(lower, upper, seed))


def random_hue(image, max_delta, seed=None):
    """adjust_hue by a delta drawn from [-max_delta, max_delta), max_delta in [0, 0.5]."""
    if max_delta > 0.5:
        raise ValueError(f"random_hue: max_delta must be <= 0.5. Received: {max_delta}")
    if max_delta < 0:
        raise ValueError(f"random_hue: max_delta must be non-negative. Received: {max_delta}")
    return adjust_hue(image, _uniform(-max_delta, max_delta, seed))


def stateless_random_brightness(image, max_delta, seed):
    """random_brightness from the stateless generator with `seed` (shape [2])."""
    if max_delta < 0:
        raise ValueError(f"stateless_random_brightness: max_delta must be non-negative. "
                         f"Received: max_delta={max_delta}")
    return adjust_brightness(image, _uniform(-max_delta, max_delta, seed, True))


def stateless_random_contrast(image, lower, upper, seed):
    """random_contrast from the stateless generator with `seed` (shape [2])."""
    _check_range("stateless_random_contrast", lower, upper)
    return adjust_contrast(image, _uniform(lower, upper, seed, True))


def stateless_random_saturation(image, lower, upper, seed=None):
    """random_saturation from the stateless generator with `seed` (shape [2])."""
    _check_range("stateless_random_saturation", lower, upper)
    return adjust_saturation(image, _uniform(lower, upper, seed, True))


def stateless_random_hue(image, max_delta, seed):
    """random_hue from the stateless generator with `seed` (shape [2])."""
    if not 0 <= max_delta <= 0.5:
        raise ValueError("stateless_random_hue: max_delta must be in [0, 0.5]. Received: "
                         f"max_delta={max_delta}")
    return adjust_hue(image, _uniform(-max_delta, max_delta, seed, True))


from ..util.export import export_many  # noqa: E402

export_many("image", {
    "rgb_to_grayscale": rgb_to_grayscale, "grayscale_to_rgb": grayscale_to_rgb,
    "rgb_to_hsv": rgb_to_hsv, "hsv_to_rgb": hsv_to_rgb, "rgb_to_yuv": rgb_to_yuv,
    "yuv_to_rgb": yuv_to_rgb, "adjust_brightness": adjust_brightness,
    "adjust_contrast": adjust_contrast, "adjust_gamma": adjust_gamma,
    "adjust_saturation": adjust_saturation, "adjust_hue": adjust_hue,
    "random_brightness": random_brightness, "random_contrast": random_contrast,
    "random_saturation": random_saturation, "random_hue": random_hue,
    "stateless_random_brightness": stateless_random_brightness,
    "stateless_random_contrast": stateless_random_contrast,
    "stateless_random_saturation": stateless_random_saturation,
    "stateless_random_hue": stateless_random_hue,
})
