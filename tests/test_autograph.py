"""AutoGraph: Python control flow on tensors inside tf.function becomes If/While ops."""
import numpy as np
import pytest

import ndflow as tf


def _types(f, *args):
    return [op.type for op in f.get_concrete_function(*args).graph.get_operations()]


def _has(types, kind):
    return any(kind in t for t in types)


def test_if_else_tensor():
    @tf.function
    def f(x):
        if x > 0:
            y = x * 2
        elif x > -5:
            y = -x
        else:
            y = x * 0
        return y
    for v, want in [(3.0, 6.0), (-2.0, 2.0), (-9.0, 0.0)]:
        assert f(tf.constant(v)).numpy() == want
    assert _has(_types(f, tf.constant(1.0)), "If")


def test_python_if_stays_python():
    @tf.function
    def f(x, training):
        if training:
            x = x * 2
        return x
    assert f(tf.constant(3.0), True).numpy() == 6.0
    assert f(tf.constant(3.0), False).numpy() == 3.0
    assert not _has(_types(f, tf.constant(1.0), True), "If")


def test_if_one_branch_error_names_variable_and_line():
    @tf.function
    def f(x):
        if x > 0:
            z = x
        return z
    with pytest.raises(ValueError, match=r"'z' must also be initialized in the else branch"):
        f(tf.constant(1.0))
    with pytest.raises(ValueError, match=r"test_autograph.py:\d+"):
        f(tf.constant(2.0, dtype=tf.float64))


def test_while_tensor_with_python_int_init():
    @tf.function
    def f(n):
        s = 0
        i = 0
        while i < n:
            s += i
            i += 1
        return s
    for n in (0, 1, 5, 10):
        assert f(tf.constant(n)).numpy() == sum(range(n))
    assert _has(_types(f, tf.constant(1)), "While")


def test_python_while_unrolled():
    @tf.function
    def f(x):
        i = 0
        while i < 3:
            x = x + 1
            i += 1
        return x
    assert f(tf.constant(1.0)).numpy() == 4.0
    assert not _has(_types(f, tf.constant(1.0)), "While")


def test_for_tf_range_break_continue():
    @tf.function
    def f(x, n):
        s = tf.constant(0.0)
        for i in tf.range(n):
            if i > 5:
                break
            if i % 2 == 0:
                continue
            s += x
        return s
    for n, want in [(0, 0.0), (2, 1.0), (4, 2.0), (20, 3.0)]:
        assert f(tf.constant(1.0), tf.constant(n)).numpy() == want
    assert _has(_types(f, tf.constant(1.0), tf.constant(1)), "While")


def test_for_over_tensor_rows_and_python_list():
    @tf.function
    def f(m):
        s = tf.zeros([2])
        for row in m:
            s = s + row
        return s
    m = np.arange(6, dtype=np.float32).reshape(3, 2)
    np.testing.assert_allclose(f(tf.constant(m)).numpy(), m.sum(0))
    assert _has(_types(f, tf.constant(m)), "While")

    @tf.function
    def g(x):
        for k in [1, 2, 3]:
            x = x * k
        return x
    assert g(tf.constant(1.0)).numpy() == 6.0
    assert not _has(_types(g, tf.constant(1.0)), "While")


def test_return_inside_if():
    @tf.function
    def f(x):
        if x > 0:
            return x
        return -x * 10
    assert f(tf.constant(2.0)).numpy() == 2.0
    assert f(tf.constant(-2.0)).numpy() == 20.0
    assert _has(_types(f, tf.constant(1.0)), "If")


def test_return_inside_tensor_loop():
    @tf.function
    def f(n):
        for i in tf.range(n):
            if i * i > 10:
                return i
        return tf.constant(-1)
    assert f(tf.constant(10)).numpy() == 4
    assert f(tf.constant(3)).numpy() == -1


def test_print_tensor_and_python(capsys):
    @tf.function
    def f(x):
        print("python value", 3)
        print("tensor", x + 1)
        return x
    f(tf.constant(1.0))
    out = capsys.readouterr().out
    assert "python value 3" in out and "tensor 2" in out
    f(tf.constant(5.0))
    assert "tensor 6" in capsys.readouterr().out  # printed at run time, not trace time


def test_to_code_and_to_graph():
    def f(x):
        if x > 0:
            x = x + 1
        return x
    code = tf.autograph.to_code(f)
    assert "ag__.if_stmt" in code and "def f(x)" in code
    g = tf.autograph.to_graph(f)
    assert g(3) == 4 and g(-1) == -1


def test_do_not_convert():
    @tf.autograph.experimental.do_not_convert
    def helper(x):
        if x > 0:
            return x
        return -x

    @tf.function
    def f(x):
        return helper(x)
    with pytest.raises(Exception):
        f(tf.constant(1.0))
    assert tf.autograph.to_graph(helper) is helper


def test_unconvertible_forms_name_line():
    @tf.function
    def gen(x):
        yield x
    with pytest.raises(tf.autograph.ConversionError, match=r"test_autograph.py:\d+.*yield"):
        gen(tf.constant(1.0))

    @tf.function
    def t(n):
        i = 0
        while i < n:
            try:
                i += 1
            except ValueError:
                pass
        return i
    with pytest.raises(tf.autograph.ConversionError, match=r"test_autograph.py:\d+.*try"):
        t(tf.constant(3))

    @tf.function
    def b(x):
        for k in range(3):
            if x > k:
                break
            x = x + 1
        return x
    with pytest.raises(tf.autograph.ConversionError, match=r"test_autograph.py:\d+.*tf.range"):
        b(tf.constant(0.0))


def test_closure_and_method():
    scale = 3.0

    class M:
        def __init__(self):
            self.k = 2.0

        @tf.function
        def call(self, x):
            if x > 0:
                x = x * self.k * scale
            return x
    m = M()
    assert m.call(tf.constant(1.0)).numpy() == 6.0
    assert m.call(tf.constant(-1.0)).numpy() == -1.0


def test_autograph_false_keeps_python():
    @tf.function(autograph=False)
    def f(x):
        return x + 1
    assert f(tf.constant(1.0)).numpy() == 2.0


def _helper_with_tensor_if(x):
    if tf.reduce_sum(x) > 0:
        y = x * 2.0
    else:
        y = -x
    return y


def test_functions_called_from_a_tf_function_are_converted():
    @tf.function
    def f(x):
        return _helper_with_tensor_if(x) + 1.0

    np.testing.assert_allclose(f(tf.constant([1.0, 2.0])).numpy(), [3.0, 5.0])
    np.testing.assert_allclose(f(tf.constant([-1.0, -2.0])).numpy(), [2.0, 3.0])
    graph = f.get_concrete_function(tf.TensorSpec([2], tf.float32)).graph
    assert _has([op.type for op in graph.get_operations()], "If")


def test_library_functions_are_called_as_they_are():
    from ndflow.autograph.conversion import convert_called
    assert convert_called(np.mean) is np.mean
    assert convert_called(tf.reduce_sum) is tf.reduce_sum
    assert convert_called(_helper_with_tensor_if) is not _helper_with_tensor_if


def test_zero_argument_super_inside_a_converted_branch():
    class Base:
        def scale(self, x):
            return x * 3.0

    class Child(Base):
        def scale(self, x):
            if tf.reduce_sum(x) > 0:
                out = super().scale(x)
            else:
                out = x
            return out

    child = Child()

    @tf.function
    def f(x):
        return child.scale(x)

    assert f(tf.constant([1.0])).numpy()[0] == 3.0
    assert f(tf.constant([-1.0])).numpy()[0] == -1.0


def test_a_keras_models_call_is_converted_inside_fit():
    from ndflow import keras

    class Gated(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(1, kernel_initializer="ones")

        def call(self, x):
            y = self.dense(x)
            if tf.reduce_mean(y) > 100.0:  # a tensor condition: becomes a cond op
                y = y * 0.0
            return y

    model = Gated()
    model.compile("sgd", "mse")
    model.fit(np.ones((8, 3), np.float32), np.ones((8, 1), np.float32), epochs=1, verbose=0)
    np.testing.assert_allclose(model.predict(np.full((2, 3), 50.0, np.float32), verbose=0), 0.0)
    assert model.predict(np.ones((2, 3), np.float32), verbose=0)[0, 0] != 0.0


def test_homl15_custom_rnn_layer_with_a_tensor_array_trains():
    """Hands-On ML ch. 15's MyRNN: a `for step in tf.range(n)` loop writes each step's output
    to a TensorArray; the stacked sequence keeps the element shape the writes inferred,
    (None, None, 8) as in TensorFlow, so the Dense after it builds (it saw rank None)."""
    from ndflow import keras

    class MyRNN(keras.layers.Layer):
        def __init__(self, cell, return_sequences=False, **kwargs):
            super().__init__(**kwargs)
            self.cell = cell
            self.return_sequences = return_sequences

        def get_initial_state(self, inputs):
            return [tf.zeros([tf.shape(inputs)[0], self.cell.state_size], dtype=inputs.dtype)]

        @tf.function
        def call(self, inputs):
            states = self.get_initial_state(inputs)
            shape = tf.shape(inputs)
            batch_size, n_steps = shape[0], shape[1]
            sequences = tf.TensorArray(inputs.dtype,
                                       size=(n_steps if self.return_sequences else 0))
            outputs = tf.zeros(shape=[batch_size, self.cell.output_size], dtype=inputs.dtype)
            for step in tf.range(n_steps):
                outputs, states = self.cell(inputs[:, step], states)
                if self.return_sequences:
                    sequences = sequences.write(step, outputs)
            if self.return_sequences:
                return tf.transpose(sequences.stack(), [1, 0, 2])
            return outputs

    keras.utils.set_random_seed(15)
    rnn = MyRNN(keras.layers.SimpleRNNCell(8), return_sequences=True)
    model = keras.Sequential([keras.layers.Input(shape=[None, 5]), rnn, keras.layers.Dense(3)])
    assert tuple(rnn.output.shape) == (None, None, 8)
    rng = np.random.default_rng(0)
    x = rng.random((16, 7, 5), dtype=np.float32)
    y = x[:, :, :3] * 0.5
    model.compile(loss="mse", optimizer="adam")
    before = model.evaluate(x, y, verbose=0)
    history = model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    assert model.predict(x, verbose=0).shape == (16, 7, 3)
    assert np.isfinite(history.history["loss"][0])
    assert model.evaluate(x, y, verbose=0) < before  # one epoch of Adam steps lowered the loss
