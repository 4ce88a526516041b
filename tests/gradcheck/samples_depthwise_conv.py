"""Gradient-check samples for the depthwise convolution ops (ndflow/ops/depthwise_conv_ops.py).

The backprop ops are reached as users reach them: through a GradientTape inside the sampled
function, with the incoming gradient as the checked input.
"""
import numpy as np

import ndflow as tf

from .spec import Sample

_rng = np.random.default_rng(11)
_FILTER = _rng.uniform(-1, 1, (3, 2, 3, 2))
_X = _rng.uniform(-1, 1, (2, 5, 4, 3))


def _input_grad(dy, **conv):
    x = tf.constant(_X)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.nn.depthwise_conv2d(x, tf.constant(_FILTER), **conv)
    return tape.gradient(y, x, output_gradients=dy)


def _filter_grad(x, dy, **conv):
    w = tf.constant(_FILTER)
    with tf.GradientTape() as tape:
        tape.watch(w)
        y = tf.nn.depthwise_conv2d(x, w, **conv)
    return tape.gradient(y, w, output_gradients=dy)


SAMPLES = [
    Sample("DepthwiseConv2dNative",
           lambda x, w: tf.nn.depthwise_conv2d(x, w, [1, 1, 1, 1], "SAME"),
           shapes=[(2, 5, 4, 3), (3, 3, 3, 2)], second_order=True),
    Sample("DepthwiseConv2dNative",
           lambda x, w: tf.nn.depthwise_conv2d(x, w, [1, 2, 2, 1], "VALID"),
           shapes=[(1, 6, 7, 2), (2, 3, 2, 1)]),
    Sample("DepthwiseConv2dNative",
           lambda x, w: tf.nn.depthwise_conv2d(x, w, [1, 1, 1, 1], "SAME", dilations=[2, 2]),
           shapes=[(1, 6, 6, 2), (3, 3, 2, 1)]),
    Sample("DepthwiseConv2dNative",
           lambda x, w: tf.nn.depthwise_conv2d(x, w, [1, 1, 2, 1], "SAME", data_format="NCHW"),
           shapes=[(2, 3, 5, 4), (2, 3, 3, 2)]),
    Sample("DepthwiseConv2dNative",
           lambda x, w, p: tf.nn.separable_conv2d(x, w, p, [1, 1, 1, 1], "SAME"),
           shapes=[(1, 4, 4, 3), (3, 3, 3, 2), (1, 1, 6, 4)]),
    Sample("DepthwiseConv2dNativeBackpropInput",
           lambda dy: _input_grad(dy, strides=[1, 1, 1, 1], padding="SAME"),
           shapes=[(2, 5, 4, 6)], second_order=True),
    Sample("DepthwiseConv2dNativeBackpropInput",
           lambda dy: _input_grad(dy, strides=[1, 2, 2, 1], padding="VALID"),
           shapes=[(2, 2, 2, 6)]),
    Sample("DepthwiseConv2dNativeBackpropFilter",
           lambda x, dy: _filter_grad(x, dy, strides=[1, 1, 1, 1], padding="SAME"),
           shapes=[(2, 5, 4, 3), (2, 5, 4, 6)], second_order=True),
    Sample("DepthwiseConv2dNativeBackpropFilter",
           lambda x, dy: _filter_grad(x, dy, strides=[1, 2, 2, 1], padding="SAME",
                                      dilations=None),
           shapes=[(1, 5, 4, 3), (1, 3, 2, 6)]),
]
