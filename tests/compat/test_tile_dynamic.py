"""tf.tile with multiples known only when the graph runs (a placeholder, tf.shape(x)[0]), as
TF1 programs tile a per-example tensor over a batch of unknown size."""
import numpy as np
import pytest

import ndflow.compat.v1 as tf


@pytest.fixture
def graph():
    with tf.Graph().as_default() as g:
        yield g


def test_multiples_from_a_placeholder_and_from_a_shape(graph):
    x = tf.placeholder(tf.float32, [None, 3])
    n = tf.placeholder(tf.int32, [])
    by_rows = tf.tile(x, [n, 1])
    by_both = tf.tile(x, tf.stack([n, 2]))
    by_batch = tf.tile(tf.constant([[7.0]]), [tf.shape(x)[0], 1])
    assert by_rows.shape.as_list() == [None, 3] and by_both.shape.as_list() == [None, 6]
    assert by_batch.shape.as_list() == [None, 1]
    (grad,) = tf.gradients(tf.reduce_sum(by_both * by_both), x)
    feed = {x: [[1, 2, 3], [4, 5, 6]], n: 2}
    with tf.Session() as sess:
        rows, both, batch, g = sess.run([by_rows, by_both, by_batch, grad], feed)
    data = np.array(feed[x], np.float32)
    np.testing.assert_array_equal(rows, np.tile(data, (2, 1)))
    np.testing.assert_array_equal(both, np.tile(data, (2, 2)))
    np.testing.assert_array_equal(batch, [[7.0], [7.0]])
    np.testing.assert_array_equal(g, 2 * 4 * data)  # 4 copies, d(y^2) = 2y


def test_negative_or_misshaped_multiples_are_named(graph):
    x = tf.placeholder(tf.float32, [None, 3])
    n = tf.placeholder(tf.int32, [])
    with pytest.raises(tf.errors.InvalidArgumentError, match="multiples of length 2"):
        tf.tile(x, [n, 1, 1])
    with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError, match="non-negative"):
        sess.run(tf.tile(x, [n, 1]), {x: [[1, 2, 3]], n: -1})
