"""Attention for the seq2seq decoders: Bahdanau's additive and Luong's multiplicative
scores, and the wrapper cell that attends over a memory at every step.

The maths is written once in `ScoreMixin` subclasses and `WrapperMixin`; a front end
(`tf.contrib.seq2seq`'s classes below, or the Keras layers of `ndflow.addons.seq2seq`) only
says how a dense layer and a weight are made (`_dense`, `_weight`) and how the wrapped cell
gives its zero state (`_cell_zero_state`).

Memory past each example's `memory_sequence_length` is zeroed before the keys are computed,
and its scores are set to -inf before the probability function, so those positions get
exactly zero weight.
"""
import collections
import math

import numpy as np

import ndflow
from ...util import nest


class ScoreMixin:
    """An attention mechanism: `alignments, next_state = self._align(query, state)`.

    Front ends set `self._probability_fn` and `self._score_mask_value` and provide
    `_dense(units, name)` and `_weight(name, shape, initializer)`."""

    _memory_layer = None
    _query_layer = None

    def _set_memory(self, memory, memory_sequence_length=None, memory_mask=None):
        memory = nest.map_structure(ndflow.convert_to_tensor, memory)
        if memory.shape.rank != 3:
            raise ValueError("memory must be [batch, max_time, depth]. Received shape: "
                             f"{memory.shape}")
        steps = ndflow.shape(memory)[1]
        if memory_mask is None and memory_sequence_length is not None:
            memory_mask = ndflow.sequence_mask(memory_sequence_length, steps)
        self._mask = None if memory_mask is None else ndflow.cast(memory_mask, ndflow.bool)
        if self._mask is not None:
            memory = memory * ndflow.expand_dims(ndflow.cast(self._mask, memory.dtype), -1)
        self._values = memory
        self._keys = memory if self._memory_layer is None else self._memory_layer(memory)
        static = memory.shape.as_list()
        self._batch = static[0] if static[0] is not None else ndflow.shape(memory)[0]
        self._steps = static[1] if static[1] is not None else steps

    @property
    def values(self):
        """The (masked) memory: `[batch, max_time, depth]`."""
        return self._values

    @property
    def keys(self):
        """The memory through the memory layer: what queries are scored against."""
        return self._keys

    @property
    def batch_size(self):
        return self._batch

    @property
    def alignments_size(self):
        return self._steps

    @property
    def state_size(self):
        return self._steps

    def initial_alignments(self, batch_size, dtype):
        """Zeros `[batch_size, max_time]`."""
        return _zeros(batch_size, self._steps, dtype)

    def initial_state(self, batch_size, dtype):
        return self.initial_alignments(batch_size, dtype)

    def _align(self, query, state):
        score = self._score(query)
        if self._mask is not None:
            fill = ndflow.ones_like(score) * ndflow.cast(self._score_mask_value, score.dtype)
            score = ndflow.where(self._mask, score, fill)
        alignments = self._probability_fn(score, state)
        return alignments, alignments


def _zeros(batch_size, size, dtype):
    """Zeros `[batch_size, size]`, keeping `size` static when it is an int."""
    if isinstance(batch_size, int) and isinstance(size, int):
        return ndflow.zeros([batch_size, size], dtype=dtype)
    out = ndflow.zeros(ndflow.stack([batch_size, size]), dtype=dtype)
    return ndflow.reshape(out, [-1, size]) if isinstance(size, int) else out


def hardmax(logits, name=None):
    """One-hot of the arg-max along the last axis (ties: the first): a probability_fn for
    hard attention.

    Example: `hardmax([[1., 3., 2.]])` is `[[0., 1., 0.]]`.
    """
    logits = ndflow.convert_to_tensor(logits)
    return _one_hot_like(logits, ndflow.argmax(logits, -1, output_type=ndflow.int32))


def _one_hot_like(x, index):
    """One-hot rows of `x`'s shape and dtype at `index` (ndflow's one_hot needs a static
    depth; this works with a dynamic one)."""
    positions = ndflow.range(ndflow.shape(x)[-1])
    hot = ndflow.equal(positions, ndflow.expand_dims(index, -1))
    return ndflow.cast(hot, x.dtype) + ndflow.zeros_like(x)


def _softmax_of_score(score, _state):
    return ndflow.nn.softmax(score)


class BahdanauScore(ScoreMixin):
    """Additive score `v . tanh(W1 keys + W2 query)` (Bahdanau et al., 2015); with
    `normalize`, `v` is weight-normalized `g v / ||v||` and a bias `b` is added inside the
    tanh (Salimans & Kingma, 2016)."""

    def _score(self, query):
        units = self._units
        processed = ndflow.expand_dims(self._query_layer(query), 1)
        v = self._weight("attention_v", [units], None)
        inner = self._keys + processed
        if self._normalize:
            g = self._weight("attention_g", [],
                             ndflow.constant_initializer(math.sqrt(1.0 / units)))
            b = self._weight("attention_b", [units], ndflow.zeros_initializer())
            v = g * v * ndflow.math.rsqrt(ndflow.reduce_sum(ndflow.square(v)))
            inner = inner + b
        return ndflow.reduce_sum(v * ndflow.tanh(inner), axis=2)


class LuongScore(ScoreMixin):
    """Multiplicative score `query . keys` (Luong et al., 2015); with `scale`, times a
    learned scalar `g` (initially 1)."""

    def _score(self, query):
        depth, units = query.shape.as_list()[-1], self._keys.shape.as_list()[-1]
        if depth is not None and units is not None and depth != units:
            raise ValueError("LuongAttention: the query depth must equal num_units. "
                             f"Received: query depth {depth}, num_units {units}")
        score = ndflow.squeeze(ndflow.matmul(ndflow.expand_dims(query, 1), self._keys,
                                             transpose_b=True), [1])
        if self._scale:
            score = score * self._weight("attention_g", [], ndflow.ones_initializer())
        return score


def safe_cumprod(x, *args, **kwargs):
    """`cumprod` computed as `exp(cumsum(log(x)))` with `x` clipped to [tiny, 1], so long
    products of numbers in (0, 1] neither underflow to 0 early nor give nan gradients.
    `args` and `kwargs` (axis, exclusive, reverse) go to `cumsum`."""
    x = ndflow.convert_to_tensor(x)
    tiny = float(np.finfo(x.dtype.as_numpy_dtype).tiny)
    return ndflow.exp(ndflow.math.cumsum(ndflow.math.log(ndflow.clip_by_value(x, tiny, 1.0)),
                                         *args, **kwargs))


def monotonic_attention(p_choose_i, previous_attention, mode):
    """Monotonic attention (Raffel et al., 2017): the probability of attending to each
    memory position, given the probability `p_choose_i` of stopping there and the previous
    step's attention, both `[batch, max_time]`.

    Args:
      p_choose_i: Stopping probabilities in [0, 1].
      previous_attention: The previous step's attention (initially one-hot at position 0).
      mode: "recursive" (a loop over positions, exact), "parallel" (cumulative products,
        exact up to the clipping of `safe_cumprod`) or "hard" (for 0/1 probabilities and
        a one-hot previous attention).

    Returns:
      The attention `[batch, max_time]`.
    """
    p = ndflow.convert_to_tensor(p_choose_i)
    previous = ndflow.convert_to_tensor(previous_attention)
    if mode == "recursive":
        # q_j = (1 - p_{j-1}) q_{j-1} + a_{j-1}, attention_j = p_j q_j, by a scan over j
        shifted = ndflow.concat([ndflow.ones_like(p[:, :1]), 1 - p[:, :-1]], 1)
        q = ndflow.transpose(ndflow.scan(
            lambda acc, xs: acc * xs[0] + xs[1],
            (ndflow.transpose(shifted), ndflow.transpose(previous)),
            initializer=ndflow.zeros_like(p[:, 0])))
        return p * q
    if mode == "parallel":
        cumprod = safe_cumprod(1 - p, axis=1, exclusive=True)
        return p * cumprod * ndflow.math.cumsum(
            previous / ndflow.clip_by_value(cumprod, 1e-10, 1.0), axis=1)
    if mode == "hard":
        p = p * ndflow.math.cumsum(previous, axis=1)   # nothing before the last position
        return p * ndflow.math.cumprod(1 - p, axis=1, exclusive=True)
    raise ValueError(f"mode must be 'recursive', 'parallel' or 'hard'. Received: {mode!r}")


class MonotonicMixin:
    """Monotonic attention over a score: `p_choose_i = sigmoid(score + bias + noise)`
    (noise `sigmoid_noise * N(0, 1)` when `sigmoid_noise > 0`), then
    `monotonic_attention`; the initial alignments are one-hot at position 0."""

    def _init_monotonic(self, sigmoid_noise, sigmoid_noise_seed, score_bias_init, mode):
        if mode not in ("recursive", "parallel", "hard"):
            raise ValueError("mode must be 'recursive', 'parallel' or 'hard'. Received: "
                             f"{mode!r}")
        self._sigmoid_noise, self._noise_seed = sigmoid_noise, sigmoid_noise_seed
        self._score_bias_init, self._mode = score_bias_init, mode
        self._probability_fn = self._monotonic_probability

    def _score(self, query):
        bias = self._weight("attention_score_bias", [],
                            ndflow.constant_initializer(self._score_bias_init))
        return super()._score(query) + bias

    def _monotonic_probability(self, score, previous):
        if self._sigmoid_noise > 0:
            score = score + self._sigmoid_noise * ndflow.random.normal(
                ndflow.shape(score), dtype=score.dtype, seed=self._noise_seed)
        if self._mode == "hard":
            p_choose = ndflow.cast(score > 0, score.dtype)
        else:
            p_choose = ndflow.sigmoid(score)
        return monotonic_attention(p_choose, previous, self._mode)

    def initial_alignments(self, batch_size, dtype):
        """One-hot at memory position 0: `[batch_size, max_time]`."""
        zeros = _zeros(batch_size, self._steps, dtype)
        return _one_hot_like(zeros, ndflow.zeros_like(zeros[:, 0], dtype=ndflow.int32))


class BahdanauMonotonicScore(MonotonicMixin, BahdanauScore):
    """Bahdanau's score (with `normalize`) plus a learned scalar bias, made monotonic."""


class LuongMonotonicScore(MonotonicMixin, LuongScore):
    """Luong's score (with `scale`) plus a learned scalar bias, made monotonic."""


class AttentionWrapperState(collections.namedtuple("AttentionWrapperState", (
        "cell_state", "attention", "time", "alignments", "alignment_history",
        "attention_state"))):
    """The state of an `AttentionWrapper`.

    Fields:
      cell_state: The wrapped cell's state.
      attention: The attention emitted at the previous step `[batch, attention_size]`.
      time: int32 scalar, the current step.
      alignments: The previous step's alignments (a tuple with several mechanisms).
      alignment_history: A TensorArray of every step's alignments when
        `alignment_history=True`, else `()`.
      attention_state: The mechanisms' own states (their previous alignments).
    """
    __slots__ = ()

    def clone(self, **kwargs):
        """A copy with the fields in `kwargs` replaced (e.g. `cell_state=encoder_state`)."""
        return self._replace(**kwargs)


def _concat_inputs(inputs, attention):
    return ndflow.concat([inputs, attention], axis=-1)


class WrapperMixin:
    """The attention step around a cell. Front ends call `_init_wrapper` and provide
    `_dense(units, name)` and `_cell_zero_state(batch_size, dtype)`."""

    def _init_wrapper(self, cell, attention_mechanism, attention_layer_size, alignment_history,
                      cell_input_fn, output_attention, initial_cell_state, attention_layer):
        self._is_multi = isinstance(attention_mechanism, (list, tuple))
        self._mechanisms = list(attention_mechanism) if self._is_multi else \
            [attention_mechanism]
        sizes = attention_layer_size
        if sizes is not None:
            sizes = list(sizes) if isinstance(sizes, (list, tuple)) else [sizes]
            if len(sizes) != len(self._mechanisms):
                raise ValueError("If provided, attention_layer_size must have one entry per "
                                 f"attention mechanism. Received: {attention_layer_size!r} "
                                 f"for {len(self._mechanisms)} mechanisms.")
            if attention_layer is not None:
                raise ValueError("Give attention_layer_size or attention_layer, not both.")
        if attention_layer is not None:
            layers = list(attention_layer) if isinstance(attention_layer, (list, tuple)) \
                else [attention_layer]
        elif sizes is not None:
            layers = [self._dense(s, "attention_layer") for s in sizes]
        else:
            layers = None
        self._cell = cell
        self._attention_layers = layers
        self._attention_sizes = sizes
        self._alignment_history = bool(alignment_history)
        self._cell_input_fn = cell_input_fn or _concat_inputs
        self._output_attention = output_attention
        self._initial_cell_state = initial_cell_state

    def _attention_size(self):
        if self._attention_sizes is not None:
            return sum(self._attention_sizes)
        if self._attention_layers is not None:
            return sum(layer.units for layer in self._attention_layers)
        return sum(m.values.shape.as_list()[-1] for m in self._mechanisms)

    def _one(self, items):
        return tuple(items) if self._is_multi else items[0]

    def _wrapper_zero_state(self, batch_size, dtype):
        cell_state = self._initial_cell_state
        if cell_state is None:
            cell_state = self._cell_zero_state(batch_size, dtype)
        size = self._attention_size()
        attention = _zeros(batch_size, size, dtype)
        history = self._one([ndflow.TensorArray(dtype, size=0, dynamic_size=True)
                             for _ in self._mechanisms]) if self._alignment_history else ()
        return AttentionWrapperState(
            cell_state=cell_state, attention=attention, time=ndflow.constant(0),
            alignments=self._one([m.initial_alignments(batch_size, dtype)
                                  for m in self._mechanisms]),
            alignment_history=history,
            attention_state=self._one([m.initial_state(batch_size, dtype)
                                       for m in self._mechanisms]))

    def _attend(self, inputs, state):
        if not isinstance(state, AttentionWrapperState):
            raise TypeError("Expected state to be an AttentionWrapperState. Received: "
                            f"{type(state).__name__}")
        cell_inputs = self._cell_input_fn(inputs, state.attention)
        cell_output, cell_state = self._cell(cell_inputs, state.cell_state)
        previous = state.attention_state if self._is_multi else [state.attention_state]
        histories = state.alignment_history if self._is_multi else [state.alignment_history]
        attentions, alignments, new_states, new_histories = [], [], [], []
        for i, mechanism in enumerate(self._mechanisms):
            align, next_state = mechanism._align(cell_output, previous[i])
            context = ndflow.squeeze(ndflow.matmul(ndflow.expand_dims(align, 1),
                                                   mechanism.values), [1])
            if self._attention_layers is not None:
                context = self._attention_layers[i](ndflow.concat([cell_output, context], 1))
            attentions.append(context)
            alignments.append(align)
            new_states.append(next_state)
            if self._alignment_history:
                new_histories.append(histories[i].write(state.time, align))
        attention = attentions[0] if len(attentions) == 1 else ndflow.concat(attentions, 1)
        next_state = AttentionWrapperState(
            cell_state=cell_state, attention=attention, time=state.time + 1,
            alignments=self._one(alignments),
            alignment_history=self._one(new_histories) if self._alignment_history else (),
            attention_state=self._one(new_states))
        return (attention if self._output_attention else cell_output), next_state


# --- tf.contrib.seq2seq (TF1): variables by get_variable, layers from tf.layers ------------

class _TF1Weights:
    def _dense(self, units, name):
        from ..layers import Dense
        return Dense(units, use_bias=False, name=name, dtype=getattr(self, "_dtype", None))

    def _weight(self, name, shape, initializer):
        # made once (the first, warm-up step builds them outside the decoder's loop)
        if name not in self._weights:
            from .. import variable_scope as vs
            with vs.variable_scope(self._scope_name):
                self._weights[name] = vs.get_variable(name, shape=shape, dtype=self._dtype,
                                                      initializer=initializer)
        return self._weights[name]


class _TF1Mechanism(_TF1Weights):
    def _init_tf1(self, num_units, memory, memory_sequence_length, probability_fn,
                  score_mask_value, dtype, name, query_layer):
        memory = ndflow.convert_to_tensor(memory)
        self._units = num_units
        self._dtype = dtype or memory.dtype
        self._weights = {}
        self._scope_name = name
        self._probability_fn = (lambda score, _s: probability_fn(score)) if probability_fn \
            else _softmax_of_score
        self._score_mask_value = float("-inf") if score_mask_value is None else \
            score_mask_value
        self._query_layer = self._dense(num_units, "query_layer") if query_layer else None
        self._memory_layer = self._dense(num_units, "memory_layer")
        self._set_memory(memory, memory_sequence_length)

    def __call__(self, query, state):
        """`(alignments, next_state)` for the `[batch, depth]` query."""
        return self._align(query, state)


class BahdanauAttention(_TF1Mechanism, BahdanauScore):
    """tf.contrib.seq2seq.BahdanauAttention: additive attention over `memory`.

    Args:
      num_units: The depth of the query and memory projections.
      memory: `[batch, max_time, depth]`, usually the encoder's outputs.
      memory_sequence_length: Optional `[batch]` lengths; later memory is masked out.
      normalize: Whether to use the weight-normalized form.
      probability_fn: Optional function of the scores (default softmax).
      score_mask_value: The score of masked positions (default -inf).
    """

    def __init__(self, num_units, memory, memory_sequence_length=None, normalize=False,
                 probability_fn=None, score_mask_value=None, dtype=None,
                 custom_key_value_fn=None, name="BahdanauAttention"):
        self._normalize = normalize
        self._init_tf1(num_units, memory, memory_sequence_length, probability_fn,
                       score_mask_value, dtype, name, query_layer=True)


class LuongAttention(_TF1Mechanism, LuongScore):
    """tf.contrib.seq2seq.LuongAttention: multiplicative attention over `memory` (the
    query, the cell's output, must have `num_units` depth).

    Args:
      num_units: The depth of the memory projection.
      memory, memory_sequence_length, probability_fn, score_mask_value: as in
        `BahdanauAttention`.
      scale: Whether to multiply the scores by a learned scalar.
    """

    def __init__(self, num_units, memory, memory_sequence_length=None, scale=False,
                 probability_fn=None, score_mask_value=None, dtype=None,
                 custom_key_value_fn=None, name="LuongAttention"):
        self._scale = scale
        self._init_tf1(num_units, memory, memory_sequence_length, probability_fn,
                       score_mask_value, dtype, name, query_layer=False)


class BahdanauMonotonicAttention(_TF1Mechanism, BahdanauMonotonicScore):
    """tf.contrib.seq2seq.BahdanauMonotonicAttention: Bahdanau's score plus a scalar bias,
    as monotonic attention (see `monotonic_attention`).

    Args:
      num_units, memory, memory_sequence_length, normalize, score_mask_value: as in
        `BahdanauAttention`.
      sigmoid_noise: Standard deviation of the noise added to the scores before the sigmoid
        (0: none).
      sigmoid_noise_seed: Optional seed of that noise.
      score_bias_init: Initial value of the score bias.
      mode: "parallel" (default), "recursive" or "hard".
    """

    def __init__(self, num_units, memory, memory_sequence_length=None, normalize=False,
                 score_mask_value=None, sigmoid_noise=0.0, sigmoid_noise_seed=None,
                 score_bias_init=0.0, mode="parallel", dtype=None,
                 name="BahdanauMonotonicAttention"):
        self._normalize = normalize
        self._init_tf1(num_units, memory, memory_sequence_length, None, score_mask_value,
                       dtype, name, query_layer=True)
        self._init_monotonic(sigmoid_noise, sigmoid_noise_seed, score_bias_init, mode)


class LuongMonotonicAttention(_TF1Mechanism, LuongMonotonicScore):
    """tf.contrib.seq2seq.LuongMonotonicAttention: Luong's score plus a scalar bias, as
    monotonic attention (arguments as in `BahdanauMonotonicAttention`; `scale` as in
    `LuongAttention`)."""

    def __init__(self, num_units, memory, memory_sequence_length=None, scale=False,
                 score_mask_value=None, sigmoid_noise=0.0, sigmoid_noise_seed=None,
                 score_bias_init=0.0, mode="parallel", dtype=None,
                 name="LuongMonotonicAttention"):
        self._scale = scale
        self._init_tf1(num_units, memory, memory_sequence_length, None, score_mask_value,
                       dtype, name, query_layer=False)
        self._init_monotonic(sigmoid_noise, sigmoid_noise_seed, score_bias_init, mode)


def _tf1_wrapper_base():
    from ..rnn import RNNCell
    return RNNCell


class AttentionWrapper(_tf1_wrapper_base(), _TF1Weights, WrapperMixin):
    """tf.contrib.seq2seq.AttentionWrapper: a cell that attends over the memory of
    `attention_mechanism` after each step of `cell`.

    At each step the cell reads `cell_input_fn(inputs, previous attention)` (default: their
    concatenation); its output is the query; the context (alignments times memory) goes
    through `attention_layer` (`Dense(attention_layer_size, use_bias=False)` of
    `[cell_output, context]`) when given, and is the step's attention.

    Args:
      cell: The `RNNCell` to wrap.
      attention_mechanism: A mechanism, or a list of them (their attentions concatenated).
      attention_layer_size: Optional int (or list): the attention layer's width.
      alignment_history: Whether the state keeps every step's alignments (a TensorArray).
      cell_input_fn: Optional `fn(inputs, attention)` giving the cell's inputs.
      output_attention: If True (default) the output is the attention, else the cell's.
      initial_cell_state: Optional initial state of `cell` for `zero_state`.
      attention_layer: Optional layer(s) used instead of `attention_layer_size`.
    """

    def __init__(self, cell, attention_mechanism, attention_layer_size=None,
                 alignment_history=False, cell_input_fn=None, output_attention=True,
                 initial_cell_state=None, name=None, attention_layer=None):
        super().__init__(name=name)
        self._dtype = None
        self._init_wrapper(cell, attention_mechanism, attention_layer_size, alignment_history,
                           cell_input_fn, output_attention, initial_cell_state,
                           attention_layer)

    @property
    def output_size(self):
        return self._attention_size() if self._output_attention else self._cell.output_size

    @property
    def state_size(self):
        m = self._one([m.alignments_size for m in self._mechanisms])
        return AttentionWrapperState(self._cell.state_size, self._attention_size(),
                                     ndflow.TensorShape([]), m, m if self._alignment_history
                                     else (), m)

    def _cell_zero_state(self, batch_size, dtype):
        return self._cell.zero_state(batch_size, dtype)

    def zero_state(self, batch_size, dtype):
        """The initial `AttentionWrapperState` for a batch of `batch_size`."""
        return self._wrapper_zero_state(batch_size, dtype)

    def __call__(self, inputs, state, scope=None):
        from .. import variable_scope as vs
        with vs.variable_scope(scope or self._name or "attention_wrapper"):
            return self._attend(ndflow.convert_to_tensor(inputs), state)

    def _cells(self):
        return self._cell._cells()
