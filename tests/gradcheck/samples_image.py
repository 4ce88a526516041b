"""Gradient-check samples for the tf.image ops (ndflow/ops/image_*_ops.py).

ResizeImageGrad is reached as users reach it: through a GradientTape inside the sampled
function, with the incoming gradient as the checked input.
"""
import numpy as np

import ndflow as tf

from .spec import Sample


def _resize_grad(dy, in_shape, size, **kw):
    x = tf.constant(np.zeros(in_shape))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.image.resize(x, size, **kw)
    return tape.gradient(y, x, output_gradients=dy)


SAMPLES = [
    Sample("ResizeImage", lambda x: tf.image.resize(x, (7, 5)), shapes=[(2, 4, 6, 2)],
           second_order=True),
    Sample("ResizeImage", lambda x: tf.image.resize(x, (3, 2), method="bicubic"),
           shapes=[(1, 5, 6, 2)]),
    Sample("ResizeImage", lambda x: tf.image.resize(x, (3, 8), method="nearest"),
           shapes=[(1, 5, 4, 1)]),
    Sample("ResizeImage", lambda x: tf.image.resize(x, (2, 3), antialias=True),
           shapes=[(1, 6, 7, 2)]),
    Sample("ResizeImage", lambda x: tf.image.resize(x, (4, 4), method="lanczos3"),
           shapes=[(5, 6, 1)]),
    Sample("ResizeImageGrad", lambda dy: _resize_grad(dy, (2, 4, 6, 2), (7, 5)),
           shapes=[(2, 7, 5, 2)], second_order=True),
    Sample("ResizeImageGrad", lambda dy: _resize_grad(dy, (1, 5, 4, 1), (3, 8), method="nearest"),
           shapes=[(1, 3, 8, 1)]),
]
