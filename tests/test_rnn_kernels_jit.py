"""The fused LSTM op's compiled gate math (ndflow/ops/rnn_kernels_jit.py) gives the NumPy
path's numbers exactly: the same float operations in the same order, no fastmath."""
import numpy as np
import pytest

import ndflow as tf
from ndflow.ops import rnn_ops
from ndflow.util import jit

needs_numba = pytest.mark.skipif(not jit.available(), reason="numba is not installed")
FORWARD = rnn_ops.LSTM_SEQUENCE.kernel
BACKWARD = rnn_ops.LSTM_SEQUENCE_GRAD.kernel


def _inputs(dtype, steps=7, batch=5, units=6, seed=0):
    rng = np.random.default_rng(seed)
    xw = (rng.standard_normal((steps, batch, 4 * units)) * 1.5).astype(dtype)
    h0, c0 = (rng.standard_normal((batch, units)).astype(dtype) for _ in range(2))
    kernel = (rng.standard_normal((units, 4 * units)) / 2).astype(dtype)
    bias = (rng.standard_normal(4 * units) * 0.5).astype(dtype)
    g_hs = rng.standard_normal((steps, batch, units)).astype(dtype)
    g_cs = rng.standard_normal((steps, batch, units)).astype(dtype)
    return xw, h0, c0, kernel, bias, g_hs, g_cs


def _run(flag, xw, h0, c0, kernel, bias, g_hs, g_cs, keep_gates=True):
    with jit.use_jit(flag):
        outs = FORWARD(np, xw, h0, c0, kernel, bias, keep_gates=keep_gates)
        if not keep_gates:
            return outs[:2]
        return list(outs) + list(BACKWARD(np, h0, c0, kernel, *outs, g_hs, g_cs))


@needs_numba
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("cell_grads", [False, True], ids=["no_g_cs", "g_cs"])
def test_jit_lstm_equals_numpy(dtype, cell_grads):
    xw, h0, c0, kernel, bias, g_hs, g_cs = _inputs(dtype)
    if not cell_grads:
        g_cs = np.zeros((), dtype)  # what the op's gradient passes when cs gets none
    names = ["hs", "cs", "gates", "d_xw", "d_h0", "d_c0", "d_kernel", "d_bias"]
    for name, a, b in zip(names, _run(False, xw, h0, c0, kernel, bias, g_hs, g_cs),
                          _run(True, xw, h0, c0, kernel, bias, g_hs, g_cs)):
        assert a.dtype == b.dtype == dtype, name
        np.testing.assert_array_equal(a, b, err_msg=name)


@needs_numba
def test_jit_lstm_inference_and_fortran_kernel_equal_numpy():
    xw, h0, c0, kernel, bias, g_hs, g_cs = _inputs(np.float32, steps=4, batch=3, units=8)
    kernel = np.asfortranarray(kernel)
    xw = xw.transpose(1, 0, 2).copy().transpose(1, 0, 2)  # a strided (time-major view) xw
    for keep in (True, False):
        for a, b in zip(_run(False, xw, h0, c0, kernel, bias, g_hs, g_cs, keep),
                        _run(True, xw, h0, c0, kernel, bias, g_hs, g_cs, keep)):
            np.testing.assert_array_equal(a, b)


def test_lstm_layer_gradients_match_the_cell_loop(jit_mode):
    """The fused layer (either path) against the general cell loop, values and gradients."""
    rng = np.random.default_rng(3)
    x = tf.constant(rng.standard_normal((4, 6, 3)).astype(np.float32))
    fused = tf.keras.layers.LSTM(5, return_sequences=True)
    fused.build(x.shape)
    class LoopCell(tf.keras.layers.LSTMCell):  # a subclass runs the general loop
        pass

    loop = tf.keras.layers.RNN(LoopCell(5), return_sequences=True)
    loop.build(x.shape)
    loop.set_weights(fused.get_weights())
    results = []
    for layer in (fused, loop):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = layer(x, training=True)
            loss = tf.reduce_sum(y * y)
        grads = tape.gradient(loss, [x] + layer.trainable_variables)
        results.append([y.numpy()] + [g.numpy() for g in grads])
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=2e-5, atol=2e-6)


@needs_numba
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_jit_gru_inference_equals_numpy(dtype):
    rng = np.random.default_rng(4)
    steps, batch, units = 6, 5, 7
    xw = (rng.standard_normal((steps, batch, 3 * units)) * 1.5).astype(dtype)
    h0 = rng.standard_normal((batch, units)).astype(dtype)
    kernel = np.asfortranarray((rng.standard_normal((units, 3 * units)) / 2).astype(dtype))
    bias = (rng.standard_normal(3 * units) * 0.3).astype(dtype)
    states = []
    for flag in (False, True):
        with jit.use_jit(flag):
            states.append(rnn_ops.GRU_SEQUENCE.kernel(np, xw, h0, kernel, bias,
                                                      reset_after=True, keep_gates=False)[0])
    np.testing.assert_array_equal(states[0], states[1])


@pytest.mark.parametrize("flag", [False, True], ids=["numpy", "jit"])
def test_lstm_lookup_equals_the_gathered_projections(flag):
    """`lookup`: step t reads rows ids[t] of a table; the same numbers as the projections
    gathered beforehand, on both paths."""
    if flag and not jit.available():
        pytest.skip("numba is not installed")
    xw, h0, c0, kernel, bias, g_hs, _ = _inputs(np.float32)
    table = xw[0, :4]                                 # (4 rows, 4 units)
    ids = np.random.default_rng(9).integers(0, 4, xw.shape[:2]).astype(np.int32)
    with jit.use_jit(flag):
        looked_up = FORWARD(np, table, h0, c0, kernel, bias, ids.T.copy().T, lookup=True)
        gathered = FORWARD(np, table[ids], h0, c0, kernel, bias)
    for a, b in zip(looked_up, gathered):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(tf.errors.InvalidArgumentError, match="not in"):
        FORWARD(np, table, h0, c0, kernel, bias, ids + 4, lookup=True)
