"""tf.function: tracing, retracing, captured state, tapes inside and around."""
import numpy as np
import pytest

import ndflow as tf


def test_traces_once_per_signature():
    traces = []

    @tf.function
    def f(x, scale=1.0):
        traces.append(1)
        return x * scale

    f(tf.constant([1.0, 2.0]))
    f(tf.constant([3.0, 4.0]))
    assert len(traces) == 1
    f(tf.constant([1.0, 2.0, 3.0]))  # new shape
    f(np.array([1.0, 2.0], np.float32))  # NumPy arrays are keyed like tensors
    assert len(traces) == 2
    f(tf.constant([1.0, 2.0]), scale=2.0)  # new Python value
    out = f(tf.constant([1.0, 2.0]), scale=2.0)
    assert len(traces) == 3
    assert out.numpy().tolist() == [2.0, 4.0]
    f(tf.constant([1, 2]))  # new dtype
    assert len(traces) == 4


def test_input_signature_with_unknown_dims():
    traces = []

    @tf.function(input_signature=[tf.TensorSpec([None, 2], tf.float32)])
    def f(x):
        traces.append(x.shape.as_list())
        return tf.reduce_sum(x, axis=1)

    assert f(tf.constant(np.ones((3, 2), np.float32))).numpy().tolist() == [2.0, 2.0, 2.0]
    assert f(np.ones((5, 2), np.float32)).shape == (5,)
    assert traces == [[None, 2]]
    with pytest.raises(TypeError):  # as TensorFlow: binding to the input_signature fails
        f(np.ones((5, 3), np.float32))


def test_captured_variables_are_read_and_written_each_call():
    w = tf.Variable(10.0)

    @tf.function
    def step(lr):
        with tf.GradientTape() as tape:
            loss = w * w
        g = tape.gradient(loss, w)
        w.assign_sub(lr * g)
        return loss

    first = step(tf.constant(0.1))
    assert first.numpy() == 100.0
    assert np.isclose(w.numpy(), 8.0)
    step(tf.constant(0.1))
    assert np.isclose(w.numpy(), 6.4)


def test_reads_after_assign_see_the_new_value():
    v = tf.Variable(1.0)

    @tf.function
    def f():
        v.assign(5.0)
        return v * 2.0

    assert f().numpy() == 10.0


def test_nested_functions_and_structures():
    @tf.function
    def inner(x):
        return {"double": x * 2.0, "pair": (x, x + 1.0)}

    @tf.function
    def outer(x):
        d = inner(x)
        return d["double"] + d["pair"][1], None

    out, nothing = outer(tf.constant(1.0))
    assert out.numpy() == 4.0 and nothing is None


def test_python_side_effects_only_when_tracing_and_random_each_call():
    seen = []

    @tf.function
    def f():
        seen.append("traced")
        return tf.random.uniform([3])

    a, b = f().numpy(), f().numpy()
    assert seen == ["traced"]
    assert not np.array_equal(a, b)


def test_gradient_tape_around_a_function():
    x = tf.Variable(3.0)

    @tf.function
    def f(y):
        return y * y * x

    c = tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch(c)
        out = f(c)
    gc, gx = tape.gradient(out, [c, x])
    assert gc.numpy() == 12.0 and gx.numpy() == 4.0


def test_run_functions_eagerly():
    @tf.function
    def f(x):
        return x.numpy() * 2  # only possible eagerly

    tf.config.run_functions_eagerly(True)
    try:
        assert f(tf.constant(2.0)) == 4.0
    finally:
        tf.config.run_functions_eagerly(False)
    with pytest.raises(NotImplementedError, match="numpy"):
        f(tf.constant(2.0))


def test_methods_and_symbolic_bool_error():
    class Model:
        def __init__(self):
            self.w = tf.Variable(2.0)

        @tf.function
        def __call__(self, x):
            return self.w * x

    m1, m2 = Model(), Model()
    m2.w.assign(3.0)
    assert m1(tf.constant(1.0)).numpy() == 2.0
    assert m2(tf.constant(1.0)).numpy() == 3.0

    @tf.function(autograph=False)  # with AutoGraph (the default) this `if` becomes an If op
    def g(x):
        if x > 0:
            return x
        return -x

    with pytest.raises(TypeError, match="Python bool"):
        g(tf.constant(1.0))


def test_runtime_error_names_the_op():
    @tf.function(input_signature=[tf.TensorSpec([None, None], tf.float32)])
    def f(x):
        return tf.matmul(x, x)

    with pytest.raises(tf.errors.InvalidArgumentError, match="MatMul"):
        f(np.ones((2, 3), np.float32))


def test_same_numbers_eager_and_traced():
    tf.random.set_seed(3)
    w = tf.Variable(tf.random.normal([4, 3]))
    x = np.random.rand(5, 4).astype(np.float32)

    def loss_fn(x):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.nn.softmax(tf.matmul(x, w)) ** 2)
        return loss, tape.gradient(loss, w)

    l1, g1 = loss_fn(tf.constant(x))
    l2, g2 = tf.function(loss_fn)(x)
    np.testing.assert_allclose(l1.numpy(), l2.numpy(), rtol=1e-6)
    np.testing.assert_allclose(g1.numpy(), g2.numpy(), rtol=1e-5)


def test_module_tracks_variables_and_submodules():
    class Dense(tf.Module):
        def __init__(self, i, o):
            super().__init__()
            self.w = tf.Variable(tf.ones([i, o]))
            self.b = tf.Variable(tf.zeros([o]), trainable=False)

    class MLP(tf.Module):
        def __init__(self):
            super().__init__(name="mlp")
            self.layers = [Dense(2, 3), Dense(3, 1)]

    m = MLP()
    assert m.name == "mlp" and Dense(1, 1).name == "dense"
    assert len(m.variables) == 4 and len(m.trainable_variables) == 2
    assert len(m.submodules) == 2


def test_one_tuple_of_arrays_is_keyed_like_flat_arrays():
    """A single (x, y) tuple of arrays (what Keras' fit passes its step) takes the fast
    signature path: one trace per shapes and dtypes, kept apart from f(x, y), from a list,
    and from tuples holding Python values (which retrace per value, as before)."""
    traces = []

    @tf.function
    def f(*args):
        traces.append(len(args))
        flat = tf.nest.flatten(args)
        return tf.add_n([tf.cast(a, tf.float32) for a in flat if tf.is_tensor(a)]) * \
            float(sum(a for a in flat if isinstance(a, int)) or 1)

    x, y = np.ones((2, 3), np.float32), np.full((2, 3), 2.0, np.float32)
    np.testing.assert_array_equal(f((x, y)).numpy(), x + y)
    np.testing.assert_array_equal(f((y, y)).numpy(), y + y)  # same trace, new values
    assert len(traces) == 1
    np.testing.assert_array_equal(f((x, y[:1])).numpy(), x + y[:1])  # new shape: new trace
    np.testing.assert_array_equal(f(x, y).numpy(), x + y)  # two arguments: another
    np.testing.assert_array_equal(f([x, y]).numpy(), x + y)  # a list: the general path
    assert len(traces) == 4
    np.testing.assert_array_equal(f((x, 3)).numpy(), x * 3)
    np.testing.assert_array_equal(f((x, 4)).numpy(), x * 4)  # a Python value retraces
    assert len(traces) == 6
    np.testing.assert_array_equal(f((tf.constant(x), y)).numpy(), x + y)  # tensors too
    assert len(traces) == 6
