"""tf.nn.rnn_cell.ResidualWrapper / DeviceWrapper and the tf.contrib.rnn wrappers and block
cells, run by dynamic_rnn and static_rnn the way TF1 programs use them."""
import numpy as np
import pytest

import ndflow.compat.v1 as tf


@pytest.fixture
def graph():
    with tf.Graph().as_default() as g:
        yield g


def _run(fetches, feed=None):
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        return sess.run(fetches, feed)


def _names():
    return sorted(v.name for v in tf.global_variables())


def test_residual_and_device_wrappers_keep_the_cell_and_add_the_inputs(graph):
    x = tf.constant(np.random.default_rng(0).standard_normal((2, 5, 4)), tf.float32)
    plain = tf.nn.rnn_cell.GRUCell(4)
    with tf.variable_scope("plain"):
        out_plain, _ = tf.nn.dynamic_rnn(plain, x, dtype=tf.float32)
    cell = tf.nn.rnn_cell.DeviceWrapper(tf.nn.rnn_cell.ResidualWrapper(plain), "/cpu:0")
    with tf.variable_scope("plain", reuse=True):
        out_res, state = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
    a, b, xv = _run([out_plain, out_res, x])
    np.testing.assert_allclose(b, a + xv, rtol=1e-6, atol=1e-6)
    assert _names() == ["plain/rnn/gru_cell/candidate/bias:0",
                        "plain/rnn/gru_cell/candidate/kernel:0",
                        "plain/rnn/gru_cell/gates/bias:0", "plain/rnn/gru_cell/gates/kernel:0"]


def test_output_projection_over_a_multi_layer_cell_in_dynamic_and_static_rnn(graph):
    x = tf.placeholder(tf.float32, [None, 6, 3])
    cell = tf.contrib.rnn.OutputProjectionWrapper(tf.contrib.rnn.MultiRNNCell(
        [tf.contrib.rnn.LSTMBlockCell(8), tf.contrib.rnn.GRUBlockCell(8)]), 5)
    outputs, state = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
    steps = tf.unstack(x, 6, axis=1)
    with tf.variable_scope("rnn", reuse=True):
        static_out, _ = tf.nn.static_rnn(cell, steps, dtype=tf.float32)
    assert outputs.shape.as_list() == [None, 6, 5]
    assert cell.output_size == 5 and cell.state_size[0] == (8, 8)
    (grad,) = tf.gradients(tf.reduce_sum(outputs), [v for v in tf.trainable_variables()
                                                    if v.name.endswith("wrapper/kernel:0")])
    feed = {x: np.random.default_rng(1).standard_normal((2, 6, 3)).astype(np.float32)}
    dyn, stat, g = _run([outputs, tf.stack(static_out, 1), grad], feed)
    np.testing.assert_allclose(dyn, stat, rtol=1e-5, atol=1e-6)
    assert g.shape == (8, 5) and np.abs(g).sum() > 0
    assert "rnn/output_projection_wrapper/kernel:0" in _names()
    assert "rnn/output_projection_wrapper/multi_rnn_cell/cell_0/lstm_cell/kernel:0" in _names()


def test_input_projection_and_embedding_wrappers(graph):
    ids = tf.constant([[1, 2, 0], [3, 3, 1]])
    cell = tf.contrib.rnn.EmbeddingWrapper(
        tf.contrib.rnn.InputProjectionWrapper(tf.nn.rnn_cell.BasicRNNCell(4), 6), 5, 3)
    outputs, _ = tf.nn.dynamic_rnn(cell, tf.expand_dims(ids, -1), dtype=tf.float32)
    out = _run(outputs)
    assert out.shape == (2, 3, 4)
    names = _names()
    assert "rnn/embedding_wrapper/embedding:0" in names
    assert "rnn/embedding_wrapper/input_projection_wrapper/kernel:0" in names
    with pytest.raises(ValueError, match="positive"):
        tf.contrib.rnn.EmbeddingWrapper(tf.nn.rnn_cell.BasicRNNCell(4), 0, 3)


def test_lstm_block_cell_equals_lstm_cell(graph):
    x = tf.constant(np.random.default_rng(2).standard_normal((3, 4, 2)), tf.float32)
    with tf.variable_scope("a"):
        block, _ = tf.nn.dynamic_rnn(tf.contrib.rnn.LSTMBlockCell(5, forget_bias=0.5), x,
                                     dtype=tf.float32)
    with tf.variable_scope("a", reuse=True):
        plain, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.LSTMCell(5, forget_bias=0.5), x,
                                     dtype=tf.float32)
    a, b = _run([block, plain])
    np.testing.assert_array_equal(a, b)  # both run the fused LSTMSequence op
    assert sum(op.type == "LSTMSequence" for op in graph.get_operations()) == 2
    assert _names() == ["a/rnn/lstm_cell/bias:0", "a/rnn/lstm_cell/kernel:0"]
