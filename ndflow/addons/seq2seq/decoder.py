"""tfa.seq2seq.decoder: `BaseDecoder`, the Keras layer every decoder layer derives from,
and `dynamic_decode`."""
from ...compat.seq2seq import decoder as _core
from ...keras.layers.base import Layer
from ...keras.layers.keras_tensor import any_keras_tensor

Decoder = _core.Decoder

__all__ = ["BaseDecoder", "Decoder", "dynamic_decode"]


def dynamic_decode(decoder, output_time_major=False, impute_finished=False,
                   maximum_iterations=None, parallel_iterations=32, swap_memory=False,
                   training=None, scope=None, enable_tflite_convertible=False, **kwargs):
    """Runs `decoder` until every example is finished (see
    `ndflow.compat.seq2seq.decoder.dynamic_decode`); `kwargs` (`decoder_init_input`,
    `decoder_init_kwargs`) go to `decoder.initialize`.

    Returns:
      `(final_outputs, final_state, final_sequence_lengths)`.
    """
    return _core.decode(decoder, output_time_major, impute_finished, maximum_iterations,
                        kwargs)


def restore_state(cell, state):
    """An attention cell's state given as a plain list (a reloaded model's saved call
    arguments lose the namedtuple) as its `AttentionWrapperState`."""
    from ...compat.seq2seq.attention import AttentionWrapperState, WrapperMixin
    if isinstance(cell, WrapperMixin) and isinstance(state, list) and \
            len(state) == len(AttentionWrapperState._fields):
        return AttentionWrapperState(*[_restored(s) for s in state])
    return state


def _restored(value):
    if isinstance(value, list) and not value:
        return ()
    # Functional deserialization leaves a saved constant among call arguments (the state's
    # `time`) as its config dict.
    if isinstance(value, dict) and value.get("class_name") == "__tensor__":
        from ...keras.saving.serialization_lib import deserialize_keras_object
        return deserialize_keras_object(value)
    return value


def _mechanisms(cell):
    """The attention mechanisms in `cell` (the layers that can defer their memory)."""
    return [layer for layer in getattr(cell, "_flatten_layers", lambda: [])()
            if hasattr(layer, "_nd_deferred")]


class BaseDecoder(Layer, _core.Decoder):
    """A decoder as a Keras layer: `decoder(inputs, initial_state=None, **kwargs)` runs
    `dynamic_decode` (`kwargs` go to the decoder's `initialize`).

    Args:
      output_time_major, impute_finished, maximum_iterations, parallel_iterations,
        swap_memory: as in `dynamic_decode`.
    """

    def __init__(self, output_time_major=False, impute_finished=False,
                 maximum_iterations=None, parallel_iterations=32, swap_memory=False,
                 **kwargs):
        super().__init__(**kwargs)
        self._nd_swap_memory, self._nd_parallel_iterations = swap_memory, parallel_iterations
        self.output_time_major = output_time_major
        self.impute_finished = impute_finished
        self.maximum_iterations = maximum_iterations

    def __call__(self, *args, **kwargs):
        # In a Functional model an attention memory set up from Keras tensors enters the
        # call as an input, so the model runs it with real tensors.
        mechanisms = _mechanisms(getattr(self, "_cell", None))
        if any(m._nd_deferred is not None for m in mechanisms) and \
                "nd_memories" not in kwargs and any_keras_tensor((args, kwargs)):
            kwargs["nd_memories"] = [m._nd_deferred for m in mechanisms]
        return super().__call__(*args, **kwargs)

    def call(self, inputs, initial_state=None, training=None, nd_memories=None, **kwargs):
        if nd_memories is not None:   # one entry per mechanism, None: its memory is set
            for mechanism, memory in zip(_mechanisms(getattr(self, "_cell", None)),
                                         nd_memories):
                if memory is not None:
                    mechanism._set_memory(*memory)
        init_kwargs = dict(kwargs, initial_state=initial_state)
        return _core.decode(self, self.output_time_major, self.impute_finished,
                            self.maximum_iterations,
                            dict(decoder_init_input=inputs, decoder_init_kwargs=init_kwargs))

    def get_config(self):
        return dict(super().get_config(), output_time_major=self.output_time_major,
                    impute_finished=self.impute_finished,
                    maximum_iterations=self.maximum_iterations)


def layer_config(layer):
    """A sub-layer's config (None stays None)."""
    from ...keras.models.serialization import serialize_layer
    return None if layer is None else serialize_layer(layer)


def layer_from_config(config, custom_objects=None):
    from ...keras.models.serialization import deserialize_layer
    return None if config is None else deserialize_layer(config, custom_objects)
