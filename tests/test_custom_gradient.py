"""tf.custom_gradient, tf.recompute_grad and tf.identity_n: eager tapes, tapes inside
tf.function and TF1 tf.gradients; gradients with variables, second order, errors."""
import numpy as np
import pytest

import ndflow as tf
import ndflow.compat.v1 as v1


@tf.custom_gradient
def log1pexp(x):
    e = tf.exp(x)

    def grad(upstream):
        return upstream * (1 - 1 / (1 + e))
    return tf.math.log(1 + e), grad


@tf.custom_gradient
def clip_gradient(x):
    """Identity forward, gradient clipped to [-0.1, 0.1]: differs from the true gradient."""
    def grad(upstream):
        return tf.clip_by_value(upstream, -0.1, 0.1)
    return tf.identity(x), grad


def test_custom_gradient_replaces_the_gradient_in_every_mode():
    x = tf.constant([0.0, 100.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = log1pexp(x)
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [0.5, 1.0])  # not NaN at 100

    @tf.function
    def traced(x):
        with tf.GradientTape() as t:
            t.watch(x)
            y = tf.reduce_sum(clip_gradient(x) * 3.0)
        return t.gradient(y, x)
    np.testing.assert_allclose(traced(tf.constant([1.0, 2.0])).numpy(), [0.1, 0.1])

    with v1.Graph().as_default():
        p = v1.placeholder(v1.float32, [2])
        y = log1pexp(p)
        z = v1.reduce_sum(clip_gradient(p) * 3.0)
        g, gz = v1.gradients(y, p)[0], v1.gradients(z, p)[0]
        with v1.Session() as sess:
            values = sess.run([y, g, gz], {p: [0.0, 100.0]})
    np.testing.assert_allclose(values[0], [np.log(2.0), np.inf])
    np.testing.assert_allclose(values[1], [0.5, 1.0])
    np.testing.assert_allclose(values[2], [0.1, 0.1])


def test_second_order_through_grad_fn():
    x = tf.constant(0.7, tf.float64)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = log1pexp(x)
        g = inner.gradient(y, x)
    gg = outer.gradient(g, x)
    s = 1 / (1 + np.exp(-0.7))
    np.testing.assert_allclose(g.numpy(), s)
    np.testing.assert_allclose(gg.numpy(), s * (1 - s))

    with v1.Graph().as_default():
        p = v1.placeholder(v1.float64, [])
        g = v1.gradients(log1pexp(p), p)[0]
        gg = v1.gradients(g, p)[0]
        with v1.Session() as sess:
            np.testing.assert_allclose(sess.run(gg, {p: 0.7}), s * (1 - s))


def test_multiple_inputs_outputs_and_upstream_gradients():
    @tf.custom_gradient
    def two(x, y):
        def grad(d_sum, d_prod):
            return d_sum + d_prod * y, d_sum + d_prod * x
        return (x + y, x * y), grad

    x, y = tf.constant(2.0), tf.constant(5.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([x, y])
        s, p = two(x, y)
        loss = 3.0 * s + 7.0 * p
    gx, gy = tape.gradient(loss, [x, y])
    assert gx.numpy() == pytest.approx(3 + 7 * 5.0)
    assert gy.numpy() == pytest.approx(3 + 7 * 2.0)
    only_p = tape.gradient(p, [x, y])  # the unused output's upstream gradient is zero
    assert [g.numpy() for g in only_p] == pytest.approx([5.0, 2.0])


def test_variables_receive_gradients_from_grad_fn():
    w = tf.Variable(2.0)

    @tf.custom_gradient
    def scaled(x):
        def grad(upstream, variables=None):
            assert variables == [w] or (len(variables) == 1 and variables[0] is w)
            return upstream * w, [tf.reduce_sum(upstream * x) * 10.0]
        return x * w, grad

    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(scaled(x))
    gx, gw = tape.gradient(y, [x, w])
    np.testing.assert_allclose(gx.numpy(), [2.0, 2.0])
    assert gw.numpy() == pytest.approx(30.0)

    @tf.function
    def traced(x):
        with tf.GradientTape() as t:
            t.watch(x)
            y = tf.reduce_sum(scaled(x))
        return t.gradient(y, [x, w])
    gx, gw = traced(x)
    np.testing.assert_allclose(gx.numpy(), [2.0, 2.0])
    assert gw.numpy() == pytest.approx(30.0)

    with v1.Graph().as_default():
        wv = v1.Variable(2.0)

        @tf.custom_gradient
        def graph_scaled(x):
            def grad(upstream, variables=None):
                return upstream * wv, [tf.reduce_sum(upstream) * 100.0]
            return x * wv, grad
        p = v1.placeholder(v1.float32, [2])
        grads = v1.gradients(v1.reduce_sum(graph_scaled(p)), [p, wv])
        with v1.Session() as sess:
            sess.run(v1.global_variables_initializer())
            gp, gwv = sess.run(grads, {p: [1.0, 2.0]})
    np.testing.assert_allclose(gp, [2.0, 2.0])
    assert gwv == pytest.approx(200.0)


def test_errors_name_what_is_wrong():
    w = tf.Variable(1.0)

    @tf.custom_gradient
    def uses_variable(x):
        return x * w, lambda upstream: upstream

    with pytest.raises(TypeError, match="must accept keyword argument 'variables'"):
        uses_variable(tf.constant(1.0))

    @tf.custom_gradient
    def wrong_count(x, y):
        return x * y, lambda upstream: upstream

    x = tf.constant(1.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = wrong_count(x, x)
    with pytest.raises(ValueError, match="expected to return 2 gradients, but returned 1"):
        tape.gradient(y, x)

    @tf.function
    def with_kwargs(x):
        return log1pexp(x=x)
    with pytest.raises(ValueError, match="keyword arguments"):
        with_kwargs(tf.constant(1.0))


def test_custom_gradient_on_a_method():
    class Scaler:
        def __init__(self, k):
            self.k = k

        @tf.custom_gradient
        def __call__(self, x):
            return x * self.k, lambda upstream: upstream * 100.0

    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = Scaler(2.0)(x)
    assert y.numpy() == 6.0
    assert tape.gradient(y, x).numpy() == 100.0


def _block(x, w):
    return tf.reduce_sum(tf.tanh(tf.matmul(x, w)) ** 2)


def test_recompute_grad_gives_the_true_gradient():
    rng = np.random.default_rng(0)
    xv, wv = rng.normal(size=(3, 4)), rng.normal(size=(4, 2))
    w = tf.Variable(wv)
    x = tf.constant(xv)
    block = tf.recompute_grad(lambda x: _block(x, w))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = block(x)
    gx, gw = tape.gradient(y, [x, w])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y_plain = _block(x, w)
    ex, ew = tape.gradient(y_plain, [x, w])
    assert y.numpy() == pytest.approx(y_plain.numpy())
    np.testing.assert_allclose(gx.numpy(), ex.numpy(), rtol=1e-12)
    np.testing.assert_allclose(gw.numpy(), ew.numpy(), rtol=1e-12)

    @tf.function
    def traced(x):
        with tf.GradientTape() as t:
            t.watch(x)
            y = block(x)
        return t.gradient(y, [x, w])
    for g, e in zip(traced(x), (ex, ew)):
        np.testing.assert_allclose(g.numpy(), e.numpy(), rtol=1e-12)

    torch = pytest.importorskip("torch")
    xt = torch.tensor(xv, requires_grad=True)
    wt = torch.tensor(wv, requires_grad=True)
    (torch.tanh(xt @ wt) ** 2).sum().backward()
    np.testing.assert_allclose(gx.numpy(), xt.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(gw.numpy(), wt.grad.numpy(), rtol=1e-10)


def test_recompute_grad_forward_is_not_recorded():
    calls = []
    x = tf.constant([1.0, 2.0])

    def f(x):
        calls.append(1)
        return tf.sin(x)
    block = tf.recompute_grad(f)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = block(x)
    recorded = {rec.op_def.name for rec in tape._records}
    assert "Sin" not in recorded and "IdentityN" in recorded
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), np.cos([1.0, 2.0]), rtol=1e-6)
    assert len(calls) == 2  # once forward, once recomputed for the gradient


def test_identity_n():
    a, b = tf.identity_n([tf.constant([1.0, 2.0]), tf.constant(3)])
    np.testing.assert_array_equal(a.numpy(), [1.0, 2.0])
    assert b.dtype == tf.int32 and b.numpy() == 3
    x = tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        u, v = tf.identity_n([x * x, x * 3.0])
        y = u + v
    assert tape.gradient(y, x).numpy() == pytest.approx(7.0)

    @tf.function
    def f(x):
        return tf.identity_n([x, x + 1.0])
    assert "IdentityN" in {o.type for o in f.get_concrete_function(x).graph.get_operations()}
    with pytest.raises(TypeError, match="list of tensors"):
        tf.identity_n(x)
