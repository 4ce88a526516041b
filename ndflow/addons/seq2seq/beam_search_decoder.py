"""tfa.seq2seq.beam_search_decoder: `BeamSearchDecoder` as a Keras layer, `tile_batch`,
`gather_tree`."""
from ...compat.seq2seq import beam_search as _core
from ...compat.seq2seq.beam_search import (BeamSearchDecoderOutput, BeamSearchDecoderState,
                                           FinalBeamSearchDecoderOutput, gather_tree,
                                           tile_batch)
from ...keras.saving.object_registration import register_keras_serializable
from .decoder import BaseDecoder, layer_config, layer_from_config, restore_state

__all__ = ["BeamSearchDecoder", "BeamSearchDecoderOutput", "BeamSearchDecoderState",
           "FinalBeamSearchDecoderOutput", "gather_tree", "tile_batch"]


@register_keras_serializable(package="Addons")
class BeamSearchDecoder(BaseDecoder, _core.BeamSearchDecoder):
    """tfa.seq2seq.BeamSearchDecoder: beam search over `cell`.

    Called as `decoder(embedding, start_tokens=..., end_token=..., initial_state=...)`
    (`embedding` None when `embedding_fn` is given; `initial_state` tiled with
    `tile_batch`), it returns `(FinalBeamSearchDecoderOutput, final_state, lengths)`.

    Args:
      cell: A Keras RNN cell.
      beam_width: int, the beams kept per example.
      embedding_fn: Optional function of ids giving the next inputs.
      output_layer: Optional layer giving the logits.
      length_penalty_weight: float, as in TF1's `BeamSearchDecoder`.
      **kwargs: `BaseDecoder`'s (`maximum_iterations`...) and Layer's.
    """

    def __init__(self, cell, beam_width, embedding_fn=None, output_layer=None,
                 length_penalty_weight=0.0, coverage_penalty_weight=0.0,
                 reorder_tensor_arrays=True, **kwargs):
        BaseDecoder.__init__(self, **kwargs)
        _core.BeamSearchDecoder.__init__(self, cell, None, None, None, None, beam_width,
                                         output_layer, length_penalty_weight,
                                         coverage_penalty_weight, reorder_tensor_arrays)
        self._embedding_fn = embedding_fn
        self.cell, self.output_layer = cell, output_layer

    def initialize(self, decoder_init_input=None, decoder_init_kwargs=None, **kwargs):
        kwargs = dict(decoder_init_kwargs or {}, **kwargs)
        embedding = self._embedding_fn if self._embedding_fn is not None else \
            decoder_init_input
        self._setup(embedding, kwargs["start_tokens"], kwargs["end_token"],
                    restore_state(self._cell, kwargs["initial_state"]))
        return _core.BeamSearchDecoder.initialize(self)

    def get_config(self):
        from .sampler import _layer_config
        return dict(super().get_config(), cell=layer_config(self.cell),
                    beam_width=self._beam_width,
                    embedding_fn=_layer_config(self._embedding_fn, "embedding_fn"),
                    output_layer=layer_config(self.output_layer),
                    length_penalty_weight=self._length_penalty_weight,
                    reorder_tensor_arrays=self._reorder_tensor_arrays)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        for key in ("cell", "embedding_fn", "output_layer"):
            config[key] = layer_from_config(config.get(key), custom_objects)
        return cls(**config)
