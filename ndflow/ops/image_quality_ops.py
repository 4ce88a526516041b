"""Image quality measures of tf.image: psnr, ssim and ssim_multiscale.

SSIM follows Wang et al. (2004) as TensorFlow computes it: local statistics under a
normalised Gaussian window (filter_size 11, sigma 1.5 by default) taken with a VALID
depthwise convolution, constants c1 = (k1 * max_val)^2 and c2 = (k2 * max_val)^2, the
luminance term times the contrast-structure term averaged over height and width, then over
channels. Images are converted to float32 first (integers scaled to [0, 1], max_val with
them). All three are differentiable.
"""
import numpy as np

from ..framework import dtypes
from . import array_ops as A
from . import join_ops, math_ops, nn_ops
from .depthwise_conv_ops import depthwise_conv2d
from .image_ops import convert_image_dtype
from .pooling_ops import avg_pool2d

_MS_SSIM_WEIGHTS = (0.0448, 0.2856, 0.3001, 0.2363, 0.1333)


def _pair(a, b, op_name):
    a, b = A.convert_to_tensor(a), A.convert_to_tensor(b)
    da, db = a.shape.dims, b.shape.dims
    if da is None or db is None or len(da) < 3 or len(db) < 3:
        raise ValueError(f"{op_name}: images must have at least 3 dimensions (height, width, "
                         f"channels). Received: shapes {a.shape} and {b.shape}")
    for x, y in zip(da[-3:], db[-3:]):
        if x is not None and y is not None and x != y:
            raise ValueError(f"{op_name}: the two images must have the same height, width "
                             f"and channels. Received: shapes {a.shape} and {b.shape}")
    return a, b


def _as_float(a, b, max_val):
    max_val = convert_image_dtype(A.cast(max_val, a.dtype), dtypes.float32)
    return convert_image_dtype(a, dtypes.float32), convert_image_dtype(b, dtypes.float32), \
        max_val


def psnr(a, b, max_val, name=None):
    """Peak signal-to-noise ratio in dB per image: 10 log10(max_val^2 / mse)."""
    a, b = _pair(a, b, "psnr")
    a, b, max_val = _as_float(a, b, max_val)
    mse = math_ops.reduce_mean(math_ops.squared_difference(a, b), [-3, -2, -1])
    log10 = np.log(10.0)
    return A.identity(20.0 * math_ops.log(max_val) / log10 - 10.0 / log10 * math_ops.log(mse),
                      name=name)


def _gaussian_window(size, sigma):
    coords = np.arange(size, dtype=np.float64) - (size - 1) / 2.0
    g = np.exp(-0.5 * (coords[:, None] ** 2 + coords[None, :] ** 2) / sigma ** 2)
    return (g / g.sum()).astype(np.float32)


def _ssim_per_channel(x, y, max_val, filter_size, filter_sigma, k1, k2):
    """(ssim, cs) per image and channel: (..., channels)."""
    dims = x.shape.dims
    h, w, depth = dims[-3], dims[-2], dims[-1]
    if depth is None:
        raise ValueError("ssim: the channel dimension must be known. Received: shape "
                         f"{x.shape}")
    for d in (h, w):
        if d is not None and d < filter_size:
            raise ValueError(f"ssim: height and width must be at least filter_size "
                             f"{filter_size}. Received: shape {x.shape}")
    window = _gaussian_window(filter_size, filter_sigma)
    kernel = np.tile(window[:, :, None, None], (1, 1, depth, 1))

    def local_mean(t):
        shape = A.shape(t)
        flat = A.reshape(t, join_ops.concat([[-1], shape[-3:]], axis=0))
        out = depthwise_conv2d(flat, kernel, [1, 1, 1, 1], "VALID")
        return A.reshape(out, join_ops.concat([shape[:-3], A.shape(out)[1:]], axis=0))

    c1 = (k1 * max_val) ** 2
    c2 = (k2 * max_val) ** 2
    mean_x, mean_y = local_mean(x), local_mean(y)
    num0 = mean_x * mean_y * 2.0
    den0 = math_ops.square(mean_x) + math_ops.square(mean_y)
    luminance = (num0 + c1) / (den0 + c1)
    num1 = local_mean(x * y) * 2.0
    den1 = local_mean(math_ops.square(x) + math_ops.square(y))
    cs = (num1 - num0 + c2) / (den1 - den0 + c2)
    return math_ops.reduce_mean(luminance * cs, [-3, -2]), math_ops.reduce_mean(cs, [-3, -2])


def ssim(img1, img2, max_val, filter_size=11, filter_sigma=1.5, k1=0.01, k2=0.03,
         return_index_map=False):
    """Structural similarity of two (batches of) images, one value per image.

    Args:
      img1, img2: images (..., height, width, channels) of the same shape; height and width
        at least `filter_size`.
      max_val: the dynamic range (1.0 for float images in [0, 1], 255 for uint8).
      filter_size, filter_sigma: the Gaussian window.
      k1, k2: SSIM's stabilising constants.
      return_index_map: not supported (the per-pixel map); must be False.

    Returns:
      float32 tensor of shape img1.shape[:-3].
    """
    if return_index_map:
        raise NotImplementedError("ssim: return_index_map=True is not supported.")
    img1, img2 = _pair(img1, img2, "ssim")
    img1, img2, max_val = _as_float(img1, img2, max_val)
    per_channel, _ = _ssim_per_channel(img1, img2, max_val, int(filter_size),
                                       float(filter_sigma), k1, k2)
    return math_ops.reduce_mean(per_channel, [-1])


def ssim_multiscale(img1, img2, max_val, power_factors=_MS_SSIM_WEIGHTS, filter_size=11,
                    filter_sigma=1.5, k1=0.01, k2=0.03):
    """Multi-scale SSIM: contrast-structure at each of len(power_factors) scales (halved by
    2x2 average pooling, odd sizes padded symmetrically) and SSIM at the coarsest, combined
    as a product of powers; images are 4-D here (batch, height, width, channels)."""
    img1, img2 = _pair(img1, img2, "ssim_multiscale")
    img1, img2, max_val = _as_float(img1, img2, max_val)
    if img1.shape.rank != 4:
        raise ValueError("ssim_multiscale: images must be 4-D (batch, height, width, "
                         f"channels). Received: shape {img1.shape}")
    values = []
    x, y = img1, img2
    for scale in range(len(power_factors)):
        if scale > 0:
            x, y = _halve(x), _halve(y)
        ssim_value, cs = _ssim_per_channel(x, y, max_val, int(filter_size),
                                           float(filter_sigma), k1, k2)
        values.append(nn_ops.relu(cs if scale < len(power_factors) - 1 else ssim_value))
    stacked = join_ops.stack(values, axis=-1)
    weights = A.cast(np.asarray(power_factors, np.float32), stacked.dtype)
    return math_ops.reduce_mean(math_ops.reduce_prod(math_ops.pow(stacked, weights), [-1]),
                                [-1])


def _halve(x):
    h, w = x.shape.dims[1:3]
    pads = [[0, 0], [0, h % 2], [0, w % 2], [0, 0]]
    if h % 2 or w % 2:
        x = join_ops.pad(x, pads, mode="SYMMETRIC")
    return avg_pool2d(x, 2, 2, "VALID")


from ..util.export import export_many  # noqa: E402

export_many("image", {"psnr": psnr, "ssim": ssim, "ssim_multiscale": ssim_multiscale})
