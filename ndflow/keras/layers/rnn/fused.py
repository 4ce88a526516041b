"""The fast path of recurrent layers whose cell is a plain LSTMCell, GRUCell or
SimpleRNNCell (the LSTM, GRU and SimpleRNN layers, and RNN over those cells): one GEMM
projects every timestep's input, then one fused op (ndflow.ops.rnn_ops) runs the
recurrence, forward and backward.

It computes what the cell loop computes (same weights, gate orders and masking, values
equal to float rounding) and is taken with tanh / sigmoid activations and no recurrent
dropout in training; anything else (user subclasses of the cells, other activations,
recurrent dropout, stacked cells) runs the general loop of `RNN`.

In training, an input that is a lookup in a small table (an Embedding's output) is
projected as the table (`_projected_lookup`): `table @ kernel`, then its rows at the ids.
"""
import ndflow
from ....framework.context import state
from ....ops import embedding_ops, rnn_ops
from ... import activations


def standard_activations(cell):
    return (cell.activation is activations.tanh
            and getattr(cell, "recurrent_activation", activations.sigmoid)
            is activations.sigmoid)


def _projected_lookup(x, kernel, bias):
    """(table @ kernel + bias, time-major ids) when x is a lookup of table rows (an
    Embedding's output) and the table has no more rows than the lookup has ids: then
    x_t @ kernel + bias are the rows of the projected table at the ids. One small GEMM
    and a row lookup (in the LSTM op itself, or `gather_rows`) instead of a GEMM over every
    timestep; in the gradient one scatter-add of the rows' gradients and two small GEMMs
    instead of the kernel's and the embedding's GEMMs over every timestep and the
    embedding's np.add.at (W7: 6,400 ids of a 65-row table). Values equal to float
    rounding (the same products summed in another order). None when it does not apply.
    Used in training only (where the gradient's savings are): an inference graph keeps the
    plain projection, which ONNX export reads as the recurrent op's input kernel."""
    found = embedding_ops.embedding_lookup_of(x)
    if found is None:
        return None
    table, ids = found
    rows = table.shape.dims[0]
    known = [d for d in ids.shape.dims if d is not None]
    tokens = 1
    for d in known:
        tokens *= d
    if rows is None or not known or rows > tokens or table.dtype != kernel.dtype:
        return None
    projected = ndflow.matmul(table, kernel)
    if bias is not None:
        projected = projected + bias
    return projected, ndflow.transpose(ids)


def _time_major_projection(x, kernel, bias, training=False):
    """(time, batch, gates * units) = x_t @ kernel + bias for every t, as one GEMM (or as
    rows of a projected embedding table, `_projected_lookup`).

    The bias rides in the GEMM as one more row of the kernel against a column of ones
    appended to x: NumPy's broadcasting add over (time * batch, gates * units) costs
    more than half the GEMM itself, the extra row almost nothing (and the bias gradient
    comes out of the kernel-gradient GEMM)."""
    found = _projected_lookup(x, kernel, bias) if training else None
    if found is not None:
        xw = embedding_ops.gather_rows(*found)
        return _with_static_shape(xw, [x.shape[1], x.shape[0], kernel.shape[-1]])
    xt = ndflow.transpose(x, [1, 0, 2])
    dims = ndflow.shape(xt)
    if bias is not None:
        ones = ndflow.ones(ndflow.stack([dims[0], dims[1], 1]), dtype=xt.dtype)
        xt = ndflow.concat([xt, ones], axis=2)
        kernel = ndflow.concat([kernel, ndflow.expand_dims(bias, 0)], axis=0)
    flat = ndflow.matmul(ndflow.reshape(xt, [-1, ndflow.shape(kernel)[0]]), kernel)
    width = kernel.shape[-1] if kernel.shape[-1] is not None else ndflow.shape(kernel)[1]
    xw = ndflow.reshape(flat, ndflow.stack([dims[0], dims[1], width]))
    return _with_static_shape(xw, [x.shape[1], x.shape[0], kernel.shape[-1]])


def _with_static_shape(t, dims):
    """Graph tensors lose static dims through a dynamic reshape; give them back."""
    if hasattr(t, "set_shape"):
        t.set_shape(dims)
    return t


def _time_major_mask(mask):
    return None if mask is None else ndflow.transpose(ndflow.cast(mask, "bool"))


def keeps_gates(training):
    """Whether the fused op should keep its gates for a gradient: in training and whenever
    a GradientTape records (the op of an inference call recomputes them if asked for a
    gradient all the same, as a TF1 graph may ask later)."""
    return bool(training) or any(tape._recording for tape in state.tapes)


def lstm(x, h0, c0, kernel, recurrent_kernel, bias=None, mask=None, keep_gates=True):
    """(hs, cs) time-major for a batch-major x of shape (batch, time, features)."""
    found = _projected_lookup(x, kernel, None) if keep_gates else None
    if found is not None:  # the op reads the projected table's rows itself
        xw, ids = found
    else:
        xw, ids = _time_major_projection(x, kernel, None), None
    if bias is None:
        bias = ndflow.zeros(ndflow.shape(recurrent_kernel)[-1:], dtype=x.dtype)
    hs, cs = rnn_ops.lstm_sequence(xw, h0, c0, recurrent_kernel, bias, _time_major_mask(mask),
                                   keep_gates=keep_gates, ids=ids)
    units = recurrent_kernel.shape[0]
    dims = [x.shape[1], x.shape[0], units]
    return _with_static_shape(hs, dims), _with_static_shape(cs, dims)


def gru(x, h0, kernel, recurrent_kernel, bias=None, mask=None, reset_after=True,
        keep_gates=True):
    """hs time-major; `bias` is Keras's: (2, 3 * units) with `reset_after`, else (3 * units,)."""
    input_bias, recurrent_bias = bias, None
    if bias is not None and reset_after:
        input_bias, recurrent_bias = bias[0], bias[1]
    if recurrent_bias is None:
        recurrent_bias = ndflow.zeros(ndflow.shape(recurrent_kernel)[-1:], dtype=x.dtype)
    xw = _time_major_projection(x, kernel, input_bias, training=keep_gates)
    hs = rnn_ops.gru_sequence(xw, h0, recurrent_kernel, recurrent_bias,
                              _time_major_mask(mask), reset_after=reset_after,
                              keep_gates=keep_gates)
    return _with_static_shape(hs, [x.shape[1], x.shape[0], recurrent_kernel.shape[0]])


def simple_rnn(x, h0, kernel, recurrent_kernel, bias=None, mask=None, training=True):
    """hs time-major for a tanh SimpleRNN."""
    xw = _time_major_projection(x, kernel, bias, training=training)
    hs = rnn_ops.simple_rnn_sequence(xw, h0, recurrent_kernel, _time_major_mask(mask))
    return _with_static_shape(hs, [x.shape[1], x.shape[0], recurrent_kernel.shape[0]])


def batch_major(seq):
    return ndflow.transpose(seq, [1, 0, 2])


def fusable(layer, x, training):
    """Whether the layer's call may take the fused path for the input x."""
    cell = layer.cell
    steps = x.shape[1] if x.shape.rank == 3 else None
    if x.shape.rank != 3 or steps == 0 or not x.dtype.is_floating:
        return False
    if training and cell.recurrent_dropout > 0:
        return False
    return standard_activations(cell)


def dropped_inputs(cell, x, training):
    """x with the cell's input dropout mask (the same at every timestep, as the cell does)."""
    if training and 0.0 < cell.dropout < 1.0:
        return x * ndflow.expand_dims(cell.get_dropout_mask(x[:, 0]), 1)
    return x


def sequence_outputs(layer, hs, mask):
    """(last output, batch-major output sequence or None) from time-major states."""
    if mask is not None:
        # masked steps repeat the previous *output*, which is zeros before a sample's first
        # step (its state may be a nonzero initial state): keep states only from there on
        keep = _time_major_mask(mask)
        if not layer.zero_output_for_mask:
            keep = ndflow.cumsum(ndflow.cast(keep, "int32"), axis=0) > 0
        hs = ndflow.where(ndflow.expand_dims(keep, -1), hs, ndflow.zeros_like(hs))
    return hs[-1], (batch_major(hs) if layer.return_sequences else None)


def fused_loop(layer, x, states, mask, training):
    """(last output, output sequence or None, new states) of `layer` (an RNN whose cell
    is a plain LSTMCell, GRUCell or SimpleRNNCell) from one fused op, or None when the
    general loop must run."""
    from .gru import GRUCell
    from .lstm import LSTMCell
    from .simple_rnn import SimpleRNNCell
    cell = layer.cell
    kind = type(cell)
    if kind not in (LSTMCell, GRUCell, SimpleRNNCell) or not fusable(layer, x, training):
        return None
    x = dropped_inputs(cell, x, training)
    keep = keeps_gates(training)
    if kind is LSTMCell:
        hs, cs = lstm(x, states[0], states[1], cell.kernel, cell.recurrent_kernel,
                      cell.bias, mask, keep_gates=keep)
        new_states = [hs[-1], cs[-1]]
    elif kind is GRUCell:
        hs = gru(x, states[0], cell.kernel, cell.recurrent_kernel, cell.bias, mask,
                 reset_after=cell.reset_after, keep_gates=keep)
        new_states = [hs[-1]]
    else:
        hs = simple_rnn(x, states[0], cell.kernel, cell.recurrent_kernel, cell.bias, mask,
                        training=keep)
        new_states = [hs[-1]]
    last, seq = sequence_outputs(layer, hs, mask)
    return last, seq, new_states
