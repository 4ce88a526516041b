"""Beam search decoding (`BeamSearchDecoder`, `tile_batch`, `gather_tree`), shared by
`tf.contrib.seq2seq` and `ndflow.addons.seq2seq`.

The cell runs on `batch * beam_width` rows (its initial state tiled with `tile_batch`).
Each step extends every beam by every token, scores the candidates by their summed
log-probabilities (divided by the length penalty `((5 + length) / 6) ** weight`, where, as
in TensorFlow, a candidate's length does not count an `end_token` chosen at that step), and
keeps the best `beam_width` per example; a finished beam (one that emitted `end_token`) can
only be extended by `end_token` at no cost. A beam's `lengths` count its tokens up to and
including `end_token`; `dynamic_decode` returns them as the sequence lengths.
`gather_tree` then follows the parent pointers back from the last step to spell out each
final beam. Checked against TensorFlow Addons 0.23 (tests/keras_api/tfa_reference_cases.py).
"""
import collections

import numpy as np

import ndflow
from ...util import nest
from .decoder import Decoder
from .helpers import _embedder


class BeamSearchDecoderState(collections.namedtuple("BeamSearchDecoderState", (
        "cell_state", "log_probs", "finished", "lengths", "accumulated_attention_probs"))):
    """The state of a beam search: the cell's state (`[batch * beam, ...]` leaves) and, per
    beam (`[batch, beam]`), its log-probability, whether it finished and its length."""
    __slots__ = ()


class BeamSearchDecoderOutput(collections.namedtuple("BeamSearchDecoderOutput", (
        "scores", "predicted_ids", "parent_ids"))):
    """One step's `[batch, beam]` scores, chosen ids and the beams they extend."""
    __slots__ = ()


class FinalBeamSearchDecoderOutput(collections.namedtuple("FinalBeamSearchDecoderOutput", (
        "predicted_ids", "beam_search_decoder_output"))):
    """The final beams `predicted_ids` (`[batch, time, beam]`, best beam first) and the
    raw per-step `BeamSearchDecoderOutput`."""
    __slots__ = ()


def _tile_one(x, multiplier):
    x = ndflow.convert_to_tensor(x)
    if x.shape.rank is None or x.shape.rank == 0:
        raise ValueError(f"tile_batch needs tensors of rank >= 1. Received shape: {x.shape}")
    static = x.shape.as_list()
    dims = ndflow.shape(x)
    tiled = ndflow.tile(ndflow.expand_dims(x, 1), [1, multiplier] + [1] * (len(static) - 1))
    out = ndflow.reshape(tiled, ndflow.concat([dims[:1] * multiplier, dims[1:]], 0))
    out.set_shape([None if static[0] is None else static[0] * multiplier] + static[1:]) \
        if hasattr(out, "set_shape") else None
    return out


def tile_batch(t, multiplier, name=None):
    """Repeats every example of `t` (a tensor or a structure of them) `multiplier` times in
    a row along the batch axis: `[batch, ...]` -> `[batch * multiplier, ...]`, as the beam
    search's cell state and attention memory need.

    Example: `tile_batch([[1], [2]], 2)` is `[[1], [1], [2], [2]]`.
    """
    return nest.map_structure(lambda x: _tile_one(x, multiplier), t)


def _gather_tree_np(step_ids, parent_ids, max_lengths, end_token):
    steps, batch, beams = step_ids.shape
    out = np.full_like(step_ids, end_token)
    for b in range(batch):
        length = min(int(max_lengths[b]), steps)
        for k in range(beams):
            cur = k
            for t in range(length - 1, -1, -1):
                out[t, b, k] = step_ids[t, b, cur]
                cur = parent_ids[t, b, cur]
            ended = out[:length, b, k] == end_token   # after the first end_token, only it
            if ended.any():
                out[int(np.argmax(ended)):, b, k] = end_token
    return out


def gather_tree(step_ids, parent_ids, max_sequence_lengths, end_token, name=None):
    """Spells out the final beams from the per-step ids and parent pointers.

    Args:
      step_ids: int32 `[max_time, batch, beam]`, the ids chosen at each step.
      parent_ids: int32 `[max_time, batch, beam]`, the beam each id extends.
      max_sequence_lengths: int32 `[batch]`, the steps to read per example.
      end_token: int32 scalar; everything after the first `end_token`, and past
        `max_sequence_lengths`, is `end_token`.

    Returns:
      int32 `[max_time, batch, beam]`: beam `k` of example `b` read from the last step back.
    """
    step_ids = ndflow.convert_to_tensor(step_ids)
    out = ndflow.numpy_function(
        lambda s, p, m, e: _gather_tree_np(s, p, m, e).astype(s.dtype),
        [step_ids, parent_ids, max_sequence_lengths, end_token], step_ids.dtype,
        stateful=False)
    if hasattr(out, "set_shape"):
        out.set_shape(step_ids.shape)
    return out


def _gather_beams(x, parents, batch, beams):
    """Rows `[batch * beams, ...]` of `x` reordered to follow `parents` `[batch, beams]`."""
    if isinstance(x, ndflow.TensorArray) or x.shape.rank is None or x.shape.rank == 0:
        return x
    dims = ndflow.shape(x)
    split = ndflow.reshape(x, ndflow.concat([[batch, beams], dims[1:]], 0))
    picked = ndflow.gather(split, parents, batch_dims=1)
    out = ndflow.reshape(picked, dims)
    if hasattr(out, "set_shape"):
        out.set_shape(x.shape)
    return out


class BeamSearchDecoder(Decoder):
    """Beam search over a cell (run it with `dynamic_decode`).

    Args:
      cell: A TF1 `RNNCell` or a Keras cell; its state has `batch * beam_width` rows.
      embedding: A callable of ids, or the `[vocab, depth]` embedding matrix.
      start_tokens: int32 `[batch]`, the first ids.
      end_token: int32 scalar, the id that finishes a beam.
      initial_state: The cell's initial state, tiled with `tile_batch`.
      beam_width: int, the beams kept per example.
      output_layer: Optional layer giving the logits from the cell's outputs.
      length_penalty_weight: float; the scores are log-probabilities divided by
        `((5 + length) / 6) ** length_penalty_weight` (0 disables it).
      coverage_penalty_weight: float; with a cell that is an `AttentionWrapper` (one
        mechanism), the scores of finished beams get `weight * sum_j log(min(c_j, 1))`,
        `c_j` the attention memory position j received so far (Wu et al., 2016). 0
        disables it.
      reorder_tensor_arrays: Whether `finalize` replaces each TensorArray of the final cell
        state (an `AttentionWrapper`'s alignment history) by its stacked tensor reordered
        along the final beams, as TensorFlow does.
    """

    tracks_own_finished = True

    def __init__(self, cell, embedding, start_tokens, end_token, initial_state, beam_width,
                 output_layer=None, length_penalty_weight=0.0, coverage_penalty_weight=0.0,
                 reorder_tensor_arrays=True):
        self._coverage_penalty_weight = float(coverage_penalty_weight)
        self._cell, self._output_layer = cell, output_layer
        self._reorder_tensor_arrays = reorder_tensor_arrays
        self._beam_width = int(beam_width)
        self._length_penalty_weight = float(length_penalty_weight)
        if embedding is not None:
            self._setup(embedding, start_tokens, end_token, initial_state)

    def _setup(self, embedding, start_tokens, end_token, initial_state):
        self._embed = _embedder(embedding)
        start = ndflow.cast(ndflow.convert_to_tensor(start_tokens), ndflow.int32)
        if start.shape.rank != 1:
            raise ValueError(f"start_tokens must be a vector. Received shape: {start.shape}")
        self._end_token = ndflow.cast(ndflow.convert_to_tensor(end_token), ndflow.int32)
        static = start.shape.as_list()[0]
        self._batch = static if static is not None else ndflow.shape(start)[0]
        self._start = ndflow.tile(ndflow.expand_dims(start, 1), [1, self._beam_width])
        self._initial_state = initial_state

    @property
    def batch_size(self):
        return self._batch

    @property
    def output_size(self):
        beams = ndflow.TensorShape([self._beam_width])
        return BeamSearchDecoderOutput(beams, beams, beams)

    @property
    def output_dtype(self):
        dtype = ndflow.float32
        for leaf in nest.flatten(self._initial_state):
            if getattr(leaf, "dtype", None) is not None and leaf.dtype.is_floating:
                dtype = leaf.dtype
                break
        return BeamSearchDecoderOutput(dtype, ndflow.int32, ndflow.int32)

    def initialize(self, name=None):
        dtype = self.output_dtype.scores
        zeros = ndflow.zeros_like(self._start)
        log_probs = ndflow.one_hot(zeros[:, 0], self._beam_width, on_value=0.0,
                                   off_value=float("-inf"), dtype=dtype)
        coverage = ()
        if self._coverage_penalty_weight:
            coverage = ndflow.zeros_like(self._split(self._alignments(self._initial_state)))
        state = BeamSearchDecoderState(self._initial_state, log_probs,
                                       ndflow.cast(zeros, ndflow.bool), zeros, coverage)
        return state.finished, self._embed(self._start), state

    def _alignments(self, cell_state):
        alignments = getattr(cell_state, "alignments", None)
        if alignments is None or isinstance(alignments, tuple):
            raise ValueError("coverage_penalty_weight needs the cell to be an "
                             "AttentionWrapper with one attention mechanism.")
        return alignments

    def _split(self, x):
        """`[batch * beam, ...]` -> `[batch, beam, ...]`."""
        dims = ndflow.shape(x)
        return ndflow.reshape(x, ndflow.concat([ndflow.cast(ndflow.stack(
            [self._batch, self._beam_width]), dims.dtype), dims[1:]], 0))

    def _merge(self, x):
        dims = ndflow.shape(x)
        return ndflow.reshape(x, ndflow.concat([[-1], dims[2:]], 0))

    def step(self, time, inputs, state, name=None):
        batch, beams = self._batch, self._beam_width
        merged = self._merge(inputs)
        merged.set_shape([None] + inputs.shape.as_list()[2:]) if hasattr(
            merged, "set_shape") else None
        out, cell_state = self._cell(merged, state.cell_state)
        if self._output_layer is not None:
            out = self._output_layer(out)
        vocab = out.shape.as_list()[-1]
        vocab = vocab if vocab is not None else ndflow.shape(out)[-1]
        logits = ndflow.reshape(out, ndflow.stack([batch, beams, vocab]) if not isinstance(
            batch, int) or not isinstance(vocab, int) else [batch, beams, vocab])
        step_lp = ndflow.nn.log_softmax(logits)
        done = ndflow.expand_dims(state.finished, 2)
        # A finished beam continues only with end_token, at no cost.
        eos_only = ndflow.one_hot(self._end_token, vocab, on_value=0.0,
                                  off_value=step_lp.dtype.min, dtype=step_lp.dtype)
        step_lp = ndflow.where(done, ndflow.zeros_like(step_lp) + eos_only, step_lp)
        total = ndflow.expand_dims(state.log_probs, 2) + step_lp
        alive = ndflow.cast(ndflow.logical_not(done), ndflow.int32)
        scores = total
        if self._length_penalty_weight:
            # as TensorFlow: a candidate's penalty counts its tokens but not end_token
            grows = 1 - ndflow.one_hot(self._end_token, vocab, dtype=ndflow.int32)
            scored = ndflow.cast(ndflow.expand_dims(state.lengths, 2) + grows * alive,
                                 total.dtype)
            scores = total / ((5.0 + scored) / 6.0) ** self._length_penalty_weight
        coverage = ()
        if self._coverage_penalty_weight:
            # Wu et al. (2016): sum_j log(min(attention received by memory position j, 1)),
            # for the beams already finished (as TensorFlow Addons), whose attention no
            # longer accumulates; unattended positions (masked memory) count as covered
            coverage = state.accumulated_attention_probs + self._split(
                self._alignments(cell_state)) * ndflow.cast(
                    ndflow.logical_not(done), state.log_probs.dtype)
            covered = ndflow.where(ndflow.equal(coverage, 0.0), ndflow.ones_like(coverage),
                                   coverage)
            penalty = ndflow.reduce_sum(ndflow.math.log(ndflow.minimum(covered, 1.0)), 2)
            penalty = penalty * ndflow.cast(state.finished, penalty.dtype)
            scores = scores + ndflow.expand_dims(self._coverage_penalty_weight * penalty, 2)
        flat = [batch, beams * vocab] if isinstance(batch, int) and isinstance(vocab, int) \
            else ndflow.stack([batch, beams * vocab])
        top_scores, index = ndflow.math.top_k(ndflow.reshape(scores, flat), k=beams)
        index = ndflow.cast(index, ndflow.int32)
        words, parents = index % vocab, index // vocab
        log_probs = ndflow.gather(ndflow.reshape(total, flat), index, batch_dims=1)
        # a beam's length counts its tokens up to and including end_token
        was_done = ndflow.gather(state.finished, parents, batch_dims=1)
        lengths = ndflow.gather(state.lengths, parents, batch_dims=1) + ndflow.cast(
            ndflow.logical_not(was_done), ndflow.int32)
        finished = ndflow.logical_or(was_done, ndflow.equal(words, self._end_token))
        cell_state = nest.map_structure(lambda x: _gather_beams(x, parents, batch, beams),
                                        cell_state)
        if self._coverage_penalty_weight:
            coverage = ndflow.gather(coverage, parents, batch_dims=1)
        next_state = BeamSearchDecoderState(cell_state, log_probs, finished, lengths,
                                            coverage)
        outputs = BeamSearchDecoderOutput(top_scores, words, parents)
        return outputs, next_state, self._embed(words), finished

    def finalize(self, outputs, final_state, sequence_lengths):
        """Time-major outputs -> `FinalBeamSearchDecoderOutput` (beams spelled out)."""
        # Read back from the last step: its parent pointers order the final beams.
        steps = ndflow.shape(outputs.predicted_ids)[0]
        every = ndflow.zeros_like(final_state.lengths[:, 0]) + steps
        ids = gather_tree(outputs.predicted_ids, outputs.parent_ids, every, self._end_token)
        if self._reorder_tensor_arrays:
            # the beam each final beam went through at every step (a beam index never
            # equals beam_width, so gather_tree pads nothing)
            path = gather_tree(outputs.parent_ids, outputs.parent_ids, every, self._beam_width)
            cell_state = nest.map_structure(lambda x: self._sort_history(x, path),
                                            final_state.cell_state)
            final_state = final_state._replace(cell_state=cell_state)
        return FinalBeamSearchDecoderOutput(ids, outputs), final_state

    def _sort_history(self, ta, path):
        """A TensorArray of per-step `[batch * beam, ...]` rows (an attention history) as
        the `[time, batch * beam, ...]` tensor (as TensorFlow returns it) whose row k of every
        step belongs to final beam k."""
        if not isinstance(ta, ndflow.TensorArray):
            return ta
        stacked = ta.stack()
        dims = ndflow.shape(stacked)
        split = ndflow.reshape(stacked, ndflow.concat(
            [dims[:1], ndflow.cast(ndflow.stack([self._batch, self._beam_width]), dims.dtype),
             dims[2:]], 0))
        picked = ndflow.gather(split, path, batch_dims=2)
        return ndflow.reshape(picked, dims)
