"""`Conv1D/2D/3D.convolution_op(inputs, kernel)`: custom convolution layers built on it give
Keras 3's values (tests/fixtures/keras_convolution_op.npz, from
tools/make_keras_convolution_op_fixtures.py; both run convolution_op_cases.py)."""
import os

import numpy as np
import pytest

import ndflow as tf
from ndflow import keras

from .convolution_op_cases import CASES, subclasses

FIXTURE = os.path.join(os.path.dirname(__file__), os.pardir, "fixtures",
                       "keras_convolution_op.npz")


@pytest.fixture(scope="module")
def ref():
    with np.load(FIXTURE) as data:
        return dict(data)


def _built(cls, kwargs, ref, name):
    layer = cls(**kwargs)
    layer(ref[f"{name}_x"])
    layer.set_weights([ref[f"{name}_kernel"], ref[f"{name}_bias"]])
    return layer


@pytest.mark.parametrize("name", sorted(CASES))
def test_custom_convolutions_equal_keras(ref, name):
    cls_name, kwargs, _ = CASES[name]
    base = getattr(keras.layers, cls_name)
    x = ref[f"{name}_x"]
    plain = _built(base, kwargs, ref, name)
    np.testing.assert_allclose(plain(x).numpy(), ref[f"{name}_plain"], rtol=1e-5, atol=1e-5)
    for label, cls in zip(("override", "call"), subclasses(tf, base)):
        out = _built(cls, kwargs, ref, name)(x)
        np.testing.assert_allclose(out.numpy(), ref[f"{name}_{label}"], rtol=1e-4, atol=1e-4,
                                   err_msg=label)
    direct = plain.convolution_op(x, tf.constant(ref[f"{name}_other_kernel"]))
    np.testing.assert_allclose(direct.numpy(), ref[f"{name}_direct"], rtol=1e-5, atol=1e-5)


def test_keras_io_standardized_conv2d_trains_in_a_model():
    """keras-io's recipe (tf.nn ops inside the override), fitted and saved/loaded."""
    class StandardizedConv2D(keras.layers.Conv2D):
        def convolution_op(self, inputs, kernel):
            mean, var = tf.nn.moments(kernel, axes=[0, 1, 2], keepdims=True)
            return tf.nn.conv2d(inputs, (kernel - mean) / tf.sqrt(var + 1e-10),
                                padding="VALID", strides=list(self.strides),
                                name=self.__class__.__name__)

    rng = np.random.default_rng(0)
    x = rng.normal(size=(16, 8, 8, 2)).astype(np.float32)
    y = rng.integers(0, 2, 16)
    tf.random.set_seed(1)
    model = keras.Sequential([keras.Input((8, 8, 2)), StandardizedConv2D(4, 3),
                              keras.layers.GlobalAveragePooling2D(), keras.layers.Dense(2)])
    model.compile(keras.optimizers.SGD(0.1),
                  keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    losses = model.fit(x, y, epochs=3, batch_size=8, verbose=0).history["loss"]
    assert losses[-1] < losses[0]
    conv = model.layers[0]
    kernel = conv.kernel.numpy()
    mean, std = kernel.mean((0, 1, 2)), kernel.std((0, 1, 2))
    by_hand = tf.nn.conv2d(x, (kernel - mean) / np.sqrt(std ** 2 + 1e-10), 1, "VALID")
    np.testing.assert_allclose(conv(x).numpy(), (by_hand + conv.bias).numpy(), atol=1e-4)


def test_convolution_op_kernel_must_divide_the_channels():
    layer = keras.layers.Conv2D(4, 3)
    x = np.zeros((1, 5, 5, 6), np.float32)
    layer(x)
    with pytest.raises(ValueError, match="multiple of the kernel's input channels"):
        layer.convolution_op(x, tf.zeros([3, 3, 4, 4]))
    # a kernel with fewer input channels is a grouped convolution, as Keras's ops.conv
    assert layer.convolution_op(x, tf.zeros([3, 3, 3, 4])).shape == (1, 3, 3, 4)
