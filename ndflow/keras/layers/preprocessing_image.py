"""Image preprocessing and augmentation layers: Rescaling, Resizing, CenterCrop, and the
random augmentations RandomFlip, RandomRotation, RandomZoom, RandomTranslation,
RandomContrast, RandomBrightness and RandomCrop.

As in Keras 3, the random layers augment when called with `training=True` (the default of
a direct call; `fit` passes True, `predict` and `evaluate` False) and return their inputs
(cast to the layer's dtype) otherwise. Each draws one value per image (RandomCrop: one
offset per batch) from ndflow's random ops with the layer's `seed`, so a seeded layer gives
the same sequence of augmentations in every run. Images are (batch, height, width,
channels), or unbatched 3-D, or channels first with data_format="channels_first".
"""
import math

import numpy as np

from ...framework import dtypes
from ...ops import array_ops, clip_ops, creation_ops, indexing_ops, join_ops, math_ops
from ...ops import random_ops
from ...ops import image_resize_ops, image_transform_ops
from .. import backend
from .base import Layer, shape_tuple


def _jsonable(value):
    return np.asarray(value).tolist() if isinstance(value, (np.ndarray, list, tuple)) \
        else float(value)


class Rescaling(Layer):
    """`inputs * scale + offset`, computed in the layer's dtype (e.g. scale=1/255 maps
    [0, 255] to [0, 1]; scale=1/127.5, offset=-1 maps it to [-1, 1]). `scale` and `offset`
    may also be per-channel lists (broadcast along the last axis)."""

    def __init__(self, scale, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale
        self.offset = offset
        self.supports_masking = True

    def call(self, inputs):
        dtype = dtypes.as_dtype(self.compute_dtype)
        x = array_ops.cast(inputs, dtype)
        scale = np.asarray(self.scale, dtype=dtype.as_numpy_dtype)
        offset = np.asarray(self.offset, dtype=dtype.as_numpy_dtype)
        return x * scale + offset

    def get_config(self):
        config = super().get_config()
        config.update({"scale": _jsonable(self.scale), "offset": _jsonable(self.offset)})
        return config


# --- shared machinery ---------------------------------------------------------------------------

class _ImageLayer(Layer):
    """Holds data_format; `_nhwc` / `_restore` turn any accepted input into a 4-D NHWC
    tensor of the layer's dtype and back."""

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = backend.standardize_data_format(data_format)

    def _nhwc(self, inputs):
        x = array_ops.cast(inputs, dtypes.as_dtype(self.compute_dtype))
        rank = len(shape_tuple(x))
        if rank not in (3, 4):
            raise ValueError(f"{type(self).__name__} {self.name}: expected images of rank 3 or "
                             f"4. Received: inputs.shape={shape_tuple(inputs)}")
        unbatched = rank == 3
        if unbatched:
            x = array_ops.expand_dims(x, 0)
        if self.data_format == "channels_first":
            x = array_ops.transpose(x, [0, 2, 3, 1])
        return x, unbatched

    def _restore(self, x, unbatched):
        if self.data_format == "channels_first":
            x = array_ops.transpose(x, [0, 3, 1, 2])
        return array_ops.squeeze(x, [0]) if unbatched else x

    def get_config(self):
        config = super().get_config()
        config["data_format"] = self.data_format
        return config


def _batch_shape(x, *rest):
    """[batch] + rest, the batch size static when known."""
    batch = shape_tuple(x)[0]
    if batch is not None:
        return [batch] + list(rest)
    return join_ops.stack([array_ops.shape(x)[0]] + list(rest))


def _factor_pair(factor, name, low=-1.0, high=1.0):
    """(lower, upper) from a number f (-f, f) or a pair, each within [low, high]."""
    if isinstance(factor, (tuple, list)):
        if len(factor) != 2:
            raise ValueError(f"`{name}` must be a number or a list of two numbers. "
                             f"Received: {name}={factor}")
        pair = sorted(float(f) for f in factor)
    else:
        f = abs(float(factor))
        pair = [max(-f, low), f]
    if pair[0] < low or pair[1] > high:
        raise ValueError(f"`{name}` must be in the range [{low}, {high}]. Received: "
                         f"{name}={factor}")
    return tuple(pair)


def _value_range(value_range):
    values = list(value_range)
    if len(values) != 2 or float(values[0]) > float(values[1]):
        raise ValueError("The `value_range` argument should be a list of two numbers, low "
                         f"then high. Received: value_range={value_range}")
    return values


def _crop_box_for_aspect(h, w, target_h, target_w):
    """The centred (top, left, height, width) crop of an h x w image with the target's
    aspect ratio (Keras's smart_resize)."""
    crop_h = max(min(h, int(float(w * target_h) / target_w)), 1)
    crop_w = max(min(w, int(float(h * target_w) / target_h)), 1)
    return int(float(h - crop_h) / 2), int(float(w - crop_w) / 2), crop_h, crop_w


def _smart_resize(x, size, interpolation="bilinear", antialias=False):
    """Centre crop to the target aspect ratio, then resize (NHWC, static height/width)."""
    _, h, w, _ = shape_tuple(x)
    top, left, ch, cw = _crop_box_for_aspect(h, w, size[0], size[1])
    x = x[:, top:top + ch, left:left + cw, :]
    out = image_resize_ops.resize_nhwc(x, size, interpolation, antialias)
    return array_ops.cast(out, x.dtype) if out.dtype != x.dtype else out


def _static_hw(layer, x):
    _, h, w, _ = shape_tuple(x)
    if h is None or w is None:
        raise ValueError(f"{type(layer).__name__} {layer.name}: needs images with a known "
                         f"height and width. Received: shape {shape_tuple(x)}")
    return h, w


_RESIZE_INTERPOLATIONS = image_resize_ops.METHODS


class Resizing(_ImageLayer):
    """Resizes images to (height, width) with tf.image.resize's `interpolation`;
    `crop_to_aspect_ratio` first crops the centred window of the target aspect ratio,
    `pad_to_aspect_ratio` pads with `fill_value` to it instead."""

    def __init__(self, height, width, interpolation="bilinear", crop_to_aspect_ratio=False,
                 pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0,
                 antialias=False, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.height, self.width = int(height), int(width)
        if self.height <= 0 or self.width <= 0:
            raise ValueError("Resizing: height and width must be positive. Received: "
                             f"height={height}, width={width}")
        if interpolation not in _RESIZE_INTERPOLATIONS:
            raise ValueError(f"Resizing: interpolation must be one of "
                             f"{list(_RESIZE_INTERPOLATIONS)}. Received: {interpolation!r}")
        if crop_to_aspect_ratio and pad_to_aspect_ratio:
            raise ValueError("Only one of `crop_to_aspect_ratio` and `pad_to_aspect_ratio` "
                             "can be True.")
        if fill_mode != "constant":
            raise ValueError(f"Resizing: fill_mode must be 'constant'. Received: {fill_mode!r}")
        self.interpolation = interpolation
        self.crop_to_aspect_ratio = bool(crop_to_aspect_ratio)
        self.pad_to_aspect_ratio = bool(pad_to_aspect_ratio)
        self.fill_mode, self.fill_value = fill_mode, float(fill_value)
        self.antialias = bool(antialias)

    def call(self, inputs):
        x, unbatched = self._nhwc(inputs)
        size = (self.height, self.width)
        if self.crop_to_aspect_ratio:
            out = _smart_resize(x, size, self.interpolation, self.antialias)
        else:
            if self.pad_to_aspect_ratio:
                x = self._pad_to_aspect(x)
            out = image_resize_ops.resize_nhwc(x, size, self.interpolation, self.antialias)
            out = array_ops.cast(out, x.dtype) if out.dtype != x.dtype else out
        return self._restore(out, unbatched)

    def _pad_to_aspect(self, x):
        h, w = _static_hw(self, x)
        pad_h = max(h, int(float(w * self.height) / self.width))
        pad_w = max(w, int(float(h * self.width) / self.height))
        top, left = int(float(pad_h - h) / 2), int(float(pad_w - w) / 2)
        # as Keras: the same margin on both sides (an odd leftover pixel is not padded)
        return join_ops.pad(x, [[0, 0], [top, top], [left, left], [0, 0]],
                            constant_values=self.fill_value)

    def get_config(self):
        config = super().get_config()
        config.update({"height": self.height, "width": self.width,
                       "interpolation": self.interpolation,
                       "crop_to_aspect_ratio": self.crop_to_aspect_ratio,
                       "pad_to_aspect_ratio": self.pad_to_aspect_ratio,
                       "fill_mode": self.fill_mode, "fill_value": self.fill_value,
                       "antialias": self.antialias})
        return config


class CenterCrop(_ImageLayer):
    """Crops the central (height, width) window; an image smaller than that is centre
    cropped to the target aspect ratio and resized (bilinear) instead, as Keras does."""

    def __init__(self, height, width, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.height, self.width = int(height), int(width)
        if self.height <= 0 or self.width <= 0:
            raise ValueError("CenterCrop: height and width must be positive. Received: "
                             f"height={height}, width={width}")

    def call(self, inputs):
        x, unbatched = self._nhwc(inputs)
        h, w = _static_hw(self, x)
        if h >= self.height and w >= self.width:
            top, left = int((h - self.height) / 2), int((w - self.width) / 2)
            out = x[:, top:top + self.height, left:left + self.width, :]
        else:
            out = _smart_resize(x, (self.height, self.width))
        return self._restore(out, unbatched)

    def get_config(self):
        config = super().get_config()
        config.update({"height": self.height, "width": self.width})
        return config


class _RandomLayer(_ImageLayer):
    def __init__(self, seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.seed = seed

    def _uniform(self, shape, low=0.0, high=1.0):
        return random_ops.random_uniform(shape, minval=low, maxval=high,
                                         dtype=dtypes.float32, seed=self.seed)

    def call(self, inputs, training=True):
        x, unbatched = self._nhwc(inputs)
        if training:
            x = self._augment(x)
        return self._restore(x, unbatched)

    def get_config(self):
        config = super().get_config()
        config["seed"] = self.seed
        return config


_FLIP_MODES = ("horizontal", "vertical", "horizontal_and_vertical")


class RandomFlip(_RandomLayer):
    """Flips each image with probability 1/2: `mode` "horizontal", "vertical" or
    "horizontal_and_vertical" (both flips, decided together)."""

    def __init__(self, mode="horizontal_and_vertical", seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        if mode not in _FLIP_MODES:
            raise ValueError(f"RandomFlip layer {self.name} received an unknown mode="
                             f"{mode!r}. Expected one of {list(_FLIP_MODES)}.")
        self.mode = mode

    def _augment(self, x):
        flips = self._uniform(_batch_shape(x, 1, 1, 1)) <= 0.5
        if "horizontal" in self.mode:
            x = array_ops.where(flips, join_ops.reverse(x, [2]), x)
        if "vertical" in self.mode:
            x = array_ops.where(flips, join_ops.reverse(x, [1]), x)
        return x

    def get_config(self):
        config = super().get_config()
        config["mode"] = self.mode
        return config


class _TransformLayer(_RandomLayer):
    """A random projective transform per image, sampled with fill_mode / interpolation."""

    def __init__(self, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        if fill_mode not in image_transform_ops.FILL_MODES:
            raise NotImplementedError(f"Unknown `fill_mode` {fill_mode}. Expected of one "
                                      f"{list(image_transform_ops.FILL_MODES)}.")
        if interpolation not in image_transform_ops.INTERPOLATIONS:
            raise NotImplementedError(f"Unknown `interpolation` {interpolation}. Expected of "
                                      f"one {list(image_transform_ops.INTERPOLATIONS)}.")
        self.fill_mode, self.interpolation = fill_mode, interpolation
        self.fill_value = float(fill_value)

    def _augment(self, x):
        h, w = _static_hw(self, x)
        transforms = self._transforms(x, float(h), float(w))
        return image_transform_ops.transform(x, transforms, (h, w), self.interpolation,
                                             self.fill_mode, self.fill_value)

    def get_config(self):
        config = super().get_config()
        config.update({"fill_mode": self.fill_mode, "interpolation": self.interpolation,
                       "fill_value": self.fill_value})
        return config


def _columns(*cols):
    return join_ops.concat([array_ops.reshape(c, [-1, 1]) for c in cols], axis=1)


class RandomRotation(_TransformLayer):
    """Rotates each image about its centre by an angle drawn from `factor` (fractions of a
    full turn: 0.1 means up to +-36 degrees; a pair gives (lower, upper))."""

    def __init__(self, factor, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, data_format=None, **kwargs):
        super().__init__(fill_mode, interpolation, seed, fill_value, data_format, **kwargs)
        self.factor = _factor_pair(factor, "factor")

    def _transforms(self, x, h, w):
        low, high = self.factor
        angle = self._uniform(_batch_shape(x), low * 2 * math.pi, high * 2 * math.pi)
        cos, sin = math_ops.cos(angle), math_ops.sin(angle)
        cx, cy = (w - 1) / 2, (h - 1) / 2
        zeros = array_ops.zeros_like(angle)
        return _columns(cos, -sin, cx - cx * cos + cy * sin,
                        sin, cos, cy - cx * sin - cy * cos, zeros, zeros)

    def get_config(self):
        config = super().get_config()
        config["factor"] = list(self.factor)
        return config


class RandomZoom(_TransformLayer):
    """Zooms each image by a factor drawn from `height_factor` (positive: zoom out,
    negative: zoom in; 0.2 means [-20%, +20%]); `width_factor` None keeps the aspect."""

    def __init__(self, height_factor, width_factor=None, fill_mode="reflect",
                 interpolation="bilinear", seed=None, fill_value=0.0, data_format=None,
                 **kwargs):
        super().__init__(fill_mode, interpolation, seed, fill_value, data_format, **kwargs)
        self.height_factor, self.width_factor = height_factor, width_factor
        self._height = _factor_pair(height_factor, "height_factor", low=-1.0, high=math.inf)
        self._width = None if width_factor is None else \
            _factor_pair(width_factor, "width_factor", low=-1.0, high=math.inf)

    def _transforms(self, x, h, w):
        zoom_h = self._uniform(_batch_shape(x), 1 + self._height[0], 1 + self._height[1])
        zoom_w = zoom_h if self._width is None else \
            self._uniform(_batch_shape(x), 1 + self._width[0], 1 + self._width[1])
        zeros = array_ops.zeros_like(zoom_h)
        return _columns(zoom_w, zeros, (w - 1) / 2 * (1 - zoom_w),
                        zeros, zoom_h, (h - 1) / 2 * (1 - zoom_h), zeros, zeros)

    def get_config(self):
        config = super().get_config()
        config.update({"height_factor": self.height_factor,
                       "width_factor": self.width_factor})
        return config


class RandomTranslation(_TransformLayer):
    """Shifts each image by fractions of its height and width drawn from `height_factor`
    and `width_factor` (0.2: up to 20% either way; a pair gives (lower, upper))."""

    def __init__(self, height_factor, width_factor, fill_mode="reflect",
                 interpolation="bilinear", seed=None, fill_value=0.0, data_format=None,
                 **kwargs):
        super().__init__(fill_mode, interpolation, seed, fill_value, data_format, **kwargs)
        self.height_factor, self.width_factor = height_factor, width_factor
        self._height = _factor_pair(height_factor, "height_factor")
        self._width = _factor_pair(width_factor, "width_factor")

    def _transforms(self, x, h, w):
        dy = self._uniform(_batch_shape(x), *self._height) * h
        dx = self._uniform(_batch_shape(x), *self._width) * w
        ones, zeros = array_ops.ones_like(dx), array_ops.zeros_like(dx)
        return _columns(ones, zeros, -dx, zeros, ones, -dy, zeros, zeros)

    def get_config(self):
        config = super().get_config()
        config.update({"height_factor": self.height_factor,
                       "width_factor": self.width_factor})
        return config


class RandomContrast(_RandomLayer):
    """`(x - mean) * c + mean` per image and channel, c drawn from [1 - lower, 1 + upper]
    (Keras 3's reading of `factor`: a number f gives (0, f)), clipped to `value_range`."""

    def __init__(self, factor, value_range=(0, 255), seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = _factor_pair(factor, "factor", low=0.0, high=1.0)
        self.value_range = _value_range(value_range)

    def _augment(self, x):
        c = self._uniform(_batch_shape(x, 1, 1, 1), 1 - self.factor[0], 1 + self.factor[1])
        mean = math_ops.reduce_mean(x, axis=[1, 2], keepdims=True)
        out = (x - mean) * array_ops.cast(c, x.dtype) + mean
        return clip_ops.clip_by_value(out, *(float(v) for v in self.value_range))

    def get_config(self):
        config = super().get_config()
        config.update({"factor": list(self.factor), "value_range": list(self.value_range)})
        return config


class RandomBrightness(_RandomLayer):
    """Adds `delta * (high - low)` of `value_range` to each image, delta drawn from
    `factor` (a number f gives (-f, f)), clipped to `value_range`."""

    def __init__(self, factor, value_range=(0, 255), seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = _factor_pair(factor, "factor")
        self.value_range = _value_range(value_range)

    def _augment(self, x):
        low, high = (float(v) for v in self.value_range)
        delta = self._uniform(_batch_shape(x, 1, 1, 1), *self.factor) * (high - low)
        return clip_ops.clip_by_value(x + array_ops.cast(delta, x.dtype), low, high)

    def get_config(self):
        config = super().get_config()
        config.update({"factor": list(self.factor), "value_range": list(self.value_range)})
        return config


class RandomCrop(_RandomLayer):
    """Crops a (height, width) window at a random offset (one per batch) in training; at
    inference, and for images smaller than the window, it centre crops to the window's
    aspect ratio and resizes instead (Keras's documented behaviour)."""

    def __init__(self, height, width, seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.height, self.width = int(height), int(width)
        if self.height <= 0 or self.width <= 0:
            raise ValueError("RandomCrop: height and width must be positive. Received: "
                             f"height={height}, width={width}")

    def call(self, inputs, training=True):
        x, unbatched = self._nhwc(inputs)
        h, w = _static_hw(self, x)
        if training and h >= self.height and w >= self.width:
            rows = self._offset(h - self.height) + creation_ops.range(self.height)
            cols = self._offset(w - self.width) + creation_ops.range(self.width)
            out = indexing_ops.gather(indexing_ops.gather(x, rows, axis=1), cols, axis=2)
        elif (h, w) == (self.height, self.width):
            out = x
        else:
            out = _smart_resize(x, (self.height, self.width))
        return self._restore(out, unbatched)

    def _offset(self, room):
        if room == 0:
            return 0
        return random_ops.random_uniform([], maxval=room + 1, dtype=dtypes.int32,
                                         seed=self.seed)

    def get_config(self):
        config = super().get_config()
        config.update({"height": self.height, "width": self.width})
        return config
