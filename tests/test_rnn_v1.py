"""TensorFlow 1's recurrent API on ndflow.compat.v1: cells, dynamic_rnn with
sequence_length, static_rnn, bidirectional_dynamic_rnn, TF1 variable names, and the
classic "hello" character RNN tutorial."""
import numpy as np
import pytest

import ndflow.compat.v1 as tf


@pytest.fixture(autouse=True)
def fresh_graph():
    tf.reset_default_graph()
    yield


def _sig(v):
    return 1 / (1 + np.exp(-v))


def _np_basic_lstm(x, kernel, bias, lengths, forget_bias=1.0):
    b, t, _ = x.shape
    u = bias.shape[0] // 4
    c, h = np.zeros((b, u)), np.zeros((b, u))
    outs = np.zeros((b, t, u))
    for s in range(t):
        z = np.concatenate([x[:, s], h], 1) @ kernel + bias
        i, j, f, o = np.split(z, 4, 1)
        nc = c * _sig(f + forget_bias) + _sig(i) * np.tanh(j)
        nh = np.tanh(nc) * _sig(o)
        alive = (s < lengths)[:, None]
        c, h = np.where(alive, nc, c), np.where(alive, nh, h)
        outs[:, s] = np.where(alive, nh, 0)
    return outs, c, h


def test_dynamic_rnn_values_names_and_sequence_length():
    x = np.random.default_rng(0).normal(size=(3, 5, 2)).astype("float32")
    lengths = np.array([5, 2, 3], "int32")
    inp = tf.placeholder(tf.float32, [None, None, 2])
    seq = tf.placeholder(tf.int32, [None])
    cell = tf.nn.rnn_cell.BasicLSTMCell(4)
    outputs, state = tf.nn.dynamic_rnn(cell, inp, sequence_length=seq, dtype=tf.float32)
    names = sorted(v.name for v in tf.global_variables())
    assert names == ["rnn/basic_lstm_cell/bias:0", "rnn/basic_lstm_cell/kernel:0"]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        kernel_var, bias_var = tf.global_variables()[:2]
        if "kernel" not in kernel_var.name:
            kernel_var, bias_var = bias_var, kernel_var
        out, st = sess.run([outputs, state], {inp: x, seq: lengths})
        kernel, bias = sess.run([kernel_var, bias_var])
    assert kernel.shape == (6, 16)
    want, c, h = _np_basic_lstm(x, kernel, bias, lengths)
    np.testing.assert_allclose(out, want, atol=1e-5)
    assert isinstance(st, tuple) and hasattr(st, "c")
    np.testing.assert_allclose(st.c, c, atol=1e-5)
    np.testing.assert_allclose(st.h, h, atol=1e-5)


def test_static_rnn_matches_dynamic_and_multi_cell_gru_names():
    x = np.random.default_rng(1).normal(size=(2, 4, 3)).astype("float32")
    inp = tf.placeholder(tf.float32, [2, 4, 3])
    cell = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.GRUCell(3),
                                        tf.nn.rnn_cell.BasicRNNCell(2)])
    dyn, _ = tf.nn.dynamic_rnn(cell, inp, dtype=tf.float32)
    stat, _ = tf.nn.static_rnn(cell, tf.unstack(inp, axis=1), dtype=tf.float32)
    names = sorted(v.name for v in tf.global_variables())
    assert names == ["rnn/multi_rnn_cell/cell_0/gru_cell/candidate/bias:0",
                     "rnn/multi_rnn_cell/cell_0/gru_cell/candidate/kernel:0",
                     "rnn/multi_rnn_cell/cell_0/gru_cell/gates/bias:0",
                     "rnn/multi_rnn_cell/cell_0/gru_cell/gates/kernel:0",
                     "rnn/multi_rnn_cell/cell_1/basic_rnn_cell/bias:0",
                     "rnn/multi_rnn_cell/cell_1/basic_rnn_cell/kernel:0"]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        a, b = sess.run([dyn, tf.stack(stat, axis=1)], {inp: x})
    np.testing.assert_allclose(a, b, atol=1e-6)


def test_bidirectional_dynamic_rnn_reverses_within_lengths():
    x = np.random.default_rng(2).normal(size=(2, 4, 3)).astype("float32")
    lengths = np.array([4, 2], "int32")
    inp = tf.placeholder(tf.float32, [None, 4, 3])
    fw, bw = tf.nn.rnn_cell.GRUCell(2), tf.nn.rnn_cell.GRUCell(2)
    (out_fw, out_bw), _ = tf.nn.bidirectional_dynamic_rnn(fw, bw, inp, sequence_length=lengths,
                                                          dtype=tf.float32)
    assert any(v.name.startswith("bidirectional_rnn/bw/gru_cell/") for v in tf.global_variables())
    single = tf.placeholder(tf.float32, [1, 2, 3])
    with tf.variable_scope("check"):
        ref, _ = tf.nn.dynamic_rnn(bw, tf.reverse(single, [1]), dtype=tf.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got_bw, got_fw = sess.run([out_bw, out_fw], {inp: x})
        want = sess.run(ref, {single: x[1:2, :2]})
    np.testing.assert_allclose(got_bw[1, :2], want[0, ::-1], atol=1e-6)
    np.testing.assert_array_equal(got_bw[1, 2:], 0)
    np.testing.assert_array_equal(got_fw[1, 2:], 0)


def test_hello_character_rnn_tutorial_learns():
    idx2char = ["h", "i", "e", "l", "o"]
    x_data = [[0, 1, 0, 2, 3, 3]]   # hihell
    y_data = [[1, 0, 2, 3, 3, 4]]   # ihello
    x_one_hot = np.eye(5, dtype="float32")[x_data]
    tf.set_random_seed(777)
    X = tf.placeholder(tf.float32, [None, 6, 5])
    Y = tf.placeholder(tf.int32, [None, 6])
    cell = tf.contrib.rnn.BasicLSTMCell(num_units=5, state_is_tuple=True)
    initial_state = cell.zero_state(1, tf.float32)
    outputs, _ = tf.nn.dynamic_rnn(cell, X, initial_state=initial_state, dtype=tf.float32)
    W = tf.get_variable("W", [5, 5])
    b = tf.get_variable("b", [5], initializer=tf.zeros_initializer())
    logits = tf.reshape(tf.matmul(tf.reshape(outputs, [-1, 5]), W) + b, [1, 6, 5])
    loss = tf.contrib.seq2seq.sequence_loss(logits=logits, targets=Y, weights=tf.ones([1, 6]))
    train = tf.train.AdamOptimizer(learning_rate=0.1).minimize(loss)
    prediction = tf.argmax(logits, axis=2)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = sess.run(loss, {X: x_one_hot, Y: y_data})
        for _ in range(60):
            l, _ = sess.run([loss, train], {X: x_one_hot, Y: y_data})
        result = sess.run(prediction, {X: x_one_hot})
    assert "".join(idx2char[c] for c in np.squeeze(result)) == "ihello"
    assert l < first / 5


def test_embedding_lookup_and_errors():
    params = tf.constant(np.arange(12, dtype="float32").reshape(4, 3))
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(tf.nn.embedding_lookup(params, [2, 0])),
                                      [[6, 7, 8], [0, 1, 2]])
    with pytest.raises(ValueError, match="dtype"):
        tf.nn.dynamic_rnn(tf.nn.rnn_cell.GRUCell(2), tf.placeholder(tf.float32, [1, 3, 2]))


# --- against TensorFlow 1 (tests/fixtures/tf1_rnn.npz, tools/make_tf1_rnn_fixtures.py) -----

import os  # noqa: E402

from compat import tf1_rnn_cases  # noqa: E402

FIXTURE = os.path.join(os.path.dirname(__file__), "fixtures", "tf1_rnn.npz")
FUSED = {"basic_lstm": "LSTMSequence", "lstm_cell": "LSTMSequence",
         "gru_time_major": "GRUSequence", "basic_rnn_static": "SimpleRNNSequence",
         "lstm_static": "LSTMSequence", "multi": "GRUSequence", "concat_state": "LSTMSequence",
         "static_bidirectional": "GRUSequence", "bidirectional_dynamic": "LSTMSequence"}


@pytest.mark.parametrize("name", sorted(tf1_rnn_cases.CASES))
def test_matches_tensorflow_1(name):
    """Outputs, final states, gradients and variable names equal TF 1's (to 1e-5); the
    cells that can use the fused ops do (peepholes, projection and clipping use the loop)."""
    want = np.load(FIXTURE, allow_pickle=False)
    got = tf1_rnn_cases.run(tf, name)
    assert list(got["names"]) == list(want[f"{name}/names"])
    for key, value in got.items():
        if key != "names":
            np.testing.assert_allclose(value, want[f"{name}/{key}"], rtol=1e-5, atol=1e-5,
                                       err_msg=f"{name}: {key}")
    types = {op.type for op in tf.get_default_graph().get_operations()}
    if name in FUSED:   # (bidirectional_dynamic's backward cell has peepholes: a loop)
        assert FUSED[name] in types, sorted(types)
        assert ("StatelessWhile" in types) == (name == "bidirectional_dynamic"), sorted(types)
    else:
        assert not any(t.endswith("Sequence") for t in types), sorted(types)


def test_stack_bidirectional_dynamic_rnn_is_layers_of_bidirectional_rnns():
    x = np.random.default_rng(3).normal(size=(2, 4, 3)).astype("float32")
    inp = tf.placeholder(tf.float32, [None, 4, 3])
    cells = [[tf.nn.rnn_cell.LSTMCell(2), tf.nn.rnn_cell.GRUCell(3)] for _ in range(2)]
    out, states_fw, states_bw = tf.contrib.rnn.stack_bidirectional_dynamic_rnn(
        cells[0], cells[1], inp, sequence_length=[4, 3], dtype=tf.float32)
    names = sorted(v.name for v in tf.global_variables())
    assert names[0] == "stack_bidirectional_rnn/cell_0/bidirectional_rnn/bw/lstm_cell/bias:0"
    assert len(names) == 12 and len(states_fw) == 2 and len(states_bw) == 2
    assert out.shape.as_list()[1:] == [4, 6]
    with tf.variable_scope("stack_bidirectional_rnn", reuse=True):  # the same weights, by hand
        with tf.variable_scope("cell_0"):
            first, _ = tf.nn.bidirectional_dynamic_rnn(cells[0][0], cells[1][0], inp, [4, 3],
                                                       dtype=tf.float32)
        with tf.variable_scope("cell_1"):
            (o_fw, o_bw), _ = tf.nn.bidirectional_dynamic_rnn(
                cells[0][1], cells[1][1], tf.concat(first, 2), [4, 3], dtype=tf.float32)
    assert len(tf.global_variables()) == 12
    statics, s_fw, s_bw = tf.contrib.rnn.stack_bidirectional_rnn(
        cells[0], cells[1], tf.unstack(inp, axis=1), sequence_length=[4, 3], dtype=tf.float32,
        scope="stack_bidirectional_rnn")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        a, b, c = sess.run([out, tf.concat([o_fw, o_bw], 2), tf.stack(statics, 1)], {inp: x})
    np.testing.assert_allclose(a, b, atol=1e-6)
    np.testing.assert_allclose(a, c, atol=1e-6)
    np.testing.assert_array_equal(a[1, 3], 0)
    with pytest.raises(ValueError, match="same depth"):
        tf.contrib.rnn.stack_bidirectional_dynamic_rnn(cells[0], cells[1][:1], inp,
                                                       dtype=tf.float32)
    with pytest.raises(TypeError, match="cell_bw"):
        tf.nn.static_bidirectional_rnn(cells[0][0], "lstm", tf.unstack(inp, axis=1),
                                       dtype=tf.float32)


def test_fused_and_loop_paths_agree_with_a_user_subclass():
    """A subclass of BasicLSTMCell runs the general loop; with the same weights it gives what
    the fused op gives (values and gradients)."""
    class MyCell(tf.nn.rnn_cell.BasicLSTMCell):
        pass

    x = np.random.default_rng(4).normal(size=(2, 6, 3)).astype("float32")
    inp = tf.placeholder(tf.float32, [2, 6, 3])
    results = []
    for scope, cls in (("fused", tf.nn.rnn_cell.BasicLSTMCell), ("loop", MyCell)):
        out, state = tf.nn.dynamic_rnn(cls(4, forget_bias=0.3), inp, [6, 3], dtype=tf.float32,
                                       scope=scope)
        weights = [v for v in tf.global_variables() if v.name.startswith(scope)]
        loss = tf.reduce_sum(out * out) + tf.reduce_sum(state.c)
        results.append([out, state.h] + tf.gradients(loss, [inp] + weights))
    types = {op.type for op in tf.get_default_graph().get_operations()}
    assert "LSTMSequence" in types and "StatelessWhile" in types
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        fused = tf.global_variables()[:2]
        sess.run([tf.assign(a, b) for a, b in zip(tf.global_variables()[2:], fused)])
        got, want = sess.run(results, {inp: x})
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)
