"""Plans compute pure ops of constants once, when they are built (framework/plan.py _fold)."""
import numpy as np
import pytest

import ndflow as tf
import ndflow.compat.v1 as v1
from ndflow.ops import math_ops


def _kernel_lines(concrete):
    return [line for line in concrete._plan.source.splitlines() if "= k" in line]


def test_constant_subexpressions_are_computed_once():
    @tf.function
    def f(x):
        return x * (tf.constant(2.0) + tf.constant(3.0)) + tf.sqrt(tf.constant(16.0))

    x = tf.constant([1.0, 2.0])
    np.testing.assert_allclose(f(x).numpy(), [9.0, 14.0])
    concrete = f.get_concrete_function(x)
    assert len(_kernel_lines(concrete)) == 2  # the Mul and the AddV2 of x; the rest folded


def test_random_and_stateful_ops_run_at_each_call():
    @tf.function
    def f():
        return tf.random.uniform([3]) + (tf.constant(1.0) + 1.0)

    a, b = f().numpy(), f().numpy()
    assert not np.array_equal(a, b)
    v = tf.Variable(0.0)

    @tf.function
    def g():
        v.assign_add(tf.constant(1.0) * 2.0)
        return v.read_value()

    assert [float(g()), float(g())] == [2.0, 4.0]


def test_a_fetched_value_is_a_fresh_array_each_call():
    @tf.function
    def f():
        return tf.ones_like(tf.constant([1.0, 2.0])) * 2.0

    out = f().numpy()
    out[...] = 7.0  # the caller may modify what it got
    np.testing.assert_array_equal(f().numpy(), [2.0, 2.0])

    @tf.function
    def g():  # Identity hands back its input: a constant, or a value folded from constants
        return tf.identity(tf.constant([1.0, 2.0])), tf.identity(tf.ones_like(tf.constant([1.0])))

    for out in g():
        out.numpy()[...] = 7.0
    np.testing.assert_array_equal(g()[0].numpy(), [1.0, 2.0])
    np.testing.assert_array_equal(g()[1].numpy(), [1.0])
    with tf.Graph().as_default():
        c = tf.identity(tf.constant([3.0]))
        with v1.Session() as sess:
            sess.run(c)[...] = 7.0
            np.testing.assert_array_equal(sess.run(c), [3.0])


def test_shape_only_inputs_fold_when_the_shape_is_known():
    def body(x):
        return tf.zeros_like(x) + tf.cast(tf.size(x), tf.float32) + tf.cast(tf.shape(x)[0],
                                                                              tf.float32)

    known = tf.function(body)
    np.testing.assert_array_equal(known(tf.constant([1.0, 2.0, 3.0])).numpy(), [6.0] * 3)
    lines = _kernel_lines(known.get_concrete_function(tf.constant([1.0, 2.0, 3.0])))
    assert lines == []  # every op folds (the fetched value goes out as a copy)
    unknown = tf.function(body, input_signature=[tf.TensorSpec([None], tf.float32)])
    np.testing.assert_array_equal(unknown(tf.constant([1.0, 2.0])).numpy(), [4.0, 4.0])
    np.testing.assert_array_equal(unknown(tf.constant([1.0, 2.0, 3.0, 4.0])).numpy(),
                                  [8.0] * 4)


def test_session_plans_fold_shapes_per_feed_shape():
    with tf.Graph().as_default():
        x = v1.placeholder(tf.float32, [None, 2])
        n = tf.cast(tf.shape(x)[0], tf.float32)
        y = tf.reduce_mean(x, axis=0) * n
        with v1.Session() as sess:
            np.testing.assert_allclose(sess.run(y, {x: np.ones((3, 2))}), [3.0, 3.0])
            np.testing.assert_allclose(sess.run(y, {x: np.ones((5, 2))}), [5.0, 5.0])


def test_mean_gradient_seed_folded_matches_eager():
    w = tf.Variable([[0.5, -1.0], [2.0, 0.25]])
    x = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])

    def grads():
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.sigmoid(tf.matmul(x, w)))
        return tape.gradient(loss, [w])[0]

    np.testing.assert_array_equal(tf.function(grads)().numpy(), grads().numpy())


@pytest.mark.parametrize("dtype", [tf.float32, tf.float64])
def test_plan_binders_match_the_kernels(dtype):
    x = tf.constant(np.linspace(-30, 30, 24).reshape(4, 6), dtype)

    g = tf.constant(np.linspace(-2, 3, 24).reshape(4, 6), dtype)
    sigmoid_grad = math_ops.SIGMOID_GRAD

    @tf.function
    def f(x, g):
        return tf.sigmoid(x), tf.reduce_mean(x, axis=1), tf.reduce_mean(x), \
            tf.reduce_sum(x, axis=0), sigmoid_grad(tf.sigmoid(x), g)

    for got, want in zip(f(x, g), (tf.sigmoid(x), tf.reduce_mean(x, axis=1), tf.reduce_mean(x),
                                   tf.reduce_sum(x, axis=0), sigmoid_grad(tf.sigmoid(x), g))):
        np.testing.assert_array_equal(got.numpy(), want.numpy())
        assert got.dtype == want.dtype


def test_variable_reads_and_updates_are_plan_lines_not_calls():
    """A plan reads and updates a variable in its own line (framework/variables.py _inline):
    the same values as the kernels, in tf.function and in a Session, and a Session update of
    a variable with no value still fails as a FailedPreconditionError."""
    v = tf.Variable([1.0, 2.0])

    @tf.function
    def step(delta):
        v.assign_sub(delta)
        return v.assign_add(delta * 3.0)

    out = step(tf.constant([0.5, 1.0]))
    np.testing.assert_array_equal(out.numpy(), [2.0, 4.0])
    np.testing.assert_array_equal(v.numpy(), [2.0, 4.0])
    source = step.get_concrete_function(tf.constant([0.5, 1.0]))._plan.source
    assert source.count("v._value = ") == 2, source
    with tf.Graph().as_default():
        w = v1.Variable([1.0, 2.0])
        update = w.assign_add([1.0, 1.0])
        with v1.Session() as sess:
            with pytest.raises(tf.errors.FailedPreconditionError):
                sess.run(update)
            sess.run(w.initializer)
            sess.run(update)
            np.testing.assert_array_equal(sess.run(update), [3.0, 4.0])
            sources = [plan.source for plan in sess._plans.values()]
            assert any("s[" in s and "] = " in s for s in sources), sources
