"""The fused all-variables Adam update gives exactly the per-variable rule's numbers."""
import numpy as np
import pytest

import ndflow as tf
from ndflow import keras


# every test runs the NumPy passes and the compiled kernel (tests/conftest.py)
pytestmark = pytest.mark.usefixtures("jit_mode")


def _train(fused, steps=5, compiled=True, reassign_at=None, make_optimizer=None):
    tf.random.set_seed(0)
    rng = np.random.default_rng(0)
    variables = [tf.Variable(rng.standard_normal(s).astype(np.float32), name=f"v{i}")
                 for i, s in enumerate([(4, 3), (3,), (3, 2), ()])]
    opt = (make_optimizer or (lambda: keras.optimizers.Adam(learning_rate=0.01)))()
    if not fused:
        opt._update_all = lambda *args: False
    x = rng.standard_normal((5, 4)).astype(np.float32)

    def step():
        with tf.GradientTape() as tape:
            h = tf.tanh(x @ variables[0] + variables[1]) @ variables[2] * variables[3]
            loss = tf.reduce_mean(h * h)
        opt.apply_gradients(zip(tape.gradient(loss, variables), variables))
        return loss

    run = tf.function(step) if compiled else step
    for i in range(steps):
        if i == reassign_at:  # a value set from outside must be picked up by the flat buffers
            variables[0].assign(np.full((4, 3), 0.5, np.float32))
        run()
    return [v.numpy() for v in variables] + [s.numpy() for s in opt.variables]


@pytest.mark.parametrize("compiled", [True, False])
def test_fused_adam_matches_per_variable_rule_bitwise(compiled):
    for a, b in zip(_train(True, compiled=compiled), _train(False, compiled=compiled)):
        np.testing.assert_array_equal(a, b)


def test_external_assignments_are_seen():
    for a, b in zip(_train(True, reassign_at=2), _train(False, reassign_at=2)):
        np.testing.assert_array_equal(a, b)


def test_values_read_before_a_step_keep_their_numbers():
    v = tf.Variable(np.ones((3,), np.float32))
    opt = keras.optimizers.Adam(0.1)
    before = v.read_value()
    opt.apply_gradients([(tf.constant([1.0, 1.0, 1.0]), v)])
    assert before.numpy().tolist() == [1.0, 1.0, 1.0]
    assert v.numpy()[0] < 1.0


@pytest.mark.parametrize("compiled", [True, False])
def test_fused_adamw_matches_the_decay_then_adam_rules_bitwise(compiled):
    def make():
        opt = keras.optimizers.AdamW(learning_rate=0.01, weight_decay=0.3)
        opt.exclude_from_weight_decay(var_names=["v1"])  # one variable keeps its scale
        return opt
    for a, b in zip(_train(True, compiled=compiled, make_optimizer=make),
                    _train(False, compiled=compiled, make_optimizer=make)):
        np.testing.assert_array_equal(a, b)


def test_fused_adamw_updates_in_place():
    # the decay runs inside the fused update: no variable is re-assigned, so the flat
    # buffers are not copied again after the first step
    v = tf.Variable(np.ones((4, 3), np.float32))
    opt = keras.optimizers.AdamW(learning_rate=0.1, weight_decay=0.5)

    @tf.function
    def step():
        opt.apply_gradients([(tf.ones((4, 3)), v)])

    for _ in range(4):
        step()
    (state,) = opt._fused_states.values()
    assert state.params.copies == 1 and [b.copies for b in state.slot_buffers] == [1, 1]

