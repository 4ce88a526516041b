"""tf.py_function, tf.numpy_function and compat.v1.py_func: run at call time in every mode,
dtypes of the results, gradients through py_function, errors."""
import numpy as np
import pytest

import ndflow as tf
import ndflow.compat.v1 as v1


def test_py_function_runs_python_at_each_call():
    seen = []

    def record(x):
        seen.append(x.numpy().tolist())
        return x * 2.0

    @tf.function
    def f(x):
        return tf.py_function(record, [x], tf.float32) + 1.0
    assert f(tf.constant([1.0])).numpy().tolist() == [3.0]
    assert f(tf.constant([2.0])).numpy().tolist() == [5.0]
    assert seen == [[1.0], [2.0]]  # traced once, run at every call

    with v1.Graph().as_default():
        p = v1.placeholder(v1.float32, [None])
        y = tf.py_function(record, [p], tf.float32)
        with v1.Session() as sess:
            assert sess.run(y, {p: [4.0]}).tolist() == [8.0]
            assert sess.run(y, {p: [5.0]}).tolist() == [10.0]
    assert seen[-2:] == [[4.0], [5.0]]


def test_py_function_outputs_and_dtypes():
    x = tf.constant(3.0)
    assert tf.py_function(lambda a: a * 2, [x], tf.float32).numpy() == 6.0
    pair = tf.py_function(lambda a: (a + 1, tf.cast(a, tf.int32)), [x], [tf.float32, tf.int32])
    assert isinstance(pair, list) and pair[1].dtype == tf.int32 and pair[1].numpy() == 3
    assert tf.py_function(lambda a: np.float64(2.0), [x], tf.float32).dtype == tf.float32
    assert tf.py_function(lambda a: None, [x], []) == []
    with pytest.raises(tf.errors.InvalidArgumentError, match="cannot be converted to float32"):
        tf.py_function(lambda a: tf.constant(2.0, tf.float64), [x], tf.float32)
    with pytest.raises(tf.errors.InvalidArgumentError, match="returned 2 values"):
        tf.py_function(lambda a: (a, a), [x], tf.float32)
    with pytest.raises(TypeError, match="Tout"):
        tf.py_function(lambda a: a, [x])

    @tf.function
    def f(x):
        y = tf.py_function(lambda a: a * 3, [x], tf.float32)
        assert y.shape.rank is None  # Python may return any shape
        return y
    assert f(tf.constant([1.0])).numpy().tolist() == [3.0]


def test_py_function_as_decorator():
    @tf.py_function(Tout=tf.float32)
    def double(x):
        return x * 2.0

    @tf.function
    def f(x):
        return double(x)
    assert f(tf.constant(2.0)).numpy() == 4.0


def test_py_function_for_its_effect_runs_in_tf_function():
    calls = []

    @tf.function
    def f(x):
        tf.py_function(lambda a: calls.append(float(a)), [x], [])
        return x + 1.0
    f(tf.constant(1.0))
    f(tf.constant(2.0))
    assert calls == [1.0, 2.0]


def _cube_sin(a, b):
    return a * a * a * tf.sin(b)


def test_py_function_gradients_eager_function_session():
    x, y = tf.constant([0.5, -1.2], tf.float64), tf.constant([0.3, 2.0], tf.float64)
    expected = [3 * x.numpy() ** 2 * np.sin(y.numpy()), x.numpy() ** 3 * np.cos(y.numpy())]
    with tf.GradientTape() as tape:
        tape.watch([x, y])
        z = tf.reduce_sum(tf.py_function(_cube_sin, [x, y], tf.float64))
    for g, e in zip(tape.gradient(z, [x, y]), expected):
        np.testing.assert_allclose(g.numpy(), e, rtol=1e-12)

    @tf.function
    def traced(x, y):
        with tf.GradientTape() as t:
            t.watch([x, y])
            z = tf.reduce_sum(tf.py_function(_cube_sin, [x, y], tf.float64))
        return t.gradient(z, [x, y])
    for g, e in zip(traced(x, y), expected):
        np.testing.assert_allclose(g.numpy(), e, rtol=1e-12)

    with v1.Graph().as_default():
        px = v1.placeholder(v1.float64, [2])
        py = v1.placeholder(v1.float64, [2])
        z = tf.py_function(_cube_sin, [px, py], tf.float64)
        grads = v1.gradients(z, [px, py])
        with v1.Session() as sess:
            got = sess.run(grads, {px: x.numpy(), py: y.numpy()})
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g, e, rtol=1e-12)


def test_py_function_gradient_matches_torch():
    torch = pytest.importorskip("torch")
    xv = np.array([[0.2, -0.4], [1.1, 0.6]])
    x = tf.constant(xv)
    w = tf.Variable(np.array([0.5, -1.5]))
    with tf.GradientTape() as tape:
        tape.watch(x)
        h = tf.py_function(lambda a: tf.exp(a) * a, [x * 2.0], tf.float64)
        loss = tf.reduce_sum(tf.tanh(h * w))
    gx, gw = tape.gradient(loss, [x, w])
    xt = torch.tensor(xv, requires_grad=True)
    wt = torch.tensor([0.5, -1.5], dtype=torch.float64, requires_grad=True)
    a = xt * 2.0
    torch.tanh(torch.exp(a) * a * wt).sum().backward()
    np.testing.assert_allclose(gx.numpy(), xt.grad.numpy(), rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(gw.numpy(), wt.grad.numpy(), rtol=1e-10, atol=1e-13)


def test_numpy_function_and_py_func():
    x = tf.constant([1.0, 2.0])
    y = tf.numpy_function(lambda a: np.sinh(a), [x], tf.float32)
    np.testing.assert_allclose(y.numpy(), np.sinh([1.0, 2.0]), rtol=1e-6)
    # eagerly the results are converted as they are (TensorFlow's behaviour)
    assert tf.numpy_function(lambda a: np.float64(2.0), [x], tf.float32).dtype == tf.float64

    @tf.function
    def strict(x):
        return tf.numpy_function(lambda a: a.astype(np.float64), [x], tf.float32)
    with pytest.raises(tf.errors.InvalidArgumentError, match="is float64, but expects float32"):
        strict(x)

    with v1.Graph().as_default():
        p = v1.placeholder(v1.float32, [None])
        out = v1.py_func(lambda a: (a * 2, np.int32(a.size)), [p], [v1.float32, v1.int32])
        kept = v1.py_func(lambda a: a, [p], v1.float32, stateful=False)
        grad = v1.gradients(v1.reduce_sum(out[0]), p)
        with v1.Session() as sess:
            doubled, size, same = sess.run(out + [kept], {p: [1.0, 2.0, 3.0]})
    np.testing.assert_allclose(doubled, [2.0, 4.0, 6.0])
    assert size == 3 and same.tolist() == [1.0, 2.0, 3.0]
    assert grad == [None]  # numpy functions have no gradient
    with tf.GradientTape() as tape:
        tape.watch(x)
        z = tf.numpy_function(lambda a: a * a, [x], tf.float32)
    assert tape.gradient(z, x) is None


def test_numpy_function_gets_a_copy_of_its_input():
    def overwrite(a):
        a[0] = 100.0
        return a

    @tf.function
    def f(x):
        y = tf.numpy_function(overwrite, [x], tf.float32)
        return x + 0.0, y
    x_out, y = f(tf.constant([1.0, 2.0]))
    assert x_out.numpy().tolist() == [1.0, 2.0] and y.numpy().tolist() == [100.0, 2.0]


# --- a py_function run by one thread leaves another thread's graph building alone -------------

def _run_py_function_while_tracing(run_py_function, trace_step):
    """Thread B runs a py_function (via `run_py_function(body)`) whose body blocks until
    thread A, tracing, has done `trace_step()` while B is inside the kernel."""
    import threading
    tracing, in_kernel, stepped = threading.Event(), threading.Event(), threading.Event()
    seen = []

    def body(x):
        in_kernel.set()
        stepped.wait(10)
        seen.append(tf.executing_eagerly())  # the body itself runs eagerly
        return x * 2.0

    def other():
        tracing.wait(10)
        seen.append(run_py_function(body))

    thread = threading.Thread(target=other)
    thread.start()
    try:
        def step():
            tracing.set()
            assert in_kernel.wait(10)
            try:
                return trace_step()
            finally:
                stepped.set()
        yield step
    finally:
        tracing.set()
        stepped.set()
        thread.join(10)
    assert seen == [True, 2.0]


def test_py_function_in_another_thread_does_not_break_a_trace():
    v = tf.Variable(0.0)
    kinds = []

    def eager_py_function(body):
        return float(tf.py_function(body, [tf.constant(1.0)], tf.float32))

    steps = _run_py_function_while_tracing(eager_py_function, lambda: (
        kinds.append(tf.executing_eagerly()), v.assign_add(1.0)))
    step = next(steps)

    @tf.function
    def f(x):
        step()  # runs while the other thread is inside its py_function's kernel
        return x * 3.0
    assert float(f(tf.constant(1.0))) == 3.0
    assert float(f(tf.constant(2.0))) == 6.0
    assert kinds == [False]  # still tracing while the other thread ran Python eagerly
    assert float(v.numpy()) == 2.0  # the assign was traced (runs per call), not run once
    next(steps, None)


def test_py_function_in_a_session_thread_keeps_tf1_graph_mode_of_others():
    v1.disable_eager_execution()  # (the autouse fixture resets it after the test)
    g = v1.get_default_graph()
    with g.as_default():
        p = v1.placeholder(v1.float32, [])

    def session_py_function(body):
        with g.as_default():
            y = tf.py_function(body, [p], tf.float32)
        with v1.Session(graph=g) as sess:
            return float(sess.run(y, {p: 1.0}))

    made = []
    steps = _run_py_function_while_tracing(
        session_py_function, lambda: made.append((tf.constant(1.0), tf.executing_eagerly())))
    next(steps)()
    constant, eagerly = made[0]
    assert not eagerly and constant.__class__.__name__ == "SymbolicTensor"  # still TF1
    next(steps, None)
