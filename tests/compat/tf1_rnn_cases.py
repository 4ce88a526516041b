"""TensorFlow 1 recurrent-network cases, written once and run on two frameworks: by
tests/test_rnn_v1.py on `ndflow.compat.v1` and by tools/make_tf1_rnn_fixtures.py on
TensorFlow's `tf.compat.v1` (which writes tests/fixtures/tf1_rnn.npz).

Each case builds a graph from a `(3, 5, 4)` float32 input (batch-major) and, in most cases,
the sequence lengths `[5, 2, 0]`; every variable gets a value drawn from a seeded generator
in the order of the sorted variable names (so the two frameworks share them only if they
name and shape the variables alike: the names are part of the result). The result holds
every output and final state, and the gradients of one loss over them with respect to the
input and every variable.
"""
import numpy as np

X = np.random.RandomState(0).normal(size=(3, 5, 4)).astype("float32")
LENGTHS = np.array([5, 2, 0], "int32")


def _basic_lstm(tf, x, lengths):
    cell = tf.nn.rnn_cell.BasicLSTMCell(3, forget_bias=0.7)
    out, state = tf.nn.dynamic_rnn(cell, x, sequence_length=lengths, dtype=tf.float32)
    return [out, state.c, state.h]


def _lstm_cell(tf, x, lengths):
    cell = tf.nn.rnn_cell.LSTMCell(3)
    out, state = tf.nn.dynamic_rnn(cell, x, sequence_length=lengths, dtype=tf.float32)
    return [out, state.c, state.h]


def _peepholes(tf, x, lengths):
    cell = tf.nn.rnn_cell.LSTMCell(3, use_peepholes=True)
    init = tf.nn.rnn_cell.LSTMStateTuple(tf.constant(np.full((3, 3), 0.3, "float32")),
                                         tf.constant(np.full((3, 3), -0.2, "float32")))
    out, state = tf.nn.dynamic_rnn(cell, x, sequence_length=lengths, initial_state=init)
    return [out, state.c, state.h]


def _peepholes_projection_clip(tf, x, lengths):
    cell = tf.nn.rnn_cell.LSTMCell(3, use_peepholes=True, num_proj=2, cell_clip=0.4,
                                   proj_clip=0.25, forget_bias=0.5)
    out, state = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
    return [out, state.c, state.h]


def _gru_time_major(tf, x, lengths):
    cell = tf.nn.rnn_cell.GRUCell(3)
    out, state = tf.nn.dynamic_rnn(cell, tf.transpose(x, [1, 0, 2]), sequence_length=lengths,
                                   dtype=tf.float32, time_major=True)
    return [out, state]


def _basic_rnn_static(tf, x, lengths):
    cell = tf.nn.rnn_cell.BasicRNNCell(3)
    outs, state = tf.nn.static_rnn(cell, tf.unstack(x, axis=1), sequence_length=lengths,
                                   dtype=tf.float32)
    return [tf.stack(outs, axis=1), state]


def _lstm_static(tf, x, lengths):
    cell = tf.nn.rnn_cell.LSTMCell(3)
    outs, state = tf.nn.static_rnn(cell, tf.unstack(x, axis=1), dtype=tf.float32)
    return [tf.stack(outs, axis=1), state.c, state.h]


def _multi(tf, x, lengths):
    cell = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.LSTMCell(3),
                                        tf.nn.rnn_cell.GRUCell(2)])
    out, (s_lstm, s_gru) = tf.nn.dynamic_rnn(cell, x, sequence_length=lengths,
                                             dtype=tf.float32)
    return [out, s_lstm.c, s_lstm.h, s_gru]


def _concat_state(tf, x, lengths):
    cell = tf.nn.rnn_cell.BasicLSTMCell(3, state_is_tuple=False)
    out, state = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
    return [out, state]


def _static_bidirectional(tf, x, lengths):
    outs, s_fw, s_bw = tf.nn.static_bidirectional_rnn(
        tf.nn.rnn_cell.LSTMCell(3), tf.nn.rnn_cell.GRUCell(2), tf.unstack(x, axis=1),
        sequence_length=lengths, dtype=tf.float32)
    return [tf.stack(outs, axis=1), s_fw.c, s_fw.h, s_bw]


def _bidirectional_dynamic(tf, x, lengths):
    (o_fw, o_bw), (s_fw, s_bw) = tf.nn.bidirectional_dynamic_rnn(
        tf.nn.rnn_cell.BasicLSTMCell(2), tf.nn.rnn_cell.LSTMCell(2, use_peepholes=True), x,
        sequence_length=lengths, dtype=tf.float32)
    return [o_fw, o_bw, s_fw.c, s_fw.h, s_bw.c, s_bw.h]


CASES = {"basic_lstm": _basic_lstm, "lstm_cell": _lstm_cell, "peepholes": _peepholes,
         "peepholes_projection_clip": _peepholes_projection_clip,
         "gru_time_major": _gru_time_major, "basic_rnn_static": _basic_rnn_static,
         "lstm_static": _lstm_static, "multi": _multi, "concat_state": _concat_state,
         "static_bidirectional": _static_bidirectional,
         "bidirectional_dynamic": _bidirectional_dynamic}


def run(tf, name):
    """{"names", "out.<k>", "grad.x", "grad.<k>"} of case `name` under the TF1 module `tf`."""
    tf.reset_default_graph()
    x = tf.constant(X)
    outputs = CASES[name](tf, x, tf.constant(LENGTHS))
    variables = sorted(tf.global_variables(), key=lambda v: v.name)
    rng = np.random.RandomState(1)
    values = [rng.uniform(-0.6, 0.6, v.shape.as_list()).astype("float32") for v in variables]
    loss = tf.add_n([tf.reduce_sum(o * o * 0.5 + o * (k + 1.0)) for k, o in enumerate(outputs)])
    grads = tf.gradients(loss, [x] + variables)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run([tf.assign(v, value) for v, value in zip(variables, values)])
        outs, grads = sess.run([outputs, grads])
    result = {"names": np.array([v.name for v in variables])}
    for k, o in enumerate(outs):
        result[f"out.{k}"] = np.asarray(o)
    result["grad.x"] = np.asarray(grads[0])
    for k, g in enumerate(grads[1:]):
        result[f"grad.{k}"] = np.asarray(g)
    return result
