"""keras.layers.RNN: a recurrent layer running any cell over the time axis.

The loop over time runs a cell step `output, new_states = cell(x_t, states)`:
- eagerly, as a Python loop over the unstacked timesteps (the tape records every step);
- while a graph is built (tf.function, fit, TF1), as one `tf.while_loop` reading the
  timesteps from a TensorArray, so the number of timesteps may change from batch to batch
  and the loop is one While op; `unroll=True` with a known length unrolls it instead.
A mask (batch, time) keeps the previous states (and output) at masked timesteps.
"""
import contextlib

import numpy as np

import ndflow

from ....framework.graph import graph_for_building
from ....ops import functional_ops
from ....ops.tensor_array_ops import TensorArray
from ....util import nest
from ..base import InputSpec, Layer, shape_tuple
from .dropout_rnn_cell import DropoutRNNCell


def state_structure(state_size):
    """The state sizes as a (possibly nested) list: an int becomes [int]."""
    if isinstance(state_size, (list, tuple)) and not _is_shape(state_size):
        return [state_structure(s) if isinstance(s, (list, tuple)) and not _is_shape(s)
                else _as_size(s) for s in state_size]
    return [_as_size(state_size)]


def _is_shape(s):
    """A tuple of ints is one state's shape (ConvLSTM's (rows, cols, filters))."""
    return isinstance(s, tuple) and len(s) > 1 and all(isinstance(d, (int, np.integer))
                                                       for d in s)


def _as_size(s):
    if hasattr(s, "as_list"):
        s = tuple(s.as_list())
    if isinstance(s, (tuple, list)) and len(s) == 1:
        s = s[0]
    return tuple(int(d) for d in s) if isinstance(s, tuple) else int(s)


def flat_state_sizes(state_size):
    out = []

    def walk(s):
        if isinstance(s, list):
            for x in s:
                walk(x)
        else:
            out.append(s)
    walk(state_structure(state_size))
    return out


def pack_states(state_size, flat):
    """Flat state tensors back into the structure the cell's `call` receives."""
    struct = state_structure(state_size)
    it = iter(flat)

    def fill(s):
        return [fill(x) for x in s] if isinstance(s, list) else next(it)
    return fill(struct)


def batch_size_of(value):
    """A batch size from a number, a scalar tensor, or (tf.keras 2's spelling of
    `get_initial_state(inputs)`) the input sequences, whose first dimension it is."""
    first = nest.flatten(value)[0] if value is not None else None
    if getattr(getattr(first, "shape", None), "rank", 0):
        return first.shape[0] if first.shape[0] is not None else ndflow.shape(first)[0]
    return value


def zero_states(state_size, batch_size, dtype):
    """Zeros of shape (batch, *size) for every state (`batch_size` as `batch_size_of` takes)."""
    batch_size = batch_size_of(batch_size)
    return [ndflow.zeros(_batch_shape(batch_size, size), dtype=dtype)
            for size in flat_state_sizes(state_size)]


def _batch_shape(batch_size, size):
    dims = list(size) if isinstance(size, tuple) else [size]
    if isinstance(batch_size, (int, np.integer)):
        return [int(batch_size)] + dims
    return ndflow.stack([batch_size] + [ndflow.constant(d, "int32") for d in dims])


def _call_accepts(fn, name):
    import inspect
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
    return name in params or any(p.kind is p.VAR_KEYWORD for p in params.values())


def _select(mask, new, old):
    """where(mask, new, old) with a (batch,) boolean mask broadcast over the other axes."""
    m = mask
    for _ in range(max(0, (new.shape.rank or 2) - 1)):
        m = ndflow.expand_dims(m, -1)
    return ndflow.where(m, new, old)


@contextlib.contextmanager
def _weights_read_once(cell):
    """While the loop body is traced, the cell's weight attributes hold one read of each
    variable made before the loop: the body captures tensors instead of reading variables
    at every iteration (and gradients reach the variables through those reads)."""
    from ....framework.variables import Variable
    layers = cell._flatten_layers() if isinstance(cell, Layer) else []
    swapped = []
    for layer in layers:
        for name, value in list(vars(layer).items()):
            if isinstance(value, Variable):
                swapped.append((layer, name, value))
                object.__setattr__(layer, name, ndflow.identity(value))
    try:
        yield
    finally:
        for layer, name, value in swapped:
            object.__setattr__(layer, name, value)


class RNN(Layer):
    """Base class for recurrent layers.

    Args:
        cell: A RNN cell instance or a list of RNN cell instances. A cell is an object with
            a `call(input_at_t, states_at_t)` method returning `(output_at_t,
            states_at_t_plus_1)` and a `state_size` attribute (an integer or a list of
            integers, one per state). It may define `output_size` and
            `get_initial_state(batch_size)`. A list of cells is wrapped in
            `StackedRNNCells`.
        return_sequences: Boolean (default `False`). Whether to return the last output in
            the output sequence, or the full sequence.
        return_state: Boolean (default `False`). Whether to return the last state in
            addition to the output.
        go_backwards: Boolean (default `False`). If `True`, process the input sequence
            backwards and return the reversed sequence.
        stateful: Boolean (default `False`). If `True`, the last state for each sample at
            index `i` in a batch will be used as initial state for the sample of index `i`
            in the following batch.
        unroll: Boolean (default `False`). If `True`, the network will be unrolled, else a
            symbolic loop will be used. Unrolling needs a known number of timesteps.
        zero_output_for_mask: Boolean (default `False`). Whether the output should use
            zeros for the masked timesteps (else the previous output is repeated).

    Call arguments:
        sequences: A 3-D tensor with shape `(batch_size, timesteps, features)`.
        initial_state: List of initial state tensors to be passed to the first call of
            the cell.
        mask: Binary tensor of shape `[batch_size, timesteps]` indicating whether a given
            timestep should be masked.
        training: Python boolean indicating whether the layer should behave in training
            mode or in inference mode (it matters for cells with dropout).
    """

    def __init__(self, cell, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, zero_output_for_mask=False, **kwargs):
        if isinstance(cell, (list, tuple)):
            from .stacked_rnn_cells import StackedRNNCells
            cell = StackedRNNCells(cell)
        if "call" not in dir(cell):
            raise ValueError("Argument `cell` should have a `call` method. "
                             f"Received: cell={cell}")
        if "state_size" not in dir(cell):
            raise ValueError("The RNN cell should have a `state_size` attribute (single "
                             "integer or list of integers, one integer per RNN state). "
                             f"Received: cell={cell}")
        super().__init__(**kwargs)
        self.cell = cell
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)
        self.go_backwards = bool(go_backwards)
        self.stateful = bool(stateful)
        self.unroll = bool(unroll)
        self.zero_output_for_mask = bool(zero_output_for_mask)
        self.supports_masking = True
        self.input_spec = InputSpec(min_ndim=3)
        self._nd_state_vars = None
        self._nd_cell_training = _call_accepts(cell.call, "training")

    # --- shapes and states ---------------------------------------------------------------
    @property
    def state_size(self):
        return self.cell.state_size

    @property
    def output_size(self):
        size = getattr(self.cell, "output_size", None)
        return size if size is not None else flat_state_sizes(self.cell.state_size)[0]

    @property
    def states(self):
        return self._nd_state_vars

    def build(self, sequences_shape, initial_state_shape=None):
        sequences_shape = tuple(sequences_shape)
        step_shape = (sequences_shape[0],) + tuple(sequences_shape[2:])
        if isinstance(self.cell, Layer) and not self.cell.built:
            self.cell._maybe_build_from_shapes(step_shape)
        if self.stateful:
            batch = sequences_shape[0]
            if batch is None:
                raise ValueError("When using `stateful=True` in a RNN, the batch size must be "
                                 "static. Found dynamic batch size: sequence.shape="
                                 f"{sequences_shape}")
            from ....framework.variables import Variable
            self._nd_state_vars = []
            for i, size in enumerate(flat_state_sizes(self.cell.state_size)):
                shape = [batch] + (list(size) if isinstance(size, tuple) else [size])
                # not a weight (as in Keras 3): get_weights() and weight files hold only
                # the cell's kernels, in Keras's order
                var = Variable(np.zeros(shape, self.variable_dtype), trainable=False,
                               name=f"{self.name}/rnn_state_{i}")
                var._nd_keras_name = "rnn_state"
                self._nd_state_vars.append(var)
        self.built = True

    def get_initial_state(self, batch_size):
        """Zero states for `batch_size` sequences (a number or a scalar tensor).

        tf.keras 2's spelling, `get_initial_state(inputs)` with the layer's input sequences,
        is accepted too: the batch size is then their first dimension.
        """
        batch_size = batch_size_of(batch_size)
        fn = getattr(self.cell, "get_initial_state", None)
        if fn is not None:
            return nest.flatten(fn(batch_size))
        return zero_states(self.cell.state_size, batch_size, self.compute_dtype)

    def reset_states(self):
        """Resets the states of a stateful RNN to zeros."""
        if self._nd_state_vars is None:
            raise AttributeError(f"Layer {self.name} is not stateful: it has no states to "
                                 "reset.")
        for var in self._nd_state_vars:
            var.assign(np.zeros(var.shape.as_list(), var.dtype._np))

    reset_state = reset_states

    # --- call ------------------------------------------------------------------------------
    def call(self, sequences, initial_state=None, mask=None, training=False):
        x = sequences
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        if mask is not None and mask.dtype.name != "bool":
            mask = ndflow.cast(mask, "bool")
        batch = shape_tuple(x)[0]
        if batch is None:
            batch = ndflow.shape(x)[0]
        if initial_state is not None:
            states = [ndflow.convert_to_tensor(s) for s in nest.flatten(initial_state)]
            expected = len(flat_state_sizes(self.cell.state_size))
            if len(states) != expected:
                raise ValueError(f"Layer {self.name} expects {expected} state(s) in "
                                 f"`initial_state`, but it received {len(states)} initial "
                                 f"state tensor(s): {initial_state}")
        elif self.stateful:
            states = [ndflow.identity(v) for v in self._nd_state_vars]
        else:
            states = self.get_initial_state(batch)
        states = [ndflow.cast(s, x.dtype) if s.dtype != x.dtype else s for s in states]
        if self.go_backwards:
            x = ndflow.reverse(x, [1])
            if mask is not None:
                mask = ndflow.reverse(mask, [1])
        if training:
            self._prepare_dropout(x, states)
        try:
            last, outputs, new_states = self._loop(x, states, mask, training)
        finally:
            self._reset_dropout()
        if self.stateful:
            for var, s in zip(self._nd_state_vars, new_states):
                var.assign(s)
        output = outputs if self.return_sequences else last
        if self.return_state:
            return (output,) + tuple(self._state_outputs(new_states))
        return output

    def _state_outputs(self, flat):
        """The states as `call` returns them: flat, or one list per cell of a stack."""
        cells = getattr(self.cell, "cells", None)
        if cells is None:
            return list(flat)
        out, i = [], 0
        for cell in cells:
            n = len(flat_state_sizes(cell.state_size))
            out.append(list(flat[i:i + n]))
            i += n
        return out

    def compute_mask(self, inputs, mask=None):
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            n = len(getattr(self.cell, "cells", None) or
                    flat_state_sizes(self.cell.state_size))
            return [output_mask] + [None] * n
        return output_mask

    def _prepare_dropout(self, x, states):
        """Draws each cell's dropout masks once, before the loop over time."""
        cells = getattr(self.cell, "cells", [self.cell])
        step_input = x[:, 0]
        i = 0
        for cell in cells:
            n = len(flat_state_sizes(cell.state_size))
            if isinstance(cell, DropoutRNNCell):
                cell.get_dropout_mask(step_input)
                cell.get_recurrent_dropout_mask(states[i])
            size = getattr(cell, "output_size", None) or flat_state_sizes(cell.state_size)[0]
            step_input = ndflow.zeros_like(states[i]) if size == flat_state_sizes(
                cell.state_size)[0] else step_input
            i += n

    def _reset_dropout(self):
        for cell in getattr(self.cell, "cells", [self.cell]):
            if isinstance(cell, DropoutRNNCell):
                cell.reset_dropout_mask()
                cell.reset_recurrent_dropout_mask()

    def _step(self, x_t, states, training):
        packed = pack_states(self.cell.state_size, states)
        if self._nd_cell_training:
            out, new = self.cell.call(x_t, packed, training=training)
        else:
            out, new = self.cell.call(x_t, packed)
        new = nest.flatten(new)
        if len(new) != len(states):
            raise ValueError(f"The cell of layer {self.name} returned {len(new)} states; its "
                             f"state_size {self.cell.state_size} describes {len(states)}.")
        return out, new

    def _fused_loop(self, x, states, mask, training):
        """(last, sequence, states) from a fused recurrence (plain LSTM, GRU and SimpleRNN
        cells: see fused.py), or None for the general loop."""
        from .fused import fused_loop
        return fused_loop(self, x, states, mask, training)

    def _loop(self, x, states, mask, training):
        fused = self._fused_loop(x, states, mask, training)
        if fused is not None:
            return fused
        steps = shape_tuple(x)[1]
        graph = graph_for_building() is not None
        if not graph or (self.unroll and steps is not None):
            return self._python_loop(x, states, mask, training)
        if self.unroll:
            raise ValueError("Cannot unroll a RNN if the time dimension is undefined. Set "
                             "`unroll=False` or give the input a known number of timesteps.")
        return self._while_loop(x, states, mask, training)

    def _python_loop(self, x, states, mask, training):
        xs = ndflow.unstack(x, axis=1)
        ms = ndflow.unstack(mask, axis=1) if mask is not None else [None] * len(xs)
        outputs = []
        prev = None
        for x_t, m_t in zip(xs, ms):
            out, new = self._step(x_t, states, training)
            if m_t is not None:
                new = [_select(m_t, n, s) for n, s in zip(new, states)]
                if prev is None:
                    prev = ndflow.zeros_like(out)
                out = _select(m_t, out, ndflow.zeros_like(out)
                              if self.zero_output_for_mask else prev)
            states = new
            prev = out
            outputs.append(out)
        if not outputs:
            raise ValueError(f"Layer {self.name} received a sequence with 0 timesteps.")
        seq = ndflow.stack(outputs, axis=1) if self.return_sequences else None
        return outputs[-1], seq, states

    def _while_loop(self, x, states, mask, training):
        rank = x.shape.rank
        perm = [1, 0] + list(range(2, rank))
        time_major = ndflow.transpose(x, perm)
        steps = ndflow.shape(time_major)[0]
        inputs_ta = TensorArray(x.dtype, size=steps, element_shape=None).unstack(time_major)
        mask_ta = None
        if mask is not None:
            mask_ta = TensorArray("bool", size=steps).unstack(ndflow.transpose(mask))
        # The first output's shape and dtype come from a trial step of the cell on zeros.
        out_spec, _ = self._output_spec(x, states, training)
        prev = ndflow.zeros(_batch_shape(ndflow.shape(x)[0], out_spec[0]),
                               dtype=out_spec[1]) if out_spec[0] is not None else None
        outputs_ta = TensorArray(out_spec[1], size=steps) if self.return_sequences else None
        zero_for_mask = self.zero_output_for_mask

        def cond(t, *_):
            return ndflow.less(t, steps)

        def body(t, out_ta, prev_out, *carried):
            x_t = inputs_ta.read(t)
            out, new = self._step(x_t, list(carried), training)
            if mask_ta is not None:
                m_t = mask_ta.read(t)
                new = [_select(m_t, n, s) for n, s in zip(new, carried)]
                out = _select(m_t, out, ndflow.zeros_like(out) if zero_for_mask
                              else prev_out)
            if out_ta is not None:
                out_ta = out_ta.write(t, out)
            return (ndflow.add(t, 1), out_ta, out) + tuple(new)

        loop_vars = (ndflow.constant(0, "int32"), outputs_ta, prev) + tuple(states)
        if outputs_ta is None:
            def body_no_seq(t, prev_out, *carried):
                res = body(t, None, prev_out, *carried)
                return (res[0],) + res[2:]
            with _weights_read_once(self.cell):
                result = functional_ops.while_loop(
                    lambda t, *_: cond(t), body_no_seq, (loop_vars[0], prev) + tuple(states))
            last, new_states = result[1], list(result[2:])
            return last, None, new_states
        with _weights_read_once(self.cell):
            result = functional_ops.while_loop(cond, body, loop_vars)
        out_ta, last, new_states = result[1], result[2], list(result[3:])
        seq = out_ta.stack()
        rank = seq.shape.rank or ((last.shape.rank or 2) + 1)  # a stacked TensorArray may
        seq = ndflow.transpose(seq, [1, 0] + list(range(2, rank)))  # not know its rank
        static = shape_tuple(x)
        if hasattr(seq, "set_shape") and static is not None:
            seq.set_shape([static[0], static[1]] + list(shape_tuple(last)[1:]))
        return last, seq, new_states

    def _output_spec(self, x, states, training):
        """(size tuple, dtype) of one step's output, from the cell's attributes."""
        size = getattr(self.cell, "output_size", None)
        if size is None:
            size = flat_state_sizes(self.cell.state_size)[0]
        size = _as_size(size)
        return (size if isinstance(size, tuple) else (size,), x.dtype), None

    # --- configuration ---------------------------------------------------------------------
    def get_config(self):
        config = super().get_config()
        config.update({"return_sequences": self.return_sequences,
                       "return_state": self.return_state,
                       "go_backwards": self.go_backwards, "stateful": self.stateful,
                       "unroll": self.unroll,
                       "zero_output_for_mask": self.zero_output_for_mask})
        from ...models.serialization import serialize_layer
        config["cell"] = serialize_layer(self.cell)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        if "cell" in config and isinstance(config["cell"], dict):
            from ...models.serialization import deserialize_layer
            config["cell"] = deserialize_layer(config["cell"], custom_objects)
        return super().from_config(config)
