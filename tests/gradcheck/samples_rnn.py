"""Gradient-check samples for the fused recurrences (ndflow/ops/rnn_ops.py).
Each op is checked on its own (every input: projections, initial states, recurrent kernel
and bias) and through the LSTM / GRU layers' fast path from a batch-major sequence and the
layer weights, with a mask made from `sequence_length` (tf.sequence_mask), as the layers
and TF1's dynamic_rnn use it.
"""

import ndflow as tf
from ndflow.keras.layers.rnn import fused
from ndflow.ops import rnn_ops

from .spec import Sample

# (time 4, batch 3): sample 0 has 4 steps, sample 1 has 2, sample 2 has 1
_LENGTHS = [4, 2, 1]


def _mask_tb():
    return tf.transpose(tf.sequence_mask(_LENGTHS, 4))


def _mask_bt():
    return tf.sequence_mask(_LENGTHS, 4)


def _lstm(xw, h0, c0, u, b):
    return list(rnn_ops.lstm_sequence(xw, h0, c0, u, b))


def _lstm_masked(xw, h0, c0, u, b):
    return list(rnn_ops.lstm_sequence(xw, h0, c0, u, b, mask=_mask_tb()))


def _lstm_inference_op(xw, h0, c0, u, b):
    """keep_gates=False keeps no gates; its gradient runs the forward op again."""
    return list(rnn_ops.lstm_sequence(xw, h0, c0, u, b, mask=_mask_tb(), keep_gates=False))


def _lstm_layer_path(x, k, rk, b, h0, c0):
    hs, cs = fused.lstm(x, h0, c0, k, rk, b, mask=_mask_bt())
    return [tf.sin(hs), cs[-1]]


# (time 4, batch 3) rows of a 5-row projected table; rows 1 and 3 repeat
_IDS = [[1, 0, 3], [3, 1, 1], [4, 3, 2], [1, 1, 0]]


def _lstm_lookup(masked, keep_gates=True):
    """The op reading its projections as rows of a table (`ids`): the table's gradient
    sums the rows' gradients."""
    def fn(table, h0, c0, u, b):
        mask = _mask_tb() if masked else None
        return list(rnn_ops.lstm_sequence(table, h0, c0, u, b, mask=mask, ids=tf.constant(_IDS),
                                          keep_gates=keep_gates))
    return fn


def _gru(reset_after, masked):
    def fn(xw, h0, u, b):
        mask = _mask_tb() if masked else None
        return tf.sin(rnn_ops.gru_sequence(xw, h0, u, b, mask=mask, reset_after=reset_after))
    return fn


def _gru_inference_op(reset_after):
    def fn(xw, h0, u, b):
        return tf.sin(rnn_ops.gru_sequence(xw, h0, u, b, mask=_mask_tb(),
                                           reset_after=reset_after, keep_gates=False))
    return fn


def _gru_layer_path(reset_after):
    def fn(x, k, rk, b, h0):
        return fused.gru(x, h0, k, rk, b, mask=_mask_bt(), reset_after=reset_after)
    return fn


def _simple(masked):
    def fn(xw, h0, u):
        mask = _mask_tb() if masked else None
        return tf.sin(rnn_ops.simple_rnn_sequence(xw, h0, u, mask=mask))
    return fn


def _simple_layer_path(x, k, rk, b, h0):
    return fused.simple_rnn(x, h0, k, rk, b, mask=_mask_bt())


_T, _B, _U, _F = 4, 3, 2, 3

SAMPLES = [
    Sample("LSTMSequence", _lstm_lookup(False),
           shapes=[(5, 4 * _U), (_B, _U), (_B, _U), (_U, 4 * _U), (4 * _U,)]),
    Sample("LSTMSequence", _lstm_lookup(True, keep_gates=False),
           shapes=[(5, 4 * _U), (_B, _U), (_B, _U), (_U, 4 * _U), (4 * _U,)]),
    Sample("LSTMSequence", _lstm,
           shapes=[(_T, _B, 4 * _U), (_B, _U), (_B, _U), (_U, 4 * _U), (4 * _U,)]),
    Sample("LSTMSequence", _lstm_masked,
           shapes=[(_T, _B, 4 * _U), (_B, _U), (_B, _U), (_U, 4 * _U), (4 * _U,)]),
    Sample("LSTMSequence", _lstm_inference_op,
           shapes=[(_T, _B, 4 * _U), (_B, _U), (_B, _U), (_U, 4 * _U), (4 * _U,)]),
    Sample("LSTMSequence", _lstm_layer_path,
           shapes=[(_B, _T, _F), (_F, 4 * _U), (_U, 4 * _U), (4 * _U,), (_B, _U), (_B, _U)]),
    Sample("GRUSequence", _gru(True, False),
           shapes=[(_T, _B, 3 * _U), (_B, _U), (_U, 3 * _U), (3 * _U,)]),
    Sample("GRUSequence", _gru(True, True),
           shapes=[(_T, _B, 3 * _U), (_B, _U), (_U, 3 * _U), (3 * _U,)]),
    Sample("GRUSequence", _gru(False, True),
           shapes=[(_T, _B, 3 * _U), (_B, _U), (_U, 3 * _U), (3 * _U,)]),
    Sample("GRUSequence", _gru_inference_op(True),
           shapes=[(_T, _B, 3 * _U), (_B, _U), (_U, 3 * _U), (3 * _U,)]),
    Sample("GRUSequence", _gru_inference_op(False),
           shapes=[(_T, _B, 3 * _U), (_B, _U), (_U, 3 * _U), (3 * _U,)]),
    Sample("GRUSequence", _gru_layer_path(True),
           shapes=[(_B, _T, _F), (_F, 3 * _U), (_U, 3 * _U), (2, 3 * _U), (_B, _U)]),
    Sample("GRUSequence", _gru_layer_path(False),
           shapes=[(_B, _T, _F), (_F, 3 * _U), (_U, 3 * _U), (3 * _U,), (_B, _U)]),
    Sample("SimpleRNNSequence", _simple(False), shapes=[(_T, _B, _U), (_B, _U), (_U, _U)]),
    Sample("SimpleRNNSequence", _simple(True), shapes=[(_T, _B, _U), (_B, _U), (_U, _U)]),
    Sample("SimpleRNNSequence", _simple_layer_path,
           shapes=[(_B, _T, _F), (_F, _U), (_U, _U), (_U,), (_B, _U)]),
]
