"""tfa.seq2seq.basic_decoder: `BasicDecoder`, a cell, a sampler and an output layer."""
from ...compat.seq2seq import decoder as _core
from ...compat.seq2seq.decoder import BasicDecoderOutput
from ...keras.saving.object_registration import register_keras_serializable
from . import sampler as _sampler
from .decoder import BaseDecoder, layer_config, layer_from_config, restore_state

__all__ = ["BasicDecoder", "BasicDecoderOutput"]


@register_keras_serializable(package="Addons")
class BasicDecoder(BaseDecoder, _core.BasicDecoder):
    """tfa.seq2seq.BasicDecoder: steps `cell`, through `output_layer`, with `sampler`
    choosing the ids and next inputs.

    Called as `decoder(inputs, initial_state=..., sequence_length=...)` (the sampler's
    `initialize` arguments after the inputs; without `initial_state` the cell starts from
    its `get_initial_state` zeros), it returns
    `(BasicDecoderOutput(rnn_output, sample_id), final_state, final_sequence_lengths)`.

    Args:
      cell: A Keras RNN cell (`LSTMCell`, `AttentionWrapper`...).
      sampler: A `Sampler` (`TrainingSampler`, `GreedyEmbeddingSampler`...).
      output_layer: Optional layer applied to the cell's outputs (e.g. `Dense(vocab)`).
      **kwargs: `BaseDecoder`'s (`maximum_iterations`, `impute_finished`...) and Layer's.
    """

    def __init__(self, cell, sampler, output_layer=None, **kwargs):
        BaseDecoder.__init__(self, **kwargs)
        _core.BasicDecoder.__init__(self, cell, sampler, None, output_layer)
        self.cell, self.sampler, self.output_layer = cell, sampler, output_layer

    def initialize(self, decoder_init_input=None, decoder_init_kwargs=None, **kwargs):
        """`(finished, first_inputs, initial_state)`: sets the sampler up on the inputs."""
        kwargs = dict(decoder_init_kwargs or {}, **kwargs)
        state = restore_state(self._cell, kwargs.pop("initial_state", None))
        finished, inputs = self._helper.initialize(decoder_init_input, **kwargs)
        if state is None:   # the cell's zeros, as a Keras RNN starts
            state = self._cell.get_initial_state(batch_size=self._helper.batch_size,
                                                 dtype=inputs.dtype)
        self._initial_state = state
        return finished, inputs, state

    def get_config(self):
        return dict(super().get_config(), cell=layer_config(self.cell),
                    sampler=_sampler.serialize(self.sampler),
                    output_layer=layer_config(self.output_layer))

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        cell = layer_from_config(config.pop("cell"), custom_objects)
        sampler = _sampler.deserialize(config.pop("sampler"), custom_objects)
        output_layer = layer_from_config(config.pop("output_layer", None), custom_objects)
        return cls(cell, sampler, output_layer, **config)
