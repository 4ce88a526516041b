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


def _deferred_mechanisms(cell):
    """The attention mechanisms in `cell` whose memory is still a Keras tensor."""
    found = []
    for layer in getattr(cell, "_flatten_layers", lambda: [])():
        if getattr(layer, "_nd_deferred", None) is not None:
            found.append(layer)
    return found


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
        self.output_time_major = output_time_major
        self.impute_finished = impute_finished
        self.maximum_iterations = maximum_iterations

    def __call__(self, *args, **kwargs):
        # In a Functional model an attention memory set up from Keras tensors enters the
        # call as an input, so the model runs it with real tensors.
        cell = getattr(self, "_cell", None)
        deferred = _deferred_mechanisms(cell) if cell is not None else []
        if deferred and any_keras_tensor((args, kwargs)):
            kwargs["nd_memories"] = [m._nd_deferred for m in deferred]
        return super().__call__(*args, **kwargs)

    def call(self, inputs, initial_state=None, training=None, nd_memories=None, **kwargs):
        if nd_memories is not None:
            cell = getattr(self, "_cell", None)
            for mechanism, memory in zip(_deferred_mechanisms(cell), nd_memories):
                mechanism._set_memory(*memory)
        init_kwargs = dict(kwargs, initial_state=initial_state)
        return _core.decode(self, self.output_time_major, self.impute_finished,
                            self.maximum_iterations,
                            dict(decoder_init_input=inputs, decoder_init_kwargs=init_kwargs))
