"""LeNet-5 (LeCun, Bottou, Bengio, Haffner 1998) on MNIST, as the paper describes it.

32x32 input (the 28x28 digits zero-padded by 2), C1: 6 feature maps 5x5, S2: 2x2
subsampling (average pooling), C3: 16 maps 5x5, S4: 2x2 subsampling, C5: 120 maps 5x5
(a 1x1 output, i.e. fully connected), F6: 84 units, output: 10 classes. The paper's
squashing function is the scaled tanh 1.7159 tanh(2x/3); it is used here. Differences,
stated: C3 connects to all six S2 maps (the paper's partial connection table was an
efficiency device), the subsampling layers have no trainable coefficient and bias, and
the RBF output layer is a softmax Dense trained with cross-entropy and Adam.

Measured (2-core machine shared with other helpers' jobs, load average 4-6): real MNIST
from NDFLOW_DATA_DIR, 2 epochs on the 60000 training images, batch 128: test accuracy
0.9635 on the 10000 test images, 233 s for training and evaluation (235 s wall in all).
`NDFLOW_EXAMPLE_SAMPLES` / `NDFLOW_EXAMPLE_EPOCHS` shorten the run (the tests use them);
without NDFLOW_DATA_DIR (or ../shared/data/mnist) the embedded 5000-image subset is used.
"""
import os
import sys

import ndflow as tf
from ndflow import keras

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _mnist_cnn_common import epochs, load_mnist, train_and_report  # noqa: E402


def scaled_tanh(x):
    """LeCun's squashing function f(a) = A tanh(S a), A = 1.7159, S = 2/3."""
    return 1.7159 * tf.tanh(x * (2.0 / 3.0))


def build_lenet5():
    L = keras.layers
    return keras.Sequential([
        keras.Input((32, 32, 1)),
        L.Conv2D(6, 5, activation=scaled_tanh, name="C1"),        # 28x28x6
        L.AveragePooling2D(2, name="S2"),                          # 14x14x6
        L.Conv2D(16, 5, activation=scaled_tanh, name="C3"),        # 10x10x16
        L.AveragePooling2D(2, name="S4"),                          # 5x5x16
        L.Conv2D(120, 5, activation=scaled_tanh, name="C5"),       # 1x1x120
        L.Flatten(),
        L.Dense(84, activation=scaled_tanh, name="F6"),
        L.Dense(10, activation="softmax", name="output"),
    ], name="lenet5")


def main():
    tf.random.set_seed(0)
    train, test, source = load_mnist(pad_to=32)
    return train_and_report(build_lenet5(), train, test, source, epochs(2))


if __name__ == "__main__":
    main()
