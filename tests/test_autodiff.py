"""GradientTape and graph gradients."""
import numpy as np
import pytest

import ndflow as tf
import ndflow.compat.v1 as v1


def test_watch_and_simple_gradient():
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    assert tape.gradient(y, x).numpy() == 6.0


def test_unwatched_constant_has_no_gradient():
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        y = x * x
    assert tape.gradient(y, x) is None
    with tf.GradientTape() as tape:
        y = x * 2.0
    assert tape.gradient(y, x, unconnected_gradients="zero").numpy() == 0.0


def test_variables_watched_automatically_unless_disabled():
    v = tf.Variable(2.0)
    frozen = tf.Variable(5.0, trainable=False)
    with tf.GradientTape() as tape:
        y = v * v * frozen
    gv, gf = tape.gradient(y, [v, frozen])
    assert gv.numpy() == 20.0 and gf is None
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        y = v * v
    assert tape.gradient(y, v) is None
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(v)
        y = v * v
    assert tape.gradient(y, v).numpy() == 4.0
    assert [x.name for x in tape.watched_variables()] == [v.name]


def test_nested_sources_and_output_gradients():
    a, b = tf.Variable([1.0, 2.0]), tf.Variable(3.0)
    with tf.GradientTape() as tape:
        y = a * b
    grads = tape.gradient(y, {"a": a, "pair": (b,)}, output_gradients=tf.constant([1.0, 10.0]))
    assert grads["a"].numpy().tolist() == [3.0, 30.0]
    assert grads["pair"][0].numpy() == 21.0


def test_persistent_and_non_persistent():
    x = tf.constant(2.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y, z = x * x, x * x * x
    assert tape.gradient(y, x).numpy() == 4.0
    assert tape.gradient(z, x).numpy() == 12.0
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    tape.gradient(y, x)
    with pytest.raises(RuntimeError, match="non-persistent"):
        tape.gradient(y, x)


def test_second_derivative_with_nested_tapes():
    x = tf.Variable(1.5)
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            y = tf.sin(x) * x
        dy = inner.gradient(y, x)
    d2y = outer.gradient(dy, x)
    expected = 2 * np.cos(1.5) - 1.5 * np.sin(1.5)
    np.testing.assert_allclose(d2y.numpy(), expected, rtol=1e-5)


def test_broadcasting_gradients_are_summed():
    a = tf.Variable(np.ones((3, 1), np.float32))
    b = tf.Variable(np.ones((4,), np.float32))
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(a * b + a)
    ga, gb = tape.gradient(y, [a, b])
    assert ga.shape == (3, 1) and gb.shape == (4,)
    np.testing.assert_allclose(ga.numpy(), np.full((3, 1), 8.0))  # 4 * (b + 1)
    np.testing.assert_allclose(gb.numpy(), np.full((4,), 3.0))


def test_gradient_through_indexing_and_where():
    x = tf.Variable([1.0, -2.0, 3.0, -4.0])
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.where(x > 0, x * x, -x)) + x[1] * 10.0 + tf.reduce_sum(x[::2])
    g = tape.gradient(y, x).numpy()
    np.testing.assert_allclose(g, [3.0, 9.0, 7.0, -1.0])


def test_integer_tensors_carry_no_gradient():
    x = tf.constant([1, 2])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.cast(x, tf.float32) * 2.0
    assert tape.gradient(y, x) is None


def test_stop_gradient():
    x = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        y = x * tf.stop_gradient(x)
    assert tape.gradient(y, x).numpy() == 3.0


def test_jacobian():
    x = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as tape:
        y = x * x
    j = tape.jacobian(y, x)
    np.testing.assert_allclose(j.numpy(), [[2.0, 0.0], [0.0, 4.0]])


def test_graph_gradients_with_unknown_shapes():
    x = v1.placeholder(tf.float32, [None, 2])
    w = v1.Variable(np.array([[1.0], [2.0]], np.float32))
    b = v1.Variable([0.5])
    y = v1.reduce_mean(v1.square(v1.matmul(x, w) + b))
    gw, gb = v1.gradients(y, [w, b])
    assert gw.shape.as_list() == [2, 1]
    with v1.Session() as sess:
        sess.run(v1.global_variables_initializer())
        xs = np.array([[1.0, 1.0], [2.0, 0.0]], np.float32)
        gw_v, gb_v = sess.run([gw, gb], {x: xs})
    pred = xs @ np.array([[1.0], [2.0]]) + 0.5
    np.testing.assert_allclose(gw_v, (2 * xs.T @ pred) / 2, rtol=1e-6)
    np.testing.assert_allclose(gb_v, [np.mean(2 * pred)], rtol=1e-6)


def test_numerical_gradient_checker_catches_wrong_gradient():
    from ndflow.framework.registry import op, REGISTRY

    @op("TestWrongSquare")
    def wrong(xp, x):
        return x * x

    @wrong.gradient
    def _(opr, g):
        return [g * 3.0 * opr.inputs[0]]

    try:
        with pytest.raises(ValueError, match="differs from finite differences"):
            tf.testing.check_gradients(lambda t: wrong(t), np.array([0.3, 0.7]))
        assert tf.testing.check_gradients(lambda t: t * t, np.array([0.3, 0.7]))
    finally:
        del REGISTRY["TestWrongSquare"]


def test_numerical_gradient_like_seed_003():
    w = np.array([[1.0, 2.0], [3.0, 4.0]])
    g = tf.testing.numerical_gradient(lambda m: np.sum(m ** 2), w)
    np.testing.assert_allclose(g, 2 * w, rtol=1e-6)
