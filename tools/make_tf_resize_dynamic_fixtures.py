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
  of tests/image/resize_dynamic_cases.py's functions, which the test runs on ndflow);
- `tf2_*`: tf.image.resize in a tf.function with unknown image dims and the size a
  function argument (every method, and preserve_aspect_ratio).
Inputs come from a fixed seed and are stored next to the outputs.
"""
import os
import sys

import numpy as np
import tensorflow as tf

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, os.pardir, "tests", "fixtures", "tf_image_resize_dynamic.npz")
V1 = tf.compat.v1
sys.path.insert(0, os.path.join(HERE, os.pardir, "tests", "image"))
from resize_dynamic_cases import (  # noqa: E402  (the cases the test runs on ndflow)
    METHODS, SIZES, dims, shape_cases, tf2_shape_cases, v1_fetches)


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
        fetches = v1_fetches(V1, x, x8, x64, size)
        cases = shape_cases(tf, V1, x, size)
        for name, t in cases.items():
            out[f"shape_v1_{name}"] = np.array(dims(t.shape))
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
        cases = tf2_shape_cases(tf, x, size)
        for name, t in cases.items():
            out[f"shape_tf2_{name}"] = np.array(dims(t.shape))
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
