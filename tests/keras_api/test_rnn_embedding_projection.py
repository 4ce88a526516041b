"""Embedding -> LSTM / GRU / SimpleRNN in a graph: the recurrent layer's input projection is
looked up in the projected table (`table @ kernel + bias`, ndflow/keras/layers/rnn/fused.py
`_projected_lookup`) instead of a GEMM over every timestep. Values and gradients equal the
eager run (which projects every timestep) to float rounding."""
import numpy as np
import pytest

import ndflow as tf
from ndflow import keras


def _model(layer, mask_zero=False):
    model = keras.Sequential([keras.Input((9,), dtype="int32"),
                              keras.layers.Embedding(6, 4, mask_zero=mask_zero), layer,
                              keras.layers.Dense(3)])
    rng = np.random.default_rng(5)
    model.set_weights([rng.uniform(-0.5, 0.5, w.shape).astype(np.float32)
                       for w in model.get_weights()])
    return model


def _loss_and_grads(model, x):
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(tf.square(model(x, training=True)))
    return [loss] + tape.gradient(loss, model.trainable_variables)


@pytest.mark.parametrize("make", [
    lambda: keras.layers.LSTM(5, return_sequences=True),
    lambda: keras.layers.GRU(5),
    lambda: keras.layers.GRU(5, reset_after=False, return_sequences=True),
    lambda: keras.layers.SimpleRNN(5),
], ids=["lstm", "gru", "gru_v1", "simple_rnn"])
@pytest.mark.parametrize("mask_zero", [False, True])
def test_graph_run_equals_eager(jit_mode, make, mask_zero):
    model = _model(make(), mask_zero)
    ids = np.random.default_rng(1).integers(0, 6, (7, 9)).astype(np.int32)
    ids[:, -2:] = 0  # padding at the end: masked when mask_zero
    eager = _loss_and_grads(model, tf.constant(ids))
    graph_fn = tf.function(lambda x: _loss_and_grads(model, x))
    graph = graph_fn(tf.constant(ids))
    for e, g in zip(eager, graph):
        np.testing.assert_allclose(g.numpy(), e.numpy(), rtol=2e-5, atol=2e-6)


def _uses_projected_table(model, x, training):
    from ndflow.keras.layers.rnn import fused
    real, found = fused._projected_lookup, []
    fused._projected_lookup = lambda *a: found.append(real(*a)) or found[-1]
    try:
        tf.function(lambda x: model(x, training=training))(tf.constant(x))
    finally:
        fused._projected_lookup = real
    return any(f is not None for f in found)


@pytest.mark.parametrize("make", [lambda: keras.layers.LSTM(5), lambda: keras.layers.GRU(5),
                                  lambda: keras.layers.SimpleRNN(5)])
def test_training_graphs_look_up_the_projected_table(make):
    assert _uses_projected_table(_model(make()), np.zeros((2, 9), np.int32), True)


def test_inference_keeps_the_timestep_projection():
    """An inference graph keeps x @ kernel, which ONNX export reads as the LSTM's W."""
    model = _model(keras.layers.LSTM(5))
    x = np.zeros((2, 9), np.int32)
    assert _uses_projected_table(model, x, training=True)
    assert not _uses_projected_table(model, x, training=False)


def test_small_vocabulary_model_exports_to_onnx(tmp_path):
    pytest.importorskip("onnx")
    pytest.importorskip("onnxruntime")
    import onnxruntime
    model = _model(keras.layers.LSTM(5, return_sequences=True))
    path = tmp_path / "lm.onnx"
    tf.export.onnx(model, path)
    x = np.random.default_rng(2).integers(0, 6, (3, 9)).astype(np.int32)
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    got, = session.run(None, {session.get_inputs()[0].name: x})
    np.testing.assert_allclose(got, model(x, training=False).numpy(), atol=1e-5)


def test_a_large_table_keeps_the_timestep_projection():
    """More table rows than ids: projecting the table would cost more than the GEMM."""
    model = keras.Sequential([keras.Input((3,), dtype="int32"),
                              keras.layers.Embedding(500, 4), keras.layers.LSTM(2)])
    assert not _uses_projected_table(model, np.zeros((2, 3), np.int32), True)
