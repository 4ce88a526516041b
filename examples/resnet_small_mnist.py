"""A small ResNet (He, Zhang, Ren, Sun 2015) for 28x28 MNIST digits.

The CIFAR-style ResNet of the paper's section 4.2, shortened: a 3x3 convolution, then
three stages of basic residual blocks (two 3x3 convolutions with batch normalization;
the input added back, through a 1x1 stride-2 projection where the shape changes) with 16,
32 and 64 filters on 28x28, 14x14 and 7x7 maps, global average pooling and a softmax.
Two blocks per stage (ResNet-14; the paper's ResNet-20 has three). Adam. Batch
normalization's moving statistics use momentum 0.9 (Keras's 0.99 leaves them far from the
data's after the few hundred steps of a short run, and the inference-mode evaluation then
fails).

Measured at these defaults (2 CPU cores, load average ~6 from other jobs, one BLAS thread,
real MNIST): 176,090 parameters, 1 epoch on 6000 images in 47 s, test accuracy 0.8395.
`NDFLOW_EXAMPLE_SAMPLES` / `NDFLOW_EXAMPLE_EPOCHS` change the run.
"""
import os
import sys

import ndflow as tf
from ndflow import keras

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _mnist_cnn_common import epochs, load_mnist, train_and_report  # noqa: E402

L = keras.layers


def basic_block(x, filters, stride, name):
    """conv3x3-BN-ReLU-conv3x3-BN, plus the shortcut, then ReLU."""
    shortcut = x
    if stride != 1 or x.shape[-1] != filters:
        shortcut = L.Conv2D(filters, 1, strides=stride, use_bias=False,
                            name=f"{name}_proj")(x)
        shortcut = L.BatchNormalization(momentum=0.9, name=f"{name}_proj_bn")(shortcut)
    y = L.Conv2D(filters, 3, strides=stride, padding="same", use_bias=False,
                 name=f"{name}_conv1")(x)
    y = L.BatchNormalization(momentum=0.9, name=f"{name}_bn1")(y)
    y = L.Activation("relu")(y)
    y = L.Conv2D(filters, 3, padding="same", use_bias=False, name=f"{name}_conv2")(y)
    y = L.BatchNormalization(momentum=0.9, name=f"{name}_bn2")(y)
    return L.Activation("relu", name=f"{name}_out")(L.Add(name=f"{name}_add")([shortcut, y]))


def build_resnet(blocks_per_stage=2):
    inputs = keras.Input((28, 28, 1))
    x = L.Conv2D(16, 3, padding="same", use_bias=False, name="conv1")(inputs)
    x = L.Activation("relu")(L.BatchNormalization(momentum=0.9, name="bn1")(x))
    for stage, filters in enumerate((16, 32, 64)):
        for block in range(blocks_per_stage):
            stride = 2 if stage > 0 and block == 0 else 1
            x = basic_block(x, filters, stride, f"stage{stage + 1}_block{block + 1}")
    x = L.GlobalAveragePooling2D()(x)
    outputs = L.Dense(10, activation="softmax")(x)
    return keras.Model(inputs, outputs, name="resnet14")


def main():
    tf.random.set_seed(0)
    train, test, source = load_mnist(samples=int(os.environ.get("NDFLOW_EXAMPLE_SAMPLES",
                                                                6000)))
    return train_and_report(build_resnet(), train, test, source, epochs(1),
                            batch_size=64)


if __name__ == "__main__":
    main()
