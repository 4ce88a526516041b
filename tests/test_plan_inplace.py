"""Plans write an elementwise result into a dead input's buffer when that buffer is a new
array nothing else reads (framework/plan.py _reusable), and pass on the value of an op that
changes nothing at the bound shapes (plan.forward). Results must be the same as without it,
and no value that escapes (fetched, a variable's, a feed, a constant) may be written."""
import warnings

import numpy as np
import pytest

import ndflow as tf
import ndflow.compat.v1 as v1
from ndflow.framework import plan as plan_module


def _in_place_lines(source):
    """Plan lines whose call has an extra argument naming one of its inputs (the out)."""
    found = []
    for line in source.splitlines():
        if "= k" not in line or "(" not in line:
            continue
        args = line.split("(", 1)[1].rstrip(")").split(", ")
        if len(args) > 1 and args[-1].replace("out=", "") in args[:-1]:
            found.append(line)
    return found


def _mlp(x, w, b):
    return tf.sigmoid(tf.matmul(x, w) + b)


def test_in_place_plan_matches_eager_bit_for_bit():
    rng = np.random.default_rng(0)
    x = tf.constant(rng.standard_normal((4, 3)).astype(np.float32))
    w = tf.Variable(rng.standard_normal((3, 5)).astype(np.float32))
    b = tf.Variable(rng.standard_normal(5).astype(np.float32))

    def step():
        with tf.GradientTape() as tape:
            y = _mlp(x, w, b)
            loss = tf.reduce_mean(-tf.math.log(y) * 2.0 + tf.exp(-y))
        gw, gb = tape.gradient(loss, [w, b])
        return loss, y, gw, gb

    eager = [t.numpy() for t in step()]
    f = tf.function(step)
    traced = [t.numpy() for t in f()]
    for a, e in zip(traced, eager):
        assert a.tobytes() == e.tobytes()
    source = f.get_concrete_function()._plan.source
    assert len(_in_place_lines(source)) >= 4  # the bias add, the sigmoid, the Log's users...


def test_fetched_and_shared_values_are_not_written():
    rng = np.random.default_rng(1)
    x_value = rng.standard_normal((4, 3)).astype(np.float32)
    w = tf.Variable(rng.standard_normal((3, 5)).astype(np.float32))
    w_before = w.numpy().copy()

    @tf.function
    def f(x):
        h = tf.matmul(x, w)  # fetched: the add may not reuse it
        flat = tf.reshape(h * 1.0, [-1])  # h*1 is read by the reshape (a view) and the add
        return h, flat, (h * 1.0) + 1.0, tf.sigmoid(w), tf.exp(-x)

    x = tf.constant(x_value)
    h, flat, y, s, e = (t.numpy() for t in f(x))
    want = x_value @ w_before
    np.testing.assert_array_equal(h, want)
    np.testing.assert_array_equal(flat, want.reshape(-1))
    np.testing.assert_array_equal(y, want + np.float32(1.0))
    np.testing.assert_array_equal(w.numpy(), w_before)  # the variable's value is not written
    np.testing.assert_array_equal(x.numpy(), x_value)  # nor the argument
    for out in (h, flat, y, s, e):
        out[...] = 7.0  # the caller may write what it got
    again = [t.numpy() for t in f(x)]
    np.testing.assert_array_equal(again[0], want)
    np.testing.assert_array_equal(again[1], want.reshape(-1))
    np.testing.assert_array_equal(again[4], np.exp(-x_value))


def test_session_feeds_and_fetches_are_not_written():
    value = np.linspace(-2, 2, 8, dtype=np.float32).reshape(2, 4)
    with tf.Graph().as_default():
        p = v1.placeholder(tf.float32, [None, 4])
        w = v1.Variable(np.ones((4, 4), np.float32))
        h = tf.matmul(p, w)
        out = tf.sigmoid(-p) * 2.0 + tf.exp(h)
        with v1.Session() as sess:
            sess.run(v1.global_variables_initializer())
            first_h, first = sess.run([h, out], {p: value})
            first_h, first = first_h.copy(), first.copy()
            np.testing.assert_array_equal(value, np.linspace(-2, 2, 8, dtype=np.float32)
                                          .reshape(2, 4))
            got_h, got = sess.run([h, out], {p: value})
            np.testing.assert_array_equal(got_h, first_h)
            np.testing.assert_array_equal(got, first)
            np.testing.assert_array_equal(sess.run(w), np.ones((4, 4), np.float32))


def test_maximum_and_minimum_write_through_the_out_keyword():
    @tf.function
    def f(x):  # NumPy 2.4 deprecates maximum(a, b, out) with a positional out
        return tf.minimum(tf.maximum(tf.matmul(x, x) - 1.0, 0.0), 3.0)

    x = tf.constant(np.arange(9, dtype=np.float32).reshape(3, 3) / 4)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = f(x).numpy()
    value = x.numpy()
    np.testing.assert_array_equal(got, np.minimum(np.maximum(value @ value - 1, 0), 3))


def test_sigmoid_binder_writes_into_a_given_buffer_exactly():
    from ndflow.ops import math_ops  # noqa: F401  (registers the binder)
    rng = np.random.default_rng(2)
    for dtype in (np.float32, np.float64):
        x = (rng.standard_normal((3, 7)) * 8).astype(dtype)
        with tf.Graph().as_default():
            p = v1.placeholder(dtype, [3, 7])
            y = tf.sigmoid(p)
        sigmoid = plan_module._bind(y.op, None, np, [p.shape])
        assert sigmoid.nin == sigmoid.nout == 1
        want = sigmoid(x)
        buffer = x.copy()
        assert sigmoid(buffer, buffer) is buffer
        assert buffer.tobytes() == want.tobytes()


def test_sum_to_like_of_equal_shapes_is_passed_on():
    """Graph gradients of a same-shape add are SumToLike ops that change nothing: the plan
    passes the value on (no call) and frees it after the last use of either name."""
    with tf.Graph().as_default():
        a = v1.placeholder(tf.float32, [None, 3])
        b = v1.placeholder(tf.float32, [None, 3])
        c = v1.placeholder(tf.float32, [3])
        y = tf.reduce_sum((a + b) * (a - c))
        grads = tf.gradients(y, [a, b, c])
        feed = {a: np.ones((2, 3), np.float32), b: np.full((2, 3), 2, np.float32),
                c: np.arange(3, dtype=np.float32)}
        with v1.Session() as sess:
            ga, gb, gc = sess.run(grads, feed)
            ga2, gb2, gc2 = sess.run(grads, feed)
            plan = [p for p in sess._plans.values()][-1]
    av, bv, cv = feed[a], feed[b], feed[c]
    np.testing.assert_allclose(ga, (av - cv) + (av + bv))
    np.testing.assert_allclose(gb, av - cv)
    np.testing.assert_allclose(gc, -(av + bv).sum(0))
    for first, second in ((ga, ga2), (gb, gb2), (gc, gc2)):
        np.testing.assert_array_equal(first, second)
    called = [op for op in plan._line_ops.values() if op.type == "SumToLike"]
    assert len(called) < len([op for op in plan.ops if op.type == "SumToLike"])


@pytest.mark.parametrize("variant", ["function", "session"])
def test_w1_training_is_bit_equal_to_eager(variant):
    """A few SGD steps of the W1 XOR network: every variable bit-equal to eager steps."""
    from benchmarks import common as C
    x, y = C.xor_data()

    def bce(p, t):
        return tf.reduce_mean(-(t * tf.math.log(p) + (1.0 - t) * tf.math.log(1.0 - p)))

    def forward(weights, inputs):
        h = inputs
        for i in range(0, len(weights), 2):
            h = tf.sigmoid(tf.matmul(h, weights[i]) + weights[i + 1])
        return h

    eager = [tf.Variable(w) for w in C.xor_weights()]
    for _ in range(3):
        with tf.GradientTape() as tape:
            loss = bce(forward(eager, tf.constant(x)), tf.constant(y))
        for var, grad in zip(eager, tape.gradient(loss, eager)):
            var.assign_sub(C.XOR_LR * grad)
    if variant == "function":
        weights = [tf.Variable(w) for w in C.xor_weights()]

        @tf.function
        def step():
            with tf.GradientTape() as tape:
                loss = bce(forward(weights, tf.constant(x)), tf.constant(y))
            for var, grad in zip(weights, tape.gradient(loss, weights)):
                var.assign_sub(C.XOR_LR * grad)
            return loss

        for _ in range(3):
            step()
        got = [w.numpy() for w in weights]
        for g, e in zip(got, eager):
            assert g.tobytes() == e.numpy().tobytes()
        return
    with tf.Graph().as_default():  # graph gradients: close to eager (not the same formulas)
        xp = v1.placeholder(tf.float32, [None, 2])
        yp = v1.placeholder(tf.float32, [None, 1])
        weights = [v1.Variable(w) for w in C.xor_weights()]
        train = v1.train.GradientDescentOptimizer(C.XOR_LR).minimize(bce(forward(weights, xp),
                                                                         yp))
        with v1.Session() as sess:
            sess.run(v1.global_variables_initializer())
            for _ in range(3):
                sess.run(train, {xp: x, yp: y})
            got = sess.run(weights)
    for g, e in zip(got, eager):
        np.testing.assert_allclose(g, e.numpy(), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("cond", [True, False])
def test_scalar_select_in_a_plan_is_a_fresh_array_of_the_chosen_value(cond):
    x, y = np.float32(2.5), np.float32(np.nan)

    def f(c, x, y):
        a = x * 1.0
        return tf.where(c, a, y * 1.0), a  # the chosen value escapes as well
    got, chosen = tf.function(f)(np.array(cond), x, y)
    assert got.dtype == np.float32 and got.shape == ()
    np.testing.assert_array_equal(got.numpy(), np.where(cond, x, y))
    assert got._value is not chosen._value and not np.shares_memory(got._value, chosen._value)


def test_broadcast_to_like_of_equal_shapes_passes_the_value_on_and_stays_unwritten():
    from ndflow.ops import array_ops
    g, x = np.arange(6, dtype=np.float32).reshape(2, 3), np.zeros((2, 3), np.float32)

    def f(g, x):
        b = array_ops.broadcast_to_like(g * 1.0, x)
        return b + 1.0, b, array_ops.broadcast_to_like(g[0] * 1.0, x)
    plus, same, wide = tf.function(f)(g, x)
    np.testing.assert_array_equal(same.numpy(), g)  # not written by the add after it
    np.testing.assert_array_equal(plus.numpy(), g + 1)
    np.testing.assert_array_equal(wide.numpy(), np.broadcast_to(g[0], (2, 3)))
