"""AlexNet (Krizhevsky, Sutskever, Hinton 2012), scaled down to 28x28 MNIST digits.

The paper's design, kept: five convolutional layers (the first two followed by local
response normalization and overlapping 3x3/2 max-pooling, the fifth by max-pooling), ReLU
everywhere, two dropout-regularized fully connected layers, softmax output. LRN is
`tf.nn.lrn` with the paper's constants (n = 5 adjacent maps: depth_radius=2, k=2,
alpha=1e-4, beta=0.75). Scaled, stated: 5x5 stride-1 first filters instead of 11x11/4 on
224x224, filter counts 32-64-96-96-64 instead of 96-256-384-384-256, 256-unit dense layers
instead of 4096, one tower instead of the two-GPU split, Adam instead of SGD with momentum.

Measured (2-core machine shared with other helpers' jobs, load average about 7): real
MNIST from NDFLOW_DATA_DIR, 1 epoch on the first 10000 training images, batch 128: test
accuracy 0.8958 on the 10000 test images, 202 s (98 s of CPU time). More epochs do better;
one keeps the run under 5 minutes on that machine.
`NDFLOW_EXAMPLE_SAMPLES` / `NDFLOW_EXAMPLE_EPOCHS` change the run.
"""
import os
import sys

import ndflow as tf
from ndflow import keras

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _mnist_cnn_common import epochs, load_mnist, train_and_report  # noqa: E402


def lrn(x):
    return tf.nn.lrn(x, depth_radius=2, bias=2.0, alpha=1e-4, beta=0.75)


def build_alexnet():
    L = keras.layers
    return keras.Sequential([
        keras.Input((28, 28, 1)),
        L.Conv2D(32, 5, padding="same", activation="relu", name="conv1"),
        L.Lambda(lrn, name="lrn1"),
        L.MaxPooling2D(3, strides=2, name="pool1"),                  # 13x13
        L.Conv2D(64, 5, padding="same", activation="relu", name="conv2"),
        L.Lambda(lrn, name="lrn2"),
        L.MaxPooling2D(3, strides=2, name="pool2"),                  # 6x6
        L.Conv2D(96, 3, padding="same", activation="relu", name="conv3"),
        L.Conv2D(96, 3, padding="same", activation="relu", name="conv4"),
        L.Conv2D(64, 3, padding="same", activation="relu", name="conv5"),
        L.MaxPooling2D(3, strides=2, name="pool5"),                  # 2x2
        L.Flatten(),
        L.Dense(256, activation="relu", name="fc6"),
        L.Dropout(0.5),
        L.Dense(256, activation="relu", name="fc7"),
        L.Dropout(0.5),
        L.Dense(10, activation="softmax", name="fc8"),
    ], name="alexnet_small")


def main():
    tf.random.set_seed(0)
    train, test, source = load_mnist(samples=int(os.environ.get("NDFLOW_EXAMPLE_SAMPLES",
                                                                10000)))
    return train_and_report(build_alexnet(), train, test, source, epochs(1))


if __name__ == "__main__":
    main()
