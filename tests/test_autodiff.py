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


# --- gradients on arrays (issue 15): the eager route equals the registered gradients -----------

def _array_grad_samples():
    import importlib
    import pathlib
    from ndflow.framework.registry import REGISTRY
    samples = []
    for path in sorted((pathlib.Path(__file__).parent / "gradcheck").glob("samples_*.py")):
        for s in importlib.import_module(f"gradcheck.{path.stem}").SAMPLES:
            if s.inputs is None and REGISTRY[s.op].array_grad is not None:
                samples.append(s)
    return samples


_ARRAY_SAMPLES = _array_grad_samples()


def test_every_array_gradient_has_samples():
    from ndflow.framework.registry import REGISTRY
    with_array = {name for name, op in REGISTRY.items() if op.array_grad is not None}
    assert {"MatMul", "AddV2", "Sigmoid", "Mean"} <= with_array
    assert with_array <= {s.op for s in _ARRAY_SAMPLES}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("sample", _ARRAY_SAMPLES,
                         ids=[f"{s.op}-{i}" for i, s in enumerate(_ARRAY_SAMPLES)])
def test_array_gradient_equals_registered_gradient(sample, dtype):
    """Eagerly with no tape recording the gradient computation, ops with an `array_grad`
    compute it on arrays; with an outer tape recording, their registered gradient (in ndflow
    ops) runs. Both must give the same gradients, dtypes and shapes."""
    rng = np.random.default_rng(7)
    xs = [rng.uniform(sample.low, sample.high, shape).astype(dtype) for shape in sample.shapes]

    def grads(outer_recording):
        tensors = [tf.constant(x) for x in xs]
        with tf.GradientTape(persistent=True) as outer:
            with tf.GradientTape() as tape:
                for t in tensors:
                    tape.watch(t)
                y = sample.fn(*tensors)
                ys = list(y) if isinstance(y, (list, tuple)) else [y]
                seeds = [tf.constant(np.linspace(-1, 1, max(o.shape.num_elements(), 1))
                                     .reshape(o.shape.as_list()).astype(o.dtype.as_numpy_dtype))
                         for o in ys]
            if not outer_recording:
                outer._recording = False  # (as if there were no outer tape)
            return tape.gradient(ys, tensors, output_gradients=seeds,
                                 unconnected_gradients="zero")

    on_arrays, registered = grads(False), grads(True)
    for a, r in zip(on_arrays, registered):
        assert a.dtype == r.dtype and a.shape == r.shape
        np.testing.assert_allclose(a.numpy(), r.numpy(), rtol=1e-6 if dtype == np.float32
                                   else 1e-12, atol=1e-7 if dtype == np.float32 else 1e-13)


def test_unrecorded_eager_gradient_runs_no_ops(monkeypatch):
    """A W1-like MLP step's backward pass runs the array gradients, not the registered ones
    (each of which dispatches ndflow ops), and a second-order gradient, whose first
    gradient an outer tape records, still runs the registered ones."""
    w = tf.Variable(np.linspace(-1, 1, 6, dtype=np.float32).reshape(2, 3))
    b = tf.Variable(np.zeros(3, np.float32))
    x = tf.constant([[0.0, 1.0], [1.0, 0.5]])
    y = tf.constant([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]])
    with tf.GradientTape() as tape:
        p = tf.sigmoid(tf.matmul(x, w) + b)
        loss = tf.reduce_mean(-(y * tf.math.log(p) + (1.0 - y) * tf.math.log(1.0 - p)))
    from ndflow.framework.registry import REGISTRY

    def unused(*args, **kwargs):
        raise AssertionError("a registered gradient ran where the array gradient applies")
    for name in ("MatMul", "AddV2", "Sigmoid", "Mul", "Sub", "Log", "Neg", "Mean"):
        monkeypatch.setattr(REGISTRY[name], "grad", unused)
    gw, gb = tape.gradient(loss, [w, b])
    monkeypatch.undo()
    pv = 1.0 / (1.0 + np.exp(-(x.numpy() @ w.numpy() + b.numpy())))
    delta = (pv - y.numpy()) / y.numpy().size
    np.testing.assert_allclose(gw.numpy(), x.numpy().T @ delta, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(gb.numpy(), delta.sum(0), rtol=1e-5, atol=1e-7)
    assert gw.dtype == tf.float32 and gb.dtype == tf.float32

    with tf.GradientTape() as t2:
        with tf.GradientTape() as t1:
            z = tf.reduce_sum(tf.sigmoid(tf.matmul(x, w)))
        g = t1.gradient(z, w)
        s = tf.reduce_sum(g * g)
    assert t2.gradient(s, w) is not None


def test_tf_gradients_stop_gradients_give_the_partial_derivatives():
    # TensorFlow's documented example: with stop_gradients=[a, b] the gradients of a + b are
    # the partials (1, 1), not the total derivative through b = 2a; a stopped tensor gets its
    # own gradient but passes none to its inputs
    import ndflow.compat.v1 as v1
    with v1.Graph().as_default():
        a = v1.constant(0.0)
        b = 2 * a
        partial = v1.gradients(a + b, [a, b], stop_gradients=[a, b])
        total = v1.gradients(a + b, [a, b])
        x = v1.constant(3.0)
        y = x * x
        through_y = v1.gradients(y * 2.0, [x, y], stop_gradients=[y])
        with v1.Session() as sess:
            assert sess.run(partial) == [1.0, 1.0]
            assert sess.run(total) == [3.0, 1.0]
            assert through_y[0] is None and sess.run(through_y[1]) == 2.0
