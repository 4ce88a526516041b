"""TF1 Session behaviour the seeds rely on (issue 2, "TF1 graphs")."""
import collections
import re

import numpy as np
import pytest

import ndflow.compat.v1 as tf
from ndflow.framework.errors import FailedPreconditionError, InvalidArgumentError


def counter_graph():
    w = tf.Variable([1.0, 2.0], name="w")
    x = tf.placeholder(tf.float32, [None, 2], name="x")
    return w, x, tf.reduce_sum(x * w)


def test_each_session_keeps_its_own_variable_values():
    w, _, _ = counter_graph()
    bump = tf.assign_add(w, [10.0, 10.0])
    first, second = tf.Session(), tf.Session()
    for sess in (first, second):
        sess.run(tf.global_variables_initializer())
    first.run(bump)
    first.run(bump)
    np.testing.assert_array_equal(first.run(w), [21.0, 22.0])
    np.testing.assert_array_equal(second.run(w), [1.0, 2.0])
    second.run(bump)
    np.testing.assert_array_equal(first.run(w), [21.0, 22.0])
    np.testing.assert_array_equal(second.run(w), [11.0, 12.0])
    first.close()
    second.close()


def test_reading_a_variable_before_its_initializer_names_it():
    w, x, y = counter_graph()
    with tf.Session() as sess:
        with pytest.raises(FailedPreconditionError, match=r"\bw\b"):
            sess.run(w)
        with pytest.raises(FailedPreconditionError, match=r"\bw\b"):
            sess.run(y, {x: [[1.0, 1.0]]})
        sess.run(w.initializer)
        assert sess.run(y, {x: [[1.0, 1.0]]}) == 3.0
    # the error class is also a RuntimeError, so plain except clauses catch it
    assert issubclass(FailedPreconditionError, RuntimeError)


def test_a_missing_feed_names_the_placeholder():
    _, _, y = counter_graph()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        with pytest.raises(InvalidArgumentError, match="placeholder.*'x'"):
            sess.run(y)


@pytest.mark.parametrize("value, shape", [([[1.0, 2.0, 3.0]], r"\(1, 3\)"),
                                          ([1.0, 2.0], r"\(2,\)")])
def test_a_feed_of_the_wrong_shape_names_the_placeholder_and_both_shapes(value, shape):
    _, x, y = counter_graph()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        with pytest.raises(ValueError) as info:
            sess.run(y, {x: value})
    message = str(info.value)
    assert "x" in message and re.search(shape, message), message
    assert "None, 2" in message or "?, 2" in message, message


def test_nothing_changes_when_a_run_fails():
    w, x, y = counter_graph()
    v = tf.Variable(3.0, name="v")
    increment = tf.assign_add(v, 1.0)
    overwrite = tf.assign(w, [5.0, 6.0])
    u = tf.placeholder(tf.float32, name="u")  # unknown shape: the matmul fails at run time
    failing = tf.matmul(u, tf.constant([[1.0], [2.0], [3.0]]))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        with pytest.raises(InvalidArgumentError):
            sess.run([increment, overwrite, failing], {u: [[1.0, 2.0]]})
        with pytest.raises(InvalidArgumentError):  # x not fed
            sess.run([increment, overwrite, y])
        assert sess.run(v) == 3.0
        np.testing.assert_array_equal(sess.run(w), [1.0, 2.0])
        sess.run([increment, overwrite])  # the same fetches succeed once nothing fails
        assert sess.run(v) == 4.0
        np.testing.assert_array_equal(sess.run(w), [5.0, 6.0])


def test_fetch_structures_come_back_in_the_same_structure():
    w, x, y = counter_graph()
    Pair = collections.namedtuple("Pair", "first second")
    init = tf.global_variables_initializer()
    with tf.Session() as sess:
        assert sess.run(init) is None  # an op fetches None
        feed = {x: [[1.0, 1.0]]}
        as_list = sess.run([w, y], feed)
        assert isinstance(as_list, list) and len(as_list) == 2
        as_tuple = sess.run((y, w), feed)
        assert isinstance(as_tuple, tuple) and as_tuple[0] == 3.0
        as_dict = sess.run({"loss": y, "weights": w}, feed)
        assert set(as_dict) == {"loss", "weights"} and as_dict["loss"] == 3.0
        pair = sess.run(Pair(y, w), feed)
        assert isinstance(pair, Pair) and pair.first == 3.0
        nested = sess.run({"a": [w, (y, init)], "b": Pair(y, {"c": [w]})}, feed)
        assert isinstance(nested["a"], list) and isinstance(nested["a"][1], tuple)
        assert nested["a"][1][0] == 3.0 and nested["a"][1][1] is None
        assert isinstance(nested["b"], Pair) and isinstance(nested["b"].second["c"], list)
        np.testing.assert_array_equal(nested["b"].second["c"][0], [1.0, 2.0])
        assert isinstance(sess.run(w), np.ndarray)


def test_interactive_session_eval_and_run():
    w, x, y = counter_graph()
    overwrite = tf.assign(w, [5.0, 6.0])
    sess = tf.InteractiveSession()
    try:
        assert tf.get_default_session() is sess
        tf.global_variables_initializer().run()
        assert y.eval({x: [[1.0, 1.0]]}) == 3.0
        assert y.eval(feed_dict={x: [[1.0, 1.0]]}) == 3.0
        assert overwrite.op.run() is None
        np.testing.assert_array_equal(w.eval(), [5.0, 6.0])
    finally:
        sess.close()


def test_static_shapes_flow_through_the_graph():
    X = tf.placeholder(tf.float32, [None, 3])
    Y = tf.placeholder(tf.float32, [None, 1])
    W = tf.Variable(tf.random_normal([3, 1]))
    b = tf.Variable(tf.random_normal([1]))
    hypothesis = tf.matmul(X, W) + b
    assert hypothesis.shape.as_list() == Y.shape.as_list() == [None, 1]
    assert (hypothesis - Y).shape.as_list() == [None, 1]
    assert tf.transpose(X).shape.as_list() == [3, None]


def test_shape_of_a_placeholder_is_the_dynamic_size():
    x = tf.placeholder(tf.float32, [None, 2])
    batch = tf.shape(x)[0]
    mean_by_hand = tf.reduce_sum(x, axis=0) / tf.cast(batch, tf.float32)
    with tf.Session() as sess:
        for n in (1, 4, 7):
            data = np.arange(2 * n, dtype=np.float32).reshape(n, 2)
            assert sess.run(batch, {x: data}) == n
            np.testing.assert_allclose(sess.run(mean_by_hand, {x: data}), data.mean(axis=0))
