"""Writes the tf.image reference values that tests/image compare ndflow with.

Run with a Python that has TensorFlow (the reference venv):

    /work/tfref/bin/python tools/make_tf_image_fixtures.py

It writes tests/fixtures/tf_image_resize.npz (every resize method, up- and down-scaling, with
and without antialias, and one gradient per differentiable method) and
tests/fixtures/tf_image_ops.npz (every case of tests/image/image_cases.py, which ndflow runs
too). Inputs are made from fixed seeds and stored next to the outputs, so the tests need no
TensorFlow.
"""
import os
import sys

import numpy as np
import tensorflow as tf

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, os.pardir, "tests", "fixtures")

METHODS = ["bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5", "gaussian",
           "mitchellcubic"]
# (input height, width) -> (output height, width): up, down, and mixed
SIZES = [((5, 7), (9, 11)), ((11, 13), (4, 6)), ((6, 9), (10, 4)), ((8, 8), (8, 8))]
GRAD_METHODS = ["bilinear", "nearest", "bicubic", "lanczos3"]


def resize_fixtures():
    rng = np.random.default_rng(2024)
    out = {}
    for k, (src, dst) in enumerate(SIZES):
        image = rng.uniform(0, 1, (1,) + src + (2,)).astype(np.float32)
        out[f"image{k}"] = image
        out[f"size{k}"] = np.array(dst, np.int32)
        for method in METHODS:
            for antialias in (False, True):
                y = tf.image.resize(image, dst, method=method, antialias=antialias)
                out[f"{method}_{int(antialias)}_{k}"] = y.numpy()
        for method in GRAD_METHODS:
            for antialias in (False, True):
                x = tf.Variable(image)
                weights = rng.uniform(-1, 1, (1,) + dst + (2,)).astype(np.float32)
                with tf.GradientTape() as tape:
                    y = tf.image.resize(x, dst, method=method, antialias=antialias)
                    loss = tf.reduce_sum(y * weights)
                out[f"gradw_{method}_{int(antialias)}_{k}"] = weights
                out[f"grad_{method}_{int(antialias)}_{k}"] = tape.gradient(loss, x).numpy()
    ints = rng.integers(0, 256, (1, 5, 6, 1)).astype(np.uint8)
    out["uint8_image"] = ints
    out["uint8_nearest"] = tf.image.resize(ints, (8, 3), method="nearest").numpy()
    out["uint8_bilinear"] = tf.image.resize(ints, (8, 3)).numpy()
    v1 = tf.compat.v1.image
    for k, (src, dst) in enumerate(SIZES[:3]):  # TF1's corner sampling
        image = out[f"image{k}"]
        for name, fn in (("bilinear", v1.resize_bilinear), ("nearest",
                                                            v1.resize_nearest_neighbor),
                         ("bicubic", v1.resize_bicubic), ("area", v1.resize_area)):
            for align in (False, True):
                out[f"v1_{name}_{int(align)}_{k}"] = fn(image, dst,
                                                        align_corners=align).numpy()
    out["v1_resize_images_3d"] = v1.resize_images(out["image1"][0], (5, 3), method=2).numpy()
    big = rng.uniform(0, 1, (17, 23, 2)).astype(np.float32)
    out["aspect_image"] = big
    out["aspect_bilinear"] = tf.image.resize(big, (9, 9), preserve_aspect_ratio=True).numpy()
    return out


def ops_fixtures():
    sys.path.insert(0, os.path.join(HERE, os.pardir, "tests", "image"))
    import image_cases
    d = image_cases.make_inputs()
    out = {f"in:{k}": v for k, v in d.items()}
    for name in image_cases.CASES:
        for i, value in enumerate(image_cases.run(tf, name, d)):
            out[f"{name}:{i}"] = value
    return out


def codec_fixtures():
    """Files TensorFlow encoded, and what TensorFlow decodes from them."""
    rng = np.random.default_rng(5)
    rgb = rng.integers(0, 256, (9, 11, 3)).astype(np.uint8)
    rgba = rng.integers(0, 256, (4, 5, 4)).astype(np.uint8)
    gray16 = rng.integers(0, 65536, (3, 6, 1)).astype(np.uint16)
    smooth = np.clip(np.add.outer(np.arange(16), np.arange(12))[:, :, None] * [9, 5, 3], 0,
                     255).astype(np.uint8)
    files = {"png_rgb": tf.io.encode_png(rgb), "png_rgba": tf.io.encode_png(rgba),
             "png_gray16": tf.io.encode_png(gray16),
             "jpeg": tf.io.encode_jpeg(smooth, quality=90)}
    out = {}
    for key, encoded in files.items():
        data = encoded.numpy()
        out[f"file:{key}"] = np.frombuffer(data, np.uint8)
        dtype = tf.uint16 if key == "png_gray16" else tf.uint8
        decode = tf.io.decode_jpeg if key == "jpeg" else \
            (lambda c, dtype=dtype: tf.io.decode_png(c, dtype=dtype))
        out[f"decoded:{key}"] = decode(data).numpy()
    out["decoded:png_rgba_as_rgb"] = tf.io.decode_png(files["png_rgba"], channels=3).numpy()
    out["decoded:jpeg_float"] = tf.io.decode_image(files["jpeg"].numpy(),
                                                   dtype=tf.float32).numpy()
    return out


def main():
    for name, make in (("tf_image_resize.npz", resize_fixtures),
                       ("tf_image_ops.npz", ops_fixtures),
                       ("tf_image_codecs.npz", codec_fixtures)):
        path = os.path.join(FIXTURES, name)
        np.savez_compressed(path, **make())
        print("wrote", os.path.normpath(path), os.path.getsize(path), "bytes")


if __name__ == "__main__":
    main()
