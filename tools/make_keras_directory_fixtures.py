"""Writes tests/data/fixtures/keras_directory.npz with Keras 3 (TensorFlow backend, in the
TensorFlow 2.21 reference venv): the batches keras.utils.image_dataset_from_directory makes
from two small PNG images with crop_to_aspect_ratio, pad_to_aspect_ratio, plain resizing
and channels_first. The images themselves are stored too (the test writes them as PNG).

    /work/tfref/bin/python tools/make_keras_directory_fixtures.py
"""
import os
import tempfile

import numpy as np
import tensorflow as tf
import keras

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests", "data",
                   "fixtures", "keras_directory.npz")

# (name, keyword arguments); the output key is the name
CASES = [("pad_8x12_nearest", dict(image_size=(8, 12), interpolation="nearest",
                                   pad_to_aspect_ratio=True)),
         ("pad_8x4_bilinear", dict(image_size=(8, 4), pad_to_aspect_ratio=True)),
         ("pad_5x7_bilinear", dict(image_size=(5, 7), pad_to_aspect_ratio=True)),
         ("crop_8x12_nearest", dict(image_size=(8, 12), interpolation="nearest",
                                    crop_to_aspect_ratio=True)),
         ("crop_5x7_bilinear", dict(image_size=(5, 7), crop_to_aspect_ratio=True)),
         ("plain_5x7_bicubic", dict(image_size=(5, 7), interpolation="bicubic")),
         ("pad_6x6_first", dict(image_size=(6, 6), pad_to_aspect_ratio=True,
                                data_format="channels_first"))]


def main():
    rng = np.random.default_rng(0)
    images = {"tall": rng.integers(1, 255, (8, 6, 3)).astype(np.uint8),
              "wide": rng.integers(1, 255, (4, 8, 3)).astype(np.uint8)}
    out = {f"image_{k}": v for k, v in images.items()}
    with tempfile.TemporaryDirectory() as root:
        os.makedirs(os.path.join(root, "a"))
        for name, img in images.items():
            tf.io.write_file(os.path.join(root, "a", name + ".png"), tf.io.encode_png(img))
        for name, kwargs in CASES:
            ds = keras.utils.image_dataset_from_directory(root, shuffle=False, batch_size=2,
                                                          verbose=False, **kwargs)
            out[name] = np.asarray(next(iter(ds))[0])
    np.savez_compressed(OUT, **out)
    print("wrote", OUT)


if __name__ == "__main__":
    main()
