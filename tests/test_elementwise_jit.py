"""The compiled plan kernels of ndflow/ops/elementwise_jit.py (a bias row added to a batch, a
sum over leading axes, SigmoidGrad and TanhGrad) give exactly the numbers of the NumPy
kernels they replace, and run where they should.

Every test runs on both paths (`jit_mode`): compiled (skipped without Numba) and NumPy. Each
builds its tf.function inside the mode, since plans choose their kernels when they are built.
"""
import numpy as np
import pytest

import ndflow as tf
import ndflow.compat.v1 as v1
from ndflow.ops import elementwise_jit as EJ
from ndflow.util import jit


def _data(shape, seed=0, dtype=np.float32):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(shape) * 10.0 ** rng.uniform(-3, 3, shape)).astype(dtype)


def _run(fn, *args):
    """fn as a fresh tf.function on args, as NumPy arrays."""
    out = tf.function(fn)(*args)
    return [t.numpy() for t in out] if isinstance(out, (list, tuple)) else out.numpy()


def _on_numpy(fn, *args):
    with jit.use_jit(False):
        return _run(fn, *args)


@pytest.fixture
def calls(monkeypatch):
    """Counts the compiled kernels the plans bind (by factory name; a factory that returns
    None bound nothing)."""
    seen = []
    for name in ("add_row", "leading_sum", "activation_grad"):
        factory = getattr(EJ, name)

        def counted(*args, _factory=factory, _name=name):
            kernel = _factory(*args)
            if kernel is not None:
                seen.append(_name)
            return kernel
        monkeypatch.setattr(EJ, name, counted)
    return seen


@pytest.mark.parametrize("x_shape,b_shape,row_first", [
    ((4, 10), (10,), False), ((4, 10), (10,), True), ((2, 3, 4), (4,), False),
    ((4, 1), (1,), False), ((1, 7), (7,), True), ((600, 256), (256,), False)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_bias_row_add_matches_numpy(jit_mode, calls, x_shape, b_shape, row_first, dtype):
    x, b = _data(x_shape, 1, dtype), _data(b_shape, 2, dtype)
    x.flat[0], b[-1] = np.nan, np.inf

    def f(x, b):
        y = x * 2.0  # an intermediate: the plan may give the add its buffer as out
        return b + y if row_first else y + b
    got = _run(f, x, b)
    assert got.dtype == dtype and got.shape == x_shape
    np.testing.assert_array_equal(got, np.add(x * dtype(2), b))
    np.testing.assert_array_equal(got, _on_numpy(f, x, b))
    assert ("add_row" in calls) == jit_mode


@pytest.mark.parametrize("x_shape,b_shape", [((4, 10), (4, 10)), ((4, 10), ()), ((4, 10), (1, 10)),
                                             ((4, 10), (4, 1)), ((10,), (10,))])
def test_other_adds_keep_numpy(jit_mode, calls, x_shape, b_shape):
    x, b = _data(x_shape, 1), _data(b_shape, 2)
    np.testing.assert_array_equal(_run(lambda x, b: x + b, x, b), x + b)
    assert "add_row" not in calls  # same shapes, a scalar, a 2-D row or column, one row


@pytest.mark.parametrize("shape,axis,keepdims", [
    ((4, 10), 0, False), ((17, 3), 0, True), ((200, 64), 0, False), ((5, 6, 7), [0, 1], False),
    ((5, 6, 7), 0, True), ((1, 9), 0, False)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_leading_sum_matches_add_reduce(jit_mode, calls, shape, axis, keepdims, dtype):
    x = _data(shape, 3, dtype)

    def f(x):
        return tf.reduce_sum(x * 1.0, axis=axis, keepdims=keepdims)
    got = _run(f, x)
    expected = np.add.reduce(x, axis=tuple(np.atleast_1d(axis)), keepdims=keepdims)
    assert got.dtype == dtype and got.shape == expected.shape
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(got, _on_numpy(f, x))
    assert ("leading_sum" in calls) == jit_mode


@pytest.mark.parametrize("shape,axis", [((4, 1), 0), ((4, 10), 1), ((0, 10), 0), ((512, 8), 0)])
def test_other_sums_keep_numpy(jit_mode, calls, shape, axis):
    """One column (NumPy sums it pairwise), a last axis, no rows, or enough rows for the
    ones-vector GEMV: not the compiled leading sum."""
    x = _data(shape, 4)
    got = _run(lambda x: tf.reduce_sum(x, axis=axis), x)
    np.testing.assert_allclose(got, np.add.reduce(x, axis), rtol=1e-5, atol=1e-5)
    assert "leading_sum" not in calls


def test_session_bias_gradient_matches_numpy(jit_mode, calls):
    """A TF1 graph's bias gradient (SumToLike over the fed batch) on both paths."""
    x, w, b = _data((6, 3), 5), _data((3, 4), 6), _data((4,), 7)

    def gradients():
        with tf.Graph().as_default():
            xp = v1.placeholder(tf.float32, [None, 3])
            bias = v1.Variable(b)
            out = tf.sigmoid(tf.matmul(xp, w) + bias)
            grad = tf.gradients(tf.reduce_sum(out * out), bias)[0]
            with v1.Session() as sess:
                sess.run(v1.global_variables_initializer())
                return sess.run(grad, {xp: x})
    got = gradients()
    with jit.use_jit(False):
        np.testing.assert_array_equal(got, gradients())
    assert ("leading_sum" in calls) == jit_mode and ("add_row" in calls) == jit_mode


@pytest.mark.parametrize("activation", [tf.sigmoid, tf.tanh])
@pytest.mark.parametrize("shape", [(4, 10), (3, 2, 5), (7,)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_activation_gradients_match_numpy(jit_mode, calls, activation, shape, dtype):
    x, dy = _data(shape, 8, dtype), _data(shape, 9, dtype)
    x.flat[0] = np.nan

    def f(x, dy):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = activation(x)
        return tape.gradient(y, x, output_gradients=dy)
    got = _run(f, x, dy)
    assert got.dtype == dtype
    np.testing.assert_array_equal(got, _on_numpy(f, x, dy))
    y = _on_numpy(lambda x: activation(x), x)
    np.testing.assert_array_equal(got, (1 - y) * y * dy if activation is tf.sigmoid
                                  else (1 - y * y) * dy)
    assert ("activation_grad" in calls) == jit_mode


def test_usable_needs_numba_and_a_float_dtype():
    with jit.use_jit(True):
        assert EJ.usable(np, np.float32) == jit.available()
        assert not EJ.usable(np, np.int32) and not EJ.usable(np, np.float16)
    with jit.use_jit(False):
        assert not EJ.usable(np, np.float32)

