"""The kernels' fast paths against TensorFlow 2.21 / Keras 3.15 values
(tests/fixtures/tf_conv_fast_paths.npz, written by tools/make_conv_fast_paths_reference.py):
max pooling with ties, depthwise convolution, a convolution cut into chunks of patches,
Keras BatchNormalization (training step, moving statistics, inference) and ReLU(6)."""
import os

import numpy as np
import pytest

import ndflow as tf
from ndflow import keras
from ndflow.ops import conv_ops, depthwise_conv_ops

REF = np.load(os.path.join(os.path.dirname(__file__), "fixtures", "tf_conv_fast_paths.npz"))


def _grads(fn, inputs, dy):
    inputs = [tf.constant(v) for v in inputs]
    with tf.GradientTape() as tape:
        for t in inputs:
            tape.watch(t)
        y = fn(*inputs)
    return [y.numpy()] + [g.numpy() for g in tape.gradient(y, inputs, output_gradients=dy)]


@pytest.mark.parametrize("name, k, s, padding", [("pool_tiled", 2, 2, "VALID"),
                                                 ("pool_overlap", 3, 2, "SAME")])
def test_max_pool_with_ties_routes_like_tensorflow(name, k, s, padding):
    y, dx = _grads(lambda t: tf.nn.max_pool2d(t, k, s, padding), [REF[f"{name}_x"]],
                   REF[f"{name}_dy"])
    np.testing.assert_array_equal(y, REF[f"{name}_y"])
    np.testing.assert_array_equal(dx, REF[f"{name}_dx"])


@pytest.mark.parametrize("block_bytes", [depthwise_conv_ops.BLOCK_BYTES, 1])
def test_depthwise_convolution_like_tensorflow(block_bytes, monkeypatch):
    monkeypatch.setattr(depthwise_conv_ops, "BLOCK_BYTES", block_bytes)
    y, dx, dw = _grads(lambda a, b: tf.nn.depthwise_conv2d(a, b, [1, 2, 2, 1], "SAME"),
                       [REF["dw_x"], REF["dw_w"]], REF["dw_dy"])
    np.testing.assert_allclose(y, REF["dw_y"], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(dx, REF["dw_dx"], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(dw, REF["dw_dw"], rtol=1e-5, atol=1e-4)


@pytest.mark.parametrize("chunked", [False, True])
def test_convolution_in_chunks_like_tensorflow(chunked, monkeypatch):
    if chunked:  # one image per chunk of patches
        monkeypatch.setattr(conv_ops, "CHUNK_BYTES", 1)
        monkeypatch.setattr(conv_ops, "MIN_ROWS", 1)
    y, dx, dw = _grads(lambda a, b: tf.nn.conv2d(a, b, 1, "SAME"),
                       [REF["conv_x"], REF["conv_w"]], REF["conv_dy"])
    np.testing.assert_allclose(y, REF["conv_y"], rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(dx, REF["conv_dx"], rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(dw, REF["conv_dw"], rtol=1e-4, atol=1e-4)


def test_keras_batch_normalization_like_keras():
    x = REF["bn_x"]
    layer = keras.layers.BatchNormalization(momentum=0.9, epsilon=1e-3)
    layer(x[:1], training=False)  # builds it
    layer.set_weights([REF["bn_gamma"], REF["bn_beta"], np.zeros(8, np.float32),
                       np.ones(8, np.float32)])
    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        y = layer(xt, training=True)
    dx, dgamma, dbeta = tape.gradient(y, [xt, layer.gamma, layer.beta],
                                      output_gradients=tf.constant(REF["bn_dy"]))
    np.testing.assert_allclose(y.numpy(), REF["bn_train_y"], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(dx.numpy(), REF["bn_dx"], rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(dgamma.numpy(), REF["bn_dgamma"], rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(dbeta.numpy(), REF["bn_dbeta"], rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(layer.moving_mean.numpy(), REF["bn_moving_mean"], rtol=1e-5,
                               atol=1e-6)
    np.testing.assert_allclose(layer.moving_variance.numpy(), REF["bn_moving_variance"],
                               rtol=1e-5)
    np.testing.assert_allclose(layer(xt, training=False).numpy(), REF["bn_infer_y"],
                               rtol=1e-5, atol=1e-5)


def test_keras_relu6_like_keras():
    y, dx = _grads(keras.layers.ReLU(6.0), [REF["relu6_x"]], np.ones(5, np.float32))
    np.testing.assert_array_equal(y, REF["relu6_y"])
    np.testing.assert_array_equal(dx, REF["relu6_dx"])  # 0 at x = 6, as TensorFlow's Relu6
