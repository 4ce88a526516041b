"""Gradient-check samples for the convolution, pooling and bias ops (ndflow/ops/conv_ops.py).

The gradient ops (Conv2DBackpropInput/Filter, MaxPoolGrad, MaxPoolGradGrad, AvgPoolGrad,
BiasAddGrad) are reached the way users reach them: through a GradientTape inside the
sampled function, with the incoming gradient as the checked input.
"""
import numpy as np

import ndflow as tf

from .spec import Sample

_rng = np.random.default_rng(7)
# distinct values well apart, so a max-pool's argmax survives finite-difference steps
_POOL_X = _rng.permutation(np.arange(2 * 5 * 6 * 2, dtype=np.float64)).reshape(2, 5, 6, 2) / 10
_POOL_X_NCHW = np.ascontiguousarray(_POOL_X.transpose(0, 3, 1, 2))
_FILTER = _rng.uniform(-1, 1, (3, 2, 3, 4))
_BIAS_VALUE = _rng.uniform(-1, 1, (2, 3, 4))


def _grad(f, x, dy):
    """d f(x) / dx applied to the output gradient `dy` (what a backprop op computes)."""
    x = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    return tape.gradient(y, x, output_gradients=dy)


def _filter_grad(x, dy, **conv):
    w = tf.constant(_FILTER)
    with tf.GradientTape() as tape:
        tape.watch(w)
        y = tf.nn.conv2d(x, w, **conv)
    return tape.gradient(y, w, output_gradients=dy)


def _max_pool_grad_grad(g, pool, x_value, y_shape):
    """Gradient of MaxPoolGrad w.r.t. its incoming gradient, applied to `g`."""
    x = tf.constant(x_value)
    dy = tf.constant(np.ones(y_shape))
    with tf.GradientTape() as outer:
        outer.watch(dy)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = pool(x)
        dx = inner.gradient(y, x, output_gradients=dy)
    return outer.gradient(dx, dy, output_gradients=g)


def _max_2x2(x):
    return tf.nn.max_pool2d(x, 2, 2, "VALID")


def _max_3x3_same(x):
    return tf.nn.max_pool2d(x, 3, 2, "SAME")


def _max_nchw(x):
    return tf.nn.max_pool2d(x, [1, 1, 3, 2], [1, 1, 1, 2], "SAME", data_format="NCHW")


def _avg_same(x):
    return tf.nn.avg_pool2d(x, 3, 2, "SAME")


def _avg_nchw(x):
    return tf.nn.avg_pool2d(x, (2, 3), (1, 2), "VALID", data_format="NCHW")


SAMPLES = [
    # Conv2D
    Sample("Conv2D", lambda x, w: tf.nn.conv2d(x, w, 1, "SAME"),
           shapes=[(2, 5, 5, 3), (3, 3, 3, 2)], second_order=True),
    Sample("Conv2D", lambda x, w: tf.nn.conv2d(x, w, [1, 2, 1, 1], "VALID", dilations=[1, 2]),
           shapes=[(1, 6, 7, 2), (2, 3, 2, 3)], second_order=True),
    Sample("Conv2D", lambda x, w: tf.nn.conv2d(x, w, 2, "SAME", data_format="NCHW"),
           shapes=[(2, 3, 5, 4), (2, 3, 3, 2)]),
    Sample("Conv2D", lambda x, w: tf.nn.conv2d(x, w, 1, [[0, 0], [1, 0], [2, 1], [0, 0]]),
           shapes=[(1, 4, 4, 2), (3, 3, 2, 2)]),
    Sample("Conv2D", lambda x, w: tf.nn.conv2d(x, w, 2, "SAME"),  # >= 8 input channels
           shapes=[(1, 4, 5, 8), (2, 3, 8, 2)], second_order=True),
    Sample("Conv2D", lambda x, w: tf.nn.conv1d(x, w, 2, "SAME"),
           shapes=[(2, 7, 3), (3, 3, 2)]),
    # Conv2DBackpropInput (conv2d_transpose is this op)
    Sample("Conv2DBackpropInput",
           lambda x, w: tf.nn.conv2d_transpose(x, w, [2, 6, 6, 3], 2, "SAME"),
           shapes=[(2, 3, 3, 2), (3, 3, 3, 2)], second_order=True),
    Sample("Conv2DBackpropInput",
           lambda x, w: tf.nn.conv2d_transpose(x, w, [1, 2, 7, 5], [1, 2], "VALID",
                                               data_format="NCHW", dilations=[1, 2]),
           shapes=[(1, 3, 6, 1), (2, 3, 2, 3)]),
    Sample("Conv2DBackpropInput",
           lambda dy: _grad(lambda x: tf.nn.conv2d(x, tf.constant(_FILTER), 2, "SAME"),
                            np.zeros((2, 5, 4, 3)), dy),
           shapes=[(2, 3, 2, 4)]),
    # Conv2DBackpropFilter
    Sample("Conv2DBackpropFilter", lambda x, dy: _filter_grad(x, dy, strides=1, padding="SAME"),
           shapes=[(2, 4, 5, 3), (2, 4, 5, 4)], second_order=True),
    Sample("Conv2DBackpropFilter",
           lambda x, dy: _filter_grad(x, dy, strides=[2, 1], padding="VALID", dilations=[1, 2]),
           shapes=[(1, 6, 6, 3), (1, 2, 4, 4)]),
    Sample("Conv2DBackpropFilter",
           lambda x, dy: _filter_grad(x, dy, strides=2, padding="SAME", data_format="NCHW"),
           shapes=[(1, 3, 5, 4), (1, 4, 3, 2)]),
    # MaxPool and its gradient chain
    Sample("MaxPool", _max_2x2, inputs=[_POOL_X]),
    Sample("MaxPool", _max_3x3_same, inputs=[_POOL_X]),
    Sample("MaxPool", _max_nchw, inputs=[_POOL_X_NCHW]),
    Sample("MaxPool", lambda x: tf.nn.max_pool1d(x, 3, 2, "SAME"),
           inputs=[_POOL_X.reshape(2, 30, 2)]),
    Sample("MaxPoolGrad", lambda dy: _grad(_max_2x2, _POOL_X, dy), shapes=[(2, 2, 3, 2)]),
    Sample("MaxPoolGrad", lambda dy: _grad(_max_3x3_same, _POOL_X, dy), shapes=[(2, 3, 3, 2)]),
    Sample("MaxPoolGrad", lambda dy: _grad(_max_nchw, _POOL_X_NCHW, dy),
           shapes=[(2, 2, 5, 3)]),
    Sample("MaxPoolGradGrad", lambda g: _max_pool_grad_grad(g, _max_3x3_same, _POOL_X,
                                                             (2, 3, 3, 2)),
           shapes=[(2, 5, 6, 2)]),
    Sample("MaxPoolGradGrad", lambda g: _max_pool_grad_grad(g, _max_nchw, _POOL_X_NCHW,
                                                            (2, 2, 5, 3)),
           shapes=[(2, 2, 5, 6)]),
    # AvgPool and its gradient
    Sample("AvgPool", _avg_same, shapes=[(2, 5, 6, 2)]),
    Sample("AvgPool", _avg_nchw, shapes=[(1, 2, 4, 7)]),
    Sample("AvgPool", lambda x: tf.nn.avg_pool1d(x, 2, 2, "SAME"), shapes=[(2, 5, 3)]),
    Sample("AvgPoolGrad", lambda dy: _grad(_avg_same, np.zeros((2, 5, 6, 2)), dy),
           shapes=[(2, 3, 3, 2)]),
    Sample("AvgPoolGrad", lambda dy: _grad(_avg_nchw, np.zeros((1, 2, 4, 7)), dy),
           shapes=[(1, 2, 3, 3)]),
    # BiasAdd and its gradient
    Sample("BiasAdd", lambda v, b: tf.nn.bias_add(v, b), shapes=[(2, 3, 4), (4,)]),
    Sample("BiasAdd", lambda v, b: tf.nn.bias_add(v, b, data_format="NCHW"),
           shapes=[(2, 3, 2, 2), (3,)]),
    Sample("BiasAddGrad",
           lambda g: _grad(lambda b: tf.nn.bias_add(tf.constant(_BIAS_VALUE), b),
                           np.zeros(4), g),
           shapes=[(2, 3, 4)]),
    Sample("BiasAddGrad",
           lambda g: _grad(lambda b: tf.nn.bias_add(tf.constant(_BIAS_VALUE), b,
                                                    data_format="NCHW"), np.zeros(3), g),
           shapes=[(2, 3, 4)]),
]
