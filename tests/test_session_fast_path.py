"""Session.run's fast path (a repeated run is one lookup): the same results, checks and error
messages as the first run of the same fetches and feeds."""
import numpy as np
import pytest

import ndflow as tf
import ndflow.compat.v1 as v1


@pytest.fixture
def graph():
    with tf.Graph().as_default() as g:
        x = v1.placeholder(tf.float32, [None, 2], name="x")
        v = v1.Variable(np.ones((2, 2), np.float32))
        y = tf.matmul(x, v)
        step = v1.assign_add(v, tf.ones((2, 2)))
        with v1.Session() as sess:
            sess.run(v1.global_variables_initializer())
            yield g, sess, x, v, y, step


def test_repeated_runs_give_the_same_structures_and_values(graph):
    _, sess, x, v, y, _ = graph
    feed = {x: np.array([[1.0, 2.0]], np.float32)}
    for _ in range(3):  # the first run is the slow path; the others the fast one
        assert isinstance(sess.run([y, y], feed), list)
        assert isinstance(sess.run((y,), feed), tuple)
        np.testing.assert_array_equal(sess.run(y, feed), [[3.0, 3.0]])
        nested = sess.run([y, [y]], feed)
        assert isinstance(nested[1], list)
        np.testing.assert_array_equal(nested[1][0], [[3.0, 3.0]])
        assert sess.run({"a": y}, feed)["a"].shape == (1, 2)
        assert sess.run(v.initializer) is None
    assert len(sess._fast) >= 3


def test_a_fetch_list_changed_after_a_run_fetches_its_new_elements(graph):
    _, sess, x, _, y, _ = graph
    z = y * 2.0
    feed = {x: np.array([[1.0, 0.0]], np.float32)}
    fetches = [y, y]
    sess.run(fetches, feed)
    fetches[1] = z
    got = sess.run(fetches, feed)
    np.testing.assert_array_equal(got[1], [[2.0, 2.0]])


def test_feed_checks_still_apply_after_a_fast_path_entry(graph):
    _, sess, x, _, y, _ = graph
    sess.run(y, {x: np.zeros((3, 2), np.float32)})
    sess.run(y, {x: np.zeros((3, 2), np.float32)})
    with pytest.raises(ValueError, match=r"Cannot feed value of shape \(3, 3\)"):
        sess.run(y, {x: np.zeros((3, 3), np.float32)})
    # other dtypes and Python lists are converted as on the first run
    np.testing.assert_array_equal(sess.run(y, {x: np.ones((1, 2), np.float64)}), [[2.0, 2.0]])
    np.testing.assert_array_equal(sess.run(y, {x: [[1.0, 1.0]]}), [[2.0, 2.0]])
    with pytest.raises(TypeError, match="Cannot feed value"):
        sess.run(y, {x: np.array([["a", "b"]])})
    sess.close()
    with pytest.raises(RuntimeError, match="closed Session"):
        sess.run(y, {x: np.zeros((3, 2), np.float32)})


def test_side_effects_run_each_time_and_values_are_fresh(graph):
    _, sess, x, v, y, step = graph
    feed = {x: np.array([[1.0, 1.0]], np.float32)}
    results = [sess.run([step, y], feed) for _ in range(3)]
    np.testing.assert_array_equal(sess.run(v), np.full((2, 2), 4.0, np.float32))
    first = results[0][0]
    first[...] = -1.0  # what a run returned is the caller's
    np.testing.assert_array_equal(sess.run(v), np.full((2, 2), 4.0, np.float32))


def test_make_callable_runs_the_fetches_with_positional_feeds(graph):
    _, sess, x, _, y, _ = graph
    call = sess.make_callable([y], feed_list=[x])
    for _ in range(2):
        got = call(np.array([[1.0, 2.0]], np.float32))
        assert isinstance(got, list)
        np.testing.assert_array_equal(got[0], [[3.0, 3.0]])


def test_a_run_that_fails_leaves_the_variables_unchanged():
    with tf.Graph().as_default():
        x = v1.placeholder(tf.int32, [None])
        v = v1.Variable(1.0)
        with tf.control_dependencies([v1.assign_add(v, 1.0)]):
            z = tf.gather(tf.constant([1.0, 2.0]), x)
        with v1.Session() as sess:
            sess.run(v1.global_variables_initializer())
            sess.run(z, {x: np.array([0], np.int32)})
            sess.run(z, {x: np.array([1], np.int32)})
            with pytest.raises(tf.errors.InvalidArgumentError):
                sess.run(z, {x: np.array([5], np.int32)})
            assert sess.run(v) == 3.0


def test_variable_updates_check_initialization_and_shapes():
    with tf.Graph().as_default():
        v = v1.Variable(np.zeros(2, np.float32))
        add = v1.assign_add(v, tf.ones(2))
        sub = v1.assign_sub(v, tf.ones(2))
        p = v1.placeholder(tf.float32, [None])
        assign = v1.assign(v, p)
        with v1.Session() as sess:
            with pytest.raises(tf.errors.FailedPreconditionError, match="uninitialized"):
                sess.run(add)
            sess.run(v.initializer)
            for _ in range(2):
                sess.run([add, add.op])
            sess.run(sub)
            np.testing.assert_array_equal(sess.run(v), [1.0, 1.0])
            sess.run(assign, {p: np.array([5.0, 6.0], np.float32)})
            np.testing.assert_array_equal(sess.run(v), [5.0, 6.0])
            with pytest.raises(tf.errors.InvalidArgumentError, match="Cannot assign"):
                sess.run(assign, {p: np.zeros(3, np.float32)})
