"""Shared by the CNN-on-MNIST examples (lenet5, alexnet, googlenet, resnet_small): the data
and the train-and-report loop, so each example shows only its architecture."""
import os
import time

import numpy as np

from ndflow import keras

HERE = os.path.dirname(os.path.abspath(__file__))


def epochs(default):
    return int(os.environ.get("NDFLOW_EXAMPLE_EPOCHS", default))


def load_mnist(samples=None, pad_to=None):
    """MNIST as float32 in [0, 1], (N, H, W, 1); real MNIST when a copy is found, else the
    5000/1000 subset shipped with ndflow. `samples` (default $NDFLOW_EXAMPLE_SAMPLES, else
    all) limits the training images, $NDFLOW_EXAMPLE_TEST_SAMPLES the test images.
    Returns ((x, y), (x_test, y_test), source)."""
    if samples is None:
        samples = int(os.environ.get("NDFLOW_EXAMPLE_SAMPLES", 60000))
    shared = os.path.join(HERE, "..", "..", "shared", "data")
    if not os.environ.get("NDFLOW_DATA_DIR") and os.path.isdir(os.path.join(shared, "mnist")):
        os.environ["NDFLOW_DATA_DIR"] = os.path.normpath(shared)
    if os.environ.get("NDFLOW_DATA_DIR") and \
            os.path.isdir(os.path.join(os.environ["NDFLOW_DATA_DIR"], "mnist")):
        (x, y), (xt, yt) = keras.datasets.mnist.load_data()
        source = "MNIST"
    else:
        (x, y), (xt, yt) = keras.datasets.mnist.load_embedded()
        source = "embedded MNIST subset"
    x, y = x[:samples], y[:samples]
    n_test = int(os.environ.get("NDFLOW_EXAMPLE_TEST_SAMPLES", len(xt)))
    xt, yt = xt[:n_test], yt[:n_test]
    x = (x / 255.0).astype("float32")[..., None]
    xt = (xt / 255.0).astype("float32")[..., None]
    if pad_to:
        p = (pad_to - 28) // 2
        x = np.pad(x, ((0, 0), (p, p), (p, p), (0, 0)))
        xt = np.pad(xt, ((0, 0), (p, p), (p, p), (0, 0)))
    return (x, y.astype("int64")), (xt, yt.astype("int64")), source


def train_and_report(model, train, test, source, epochs, batch_size=128, lr=1e-3):
    """Adam on sparse cross-entropy for `epochs`; prints and returns the test accuracy."""
    start = time.perf_counter()
    model.compile(optimizer=keras.optimizers.Adam(lr), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(*train, batch_size=batch_size, epochs=epochs, verbose=0)
    _, accuracy = model.evaluate(*test, verbose=0)
    print(f"{model.name}: {model.count_params()} parameters, {epochs} epochs on "
          f"{len(train[0])} {source} images: test accuracy {accuracy:.4f} "
          f"({time.perf_counter() - start:.0f} s)")
    return accuracy
