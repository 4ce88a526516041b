"""Gradient-check samples for the TF1 extras: the lrn window sum (and lrn through it) and the
scatter ops (tensor_scatter_nd_*, scatter_nd)."""
import numpy as np

import ndflow as tf

from .spec import Sample

SAMPLES = [
    Sample("ChannelWindowSum", lambda x: tf.nn.lrn(x, depth_radius=1, bias=1.5, alpha=0.7,
                                                   beta=0.75),
           shapes=[(2, 2, 3, 5)], second_order=True),
    Sample("ChannelWindowSum",
           lambda x: tf.nn.lrn(x, depth_radius=3, bias=1.0, alpha=1.0, beta=0.5) * x,
           shapes=[(1, 2, 2, 4)]),
    Sample("TensorScatterUpdate",
           lambda t, u: tf.tensor_scatter_nd_update(t * t, np.array([[0], [2]]), u * 3.0),
           shapes=[(4, 3), (2, 3)], second_order=True),
    Sample("TensorScatterUpdate",  # element coordinates
           lambda t, u: tf.tensor_scatter_nd_update(t, np.array([[0, 1], [3, 2]]), u),
           shapes=[(4, 3), (2,)]),
    Sample("TensorScatterAdd",  # a repeated index adds twice
           lambda t, u: tf.tensor_scatter_nd_add(t, np.array([[1], [1], [3]]), u * u),
           shapes=[(4, 2), (3, 2)], second_order=True),
    Sample("TensorScatterSub",
           lambda t, u: tf.tensor_scatter_nd_sub(t, np.array([[0, 0], [2, 1]]), u) * t,
           shapes=[(3, 2), (2,)]),
    Sample("ScatterNd", lambda u: tf.scatter_nd(np.array([[1], [4], [1]]), u * u, [5, 2]),
           shapes=[(3, 2)], second_order=True),
]
