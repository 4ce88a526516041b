"""GoogLeNet (Szegedy et al. 2014, "Going deeper with convolutions") in miniature on MNIST:
Inception v1 modules.

Each module runs four branches on the same input and concatenates them along channels:
a 1x1 convolution; a 1x1 reduction then 3x3; a 1x1 reduction then 5x5; 3x3 max-pooling
(stride 1) then a 1x1 projection. As in the paper: a convolutional stem, modules stacked
with a stride-2 max-pool between stages, global average pooling instead of big dense
layers, dropout 0.4 before the softmax. Scaled, stated: 28x28 input, 5 modules instead of
9 with channel counts divided by about 8, no auxiliary classifiers, batch normalization
after each convolution (from Inception v2) so that a short run trains, with momentum 0.9
for its moving statistics (Keras's 0.99 leaves them far from the data's after the few
hundred steps of this run, and the inference-mode evaluation then fails), Adam.

Measured at these defaults (2 CPU cores, load average ~8 from other jobs, one BLAS thread,
real MNIST): 82,570 parameters, 1 epoch on 6000 images in 44 s, test accuracy 0.9513.
`NDFLOW_EXAMPLE_SAMPLES` / `NDFLOW_EXAMPLE_EPOCHS` change the run.
"""
import os
import sys

import ndflow as tf
from ndflow import keras

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _mnist_cnn_common import epochs, load_mnist, train_and_report  # noqa: E402

L = keras.layers


def conv_bn(x, filters, kernel, name, strides=1):
    x = L.Conv2D(filters, kernel, strides=strides, padding="same", use_bias=False,
                 name=f"{name}_conv")(x)
    x = L.BatchNormalization(momentum=0.9, name=f"{name}_bn")(x)  # short runs: see above
    return L.Activation("relu", name=f"{name}_relu")(x)


def inception(x, f1, f3r, f3, f5r, f5, fp, name):
    """The Inception v1 module: 1x1 | 1x1-3x3 | 1x1-5x5 | pool-1x1, concatenated."""
    b1 = conv_bn(x, f1, 1, f"{name}_1x1")
    b3 = conv_bn(conv_bn(x, f3r, 1, f"{name}_3x3r"), f3, 3, f"{name}_3x3")
    b5 = conv_bn(conv_bn(x, f5r, 1, f"{name}_5x5r"), f5, 5, f"{name}_5x5")
    bp = L.MaxPooling2D(3, strides=1, padding="same", name=f"{name}_pool")(x)
    bp = conv_bn(bp, fp, 1, f"{name}_proj")
    return L.Concatenate(name=name)([b1, b3, b5, bp])


def build_googlenet():
    inputs = keras.Input((28, 28, 1))
    x = conv_bn(inputs, 32, 3, "stem")
    x = L.MaxPooling2D(3, strides=2, padding="same", name="stem_pool")(x)   # 14x14
    x = inception(x, 16, 16, 24, 4, 8, 8, "inception_3a")                   # 56 channels
    x = inception(x, 24, 24, 32, 8, 16, 16, "inception_3b")                 # 88
    x = L.MaxPooling2D(3, strides=2, padding="same", name="pool3")(x)        # 7x7
    x = inception(x, 32, 16, 32, 4, 8, 8, "inception_4a")                   # 80
    x = inception(x, 32, 24, 48, 8, 16, 16, "inception_4b")                 # 112
    x = L.MaxPooling2D(3, strides=2, padding="same", name="pool4")(x)        # 4x4
    x = inception(x, 48, 24, 64, 8, 16, 16, "inception_5a")                 # 144
    x = L.GlobalAveragePooling2D(name="avg_pool")(x)
    x = L.Dropout(0.4)(x)
    outputs = L.Dense(10, activation="softmax", name="predictions")(x)
    return keras.Model(inputs, outputs, name="googlenet_small")


def main():
    tf.random.set_seed(0)
    train, test, source = load_mnist(samples=int(os.environ.get("NDFLOW_EXAMPLE_SAMPLES",
                                                                6000)))
    return train_and_report(build_googlenet(), train, test, source, epochs(1), batch_size=64)


if __name__ == "__main__":
    main()
