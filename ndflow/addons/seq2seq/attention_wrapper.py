"""tfa.seq2seq.attention_wrapper: Bahdanau and Luong attention as Keras layers and the
`AttentionWrapper` Keras cell; the scores and the attention step are
`ndflow.compat.seq2seq.attention`'s.

A mechanism's memory is given at construction or with `setup_memory(memory,
memory_sequence_length=None, memory_mask=None)`. In a Functional model the memory is a
Keras tensor: the mechanism keeps it, and the decoder layer whose cell holds the mechanism
takes it as one more input of its call, so the model computes keys from the real memory.
"""
import ndflow
from ...compat.seq2seq import attention as _core
from ...compat.seq2seq.attention import (AttentionWrapperState, hardmax,
                                         monotonic_attention, safe_cumprod)
from ...keras import activations, initializers
from ...keras.layers.base import Layer
from ...keras.layers.core import Dense
from ...keras.layers.keras_tensor import any_keras_tensor
from ...keras.saving.object_registration import register_keras_serializable
from .decoder import layer_config, layer_from_config

__all__ = ["AttentionMechanism", "AttentionWrapper", "AttentionWrapperState",
           "BahdanauAttention", "LuongAttention", "BahdanauMonotonicAttention",
           "LuongMonotonicAttention", "hardmax", "monotonic_attention", "safe_cumprod"]


def _probability(fn):
    if fn is None or fn == "softmax":
        return lambda score, _state: ndflow.nn.softmax(score)
    if fn == "hardmax":
        return lambda score, _state: _core.hardmax(score)
    fn = activations.get(fn) if isinstance(fn, str) else fn
    return lambda score, _state: fn(score)


@register_keras_serializable(package="Addons")
class AttentionMechanism(Layer):
    """Base class of the Keras attention mechanisms: `alignments, next_state =
    mechanism([query, state])`."""

    def __init__(self, units, memory=None, memory_sequence_length=None, probability_fn=None,
                 kernel_initializer="glorot_uniform", query_layer=True, dtype=None,
                 name=None, **kwargs):
        super().__init__(name=name, dtype=dtype, **kwargs)
        self.units = self._units = units
        self._probability_fn = _probability(probability_fn)
        # a name is saved in configs; a function cannot be (False)
        self._nd_probability_name = probability_fn or "softmax" if probability_fn is None \
            or isinstance(probability_fn, str) else False
        self._score_mask_value = float("-inf")
        self._kernel_initializer = initializers.get(kernel_initializer)
        self._nd_weights = {}
        self._nd_deferred = None
        self.memory_layer = self._memory_layer = self._dense(units, "memory_layer")
        self.query_layer = self._query_layer = self._dense(units, "query_layer") \
            if query_layer else None
        if memory is not None:
            self.setup_memory(memory, memory_sequence_length)

    def _dense(self, units, name):
        return Dense(units, use_bias=False, name=name, dtype=self.dtype,
                     kernel_initializer=self._kernel_initializer if hasattr(
                         self, "_kernel_initializer") else "glorot_uniform")

    def _weight(self, name, shape, initializer):
        if name not in self._nd_weights:
            self._nd_weights[name] = self.add_weight(
                name=name, shape=tuple(shape), initializer=initializer or "glorot_uniform")
        return self._nd_weights[name]

    def setup_memory(self, memory, memory_sequence_length=None, memory_mask=None):
        """Sets the memory (`[batch, max_time, depth]`) the mechanism attends over."""
        if any_keras_tensor((memory, memory_sequence_length, memory_mask)):
            self._nd_deferred = (memory, memory_sequence_length, memory_mask)
            # what an initial state needs, as Keras tensors until the model runs
            self._values = memory
            self._steps = memory.shape[1] if memory.shape[1] is not None else \
                ndflow.shape(memory)[1]
            return
        self._set_memory(memory, memory_sequence_length, memory_mask)

    def call(self, inputs):
        query, state = inputs
        return self._align(query, state)

    def get_config(self):
        if self._nd_probability_name is False:
            raise NotImplementedError(f"{type(self).__name__}: a config cannot hold a "
                                      "probability_fn function; give its name.")
        return dict(super().get_config(), units=self.units,
                    probability_fn=self._nd_probability_name)


@register_keras_serializable(package="Addons")
class BahdanauAttention(AttentionMechanism, _core.BahdanauScore):
    """tfa.seq2seq.BahdanauAttention: additive attention (see the TF1 class for the maths).

    Args:
      units: The depth of the query and memory projections.
      memory: Optional `[batch, max_time, depth]` memory (else `setup_memory`).
      memory_sequence_length: Optional `[batch]` lengths.
      normalize: Whether to use the weight-normalized form.
      probability_fn: "softmax" (default), "hardmax" or a function of the scores.
      kernel_initializer: The projections' initializer.
    """

    def __init__(self, units, memory=None, memory_sequence_length=None, normalize=False,
                 probability_fn="softmax", kernel_initializer="glorot_uniform", dtype=None,
                 name="BahdanauAttention", **kwargs):
        self._normalize = normalize
        super().__init__(units, memory, memory_sequence_length, probability_fn,
                         kernel_initializer, True, dtype, name, **kwargs)

    def get_config(self):
        return dict(super().get_config(), normalize=self._normalize,
                    kernel_initializer=initializers.serialize(self._kernel_initializer))


@register_keras_serializable(package="Addons")
class LuongAttention(AttentionMechanism, _core.LuongScore):
    """tfa.seq2seq.LuongAttention: multiplicative attention; the query depth must be
    `units`.

    Args:
      units: The depth of the memory projection.
      memory, memory_sequence_length, probability_fn: as in `BahdanauAttention`.
      scale: Whether to multiply the scores by a learned scalar.
    """

    def __init__(self, units, memory=None, memory_sequence_length=None, scale=False,
                 probability_fn="softmax", dtype=None, name="LuongAttention", **kwargs):
        self._scale = scale
        super().__init__(units, memory, memory_sequence_length, probability_fn,
                         "glorot_uniform", False, dtype, name, **kwargs)

    def get_config(self):
        return dict(super().get_config(), scale=self._scale)


class _Monotonic:
    def _init_keras_monotonic(self, sigmoid_noise, sigmoid_noise_seed, score_bias_init,
                              mode, score_mask_value):
        self._init_monotonic(sigmoid_noise, sigmoid_noise_seed, score_bias_init, mode)
        if score_mask_value is not None:
            self._score_mask_value = score_mask_value
        self._nd_monotonic = dict(sigmoid_noise=sigmoid_noise,
                                  sigmoid_noise_seed=sigmoid_noise_seed,
                                  score_bias_init=score_bias_init, mode=mode,
                                  score_mask_value=score_mask_value)

    def get_config(self):
        config = dict(super().get_config(), **self._nd_monotonic)
        config.pop("probability_fn")
        return config


@register_keras_serializable(package="Addons")
class BahdanauMonotonicAttention(_Monotonic, AttentionMechanism, _core.BahdanauMonotonicScore):
    """tfa.seq2seq.BahdanauMonotonicAttention: Bahdanau's score plus a scalar bias, as
    monotonic attention (see `monotonic_attention`).

    Args:
      units, memory, memory_sequence_length, normalize, kernel_initializer: as in
        `BahdanauAttention`.
      score_mask_value: The score of masked positions (default -inf).
      sigmoid_noise: Standard deviation of the noise added to the scores (0: none).
      sigmoid_noise_seed: Optional seed of that noise.
      score_bias_init: Initial value of the score bias.
      mode: "parallel" (default), "recursive" or "hard".
    """

    def __init__(self, units, memory=None, memory_sequence_length=None, normalize=False,
                 score_mask_value=None, sigmoid_noise=0.0, sigmoid_noise_seed=None,
                 score_bias_init=0.0, mode="parallel", kernel_initializer="glorot_uniform",
                 dtype=None, name="BahdanauMonotonicAttention", **kwargs):
        self._normalize = normalize
        AttentionMechanism.__init__(self, units, memory, memory_sequence_length, None,
                                    kernel_initializer, True, dtype, name, **kwargs)
        self._init_keras_monotonic(sigmoid_noise, sigmoid_noise_seed, score_bias_init, mode,
                                   score_mask_value)

    def get_config(self):
        return dict(super().get_config(), normalize=self._normalize,
                    kernel_initializer=initializers.serialize(self._kernel_initializer))


@register_keras_serializable(package="Addons")
class LuongMonotonicAttention(_Monotonic, AttentionMechanism, _core.LuongMonotonicScore):
    """tfa.seq2seq.LuongMonotonicAttention: Luong's score plus a scalar bias, as
    monotonic attention (arguments as in `BahdanauMonotonicAttention`; `scale` as in
    `LuongAttention`)."""

    def __init__(self, units, memory=None, memory_sequence_length=None, scale=False,
                 score_mask_value=None, sigmoid_noise=0.0, sigmoid_noise_seed=None,
                 score_bias_init=0.0, mode="parallel", dtype=None,
                 name="LuongMonotonicAttention", **kwargs):
        self._scale = scale
        AttentionMechanism.__init__(self, units, memory, memory_sequence_length, None,
                                    "glorot_uniform", False, dtype, name, **kwargs)
        self._init_keras_monotonic(sigmoid_noise, sigmoid_noise_seed, score_bias_init, mode,
                                   score_mask_value)

    def get_config(self):
        return dict(super().get_config(), scale=self._scale)


@register_keras_serializable(package="Addons")
class AttentionWrapper(Layer, _core.WrapperMixin):
    """tfa.seq2seq.AttentionWrapper: a Keras cell attending over its mechanisms' memory
    after each step of `cell` (see the TF1 class for the step).

    Args:
      cell: A Keras RNN cell.
      attention_mechanism: A mechanism or a list of them.
      attention_layer_size, alignment_history, cell_input_fn, output_attention,
        initial_cell_state, attention_layer: as in TF1's `AttentionWrapper`.
    """

    def __init__(self, cell, attention_mechanism, attention_layer_size=None,
                 alignment_history=False, cell_input_fn=None, output_attention=True,
                 initial_cell_state=None, name=None, attention_layer=None, attention_fn=None,
                 **kwargs):
        super().__init__(name=name, **kwargs)
        if attention_fn is not None:
            raise NotImplementedError("AttentionWrapper: attention_fn is not supported.")
        self._init_wrapper(cell, attention_mechanism, attention_layer_size, alignment_history,
                           cell_input_fn, output_attention, initial_cell_state,
                           attention_layer)
        self.cell = cell
        self.mechanisms = self._mechanisms
        self._nd_config = dict(attention_layer_size=attention_layer_size,
                               alignment_history=alignment_history,
                               output_attention=output_attention)
        self._nd_unserializable = [n for n, v in (
            ("cell_input_fn", cell_input_fn), ("initial_cell_state", initial_cell_state),
            ("attention_layer", attention_layer)) if v is not None]

    def get_config(self):
        if self._nd_unserializable:
            raise NotImplementedError("AttentionWrapper: a config cannot hold "
                                      f"{', '.join(self._nd_unserializable)}.")
        mechanisms = [layer_config(m) for m in self._mechanisms]
        return dict(super().get_config(), cell=layer_config(self._cell),
                    attention_mechanism=mechanisms if self._is_multi else mechanisms[0],
                    **self._nd_config)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        config["cell"] = layer_from_config(config["cell"], custom_objects)
        mechanisms = config["attention_mechanism"]
        config["attention_mechanism"] = [layer_from_config(m, custom_objects) for m in
                                         mechanisms] if isinstance(mechanisms, list) else \
            layer_from_config(mechanisms, custom_objects)
        return cls(**config)

    def _dense(self, units, name):
        return Dense(units, use_bias=False, name=name, dtype=self.dtype)

    @property
    def output_size(self):
        return self._attention_size() if self._output_attention else self._cell.output_size

    @property
    def state_size(self):
        m = self._one([m.alignments_size for m in self._mechanisms])
        return AttentionWrapperState(self._cell.state_size, self._attention_size(), (), m,
                                     m if self._alignment_history else (), m)

    def _cell_zero_state(self, batch_size, dtype):
        return self._cell.get_initial_state(batch_size=batch_size, dtype=dtype)

    def get_initial_state(self, inputs=None, batch_size=None, dtype=None):
        """The initial `AttentionWrapperState` (cell zeros, or `initial_cell_state`)."""
        if batch_size is None:
            batch_size = ndflow.shape(inputs)[0]
        return self._wrapper_zero_state(batch_size, dtype or self.dtype or ndflow.float32)

    def call(self, inputs, states):
        return self._attend(inputs, states)
