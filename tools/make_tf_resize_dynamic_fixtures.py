"""Writes the reference values of tf.image resizing with sizes and image shapes known only
when the graph runs, which tests/image/test_resize_dynamic.py compares ndflow with.

Run with a Python that has TensorFlow (the reference venv):

    /work/tfref/bin/python tools/make_tf_resize_dynamic_fixtures.py

It writes tests/fixtures/tf_image_resize_dynamic.npz:
- `v1_*`: TF1 graphs (tf.compat.v1, placeholders of shape [None, None, None, C]) running
  `resize_images(method=ResizeMethod.BILINEAR / NEAREST_NEIGHBOR / BICUBIC / AREA,
  align_corners=...)` and `resize_bilinear(align_corners=True)` with the size fed to a
  placeholder; uint8 and float64 images too (their output dtypes are stored);
- `shape_*`: the static shapes TensorFlow infers (-1 for unknown, -2 for unknown rank) for
  each form of `size` in TF1 graphs and in tf.function traces (the case names are the keys
  of `SHAPE_CASES` below, which the test builds the same way);
- `tf2_*`: tf.image.resize in a tf.function with unknown image dims and the size a
  function argument (every method, and preserve_aspect_ratio).
Inputs come from a fixed seed and are stored next to the outputs.
"""
import os

import numpy as np
import tensorflow as tf

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, os.pardir, "tests", "fixtures", "tf_image_resize_dynamic.npz")
V1 = tf.compat.v1
METHODS_V1 = {"bilinear": 0, "nearest": 1, "bicubic": 2, "area": 3}
SIZES = [(7, 9), (3, 2), (5, 5)]  # up, down, mixed (the images are 5 x 6)
METHODS = ["bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5", "gaussian",
           "mitchellcubic"]


def shape_cases(v1, x, size):
    """name -> resized tensor, for an images tensor `x` of shape [None, None, None, 3] and
    an int32 tensor `size` of shape [2] (`v1`: the module of the TF1 names)."""
    image = v1.image
    return {
        "list": image.resize_images(x, [7, 9]),
        "tensor": image.resize_images(x, size),
        "shape_slice": image.resize_images(x, tf.shape(x)[1:3]),
        "shape_times_2": image.resize_images(x, tf.shape(x)[1:3] * 2),
        "mixed_list": image.resize_images(x, [tf.shape(x)[1] * 2, 5]),
        "bilinear_align": image.resize_bilinear(x, size, align_corners=True),
        "aspect": image.resize_images(x, [6, 6], preserve_aspect_ratio=True),
        "static_3d": image.resize_images(x[0], [4, 4], method=1),
    }


def tf2_shape_cases(x, size):
    return {
        "list": tf.image.resize(x, [7, 9]),
        "tensor": tf.image.resize(x, size),
        "shape_slice": tf.image.resize(x, tf.shape(x)[1:3]),
        "mixed_list": tf.image.resize(x, [tf.shape(x)[1] * 2, 5], method="nearest"),
        "aspect": tf.image.resize(x, [6, 6], preserve_aspect_ratio=True),
        "aspect_tensor": tf.image.resize(x, size, preserve_aspect_ratio=True),
    }


def dims(shape):
    if shape.rank is None:
        return np.array([-2])
    return np.array([-1 if d is None else d for d in shape.as_list()])


def main():
    rng = np.random.default_rng(1315)
    out = {}
    image = rng.uniform(0, 1, (2, 5, 6, 3)).astype(np.float32)
    out["image"] = image
    out["uint8_image"] = rng.integers(0, 256, (1, 5, 6, 3)).astype(np.uint8)
    with tf.Graph().as_default():
        x = V1.placeholder(tf.float32, [None, None, None, 3])
        x8 = V1.placeholder(tf.uint8, [None, None, None, 3])
        x64 = V1.placeholder(tf.float64, [None, None, None, 3])
        size = V1.placeholder(tf.int32, [2])
        fetches = {}
        for name, method in METHODS_V1.items():
            for align in (False, True):
                fetches[f"v1_{name}_{int(align)}"] = V1.image.resize_images(
                    x, size, method=method, align_corners=align)
        fetches["v1_resize_bilinear_align"] = V1.image.resize_bilinear(x, size,
                                                                       align_corners=True)
        fetches["v1_uint8_bilinear_align"] = V1.image.resize_images(x8, size,
                                                                    align_corners=True)
        fetches["v1_float64_bilinear_align"] = V1.image.resize_images(x64, size,
                                                                      align_corners=True)
        cases = shape_cases(V1, x, size)
        for name, t in cases.items():
            out[f"shape_v1_{name}"] = dims(t.shape)
        with V1.Session() as sess:
            for k, s in enumerate(SIZES):
                feed = {x: image, x8: out["uint8_image"], x64: image.astype(np.float64),
                        size: s}
                values = sess.run(fetches, feed)
                for key, v in values.items():
                    out[f"{key}_{k}"] = v
                values = sess.run(cases, feed)
                for key, v in values.items():
                    out[f"value_v1_{key}_{k}"] = v
        out["v1_uint8_dtype"] = np.array(fetches["v1_uint8_bilinear_align"].dtype.name)
        out["v1_float64_dtype"] = np.array(fetches["v1_float64_bilinear_align"].dtype.name)

    @tf.function(input_signature=[tf.TensorSpec([None, None, None, 3], tf.float32),
                                  tf.TensorSpec([2], tf.int32)])
    def resize_all(x, size):
        return {m: tf.image.resize(x, size, method=m) for m in METHODS}

    @tf.function(input_signature=[tf.TensorSpec([None, None, None, 3], tf.float32),
                                  tf.TensorSpec([2], tf.int32)])
    def shapes(x, size):
        cases = tf2_shape_cases(x, size)
        for name, t in cases.items():
            out[f"shape_tf2_{name}"] = dims(t.shape)
        return cases

    for k, s in enumerate(SIZES):
        for m, v in resize_all(image, np.array(s, np.int32)).items():
            out[f"tf2_{m}_{k}"] = v.numpy()
        for name, v in shapes(image, np.array(s, np.int32)).items():
            out[f"value_tf2_{name}_{k}"] = v.numpy()
    np.savez_compressed(OUT, **out)
    print(f"wrote {len(out)} arrays to {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
