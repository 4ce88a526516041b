"""tfa.seq2seq: TensorFlow Addons' sequence-to-sequence decoders as Keras layers.

The maths is `ndflow.compat.seq2seq`'s (shared with TF1's `tf.contrib.seq2seq`); these
modules give the Keras front ends: decoders are layers called as
`decoder(inputs, initial_state=..., sequence_length=...)` -> `(outputs, state, lengths)`,
eagerly, in `tf.function` and in Functional models; the attention mechanisms are layers
(their memory given at construction or with `setup_memory`).
"""
from . import attention_wrapper, basic_decoder, beam_search_decoder, decoder, loss, sampler
from .attention_wrapper import (AttentionMechanism, AttentionWrapper, AttentionWrapperState,
                                BahdanauAttention, BahdanauMonotonicAttention,
                                LuongAttention, LuongMonotonicAttention, hardmax,
                                monotonic_attention, safe_cumprod)
from .basic_decoder import BasicDecoder, BasicDecoderOutput
from .beam_search_decoder import (BeamSearchDecoder, BeamSearchDecoderOutput,
                                  BeamSearchDecoderState, FinalBeamSearchDecoderOutput,
                                  gather_tree, tile_batch)
from .decoder import BaseDecoder, Decoder, dynamic_decode
from .loss import SequenceLoss, sequence_loss
from .sampler import (CustomSampler, GreedyEmbeddingSampler, InferenceSampler,
                      SampleEmbeddingSampler, Sampler, ScheduledEmbeddingTrainingSampler,
                      TrainingSampler)

__all__ = ["attention_wrapper", "basic_decoder", "beam_search_decoder", "decoder", "loss",
           "sampler", "AttentionMechanism", "AttentionWrapper", "AttentionWrapperState",
           "BahdanauAttention", "LuongAttention", "BasicDecoder", "BasicDecoderOutput",
           "BeamSearchDecoder", "BeamSearchDecoderOutput", "BeamSearchDecoderState",
           "FinalBeamSearchDecoderOutput", "gather_tree", "tile_batch", "BaseDecoder",
           "Decoder", "dynamic_decode", "SequenceLoss", "sequence_loss",
           "GreedyEmbeddingSampler", "SampleEmbeddingSampler", "Sampler", "TrainingSampler",
           "CustomSampler", "InferenceSampler", "ScheduledEmbeddingTrainingSampler", "hardmax",
           "BahdanauMonotonicAttention", "LuongMonotonicAttention", "monotonic_attention",
           "safe_cumprod"]
