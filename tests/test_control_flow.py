"""cond, case, switch_case and while_loop: eager, inside tf.function and in TF1 Sessions;
values, gradients (against finite differences), shapes, and only the taken branch running."""
import numpy as np
import pytest

import ndflow as tf
import ndflow.compat.v1 as v1


def _op_types(fn, *args):
    return [o.type for o in fn.get_concrete_function(*args).graph.get_operations()]


def _numeric_grad(f, x, eps=1e-3):
    x = np.asarray(x, np.float64)
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape or ()):
        d = np.zeros_like(x)
        d[i] = eps
        g[i] = (f(x + d) - f(x - d)) / (2 * eps)
    return g


# --- cond ----------------------------------------------------------------------------------------

def _piecewise(a, w):
    return tf.cond(tf.reduce_sum(a) > 0, lambda: tf.reduce_sum(a * a) * w,
                   lambda: tf.reduce_sum(tf.sin(a)) - w)


@pytest.mark.parametrize("value", [[0.5, 1.5], [-0.5, -1.0]])
def test_cond_values_and_gradients_agree_eager_function_and_session(value):
    w = tf.Variable(3.0, dtype=tf.float64)
    a = tf.constant(value, tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(a)
        y = _piecewise(a, w)
    eager = [y.numpy()] + [g.numpy() for g in tape.gradient(y, [a, w])]

    @tf.function
    def traced(a):
        with tf.GradientTape() as t:
            t.watch(a)
            y = _piecewise(a, w)
        return [y] + t.gradient(y, [a, w])
    got = [r.numpy() for r in traced(a)]
    assert "If" in _op_types(traced, a) or "StatelessIf" in _op_types(traced, a)

    with v1.Graph().as_default():
        x = v1.placeholder(v1.float64, [2])
        wv = v1.Variable(3.0, dtype=v1.float64)
        y = _piecewise(x, wv)
        grads = v1.gradients(y, [x, wv])
        with v1.Session() as sess:
            sess.run(v1.global_variables_initializer())
            session = sess.run([y] + grads, {x: value})
    numeric = _numeric_grad(lambda v: _piecewise(tf.constant(v), tf.constant(3.0, tf.float64))
                            .numpy(), value)
    for res in (got, session):
        for e, g in zip(eager, res):
            np.testing.assert_allclose(g, e, rtol=1e-6)
    np.testing.assert_allclose(eager[1], numeric, rtol=1e-5)


def test_cond_runs_only_the_taken_branch():
    counter = tf.Variable(0)

    @tf.function
    def f(p):
        return tf.cond(p, lambda: tf.identity(counter.assign_add(1)) * 0 + 1,
                       lambda: tf.identity(counter.assign_add(100)) * 0 + 2)
    assert f(tf.constant(True)).numpy() == 1
    assert counter.numpy() == 1
    assert f(tf.constant(False)).numpy() == 2
    assert counter.numpy() == 101


def test_second_order_gradient_through_cond():
    @tf.function
    def hess(x):
        with tf.GradientTape() as outer:
            outer.watch(x)
            with tf.GradientTape() as inner:
                inner.watch(x)
                y = tf.cond(x > 0, lambda: x * x * x, lambda: -x * x)
            g = inner.gradient(y, x)
        return g, outer.gradient(g, x)
    g, h = hess(tf.constant(2.0))
    assert (g.numpy(), h.numpy()) == (12.0, 12.0)
    g, h = hess(tf.constant(-2.0))
    assert (g.numpy(), h.numpy()) == (4.0, -2.0)


def test_cond_static_shape_merges_branches_and_checks_dtypes():
    @tf.function(input_signature=[tf.TensorSpec([None, 3])])
    def f(x):
        y = tf.cond(tf.shape(x)[0] > 2, lambda: x, lambda: x * 2.0)
        assert y.shape.as_list() == [None, 3]
        return y
    np.testing.assert_allclose(f(np.ones((2, 3), np.float32)).numpy(), 2.0)

    @tf.function
    def bad(p):
        return tf.cond(p, lambda: tf.constant(1), lambda: tf.constant(1.0))
    with pytest.raises(TypeError, match="dtype"):
        bad(tf.constant(True))


def test_case_and_switch_case():
    def pick(i):
        return tf.switch_case(i, [lambda: tf.constant(10), lambda: tf.constant(20)],
                              default=lambda: tf.constant(-1))
    f = tf.function(pick)
    for i, want in [(0, 10), (1, 20), (2, -1), (-3, -1)]:
        assert pick(tf.constant(i)).numpy() == want
        assert f(tf.constant(i)).numpy() == want
    assert "StatelessCase" in _op_types(f, tf.constant(0))

    @tf.function
    def sign(x):
        return tf.case([(x < 0, lambda: tf.constant(-1)), (x > 0, lambda: tf.constant(1))],
                       default=lambda: tf.constant(0))
    assert [sign(tf.constant(v)).numpy() for v in (-2.0, 0.0, 3.0)] == [-1, 0, 1]


# --- while_loop ----------------------------------------------------------------------------------

def _power_loop(a, n):
    return tf.while_loop(lambda i, y: i < n, lambda i, y: (i + 1, y * a),
                         (tf.constant(0), tf.ones_like(a)))[1]


def test_while_loop_values_and_gradients_eager_function_session():
    a = tf.constant([1.5, -0.5], tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(a)
        y = tf.reduce_sum(_power_loop(a, 3))
    eager = (y.numpy(), tape.gradient(y, a).numpy())

    @tf.function
    def traced(a):
        with tf.GradientTape() as t:
            t.watch(a)
            y = tf.reduce_sum(_power_loop(a, tf.constant(3)))
        return y, t.gradient(y, a)
    got = tuple(r.numpy() for r in traced(a))
    assert "StatelessWhile" in _op_types(traced, a)
    np.testing.assert_allclose(got[0], eager[0])
    np.testing.assert_allclose(got[1], eager[1])
    np.testing.assert_allclose(eager[1], 3 * np.array([1.5, -0.5]) ** 2)

    with v1.Graph().as_default():
        x = v1.placeholder(v1.float64, [2])
        y = v1.reduce_sum(_power_loop(x, 3))
        g = v1.gradients(y, x)[0]
        with v1.Session() as sess:
            sv, sg = sess.run([y, g], {x: [1.5, -0.5]})
    np.testing.assert_allclose(sg, eager[1])
    np.testing.assert_allclose(sv, eager[0])


def test_nested_loops_and_conds_inside_loops_with_variable_gradient():
    w = tf.Variable(1.5, dtype=tf.float64)

    def model():
        def outer_body(i, acc):
            def inner_body(j, a):
                return j + 1, tf.cond(tf.equal(j % 2, 0), lambda: a * w, lambda: a + w)
            _, acc = tf.while_loop(lambda j, a: j < i, inner_body, (0, acc))
            return i + 1, acc
        return tf.while_loop(lambda i, a: i < 4, outer_body,
                             (tf.constant(1), tf.constant(1.0, tf.float64)))[1]

    with tf.GradientTape() as tape:
        eager = model()
    eager_grad = tape.gradient(eager, w).numpy()

    @tf.function
    def traced():
        with tf.GradientTape() as t:
            y = model()
        return y, t.gradient(y, w)
    y, g = traced()
    np.testing.assert_allclose(y.numpy(), eager.numpy())
    np.testing.assert_allclose(g.numpy(), eager_grad)

    def value_at(v):
        w.assign(v)
        return model().numpy()
    numeric = _numeric_grad(value_at, 1.5)
    w.assign(1.5)
    np.testing.assert_allclose(eager_grad, numeric, rtol=1e-5)


def test_while_loop_shape_invariants_and_static_shapes():
    @tf.function
    def grow(x):
        return tf.while_loop(lambda v: tf.shape(v)[0] < 8, lambda v: tf.concat([v, v], 0), [x],
                             shape_invariants=[tf.TensorShape([None])])[0]
    assert grow(tf.constant([1.0])).numpy().tolist() == [1.0] * 8

    @tf.function
    def bad(x):
        return tf.while_loop(lambda v: tf.shape(v)[0] < 8, lambda v: tf.concat([v, v], 0), [x])
    with pytest.raises(ValueError, match="shape_invariants"):
        bad(tf.constant([1.0]))

    @tf.function
    def keeps(x):
        out = tf.while_loop(lambda i, v: i < 3, lambda i, v: (i + 1, v * 2.0), (0, x))[1]
        assert out.shape.as_list() == [2, 3]
        return out
    np.testing.assert_allclose(keeps(tf.ones((2, 3))).numpy(), 8.0)


def test_while_loop_maximum_iterations_and_nested_structures():
    def body(state):
        return {"i": state["i"] + 1, "v": (state["v"][0] * 2.0, state["v"][1] + 1)}
    start = {"i": tf.constant(0), "v": (tf.constant(1.0), tf.constant(0))}
    for fn in (lambda: tf.while_loop(lambda s: s["i"] < 100, body, [start],
                                     maximum_iterations=5),
               tf.function(lambda: tf.while_loop(lambda s: s["i"] < 100, body, [start],
                                                 maximum_iterations=5))):
        out = fn()[0]
        assert out["i"].numpy() == 5 and out["v"][0].numpy() == 32.0 and out["v"][1].numpy() == 5


def test_v1_while_loop_unwraps_single_variable():
    with v1.Graph().as_default():
        r = v1.while_loop(lambda v: v < 10, lambda v: v + 3, [v1.constant(1)])
        assert not isinstance(r, (list, tuple))
        with v1.Session() as sess:
            assert sess.run(r) == 10


def test_ten_thousand_iterations_compile_the_body_once():
    @tf.function
    def count(n):
        return tf.while_loop(lambda i, s: i < n, lambda i, s: (i + 1, s + 0.5), (0, 0.0))
    i, s = count(tf.constant(10000))
    assert i.numpy() == 10000 and s.numpy() == 5000.0
    assert count.experimental_get_tracing_count() == 1


def test_while_loop_body_errors_are_clear():
    @tf.function
    def wrong_dtype(x):
        return tf.while_loop(lambda v: v < 3.0, lambda v: tf.cast(v, tf.int32), [x])
    with pytest.raises(TypeError, match="dtype"):
        wrong_dtype(tf.constant(0.0))
    with pytest.raises(TypeError, match="callable"):
        tf.while_loop(None, lambda v: v, [1])


# --- TensorArray: O(1) writes, values that stay as they were, element shapes through loops ---

def test_tensor_array_write_shares_storage_and_keeps_old_values():
    """A write used to copy the element tuple (O(n) a write, O(n^2) a loop); now the new
    value takes over the list and the old one keeps an undo record, reading as it was."""
    from ndflow.framework.tensor import ListValue
    a = ListValue([None] * 3)
    b = a.set(1, "x")
    assert a._items is None and b._items is not None  # one list, owned by the newest
    c = b.set(5, "y")  # past the end: grows
    assert c.items() == (None, "x", None, None, None, "y")
    assert a.items() == (None, None, None) and len(b) == 3 and b[1] == "x"
    d = a.set(0, "z")  # a second branch from an old version
    assert d.items() == ("z", None, None) and c.items() == (None, "x", None, None, None, "y")
    assert [len(v) for v in (a, b, c, d)] == [3, 3, 6, 3]


def test_tensor_array_old_flows_read_as_written_eager_and_in_loops():
    ta = tf.TensorArray(tf.float32, size=3)
    t1 = ta.write(0, [1.0])
    t2 = t1.write(1, [2.0])
    t3 = t1.write(1, [5.0])  # another write to the same older array
    assert t2.stack().numpy().tolist() == [[1.0], [2.0], [0.0]]
    assert t3.stack().numpy().tolist() == [[1.0], [5.0], [0.0]]
    assert t1.stack().numpy().tolist() == [[1.0], [0.0], [0.0]]

    @tf.function
    def f(n):
        ta = tf.TensorArray(tf.float32, size=n)
        for i in tf.range(n):
            ta = ta.write(i, tf.cast(i, tf.float32) * 2.0)
        return ta.stack()
    assert f(tf.constant(2000)).numpy()[[0, 1, 1999]].tolist() == [0.0, 2.0, 3998.0]


def test_tensor_array_loop_gradient_with_many_writes():
    w = tf.Variable([1.0, -2.0])

    @tf.function
    def grad(n):
        with tf.GradientTape() as tape:
            ta = tf.TensorArray(tf.float32, size=n)
            for i in tf.range(n):
                ta = ta.write(i, tf.cast(i, tf.float32) * w * w)
            loss = tf.reduce_sum(ta.stack())
        return tape.gradient(loss, w)
    n = 3000
    np.testing.assert_allclose(grad(tf.constant(n)).numpy(),
                               2.0 * np.array([1.0, -2.0]) * n * (n - 1) / 2, rtol=1e-4)
    ta = tf.TensorArray(tf.float32, size=50)
    with tf.GradientTape() as tape:
        for i in range(50):
            ta = ta.write(i, float(i) * w)
        loss = tf.reduce_sum(ta.stack())
    assert tape.gradient(loss, w).numpy().tolist() == [1225.0, 1225.0]


def test_tensor_array_element_shape_is_kept_through_a_while_loop():
    """As TensorFlow: the element shape the body's writes infer (infer_shape=True) is the
    element shape of the array the loop returns (it was unknown, so stack() had rank None)."""
    seen = {}

    @tf.function(input_signature=[tf.TensorSpec([None, None, 8])])
    def f(x):
        ta = tf.TensorArray(tf.float32, size=tf.shape(x)[1])
        for step in tf.range(tf.shape(x)[1]):
            ta = ta.write(step, x[:, step] * 2.0)
        stacked = ta.stack()
        seen["element"], seen["stacked"] = ta.element_shape, stacked.shape
        return stacked
    x = np.arange(2 * 3 * 8, dtype=np.float32).reshape(2, 3, 8)
    np.testing.assert_array_equal(f(x).numpy(), 2.0 * x.transpose(1, 0, 2))
    assert seen["element"].as_list() == [None, 8]
    assert seen["stacked"].as_list() == [None, None, 8]


def test_while_loop_gradient_of_a_variable_read_twice_in_the_body():
    w = tf.Variable([1.0, -2.0])

    @tf.function
    def f():
        with tf.GradientTape() as tape:
            _, s = tf.while_loop(lambda i, s: i < 3, lambda i, s: (i + 1, s + w * w),
                                 (0, tf.zeros([2])))
        return tape.gradient(s, w)
    assert f().numpy().tolist() == [6.0, -12.0]  # 3 * 2w (the two reads' gradients were
    #                                              packed into one (2, 2) "sum")
