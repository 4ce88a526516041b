"""tfa.seq2seq.basic_decoder: `BasicDecoder`, a cell, a sampler and an output layer."""
from ...compat.seq2seq import decoder as _core
from ...compat.seq2seq.decoder import BasicDecoderOutput
from .decoder import BaseDecoder

__all__ = ["BasicDecoder", "BasicDecoderOutput"]


class BasicDecoder(BaseDecoder, _core.BasicDecoder):
    """tfa.seq2seq.BasicDecoder: steps `cell`, through `output_layer`, with `sampler`
    choosing the ids and next inputs.

    Called as `decoder(inputs, initial_state=..., sequence_length=...)` (the sampler's
    `initialize` arguments after the inputs), it returns
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
        self._initial_state = kwargs.pop("initial_state", None)
        finished, inputs = self._helper.initialize(decoder_init_input, **kwargs)
        return finished, inputs, self._initial_state
