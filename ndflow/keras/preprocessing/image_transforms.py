"""Keras 2's image transform functions (keras.preprocessing.image.apply_affine_transform,
random_rotation, random_shift, ...), used by ImageDataGenerator (image_generator.py).

Parameters are drawn from NumPy's global RNG in Keras's order, so a fixed seed gives Keras's
numbers; geometric warps use `scipy.ndimage.affine_transform` (`pip install ndflow[data]`).
"""
import numpy as np

from .. import backend


def _ndimage():
    try:
        from scipy import ndimage
    except ImportError as e:
        raise ImportError("ImageDataGenerator's rotations, shifts, shears and zooms use SciPy, "
                          "which is not installed: `pip install ndflow[data]` (or `pip "
                          "install scipy`).") from e
    return ndimage


def _check_axes(x, row_axis, col_axis, channel_axis):
    if sorted((row_axis, col_axis, channel_axis)) != [0, 1, 2]:
        raise ValueError(f"`row_axis`, `col_axis` and `channel_axis` must be 0, 1 and 2 in some "
                         f"order. Received: row_axis={row_axis}, col_axis={col_axis}, "
                         f"channel_axis={channel_axis}")
    if np.ndim(x) != 3:
        raise ValueError(f"Expected one image with channels (rank 3). Received: an array of "
                         f"shape {np.shape(x)}")
    if channel_axis not in (0, 2):
        raise ValueError(f"The channel axis must be first or last (0 or 2). Received: "
                         f"channel_axis={channel_axis}")


def _affine_matrix(theta, tx, ty, shear, zx, zy):
    """The 3x3 matrix rotation @ shift @ shear @ zoom (degrees), or None for the identity.
    Factors are multiplied left to right, skipping identities, so the float64 matrix and
    hence the resampled pixels equal Keras's."""
    factors = []
    if theta != 0:
        t = np.deg2rad(theta)
        factors.append(np.array([[np.cos(t), -np.sin(t), 0], [np.sin(t), np.cos(t), 0],
                                 [0, 0, 1]]))
    if tx != 0 or ty != 0:
        factors.append(np.array([[1, 0, tx], [0, 1, ty], [0, 0, 1]]))
    if shear != 0:
        s = np.deg2rad(shear)
        factors.append(np.array([[1, -np.sin(s), 0], [0, np.cos(s), 0], [0, 0, 1]]))
    if zx != 1 or zy != 1:
        factors.append(np.array([[zx, 0, 0], [0, zy, 0], [0, 0, 1]]))
    if not factors:
        return None
    matrix = factors[0]
    for factor in factors[1:]:
        matrix = np.dot(matrix, factor)
    return matrix


def apply_affine_transform(x, theta=0, tx=0, ty=0, shear=0, zx=1, zy=1, row_axis=1, col_axis=2,
                           channel_axis=0, fill_mode="nearest", cval=0.0, order=1):
    """Rotates, shifts, shears and zooms one image about its centre (Keras 2's semantics).

    Args:
      x: A 3-D image array.
      theta: Rotation in degrees.
      tx, ty: Shifts in pixels, along the first and second coordinate of Keras's matrix
        (`tx` is scaled by the height in ImageDataGenerator).
      shear: Shear angle in degrees.
      zx, zy: Zoom factors (above 1 shows less of the image).
      row_axis, col_axis, channel_axis: The axes of `x`.
      fill_mode: "constant", "nearest", "reflect" or "wrap": scipy.ndimage's boundary mode.
      cval: The fill value for "constant".
      order: The spline order (1: bilinear).

    Returns:
      The transformed image, same shape and dtype.

    Raises:
      ImportError: If SciPy is not installed (only when a transform is needed).
      ValueError: If `x` is not 3-D or the axes are wrong.
    """
    _check_axes(x, row_axis, col_axis, channel_axis)
    matrix = _affine_matrix(theta, tx, ty, shear, zx, zy)
    if matrix is None:
        return x
    ndimage = _ndimage()
    h, w = x.shape[row_axis], x.shape[col_axis]
    # about the centre (Keras centres the first coordinate on the height, the second on the
    # width, whatever the axes' order)
    centre = np.array([[1, 0, h / 2 - 0.5], [0, 1, w / 2 - 0.5], [0, 0, 1]])
    uncentre = np.array([[1, 0, -(h / 2 - 0.5)], [0, 1, -(w / 2 - 0.5)], [0, 0, 1]])
    matrix = np.dot(np.dot(centre, matrix), uncentre)
    if col_axis > row_axis:  # Keras's matrix is (col, row); scipy indexes (row, col)
        matrix = matrix[[1, 0, 2]][:, [1, 0, 2]]
    planes = np.moveaxis(x, channel_axis, 0)
    out = np.stack([ndimage.affine_transform(plane, matrix[:2, :2], matrix[:2, 2], order=order,
                                             mode=fill_mode, cval=cval) for plane in planes])
    return np.moveaxis(out, 0, channel_axis)


def apply_channel_shift(x, intensity, channel_axis=0):
    """Adds `intensity` to every channel, clipped to the image's own value range."""
    low, high = np.min(x), np.max(x)
    planes = np.moveaxis(x, channel_axis, 0)
    out = np.stack([np.clip(plane + intensity, low, high) for plane in planes])
    return np.moveaxis(out, 0, channel_axis)


def apply_brightness_shift(x, brightness, scale=True):
    """Scales the brightness of an image by `brightness` (1: unchanged), as Keras does
    through an 8-bit PIL image and `ImageEnhance.Brightness`.

    The pixels go to uint8 (truncated; first stretched to 0..255 when `scale` or when
    they lie outside 0..255), are multiplied by `brightness` in float32 and truncated,
    saturating at 0 and 255, as Pillow's blend with a black image does, then come back as
    floats (stretched back to the original range if they were stretched and `scale` is
    False). Written in NumPy: same numbers as Pillow, without needing it.

    Args:
      x: A 3-D image array, any number of channels (ImageDataGenerator moves channels-first
        images' channels last first; Keras 2 read their width as the channels).
      brightness: The brightness factor.
      scale: Whether to return the result in 0..255 instead of the input's range.

    Returns:
      The adjusted image, float (floatx).
    """
    dtype = backend.floatx()
    x = np.asarray(x, dtype=dtype)
    low, high = np.min(x), np.max(x)
    stretch = bool(low < 0 or high > 255)
    pixels = x
    if stretch or scale:
        pixels = pixels - low
        top = np.max(pixels)
        if top != 0:
            pixels = pixels / top
        pixels = pixels * 255
    pixels = pixels.astype("uint8")
    factor = np.float32(brightness)
    value = factor * pixels.astype(np.float32)
    if not 0 <= brightness <= 1:
        value = np.clip(value, 0, 255)
    out = value.astype("uint8").astype(dtype)
    if stretch and not scale:
        out = out / 255 * (high - low) + low
    return out


def flip_axis(x, axis):
    """`x` reversed along `axis`."""
    return np.flip(np.asarray(x), axis)


def random_rotation(x, rg, row_axis=1, col_axis=2, channel_axis=0, fill_mode="nearest",
                    cval=0.0, interpolation_order=1):
    """Rotates by an angle drawn uniformly from [-rg, rg] degrees (NumPy's global RNG)."""
    return apply_affine_transform(x, theta=np.random.uniform(-rg, rg), row_axis=row_axis,
                                  col_axis=col_axis, channel_axis=channel_axis,
                                  fill_mode=fill_mode, cval=cval, order=interpolation_order)


def random_shift(x, wrg, hrg, row_axis=1, col_axis=2, channel_axis=0, fill_mode="nearest",
                 cval=0.0, interpolation_order=1):
    """Shifts by fractions drawn from [-hrg, hrg] of the height and [-wrg, wrg] of the width."""
    h, w = x.shape[row_axis], x.shape[col_axis]
    tx = np.random.uniform(-hrg, hrg) * h
    ty = np.random.uniform(-wrg, wrg) * w
    return apply_affine_transform(x, tx=tx, ty=ty, row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode, cval=cval,
                                  order=interpolation_order)


def random_shear(x, intensity, row_axis=1, col_axis=2, channel_axis=0, fill_mode="nearest",
                 cval=0.0, interpolation_order=1):
    """Shears by an angle drawn from [-intensity, intensity] degrees."""
    return apply_affine_transform(x, shear=np.random.uniform(-intensity, intensity),
                                  row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode, cval=cval,
                                  order=interpolation_order)


def random_zoom(x, zoom_range, row_axis=1, col_axis=2, channel_axis=0, fill_mode="nearest",
                cval=0.0, interpolation_order=1):
    """Zooms by factors (zx, zy) drawn from `zoom_range` = (low, high)."""
    if len(zoom_range) != 2:
        raise ValueError(f"`zoom_range` should be a tuple or list of two floats. Received: "
                         f"{zoom_range}")
    zx, zy = (1, 1) if tuple(zoom_range) == (1, 1) else np.random.uniform(
        zoom_range[0], zoom_range[1], 2)
    return apply_affine_transform(x, zx=zx, zy=zy, row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode, cval=cval,
                                  order=interpolation_order)


def random_channel_shift(x, intensity_range, channel_axis=0):
    """Channel shift by an intensity drawn from [-intensity_range, intensity_range]."""
    return apply_channel_shift(x, np.random.uniform(-intensity_range, intensity_range),
                               channel_axis)


def random_brightness(x, brightness_range, scale=True):
    """Brightness shift by a factor drawn from `brightness_range` = (low, high)."""
    if len(brightness_range) != 2:
        raise ValueError(f"`brightness_range should be tuple or list of two floats. Received: "
                         f"{brightness_range}")
    return apply_brightness_shift(x, np.random.uniform(*brightness_range), scale)


def _draw_shift(shift_range, size):
    """One shift in pixels: from a list/int of choices (random sign), or uniform in
    [-range, range] for a float; a range below 1 is a fraction of `size`."""
    try:  # np.random.choice takes a 1-D choice list or an int n (0..n-1), not a float
        shift = np.random.choice(shift_range)
        shift *= np.random.choice([-1, 1])
    except ValueError:
        shift = np.random.uniform(-shift_range, shift_range)
    if np.max(shift_range) < 1:
        shift *= size
    return shift
