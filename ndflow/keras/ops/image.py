"""keras.ops.image: resizing and colour conversion of channels-last images."""
import ndflow as tf

from ._dtypes import as_float


def resize(images, size, interpolation="bilinear", antialias=False, crop_to_aspect_ratio=False,
           pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0,
           data_format=None):
    if crop_to_aspect_ratio or pad_to_aspect_ratio:
        raise NotImplementedError("keras.ops.image.resize: crop_to_aspect_ratio and "
                                  "pad_to_aspect_ratio are not supported.")
    return tf.image.resize(as_float(images), size, method=interpolation, antialias=antialias)


def rgb_to_grayscale(images, data_format=None):
    return tf.image.rgb_to_grayscale(as_float(images))


__all__ = ["resize", "rgb_to_grayscale"]
