"""The fused Adam updates its flat buffers in place, yet no value read before a step may
observe a later update: a value that escaped (an eager read, a NumPy view of it, a
tf.function output, a slot read) makes that buffer copy first (copy on write)."""
import numpy as np
import pytest

import ndflow as tf
from ndflow import keras
from ndflow.ops import optimizer_ops


# every test runs the NumPy passes and the compiled kernel (tests/conftest.py)
pytestmark = pytest.mark.usefixtures("jit_mode")


def _setup(seed=0):
    rng = np.random.default_rng(seed)
    variables = [tf.Variable(rng.standard_normal(s).astype(np.float32))
                 for s in [(6, 5), (5,), (5, 2)]]
    x = rng.standard_normal((4, 6)).astype(np.float32)
    return variables, x, keras.optimizers.Adam(learning_rate=0.05)


def _loss(variables, x):
    return tf.reduce_mean(tf.tanh(x @ variables[0] + variables[1]) @ variables[2])


def _eager_step(variables, x, opt):
    with tf.GradientTape() as tape:
        loss = _loss(variables, x)
    opt.apply_gradients(zip(tape.gradient(loss, variables), variables))


def _state(opt):
    (state,) = opt._fused_states.values()
    return state


def test_compiled_loop_updates_in_place():
    variables, x, opt = _setup()

    @tf.function
    def step():
        _eager_step(variables, x, opt)

    step()
    state = _state(opt)
    # ids only: holding the buffers here would be an escaped reference and force copies
    ids = [id(state.params.flat)] + [id(b.flat) for b in state.slot_buffers]
    before = variables[0].numpy()
    for _ in range(4):
        step()
    # the same buffers, updated in place: one copy each (the first step) and no more
    assert [id(state.params.flat)] + [id(b.flat) for b in state.slot_buffers] == ids
    assert state.params.copies == 1 and [b.copies for b in state.slot_buffers] == [1, 1]
    assert np.shares_memory(variables[0]._value, state.params.flat)
    assert not np.array_equal(variables[0].numpy(), before)


def test_eager_reads_and_numpy_views_keep_their_numbers():
    variables, x, opt = _setup()
    _eager_step(variables, x, opt)  # the buffers exist from here on
    read = variables[0].read_value()
    array_view = np.asarray(variables[2].read_value())
    derived = tf.reshape(variables[1].read_value(), [5, 1])  # a NumPy view of the buffer
    kept = [read.numpy().copy(), array_view.copy(), derived.numpy().copy()]
    for _ in range(3):
        _eager_step(variables, x, opt)
    for value, expected in zip([read.numpy(), array_view, derived.numpy()], kept):
        np.testing.assert_array_equal(value, expected)
    assert not np.array_equal(variables[0].numpy(), kept[0])


def test_function_outputs_keep_their_numbers():
    variables, x, opt = _setup()

    @tf.function
    def step():
        _eager_step(variables, x, opt)
        return variables[0].read_value(), variables[1] * 1.0

    outputs = [step() for _ in range(4)]
    values = [(a.numpy().copy(), b.numpy().copy()) for a, b in outputs]
    step()
    for (a, b), (ka, kb) in zip(outputs, values):
        np.testing.assert_array_equal(a.numpy(), ka)
        np.testing.assert_array_equal(b.numpy(), kb)
    # each step's output differs from the next: none of them aliases the live buffer
    assert not np.array_equal(values[0][0], values[-1][0])


def test_read_inside_the_step_after_the_update_sees_old_value_semantics():
    # A value read in the step before the update and used after it must be the old value.
    variables, x, opt = _setup()
    _eager_step(variables, x, opt)

    @tf.function
    def step():
        old = variables[0].read_value()
        with tf.GradientTape() as tape:
            loss = _loss(variables, x)
        grads = tape.gradient(loss, variables)
        with tf.control_dependencies([old]):
            opt.apply_gradients(zip(grads, variables))
        return old

    expected = variables[0].numpy()
    out = step()
    np.testing.assert_array_equal(out.numpy(), expected)
    assert not np.array_equal(variables[0].numpy(), expected)


def test_slot_reads_keep_their_numbers():
    variables, x, opt = _setup()
    _eager_step(variables, x, opt)
    momentum = opt._slots[variables[0]]["momentum"].read_value()
    kept = momentum.numpy().copy()
    _eager_step(variables, x, opt)
    np.testing.assert_array_equal(momentum.numpy(), kept)
    assert not np.array_equal(opt._slots[variables[0]]["momentum"].numpy(), kept)


def test_escapes_in_some_steps_give_the_per_variable_rule_bitwise():
    def train(fused):
        variables, x, opt = _setup(seed=3)
        if not fused:
            opt._update_all = lambda *args: False
        held = []
        for i in range(6):
            if i % 2:
                held.append(variables[i % 3].read_value())  # forces a copy next step
            _eager_step(variables, x, opt)
        return [v.numpy() for v in variables] + [s.numpy() for s in opt.variables]

    for a, b in zip(train(True), train(False)):
        np.testing.assert_array_equal(a, b)


def test_chunks_cover_the_buffer_and_span_variables(monkeypatch):
    monkeypatch.setattr(optimizer_ops, "CHUNK", 7)
    plan = optimizer_ops._chunk_plan([0, 3, 4, 20], optimizer_ops.CHUNK)
    assert [(lo, hi) for lo, hi, _ in plan] == [(0, 7), (7, 14), (14, 20)]
    assert plan[0][2] == [(0, 0, 3), (1, 0, 1), (2, 0, 3)]
    assert plan[1][2] == [(2, 3, 10)]
    assert plan[2][2] == [(2, 10, 16)]

    def train(fused):  # small chunks: several per variable and several variables per chunk
        variables, x, opt = _setup(seed=1)
        if not fused:
            opt._update_all = lambda *args: False
        for _ in range(3):
            _eager_step(variables, x, opt)
        return [v.numpy() for v in variables]

    for a, b in zip(train(True), train(False)):
        np.testing.assert_array_equal(a, b)
