"""tf.shape of a RaggedTensor: a DynamicRaggedShape as in TensorFlow 2.21 (its repr, rank,
partitions, uniform dimensions as scalar tensors, a ragged dimension refusing an index)."""
import numpy as np
import pytest

import ndflow as tf


def test_shape_of_a_ragged_tensor_is_a_dynamic_ragged_shape():
    rt = tf.ragged.constant([[1, 2], [3], [4, 5, 6]])
    shape = tf.shape(rt)
    assert isinstance(shape, tf.experimental.DynamicRaggedShape)
    assert repr(shape) == "<DynamicRaggedShape lengths=[3, (2, 1, 3)] num_row_partitions=1>"
    assert shape.rank == 2 and shape.dtype == tf.int32
    assert shape[0].numpy() == 3 and shape[0].dtype == tf.int32
    assert shape[-2].numpy() == 3
    with pytest.raises(ValueError, match="Index 1 is not uniform"):
        shape[1]
    with pytest.raises(IndexError):
        shape[2]
    assert tf.shape(rt, out_type=tf.int64)[0].dtype == tf.int64


def test_inner_dimensions_and_static_lengths():
    rt = tf.ragged.constant([[[1., 2.], [3., 4.]], [[5., 6.]]], ragged_rank=1)
    shape = tf.shape(rt)
    assert repr(shape) == "<DynamicRaggedShape lengths=[2, (2, 1), 2] num_row_partitions=1>"
    assert shape.static_lengths() == [2, (2, 1), 2]
    assert (shape.num_row_partitions, shape.inner_rank, shape.rank) == (1, 2, 3)
    assert shape[2].numpy() == 2 and [shape.is_uniform(a) for a in range(3)] == [True, False,
                                                                                 True]


def test_the_row_count_builds_tensors_eagerly_and_in_tf_function():
    rt = tf.ragged.constant([[1, 2], [3], [4, 5, 6]])
    np.testing.assert_array_equal(tf.zeros(tf.shape(rt)[0]).numpy(), [0., 0., 0.])
    count = tf.function(lambda r: tf.ones(tf.shape(r)[0]) * tf.cast(tf.shape(r)[0], tf.float32))
    np.testing.assert_array_equal(count(rt).numpy(), [3., 3., 3.])
    # a 0-d shape is one dimension (tf.zeros(tf.shape(x)[0]) on dense inputs too)
    dense = tf.function(lambda x: tf.zeros(tf.shape(x)[0]) + 1)
    np.testing.assert_array_equal(dense(tf.ones([4, 2])).numpy(), [1., 1., 1., 1.])
    np.testing.assert_array_equal(tf.ones(tf.constant(2)).numpy(), [1., 1.])
