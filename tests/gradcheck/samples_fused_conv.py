"""Gradient-check samples for FusedConv2D and BiasReluGrad (ndflow/ops/fused_conv_ops.py).

BiasReluGrad is reached as users reach it: the gradient of a FusedConv2D with a ReLU,
through a GradientTape inside the sampled function, with the incoming gradient checked.
Inputs stay away from the ReLU's kink through the fixed pre-activations below.
"""
import numpy as np

import ndflow as tf
from ndflow.ops.fused_conv_ops import (fused_conv2d, fused_conv2d_max_pool,
                                       max_pool_bias_relu_grad)

from .spec import Sample

_rng = np.random.default_rng(11)
_X = _rng.uniform(-1, 1, (2, 4, 5, 3))
_W = _rng.uniform(-1, 1, (3, 3, 3, 4))
_B = np.array([0.3, -0.2, 0.1, 0.05])
_X1 = _rng.uniform(-1, 1, (2, 6, 5, 1))  # one input channel: the direct 3x3 kernel
_W1 = _rng.uniform(-1, 1, (3, 3, 1, 4))


def _relu_conv(x, w, b):
    return fused_conv2d(x, w, b, (1, 1), "SAME", activation="Relu")


def _bias_relu_grad(dy):
    """d relu(conv(x, w) + b) / d(x, w, b) applied to `dy`, as one output (what the fused
    gradient's BiasReluGrad feeds)."""
    x, w, b = tf.constant(_X), tf.constant(_W), tf.constant(_B)
    with tf.GradientTape() as tape:
        tape.watch([x, w, b])
        y = _relu_conv(x, w, b)
    gx, gw, gb = tape.gradient(y, [x, w, b], output_gradients=dy)
    return tf.concat([tf.reshape(gx, [-1]), tf.reshape(gw, [-1]), gb], 0)




# a ReLU's output with distinct values (and zeros), and its 2x2 max pool
_Y = np.maximum(_rng.permutation(np.arange(2 * 6 * 5 * 3) - 40.0).reshape(2, 6, 5, 3) / 10, 0)
_POOLED_VALID = _Y[:, :6, :4].reshape(2, 3, 2, 2, 2, 3).max(axis=(2, 4))
_POOLED_SAME = np.pad(_Y, ((0, 0), (0, 0), (0, 1), (0, 0)), constant_values=-np.inf) \
    .reshape(2, 3, 2, 3, 2, 3).max(axis=(2, 4))


def _pool_relu_grad(pooled, padding):
    return lambda dp: max_pool_bias_relu_grad(tf.constant(_Y), tf.constant(pooled), dp,
                                              (2, 2), (2, 2), padding)


SAMPLES = [
    Sample("FusedConv2D", lambda x, w, b: fused_conv2d(x, w, b, (1, 1), "SAME"),
           shapes=[(2, 5, 5, 3), (3, 3, 3, 2), (2,)], second_order=True),
    Sample("FusedConv2D", lambda x, w, b: fused_conv2d(x, w, b, (2, 1), "VALID", (1, 2)),
           shapes=[(1, 6, 7, 8), (2, 3, 8, 3), (3,)]),
    Sample("FusedConv2D", lambda x, w, b: fused_conv2d(x, w, b, (1, 1), "SAME",
                                                       activation="Relu"),
           inputs=[_X, _W, _B], second_order=True),
    Sample("FusedConv2D", _relu_conv, inputs=[_X1, _W1, _B], second_order=True),
    Sample("FusedConv2DMaxPool",
           lambda x, w, b: fused_conv2d_max_pool(x, w, b, (1, 1), "SAME", (1, 1), "Relu",
                                                 (2, 2), (2, 2), "VALID"),
           inputs=[_X, _W, _B]),
    Sample("FusedConv2DMaxPool",
           lambda x, w, b: fused_conv2d_max_pool(x, w, b, (1, 1), "VALID", (1, 1), "",
                                                 (2, 2), (1, 1), "SAME"),
           shapes=[(2, 5, 6, 2), (2, 2, 2, 3), (3,)]),
    Sample("FusedConv2DMaxPool",
           lambda x, w, b: fused_conv2d_max_pool(x, w, b, (1, 1), "SAME", (1, 1), "Relu",
                                                 (2, 2), (2, 2), "SAME"),
           inputs=[_X1, _W1, _B]),
    Sample("MaxPoolBiasReluGrad", _pool_relu_grad(_POOLED_VALID, "VALID"),
           shapes=[(2, 3, 2, 3)]),
    Sample("MaxPoolBiasReluGrad", _pool_relu_grad(_POOLED_SAME, "SAME"),
           shapes=[(2, 3, 3, 3)]),
    Sample("BiasReluGrad", _bias_relu_grad, shapes=[(2, 4, 5, 4)], second_order=True),
]
