"""TensorFlow 1's recurrent API: `tf.nn.rnn_cell.*` cells, `tf.nn.dynamic_rnn`,
`tf.nn.static_rnn`, `tf.nn.bidirectional_dynamic_rnn` (and the `tf.contrib.rnn` names).

Cells create their variables with `tf.get_variable` under the variable scope of their
first call, with TensorFlow 1's names and layouts (`rnn/basic_lstm_cell/kernel` of shape
`[input_depth + num_units, 4 * num_units]`, gates i, j, f, o), so `Saver` checkpoints name
them as TensorFlow does. Past each example's `sequence_length` the outputs are zeros and the
state is carried unchanged.

`dynamic_rnn` and `static_rnn` over a `BasicLSTMCell`, an `LSTMCell` without peepholes,
projection or clipping, a `GRUCell` or a `BasicRNNCell` with tanh (or a `MultiRNNCell` of
those, layer by layer) run the fused recurrences of `ndflow.ops.rnn_ops`: one GEMM for every
timestep's input projection, one op for the recurrence. The TF1 variables keep their layout
and names; the kernels are re-sliced into the fused op's gate order (Keras's: LSTM i, f, c,
o, GRU z, r, h) by ops on the variables, so gradients reach them as usual. Every other cell
runs one `tf.while_loop` (dynamic_rnn) or a Python loop (static_rnn) of its own steps.
"""
import collections
import contextlib

import ndflow
from ..ops import rnn_ops
from . import variable_scope as _vs

LSTMStateTuple = collections.namedtuple("LSTMStateTuple", ("c", "h"))
LSTMStateTuple.__doc__ = "Tuple of the `(c, h)` states of an LSTM cell."


def _flatten(state):
    if isinstance(state, (list, tuple)):
        out = []
        for s in state:
            out.extend(_flatten(s))
        return out
    return [state]


def _pack(structure, flat):
    it = iter(flat)

    def fill(s):
        if isinstance(s, LSTMStateTuple):
            return LSTMStateTuple(*(fill(x) for x in s))
        if isinstance(s, (list, tuple)):
            return type(s)(fill(x) for x in s)
        return next(it)
    return fill(structure)


class RNNCell:
    """Abstract TF1 cell: `output, new_state = cell(inputs, state)`."""

    _default_name = "rnn_cell"

    def __init__(self, num_units=None, activation=None, reuse=None, name=None, dtype=None):
        self._num_units = num_units
        self._activation = activation or ndflow.tanh
        self._name = name
        self._dtype = dtype
        self._weights = None  # name -> variable, made on the first call
        self._reads = None    # name -> tensor standing for it inside a while-loop body

    @property
    def state_size(self):
        return self._num_units

    @property
    def output_size(self):
        return self._num_units

    def zero_state(self, batch_size, dtype):
        """Zeros in the structure of `state_size`, for a batch of `batch_size`."""
        def zeros(size):
            if isinstance(size, LSTMStateTuple):
                return LSTMStateTuple(*(zeros(s) for s in size))
            if isinstance(size, (list, tuple)):
                return type(size)(zeros(s) for s in size)
            return ndflow.zeros(ndflow.stack([batch_size, size]) if not isinstance(
                batch_size, int) else [batch_size, size], dtype=dtype)
        return zeros(self.state_size)

    def _weight(self, name):
        return self._reads[name] if self._reads is not None else self._weights[name]

    def build(self, input_depth, dtype):
        raise NotImplementedError

    def __call__(self, inputs, state, scope=None):
        inputs = ndflow.convert_to_tensor(inputs)
        if self._weights is None:
            depth = inputs.shape.as_list()[-1]
            if depth is None:
                raise ValueError(f"{type(self).__name__}: the last dimension of the inputs "
                                 f"must be known; got shape {inputs.shape}.")
            with _vs.variable_scope(scope or self._name or self._default_name):
                self._weights = self.build(depth, inputs.dtype)
        return self.call(inputs, state)

    @contextlib.contextmanager
    def _read_once(self):
        """Inside a while-loop body, the weights are reads made before the loop."""
        saved = self._reads
        self._reads = {k: ndflow.identity(v) for k, v in (self._weights or {}).items()}
        try:
            yield
        finally:
            self._reads = saved

    def _cells(self):
        return [self]


def _var(name, shape, dtype, initializer=None):
    return _vs.get_variable(name, shape=shape, dtype=dtype, initializer=initializer)


def _linear(cell, x, h, kernel="kernel", bias="bias"):
    z = ndflow.matmul(ndflow.concat([x, h], axis=1), cell._weight(kernel))
    return z + cell._weight(bias) if bias is not None else z


class BasicRNNCell(RNNCell):
    """The most basic RNN cell: `output = new_state = act(W [x, h] + b)`.

    Args:
        num_units: int, the number of units in the RNN cell.
        activation: Nonlinearity to use. Default: `tanh`.
        reuse, name, dtype: as in TensorFlow 1.
    """

    _default_name = "basic_rnn_cell"

    def build(self, depth, dtype):
        u = self._num_units
        return {"kernel": _var("kernel", [depth + u, u], dtype),
                "bias": _var("bias", [u], dtype, ndflow.zeros_initializer())}

    def call(self, inputs, state):
        out = self._activation(_linear(self, inputs, state))
        return out, out


class BasicLSTMCell(RNNCell):
    """Basic LSTM recurrent network cell (gates i, j, f, o; `forget_bias` added to f).

    Args:
        num_units: int, the number of units in the LSTM cell.
        forget_bias: float, the bias added to forget gates. Default 1.0.
        state_is_tuple: If True (default), states are `LSTMStateTuple(c, h)`; if False,
            they are concatenated along the column axis.
        activation: Activation function of the inner states. Default: `tanh`.
    """

    _default_name = "basic_lstm_cell"

    def __init__(self, num_units, forget_bias=1.0, state_is_tuple=True, activation=None,
                 reuse=None, name=None, dtype=None):
        super().__init__(num_units, activation, reuse, name, dtype)
        self._forget_bias = float(forget_bias)
        self._state_is_tuple = state_is_tuple

    @property
    def state_size(self):
        u = self._num_units
        return LSTMStateTuple(u, u) if self._state_is_tuple else 2 * u

    def build(self, depth, dtype):
        u = self._num_units
        return {"kernel": _var("kernel", [depth + u, 4 * u], dtype),
                "bias": _var("bias", [4 * u], dtype, ndflow.zeros_initializer())}

    def _split_state(self, state):
        if self._state_is_tuple:
            return state
        c, h = ndflow.split(state, 2, axis=1)
        return c, h

    def _join_state(self, c, h):
        return LSTMStateTuple(c, h) if self._state_is_tuple else ndflow.concat([c, h], 1)

    def call(self, inputs, state):
        c, h = self._split_state(state)
        i, j, f, o = ndflow.split(_linear(self, inputs, h), 4, axis=1)
        new_c = c * ndflow.sigmoid(f + self._forget_bias) + ndflow.sigmoid(i) * \
            self._activation(j)
        new_h = self._activation(new_c) * ndflow.sigmoid(o)
        return new_h, self._join_state(new_c, new_h)


class LSTMCell(BasicLSTMCell):
    """LSTM cell with an optional projection (`num_proj`) and clipping (`cell_clip`).

    Args:
        num_units: int, the number of units in the LSTM cell.
        use_peepholes: bool, whether the gates also see the cell state through diagonal
            ("peephole") weights `w_f_diag`, `w_i_diag` (previous cell state) and
            `w_o_diag` (new cell state), as in Sak et al. (2014).
        cell_clip: optional float, the cell state is clipped to [-cell_clip, cell_clip].
        initializer: the initializer of the weight matrices.
        num_proj: optional int, the output dimensionality of the projection matrix.
        forget_bias, state_is_tuple, activation: as in `BasicLSTMCell`.
    """

    _default_name = "lstm_cell"

    def __init__(self, num_units, use_peepholes=False, cell_clip=None, initializer=None,
                 num_proj=None, proj_clip=None, num_unit_shards=None, num_proj_shards=None,
                 forget_bias=1.0, state_is_tuple=True, activation=None, reuse=None, name=None,
                 dtype=None):
        super().__init__(num_units, forget_bias, state_is_tuple, activation, reuse, name, dtype)
        self._use_peepholes = bool(use_peepholes)
        self._cell_clip = cell_clip
        self._initializer = initializer
        self._num_proj = num_proj
        self._proj_clip = proj_clip

    @property
    def state_size(self):
        h = self._num_proj or self._num_units
        return LSTMStateTuple(self._num_units, h) if self._state_is_tuple else \
            self._num_units + h

    @property
    def output_size(self):
        return self._num_proj or self._num_units

    def build(self, depth, dtype):
        u = self._num_units
        h = self._num_proj or u
        weights = {"kernel": _var("kernel", [depth + h, 4 * u], dtype, self._initializer),
                   "bias": _var("bias", [4 * u], dtype, ndflow.zeros_initializer())}
        if self._use_peepholes:
            for diag in ("w_f_diag", "w_i_diag", "w_o_diag"):
                weights[diag] = _var(diag, [u], dtype, self._initializer)
        if self._num_proj:
            with _vs.variable_scope("projection"):
                weights["projection"] = _var("kernel", [u, self._num_proj], dtype,
                                             self._initializer)
        return weights

    def _split_state(self, state):
        if self._state_is_tuple:
            return state
        return state[:, :self._num_units], state[:, self._num_units:]

    def call(self, inputs, state):
        c, h = self._split_state(state)
        i, j, f, o = ndflow.split(_linear(self, inputs, h), 4, axis=1)
        if self._use_peepholes:
            f = f + self._weight("w_f_diag") * c
            i = i + self._weight("w_i_diag") * c
        new_c = c * ndflow.sigmoid(f + self._forget_bias) + ndflow.sigmoid(i) * \
            self._activation(j)
        if self._cell_clip is not None:
            new_c = ndflow.clip_by_value(new_c, -self._cell_clip, self._cell_clip)
        if self._use_peepholes:
            o = o + self._weight("w_o_diag") * new_c
        m = self._activation(new_c) * ndflow.sigmoid(o)
        if self._num_proj:
            m = ndflow.matmul(m, self._weight("projection"))
            if self._proj_clip is not None:
                m = ndflow.clip_by_value(m, -self._proj_clip, self._proj_clip)
        return m, self._join_state(new_c, m)


class GRUCell(RNNCell):
    """Gated Recurrent Unit cell (Cho et al. 2014), TensorFlow 1's layout: `gates/kernel`
    `[input_depth + units, 2 * units]` (r, u; bias initialized to 1.0) and
    `candidate/kernel` `[input_depth + units, units]`."""

    _default_name = "gru_cell"

    def __init__(self, num_units, activation=None, reuse=None, kernel_initializer=None,
                 bias_initializer=None, name=None, dtype=None):
        super().__init__(num_units, activation, reuse, name, dtype)
        self._kernel_initializer = kernel_initializer
        self._bias_initializer = bias_initializer

    def build(self, depth, dtype):
        u = self._num_units
        k_init = self._kernel_initializer
        with _vs.variable_scope("gates"):
            gates = {"gates/kernel": _var("kernel", [depth + u, 2 * u], dtype, k_init),
                     "gates/bias": _var("bias", [2 * u], dtype, self._bias_initializer or
                                        ndflow.constant_initializer(1.0))}
        with _vs.variable_scope("candidate"):
            gates.update({"candidate/kernel": _var("kernel", [depth + u, u], dtype, k_init),
                          "candidate/bias": _var("bias", [u], dtype, self._bias_initializer
                                                 or ndflow.zeros_initializer())})
        return gates

    def call(self, inputs, state):
        value = ndflow.sigmoid(_linear(self, inputs, state, "gates/kernel", "gates/bias"))
        r, u = ndflow.split(value, 2, axis=1)
        c = self._activation(_linear(self, inputs, r * state, "candidate/kernel",
                                     "candidate/bias"))
        new_h = u * state + (1 - u) * c
        return new_h, new_h


class MultiRNNCell(RNNCell):
    """RNN cell composed sequentially of multiple simple cells (scopes `cell_0`, ...)."""

    _default_name = "multi_rnn_cell"

    def __init__(self, cells, state_is_tuple=True):
        super().__init__()
        if not cells:
            raise ValueError("Must specify at least one cell for MultiRNNCell.")
        self._cells_list = list(cells)
        self._state_is_tuple = state_is_tuple

    @property
    def state_size(self):
        return tuple(c.state_size for c in self._cells_list)

    @property
    def output_size(self):
        return self._cells_list[-1].output_size

    def __call__(self, inputs, state, scope=None):
        with _vs.variable_scope(scope or self._name or self._default_name):
            out = ndflow.convert_to_tensor(inputs)
            new_states = []
            for i, (cell, s) in enumerate(zip(self._cells_list, state)):
                with _vs.variable_scope(f"cell_{i}"):
                    out, ns = cell(out, s)
                new_states.append(ns)
        return out, tuple(new_states)

    def _cells(self):
        out = []
        for c in self._cells_list:
            out.extend(c._cells())
        return out


class Wrapper(RNNCell):
    """A cell around `cell`, with its state: subclasses change the inputs or the outputs."""

    def __init__(self, cell, name=None):
        super().__init__(name=name)
        self._cell = cell

    @property
    def state_size(self):
        return self._cell.state_size

    @property
    def output_size(self):
        return self._cell.output_size

    def zero_state(self, batch_size, dtype):
        return self._cell.zero_state(batch_size, dtype)

    def _cells(self):
        return self._cell._cells()


class DropoutWrapper(Wrapper):
    """Dropout on the inputs, outputs and state of `cell` (keep probabilities)."""

    def __init__(self, cell, input_keep_prob=1.0, output_keep_prob=1.0, state_keep_prob=1.0,
                 variational_recurrent=False, input_size=None, dtype=None, seed=None,
                 dropout_state_filter_visitor=None):
        super().__init__(cell)
        self._keep = (input_keep_prob, output_keep_prob, state_keep_prob)
        self._seed = seed

    def _drop(self, x, keep):
        if isinstance(keep, (int, float)) and keep >= 1.0:
            return x
        return ndflow.nn.dropout(x, rate=1.0 - keep, seed=self._seed)

    def __call__(self, inputs, state, scope=None):
        inputs = self._drop(ndflow.convert_to_tensor(inputs), self._keep[0])
        out, new_state = self._cell(inputs, state, scope)
        out = self._drop(out, self._keep[1])
        if not (isinstance(self._keep[2], (int, float)) and self._keep[2] >= 1.0):
            new_state = _pack(new_state, [self._drop(s, self._keep[2])
                                          for s in _flatten(new_state)])
        return out, new_state


@contextlib.contextmanager
def _weights_read_once(cell):
    with contextlib.ExitStack() as stack:
        for c in cell._cells():
            stack.enter_context(c._read_once())
        yield


def _initial(cell, batch, dtype, initial_state):
    if initial_state is not None:
        return initial_state
    if dtype is None:
        raise ValueError("If there is no initial_state, you must give a dtype.")
    return cell.zero_state(batch, dtype)


# --- fused recurrences ----------------------------------------------------------------------

def _is_tanh(fn):
    while hasattr(fn, "__wrapped__"):
        fn = fn.__wrapped__
    return fn is ndflow.tanh or fn is ndflow.nn.tanh


def _fused_kind(cell):
    """The cell class whose fused recurrence `cell` runs (LSTMBlockCell: LSTMCell's)."""
    return getattr(type(cell), "_fuses_as", type(cell))


def _fusable(cell):
    """Whether `cell` runs as one fused op (its activation the default tanh)."""
    kind = _fused_kind(cell)
    if kind is MultiRNNCell:
        return all(_fusable(c) for c in cell._cells_list)
    if kind is LSTMCell:
        if cell._use_peepholes or cell._num_proj or cell._cell_clip is not None:
            return False
    elif kind not in (BasicLSTMCell, GRUCell, BasicRNNCell):
        return False
    return _is_tanh(cell._activation)


def _projection(x, kernel, bias=None):
    """(time, batch, width) = x_t @ kernel (+ bias) for every step of a time-major x, as one
    GEMM."""
    dims = ndflow.shape(x)
    depth, width = kernel.shape.as_list()
    flat = ndflow.matmul(ndflow.reshape(x, [-1, depth]), kernel)
    if bias is not None:
        flat = flat + bias
    xw = ndflow.reshape(flat, ndflow.stack([dims[0], dims[1], width]))
    return _static(xw, x.shape.as_list()[:2] + [width])


def _static(t, dims):
    if hasattr(t, "set_shape"):  # a graph tensor loses static dims through the reshape
        t.set_shape(dims)
    return t


def _fused_lstm(cell, x, state, mask):
    c0, h0 = cell._split_state(state)
    kernel, bias = cell._weights["kernel"], cell._weights["bias"]
    depth = kernel.shape.as_list()[0] - cell._num_units
    i, j, f, o = ndflow.split(kernel, 4, axis=1)   # TF1's gates i, j, f, o -> i, f, j, o
    kernel = ndflow.concat([i, f, j, o], axis=1)
    bi, bj, bf, bo = ndflow.split(bias, 4)
    bias = ndflow.concat([bi, bf + cell._forget_bias, bj, bo], axis=0)
    hs, cs = rnn_ops.lstm_sequence(_projection(x, kernel[:depth]), h0, c0, kernel[depth:],
                                   bias, mask)
    return hs, cell._join_state(cs[-1], hs[-1])


def _fused_gru(cell, x, state, mask):
    w = cell._weights
    kernel_r, kernel_u = ndflow.split(w["gates/kernel"], 2, axis=1)   # TF1's r, u -> u, r, c
    kernel = ndflow.concat([kernel_u, kernel_r, w["candidate/kernel"]], axis=1)
    bias_r, bias_u = ndflow.split(w["gates/bias"], 2)
    bias = ndflow.concat([bias_u, bias_r, w["candidate/bias"]], axis=0)
    depth = kernel.shape.as_list()[0] - cell._num_units
    hs = rnn_ops.gru_sequence(_projection(x, kernel[:depth], bias), state, kernel[depth:],
                              ndflow.zeros_like(bias), mask, reset_after=False)
    return hs, hs[-1]


def _fused_basic_rnn(cell, x, state, mask):
    kernel = cell._weights["kernel"]
    depth = kernel.shape.as_list()[0] - cell._num_units
    hs = rnn_ops.simple_rnn_sequence(_projection(x, kernel[:depth], cell._weights["bias"]),
                                     state, kernel[depth:], mask)
    return hs, hs[-1]


_FUSED = {BasicLSTMCell: _fused_lstm, LSTMCell: _fused_lstm, GRUCell: _fused_gru,
          BasicRNNCell: _fused_basic_rnn}


def _fused_rnn(cell, x, state, lengths):
    """(time-major outputs, final state) of a fusable `cell` (built) over the time-major x:
    zeros past each length, the state of the last valid step."""
    mask = None
    if lengths is not None:
        mask = ndflow.transpose(ndflow.sequence_mask(lengths, ndflow.shape(x)[0]))
    if type(cell) is MultiRNNCell:   # layer by layer: each layer is one fused op
        states = []
        for c, s in zip(cell._cells_list, state):
            x, s = _FUSED[_fused_kind(c)](c, x, s, mask)
            states.append(s)
        final = tuple(states)
    else:
        x, final = _FUSED[_fused_kind(cell)](cell, x, state, mask)
    if mask is not None:
        x = ndflow.where(ndflow.expand_dims(mask, -1), x, ndflow.zeros_like(x))
    return x, final


def dynamic_rnn(cell, inputs, sequence_length=None, initial_state=None, dtype=None,
                parallel_iterations=None, swap_memory=False, time_major=False, scope=None):
    """Creates a recurrent neural network specified by RNNCell `cell`, looping over time
    with one `tf.while_loop`.

    Returns:
      A pair (outputs, state): outputs `[batch, max_time, cell.output_size]`
      (`[max_time, batch, ...]` if `time_major`), zeros past each `sequence_length`; state
      the final state (at each example's last valid step).
    """
    x = ndflow.convert_to_tensor(inputs)
    if not time_major:
        x = ndflow.transpose(x, [1, 0, 2])
    steps, batch = ndflow.shape(x)[0], ndflow.shape(x)[1]
    static_batch = x.shape.as_list()[1]
    with _vs.variable_scope(scope or "rnn"):
        state = _initial(cell, static_batch if static_batch is not None else batch,
                         dtype, initial_state)
        # The first step builds the variables outside the loop (its result gives only the
        # outputs' dtype and shape: an EmbeddingWrapper's ids make floats).
        first, _ = cell(x[0], state)
        lengths = None if sequence_length is None else ndflow.cast(sequence_length, "int32")
        if _fusable(cell):
            outputs, final = _fused_rnn(cell, x, state, lengths)
            return (outputs if time_major else ndflow.transpose(outputs, [1, 0, 2])), final
        flat_state = _flatten(state)
        inputs_ta = ndflow.TensorArray(x.dtype, size=steps).unstack(x)
        out_ta = ndflow.TensorArray(first.dtype, size=steps)

        def body(t, ta, *carried):
            old = _pack(state, list(carried))
            out, new = cell(inputs_ta.read(t), old)
            new_flat = _flatten(new)
            if lengths is not None:
                alive = ndflow.expand_dims(ndflow.less(t, lengths), 1)
                out = ndflow.where(alive, out, ndflow.zeros_like(out))
                new_flat = [ndflow.where(alive, n, o) for n, o in zip(new_flat, carried)]
            return (t + 1, ta.write(t, out)) + tuple(new_flat)

        with _weights_read_once(cell):
            result = ndflow.while_loop(lambda t, *_: t < steps, body,
                                       (ndflow.constant(0), out_ta) + tuple(flat_state))
    outputs = result[1].stack()
    outputs.set_shape(ndflow.TensorShape(x.shape[:1]).concatenate(first.shape))
    if not time_major:
        outputs = ndflow.transpose(outputs, [1, 0, 2])
    return outputs, _pack(state, list(result[2:]))


def static_rnn(cell, inputs, initial_state=None, dtype=None, sequence_length=None,
               scope=None):
    """Creates a recurrent neural network unrolled over the list `inputs` of
    `[batch, input_size]` tensors. Returns (outputs list, final state)."""
    if not isinstance(inputs, (list, tuple)) or not inputs:
        raise TypeError("static_rnn: inputs must be a non-empty list of tensors.")
    first = ndflow.convert_to_tensor(inputs[0])
    batch = first.shape.as_list()[0]
    with _vs.variable_scope(scope or "rnn"):
        state = _initial(cell, batch if batch is not None else ndflow.shape(first)[0],
                         dtype, initial_state)
        lengths = None if sequence_length is None else ndflow.cast(sequence_length, "int32")
        if _fusable(cell):
            cell(first, state)   # builds the variables (the result is unused)
            outputs, final = _fused_rnn(cell, ndflow.stack(inputs), state, lengths)
            return ndflow.unstack(outputs, num=len(inputs)), final
        outputs = []
        for t, x in enumerate(inputs):
            out, new = cell(x, state)
            if lengths is not None:
                alive = ndflow.expand_dims(ndflow.less(t, lengths), 1)
                out = ndflow.where(alive, out, ndflow.zeros_like(out))
                new = _pack(new, [ndflow.where(alive, n, o) for n, o in
                                  zip(_flatten(new), _flatten(state))])
            outputs.append(out)
            state = new
    return outputs, state


def _reverse(x, lengths, time_axis):
    """Reverses the first `lengths[b]` steps of every example (tf.reverse_sequence)."""
    if lengths is None:
        return ndflow.reverse(x, [time_axis])
    xt = x if time_axis == 1 else ndflow.transpose(x, [1, 0, 2])
    steps = ndflow.shape(xt)[1]
    t = ndflow.expand_dims(ndflow.range(steps), 0)
    lens = ndflow.expand_dims(ndflow.cast(lengths, "int32"), 1)
    index = ndflow.where(t < lens, lens - 1 - t, t + 0 * lens)
    batch_index = ndflow.expand_dims(ndflow.range(ndflow.shape(xt)[0]), 1) + 0 * index
    out = ndflow.gather_nd(xt, ndflow.stack([batch_index, index], axis=-1))
    return out if time_axis == 1 else ndflow.transpose(out, [1, 0, 2])


def bidirectional_dynamic_rnn(cell_fw, cell_bw, inputs, sequence_length=None,
                              initial_state_fw=None, initial_state_bw=None, dtype=None,
                              parallel_iterations=None, swap_memory=False, time_major=False,
                              scope=None):
    """A forward and a backward `dynamic_rnn` (scopes `bidirectional_rnn/fw` and `/bw`).

    Returns:
      ((output_fw, output_bw), (state_fw, state_bw)), the backward outputs reversed back
      into time order.
    """
    time_axis = 0 if time_major else 1
    with _vs.variable_scope(scope or "bidirectional_rnn"):
        with _vs.variable_scope("fw") as fw_scope:
            out_fw, state_fw = dynamic_rnn(cell_fw, inputs, sequence_length, initial_state_fw,
                                           dtype, time_major=time_major, scope=fw_scope)
        with _vs.variable_scope("bw") as bw_scope:
            rev = _reverse(ndflow.convert_to_tensor(inputs), sequence_length, time_axis)
            out_bw, state_bw = dynamic_rnn(cell_bw, rev, sequence_length, initial_state_bw,
                                           dtype, time_major=time_major, scope=bw_scope)
    return (out_fw, _reverse(out_bw, sequence_length, time_axis)), (state_fw, state_bw)


def _reverse_list(steps, lengths):
    """The list of `[batch, depth]` steps with each example's first `lengths` reversed."""
    if lengths is None:
        return list(reversed(steps))
    rev = _reverse(ndflow.stack(steps, axis=1), lengths, 1)
    return ndflow.unstack(rev, num=len(steps), axis=1)


def _check_cell(cell, name):
    if not isinstance(cell, RNNCell):
        raise TypeError(f"{name} must be an instance of RNNCell. Received: {cell!r}")


def static_bidirectional_rnn(cell_fw, cell_bw, inputs, initial_state_fw=None,
                             initial_state_bw=None, dtype=None, sequence_length=None,
                             scope=None):
    """A forward and a backward `static_rnn` over the list `inputs` (scopes
    `bidirectional_rnn/fw` and `/bw`); the backward one reads each example's first
    `sequence_length` steps in reverse.

    Returns:
      (outputs, output_state_fw, output_state_bw): `outputs` a list with, for every step,
      the forward and backward outputs concatenated along the depth axis.
    """
    _check_cell(cell_fw, "cell_fw")
    _check_cell(cell_bw, "cell_bw")
    if not isinstance(inputs, (list, tuple)) or not inputs:
        raise TypeError("static_bidirectional_rnn: inputs must be a non-empty list of "
                        f"tensors. Received: {inputs!r}")
    with _vs.variable_scope(scope or "bidirectional_rnn"):
        with _vs.variable_scope("fw") as fw_scope:
            out_fw, state_fw = static_rnn(cell_fw, inputs, initial_state_fw, dtype,
                                          sequence_length, scope=fw_scope)
        with _vs.variable_scope("bw") as bw_scope:
            out_bw, state_bw = static_rnn(cell_bw, _reverse_list(inputs, sequence_length),
                                          initial_state_bw, dtype, sequence_length,
                                          scope=bw_scope)
            out_bw = _reverse_list(out_bw, sequence_length)
    outputs = [ndflow.concat([f, b], axis=1) for f, b in zip(out_fw, out_bw)]
    return outputs, state_fw, state_bw


def _stack_cells(cells_fw, cells_bw, initial_states_fw, initial_states_bw):
    if not cells_fw:
        raise ValueError("Must specify at least one fw cell for BidirectionalRNN.")
    if not cells_bw:
        raise ValueError("Must specify at least one bw cell for BidirectionalRNN.")
    if not isinstance(cells_fw, list):
        raise ValueError("cells_fw must be a list of RNNCells (one per layer).")
    if not isinstance(cells_bw, list):
        raise ValueError("cells_bw must be a list of RNNCells (one per layer).")
    if len(cells_fw) != len(cells_bw):
        raise ValueError("Forward and Backward cells must have the same depth. Received: "
                         f"{len(cells_fw)} and {len(cells_bw)} cells.")
    for states, name in ((initial_states_fw, "fw"), (initial_states_bw, "bw")):
        if states is not None and (not isinstance(states, (list, tuple))
                                   or len(states) != len(cells_fw)):
            raise ValueError(f"initial_states_{name} must be a list of state tensors (one "
                             "per layer).")
    n = len(cells_fw)
    return zip(range(n), cells_fw, cells_bw, initial_states_fw or [None] * n,
               initial_states_bw or [None] * n)


def stack_bidirectional_dynamic_rnn(cells_fw, cells_bw, inputs, initial_states_fw=None,
                                    initial_states_bw=None, dtype=None, sequence_length=None,
                                    parallel_iterations=None, time_major=False, scope=None,
                                    swap_memory=False):
    """Stacked bidirectional layers (tf.contrib.rnn): layer `i` is a
    `bidirectional_dynamic_rnn` of `cells_fw[i]` and `cells_bw[i]` (scope
    `stack_bidirectional_rnn/cell_<i>`) over the depth-concatenated outputs of layer i-1.

    Returns:
      (outputs, output_states_fw, output_states_bw): the last layer's concatenated outputs
      and tuples of every layer's final forward and backward states.
    """
    layers = _stack_cells(cells_fw, cells_bw, initial_states_fw, initial_states_bw)
    states_fw, states_bw = [], []
    prev = inputs
    with _vs.variable_scope(scope or "stack_bidirectional_rnn"):
        for i, cell_fw, cell_bw, init_fw, init_bw in layers:
            with _vs.variable_scope(f"cell_{i}"):
                outputs, (state_fw, state_bw) = bidirectional_dynamic_rnn(
                    cell_fw, cell_bw, prev, sequence_length, init_fw, init_bw, dtype,
                    time_major=time_major)
                prev = ndflow.concat(outputs, axis=2)
            states_fw.append(state_fw)
            states_bw.append(state_bw)
    return prev, tuple(states_fw), tuple(states_bw)


def stack_bidirectional_rnn(cells_fw, cells_bw, inputs, initial_states_fw=None,
                            initial_states_bw=None, dtype=None, sequence_length=None,
                            scope=None):
    """Stacked `static_bidirectional_rnn` layers (tf.contrib.rnn; scopes
    `stack_bidirectional_rnn/cell_<i>`) over a list of `[batch, depth]` inputs.

    Returns:
      (outputs, output_states_fw, output_states_bw), `outputs` a list of the last layer's
      concatenated outputs.
    """
    layers = _stack_cells(cells_fw, cells_bw, initial_states_fw, initial_states_bw)
    states_fw, states_bw = [], []
    prev = inputs
    with _vs.variable_scope(scope or "stack_bidirectional_rnn"):
        for i, cell_fw, cell_bw, init_fw, init_bw in layers:
            with _vs.variable_scope(f"cell_{i}"):
                prev, state_fw, state_bw = static_bidirectional_rnn(
                    cell_fw, cell_bw, prev, init_fw, init_bw, dtype, sequence_length)
            states_fw.append(state_fw)
            states_bw.append(state_bw)
    return prev, tuple(states_fw), tuple(states_bw)


def embedding_lookup(params, ids, partition_strategy="mod", name=None, validate_indices=True,
                     max_norm=None):
    """Looks up `ids` in the embedding tensor `params` (a gather along axis 0)."""
    if isinstance(params, (list, tuple)):
        if len(params) != 1:
            raise ValueError("embedding_lookup: sharded params are not supported; pass one "
                             "tensor.")
        params = params[0]
    return ndflow.gather(params, ids)


def sequence_loss(logits, targets, weights, average_across_timesteps=True,
                  average_across_batch=True, sum_over_timesteps=False, sum_over_batch=False,
                  softmax_loss_function=None, name=None):
    """tf.contrib.seq2seq.sequence_loss: weighted softmax cross-entropy of
    `[batch, time, classes]` logits against `[batch, time]` targets.

    `average_across_*` divide the weighted sums by the summed weights; TensorFlow Addons'
    `sum_over_*` sum over the axis and divide by the number of nonzero weights. With no flag
    set the `[batch, time]` weighted losses are returned.
    """
    if (average_across_timesteps and sum_over_timesteps) or (average_across_batch and
                                                            sum_over_batch):
        raise ValueError("sequence_loss: average_across_* and sum_over_* of the same axis "
                         "cannot both be set.")
    if softmax_loss_function is None:
        ce = ndflow.nn.sparse_softmax_cross_entropy_with_logits(labels=targets, logits=logits)
    else:
        ce = softmax_loss_function(labels=targets, logits=logits)
    weights = ndflow.cast(weights, ce.dtype)
    ce = ce * weights
    divide = ndflow.math.divide_no_nan   # no weight at all: a zero loss, as TensorFlow
    if average_across_timesteps and average_across_batch:
        return divide(ndflow.reduce_sum(ce), ndflow.reduce_sum(weights))
    if sum_over_timesteps or sum_over_batch:   # tfa's: divided by the nonzero weights
        if average_across_timesteps or average_across_batch:
            raise NotImplementedError("sequence_loss: average_across_* with sum_over_* of "
                                      "the other axis is not supported.")
        axis = None if sum_over_timesteps and sum_over_batch else \
            (1 if sum_over_timesteps else 0)
        count = ndflow.reduce_sum(ndflow.cast(ndflow.not_equal(weights, 0), ce.dtype), axis)
        return divide(ndflow.reduce_sum(ce, axis), count)
    if average_across_batch:
        return divide(ndflow.reduce_sum(ce, axis=0), ndflow.reduce_sum(weights, axis=0))
    if average_across_timesteps:
        return divide(ndflow.reduce_sum(ce, axis=1), ndflow.reduce_sum(weights, axis=1))
    return ce


rnn_cell = collections.namedtuple("rnn_cell", (
    "RNNCell", "BasicRNNCell", "BasicLSTMCell", "LSTMCell", "GRUCell", "MultiRNNCell",
    "DropoutWrapper", "LSTMStateTuple"))(RNNCell, BasicRNNCell, BasicLSTMCell, LSTMCell,
                                         GRUCell, MultiRNNCell, DropoutWrapper, LSTMStateTuple)
