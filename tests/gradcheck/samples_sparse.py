"""Gradient-check samples for the sparse, segment and embedding ops (ops/sparse_ops.py,
ops/segment_ops.py): gradients to the sparse values and to the dense operands."""
import numpy as np

import ndflow as tf

from .spec import Sample

_IDX = np.array([[0, 1], [1, 0], [1, 3], [2, 2]], np.int64)


def _sp(values, shape=(3, 4)):
    return tf.sparse.SparseTensor(_IDX, values, list(shape))


def _seg(fn, ids, *extra):
    return lambda d: fn(d, tf.constant(np.array(ids)), *extra)


SAMPLES = [
    Sample("SparseTensorDenseMatMul",
           lambda v, b: tf.sparse.sparse_dense_matmul(_sp(v), b), shapes=[(4,), (4, 2)],
           second_order=True),
    Sample("SparseTensorDenseMatMul",
           lambda v, b: tf.sparse.sparse_dense_matmul(_sp(v), b, adjoint_a=True,
                                                      adjoint_b=True),
           shapes=[(4,), (2, 3)]),
    Sample("SparseToDense", lambda v: tf.sparse.to_dense(_sp(v)) * tf.constant(
        np.arange(12.0).reshape(3, 4)), shapes=[(4,)]),
    Sample("SegmentSum", _seg(tf.math.segment_sum, [0, 0, 2]), shapes=[(3, 2)]),
    Sample("SegmentMax", _seg(tf.math.segment_max, [0, 0, 1, 1]), shapes=[(4, 2)]),
    Sample("SegmentMin", _seg(tf.math.segment_min, [0, 1, 1]), shapes=[(3,)]),
    Sample("SegmentProd", _seg(tf.math.segment_prod, [0, 0, 1]), shapes=[(3, 2)]),
    Sample("UnsortedSegmentSum", _seg(tf.math.unsorted_segment_sum, [2, 0, 2, -1], 3),
           shapes=[(4, 2)]),
    Sample("UnsortedSegmentSum", _seg(tf.math.unsorted_segment_mean, [1, 0, 1], 3),
           shapes=[(3, 2)]),
    Sample("UnsortedSegmentSum", _seg(tf.math.unsorted_segment_sqrt_n, [1, 0, 1], 2),
           shapes=[(3,)]),
    Sample("UnsortedSegmentMax", _seg(tf.math.unsorted_segment_max, [1, 0, 1, 1], 2),
           shapes=[(4,)]),
    Sample("UnsortedSegmentMin", _seg(tf.math.unsorted_segment_min, [1, 0, 1], 2),
           shapes=[(3, 2)]),
    Sample("UnsortedSegmentProd", _seg(tf.math.unsorted_segment_prod, [1, 0, 1, 1], 2),
           shapes=[(4,)], away_from=(0.0,)),
    Sample("GatherV2", lambda d: tf.sparse.segment_mean(d, tf.constant([0, 2, 2]),
                                                        tf.constant([0, 0, 1])),
           shapes=[(3, 2)]),
    Sample("GatherV2", lambda p, w: tf.nn.embedding_lookup_sparse(
        p, tf.sparse.SparseTensor(_IDX, np.array([1, 0, 2, 1], np.int64), [3, 4]),
        tf.sparse.SparseTensor(_IDX, w, [3, 4]), combiner="sqrtn"),
           shapes=[(3, 2), (4,)], low=0.5, high=1.5),
    Sample("GatherV2", lambda p: tf.nn.safe_embedding_lookup_sparse(
        p, tf.sparse.SparseTensor(_IDX, np.array([1, -1, 2, 1], np.int64), [3, 4])),
           shapes=[(3, 2)]),
]
