"""Decoders and `dynamic_decode`, shared by `tf.contrib.seq2seq` (TF1) and
`ndflow.addons.seq2seq` (TensorFlow Addons).

`dynamic_decode` runs one `ndflow.while_loop` (a `While` op in a graph, a Python loop
eagerly) whose body is the decoder's `step`; each step's outputs go into TensorArrays, so
gradients reach the cell's and the output layer's variables as through `dynamic_rnn`.
"""
import collections

import ndflow
from ...util import nest


class Decoder:
    """Base class of the decoders run by `dynamic_decode`.

    A decoder gives `initialize() -> (finished, first_inputs, initial_state)`,
    `step(time, inputs, state) -> (outputs, next_state, next_inputs, finished)`, the
    `output_dtype` structure of its outputs, and optionally `finalize(outputs, final_state,
    sequence_lengths)` on the stacked time-major outputs.
    """

    tracks_own_finished = False

    @property
    def batch_size(self):
        raise NotImplementedError

    @property
    def output_size(self):
        raise NotImplementedError

    @property
    def output_dtype(self):
        raise NotImplementedError

    def initialize(self, name=None):
        raise NotImplementedError

    def step(self, time, inputs, state, name=None):
        raise NotImplementedError


class BasicDecoderOutput(collections.namedtuple("BasicDecoderOutput",
                                                ("rnn_output", "sample_id"))):
    """A `BasicDecoder` step's outputs: `rnn_output` (the cell's output, through the output
    layer if any) and `sample_id` (what the helper chose)."""
    __slots__ = ()


def _float_dtype(state):
    for leaf in nest.flatten(state):
        d = getattr(leaf, "dtype", None)
        if d is not None and ndflow.as_dtype(d).is_floating:
            return ndflow.as_dtype(d)
    return ndflow.float32


class BasicDecoder(Decoder):
    """A cell, a helper (sampler) and an optional output layer, stepped together.

    Args:
      cell: A TF1 `RNNCell` or a Keras RNN cell (`output, new_state = cell(x, state)`).
      helper: A `Helper` / `Sampler` that is set up (`TrainingHelper`, ...).
      initial_state: The cell's initial state (a structure of tensors).
      output_layer: Optional layer applied to the cell's outputs (e.g. the logits' `Dense`).
    """

    def __init__(self, cell, helper, initial_state, output_layer=None):
        if not callable(cell):
            raise TypeError(f"cell must be an RNN cell. Received: {cell!r}")
        if output_layer is not None and not callable(output_layer):
            raise TypeError(f"output_layer must be a layer. Received: {output_layer!r}")
        self._cell, self._helper = cell, helper
        self._initial_state = initial_state
        self._output_layer = output_layer

    @property
    def batch_size(self):
        return self._helper.batch_size

    @property
    def output_size(self):
        units = getattr(self._output_layer, "units", None)
        return BasicDecoderOutput(units if units is not None else self._cell.output_size,
                                  self._helper.sample_ids_shape)

    @property
    def output_dtype(self):
        return BasicDecoderOutput(_float_dtype(self._initial_state),
                                  self._helper.sample_ids_dtype)

    def initialize(self, name=None):
        finished, inputs = self._helper.initialize()
        return finished, inputs, self._initial_state

    def step(self, time, inputs, state, name=None):
        out, cell_state = self._cell(inputs, state)
        if self._output_layer is not None:
            out = self._output_layer(out)
        ids = self._helper.sample(time, out, cell_state)
        finished, next_inputs, next_state = self._helper.next_inputs(time, out, cell_state,
                                                                      ids)
        return BasicDecoderOutput(out, ids), next_state, next_inputs, finished


def _is_tensor(x):
    return not isinstance(x, ndflow.TensorArray) and hasattr(x, "dtype") and \
        hasattr(x, "shape")


def _where_rows(done, old, new):
    """Per example: `old` where `done` (shape [batch] or [batch, beam]), else `new`;
    scalars and TensorArrays are taken from `new`."""
    if not _is_tensor(new) or new.shape.rank is None or new.shape.rank < done.shape.rank:
        return new
    cond = done
    for _ in range(new.shape.rank - done.shape.rank):
        cond = ndflow.expand_dims(cond, -1)
    return ndflow.where(cond, old, new)


def _batch_major(x):
    rank = x.shape.rank
    if rank is None or rank < 2:
        return x
    y = ndflow.transpose(x, [1, 0] + list(range(2, rank)))
    # Copied C-contiguous: an eager transpose is a strided view, and ndflow's fused
    # sparse_softmax_cross_entropy_with_logits loses the labels' -1 in its gradient on
    # such logits (reshape of its non-contiguous backprop copies; see the report).
    out = ndflow.reshape(ndflow.reshape(y, [-1]), ndflow.shape(y))
    if hasattr(out, "set_shape"):
        out.set_shape(y.shape)
    return out


def dynamic_decode(decoder, output_time_major=False, impute_finished=False,
                   maximum_iterations=None, parallel_iterations=32, swap_memory=False,
                   scope=None, **kwargs):
    """Runs `decoder` step by step until every example is finished (or for
    `maximum_iterations` steps).

    Args:
      decoder: A `Decoder` (`BasicDecoder`, `BeamSearchDecoder`).
      output_time_major: If True, outputs are `[time, batch, ...]`; else `[batch, time, ...]`.
      impute_finished: If True, a finished example's outputs are zeros and its state is
        carried unchanged (its final state is the one of its last step). Ignored by a
        decoder that tracks its own finished examples (the beam search).
      maximum_iterations: Optional int scalar, the most steps to run.
      parallel_iterations, swap_memory: Accepted for compatibility.
      scope: Optional variable scope (default "decoder").

    Returns:
      `(final_outputs, final_state, final_sequence_lengths)`: the outputs in the decoder's
      output structure, the last state, and each example's number of steps (int32; a
      decoder state with `lengths`, the beam search's, gives those instead).
    """
    if not isinstance(decoder, Decoder):
        raise TypeError(f"Expected decoder to be of type Decoder. Received: {decoder!r}")
    from .. import variable_scope as vs
    with vs.variable_scope(scope or "decoder"):
        return decode(decoder, output_time_major, impute_finished, maximum_iterations,
                      kwargs)


def decode(decoder, output_time_major, impute_finished, maximum_iterations, init_kwargs):
    """`dynamic_decode` outside any variable scope (the Keras decoders' loop).
    `init_kwargs` go to `decoder.initialize`; TensorFlow Addons' `decoder_init_input` and
    `decoder_init_kwargs` among them are passed as its arguments."""
    kwargs = dict(init_kwargs)
    if "decoder_init_input" in kwargs or "decoder_init_kwargs" in kwargs:
        finished, inputs, state = decoder.initialize(kwargs.pop("decoder_init_input", None),
                                                     **kwargs.pop("decoder_init_kwargs", {}),
                                                     **kwargs)
    else:
        finished, inputs, state = decoder.initialize(**kwargs)
    if maximum_iterations is not None:
        maximum_iterations = ndflow.convert_to_tensor(maximum_iterations, dtype=ndflow.int32)
        finished = ndflow.logical_or(finished, ndflow.less_equal(maximum_iterations, 0))
    if not ndflow.executing_eagerly():
        # A graph traces the body once: the first step is built outside it so the cell's
        # variables are made there (its ops are never run unless fetched).
        decoder.step(ndflow.constant(0), inputs, state)
    # A beam search keeps its own finished beams (its state rows are batch * beam).
    impute_finished = impute_finished and not decoder.tracks_own_finished
    dtypes = nest.flatten(decoder.output_dtype)
    tas = tuple(ndflow.TensorArray(d, size=0, dynamic_size=True) for d in dtypes)
    lengths = ndflow.zeros_like(finished, dtype=ndflow.int32)

    def cond(time, finished, *_):
        return ndflow.logical_not(ndflow.reduce_all(finished))

    def body(time, finished, lengths, inputs, state, tas):
        outputs, next_state, next_inputs, step_done = decoder.step(time, inputs, state)
        next_finished = step_done if decoder.tracks_own_finished else \
            ndflow.logical_or(finished, step_done)
        if maximum_iterations is not None:
            next_finished = ndflow.logical_or(
                next_finished, ndflow.greater_equal(time + 1, maximum_iterations))
        lengths = ndflow.where(finished, lengths, ndflow.zeros_like(lengths) + (time + 1))
        if impute_finished:
            outputs = nest.map_structure(
                lambda o: _where_rows(finished, ndflow.zeros_like(o), o), outputs)
            flat_old, flat_new = nest.flatten(state), nest.flatten(next_state)
            next_state = nest.pack_sequence_as(next_state, [
                _where_rows(finished, o, n) for o, n in zip(flat_old, flat_new)])
        tas = tuple(ta.write(time, o) for ta, o in zip(tas, nest.flatten(outputs)))
        return time + 1, next_finished, lengths, next_inputs, next_state, tas

    result = ndflow.while_loop(
        cond, body, (ndflow.constant(0), finished, lengths, inputs, state, tas),
        maximum_iterations=maximum_iterations)
    _, _, lengths, _, final_state, tas = result
    if hasattr(final_state, "lengths"):   # a beam search keeps its beams' own lengths
        lengths = final_state.lengths
    outputs = nest.pack_sequence_as(decoder.output_dtype, [ta.stack() for ta in tas])
    if hasattr(decoder, "finalize"):
        outputs, final_state = decoder.finalize(outputs, final_state, lengths)
    if not output_time_major:
        outputs = nest.map_structure(_batch_major, outputs)
    return outputs, final_state, lengths
