"""The fused Adam (and AdamW) update's two kernels, the compiled loop (Numba) and the
chunked NumPy passes, give the same float32 numbers bit for bit, inline or split across
threads."""
import numpy as np
import pytest

import ndflow as tf
from ndflow.ops import optimizer_ops
from ndflow.util import jit

needs_numba = pytest.mark.skipif(not jit.available(), reason="numba is not installed")

# several CHUNKs, a chunk spanning small variables, a scalar, an odd length
SHAPES = [(300, 257), (7,), (), (40, 3), (70001,), (10,)]


# (slot count, the update given state, grads, lr and the step number)
RULES = {
    "adam": (2, lambda st, g, lr, t: optimizer_ops.fused_adam(
        st, g, lr, 0.9, 0.999, 1e-7, *(tf.constant(np.float32(b ** t)) for b in (0.9, 0.999)))),
    "adamw": (2, lambda st, g, lr, t: optimizer_ops.fused_adam(
        st, g, lr, 0.9, 0.999, 1e-7, *(tf.constant(np.float32(b ** t)) for b in (0.9, 0.999)),
        decays=(True, False) * 3, weight_decay=0.2)),
}


def _run(use_jit, steps=4, shapes=SHAPES, seed=0, transpose=False, rule="adam"):
    rng = np.random.default_rng(seed)
    variables = [tf.Variable(rng.standard_normal(s).astype(np.float32)) for s in shapes]
    n_slots, update = RULES[rule]
    slots = [[tf.Variable(np.zeros(s, np.float32)) for s in shapes] for _ in range(n_slots)]
    state = optimizer_ops.FlatState(variables, slots)
    lr = tf.constant(np.float32(1e-3))
    for t in range(1, steps + 1):
        grads = []
        for s in shapes:
            g = (rng.standard_normal(s) * 10.0 ** rng.integers(-8, 4)).astype(np.float32)
            if t == 1 and g.size:
                g.flat[0] = 0.0  # v stays exactly 0 there: the denominator is epsilon alone
            if transpose and len(s) == 2:  # a non-contiguous gradient array
                g = np.ascontiguousarray(g.T).T
            grads.append(tf.constant(g))
        with jit.use_jit(use_jit):
            update(state, grads, lr, t)
    return [v.numpy() for v in variables] + [s.numpy() for group in slots for s in group]


def _assert_same(a, b):
    assert len(a) == len(b)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)


@needs_numba
@pytest.mark.parametrize("rule", sorted(RULES))
@pytest.mark.parametrize("transpose", [False, True])
def test_compiled_kernel_matches_the_numpy_passes_bitwise(transpose, rule):
    _assert_same(_run(True, transpose=transpose, rule=rule),
                 _run(False, transpose=transpose, rule=rule))


@pytest.mark.parametrize("rule", sorted(RULES))
@pytest.mark.parametrize("use_jit", [False, pytest.param(True, marks=needs_numba)],
                         ids=["numpy", "numba"])
def test_split_across_threads_matches_inline(use_jit, rule, monkeypatch):
    inline = _run(use_jit, rule=rule)
    # small pieces, so that every variable above a few elements is split
    monkeypatch.setenv("NDFLOW_NUM_THREADS", "3")
    monkeypatch.setattr(optimizer_ops, "SPLIT_ITEMS", 1000)
    monkeypatch.setattr(optimizer_ops, "SPLIT_ITEMS_COMPILED", 1000)
    monkeypatch.setattr(optimizer_ops, "CHUNK", 977)
    _assert_same(_run(use_jit, rule=rule), inline)


@needs_numba
def test_compiled_kernel_is_not_used_for_float64():
    # the fused op only takes float32 (Adam._update_all); the kernel's scalars follow the
    # buffer's dtype, so a float64 state would still compute in float64, as NumPy does
    shapes = [(5, 3), (3,)]
    rng = np.random.default_rng(1)
    out = []
    for use_jit in (False, True):
        variables = [tf.Variable(rng.standard_normal(s)) for s in shapes]
        slots = [[tf.Variable(np.zeros(s)) for s in shapes] for _ in range(2)]
        state = optimizer_ops.FlatState(variables, slots)
        grads = [tf.constant(np.ones(s)) for s in shapes]
        with jit.use_jit(use_jit):
            optimizer_ops.fused_adam(state, grads, tf.constant(0.1, tf.float64), 0.9, 0.999,
                                     1e-7, tf.constant(0.9, tf.float64),
                                     tf.constant(0.999, tf.float64))
        out.append([v.numpy() for v in variables])
        rng = np.random.default_rng(1)
    _assert_same(*out)


def test_a_gradient_that_broadcasts_takes_the_per_variable_rule():
    # the fused loops walk each gradient over its variable's slice: one of another shape
    # (here broadcasting to the variable) would update part of it, so it is not fused
    from ndflow import keras
    v = tf.Variable([1.0, 2.0, 3.0])
    opt = keras.optimizers.Adam(0.1)
    opt.apply_gradients([(tf.constant([1.0]), v)])
    np.testing.assert_allclose(v.numpy(), [0.9, 1.9, 2.9], rtol=1e-5)
    assert not opt._fused_states


@pytest.mark.parametrize("use_jit", [False, pytest.param(True, marks=needs_numba)],
                         ids=["numpy", "numba"])
def test_a_gradient_of_another_size_is_refused(use_jit):
    variables = [tf.Variable(np.ones((4,), np.float32))]
    slots = [[tf.Variable(np.zeros((4,), np.float32))] for _ in range(2)]
    state = optimizer_ops.FlatState(variables, slots)
    one = tf.constant(np.float32(0.5))
    with jit.use_jit(use_jit), pytest.raises(tf.errors.InvalidArgumentError,
                                             match="its variable.s shape"):
        optimizer_ops.fused_adam(state, [tf.ones((5,))], one, 0.9, 0.999, 1e-7, one, one)
    np.testing.assert_array_equal(variables[0].numpy(), np.ones(4, np.float32))
